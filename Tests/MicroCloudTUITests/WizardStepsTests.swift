import Foundation
import MicroCloudKit
import Testing
@testable import MicroCloudTUI

/// Steps 3–7: local disks, Ceph disks, Ceph networks, OVN uplinks, the OVN form.
@Suite struct WizardStepsTests {
    static func item(_ n: Int, _ disk: String) -> MemberItem {
        MemberItem(member: "micro0\(n)", name: disk)
    }

    @Test func localDisksSayWhichDriverAndWhy() {
        let d = Fixtures.atQuestions()
        #expect(d.state.step == .localDisks)
        #expect(d.flat.contains("Storage driver for the pool local: btrfs (ZFS is not available on micro02)"))
    }

    @Test func escOnTheFirstQuestionSaysTheServersAreConfirmed() {
        var d = Fixtures.atQuestions()
        d.key(.escape)
        #expect(d.state.step == .localDisks)
        #expect(d.flat.contains("The servers are already confirmed. To start over, press Ctrl-C to abort the setup."))
        d = Fixtures.afterLocal()
        d.key(.escape)
        #expect(d.state.step == .localDisks, "Esc goes back one step")
        #expect(d.state.answers.localTable.selected.count == 3, "with the answers kept")
    }

    @Test func atMostOneLocalDiskPerServer() {
        var d = Fixtures.atQuestions()
        d.key(.char(" "), .down, .char(" "))
        #expect(d.state.answers.localTable.selected == [Self.item(1, "/dev/disk/by-id/scsi-0QEMU_disk1b")])
        d.key(.enter)
        #expect(d.state.step == .localDisks)
        #expect(d.flat.contains("No local disk chosen for \"micro02\". Select exactly one disk on every member for local "
                                + "storage, or skip local storage."))
        d.key(.right)
        #expect(d.state.answers.localTable.selected.count == 3)
        #expect(Set(d.state.answers.localTable.selected.map(\.member)) == ["micro01", "micro02", "micro03"])
        d.key(.enter)
        #expect(d.state.step == .cephDisks)
    }

    @Test func tabMarksOnlyAChosenDiskForWiping() {
        var d = Fixtures.atQuestions()
        d.key(.tab)
        #expect(d.flat.contains("Select the disk first (Space), then press Tab to mark it for wiping."))
        #expect(d.state.answers.localWipe.isEmpty)
        d.key(.char(" "), .tab)
        #expect(d.state.answers.localTable.cursorRow?.cells.last == "yes")
        d.key(.char(" "))
        #expect(d.state.answers.localWipe.isEmpty, "unpicking a disk drops its wipe mark")
        #expect(d.state.answers.localTable.cursorRow?.cells.last == "")
        d = Fixtures.afterLocal()
        let plan = WizardPlanner.plan(from: d.state)
        #expect(plan.member("micro01")?.localDisk == DiskChoice(path: "/dev/disk/by-id/nvme-disk1d", wipe: true))
        #expect(plan.member("micro02")?.localDisk?.wipe == false)
    }

    @Test func enterTwiceOnNoDisksSkipsLocalStorage() {
        var d = Fixtures.atQuestions()
        d.key(.enter)
        #expect(d.flat.contains("No disks selected. Press Enter again to skip local storage"))
        #expect(d.state.step == .localDisks)
        d.key(.enter)
        #expect(d.state.step == .cephDisks)
        #expect(WizardPlanner.plan(from: d.state).localPool == nil)
        #expect(d.state.answers.cephTable.rows.count == 9, "every available disk is offered to Ceph")
    }

    @Test func localStorageIsSkippedWithALineWhenAServerHasNoDisk() {
        var d = Fixtures.atServers()
        d.key(.right, .enter)
        var bare = Fixtures.inventory(3)
        bare.disks = [bare.disks[3]]  // only the partitioned one
        d.send(.inventories([Fixtures.inventory(1), Fixtures.inventory(2), bare], problems: []))
        #expect(d.state.step == .cephDisks)
        #expect(d.flat.contains("No disks available for local storage on micro03. Skipping configuration"))
    }

    @Test func aDirectoryPoolNeedsNoDisk() {
        var d = Fixtures.atServers()
        d.key(.right, .enter)
        let dirOnly = Fixtures.inventories(full: false).map { inv -> Inventory in
            var i = inv
            i.lxd.storageDrivers = ["dir"]
            return i
        }
        d.send(.inventories(dirOnly, problems: []))
        #expect(d.state.step == .summary, "nothing to ask in the lab with dir only")
        let summary = d.state.summaryItems().flatMap(\.lines).map(\.text).joined(separator: "\n")
        #expect(summary.contains("Pool local: dir (ZFS is not available on micro01, micro02, micro03; Btrfs is not "
                                 + "available on micro01, micro02, micro03), no disk needed"))
        let plan = WizardPlanner.plan(from: d.state)
        #expect(plan.localPool?.driver == "dir")
        #expect(plan.members.allSatisfy { $0.localDisk == nil })
    }

    @Test func cephOffersWhatLocalStorageLeftAndWarnsUnderThreeServers() {
        var d = Fixtures.afterLocal()
        #expect(d.state.step == .cephDisks)
        let offered = Set(d.state.answers.cephTable.rows.map(\.id.name))
        #expect(!offered.contains("/dev/disk/by-id/nvme-disk1d"))
        #expect(d.state.answers.cephTable.rows.count == 6)
        d.key(.char(" "))
        #expect(d.flat.contains("At least 3 systems must supply disks (1 currently supplying)"))
        d.key(.right)
        #expect(!d.flat.contains("At least 3 systems"))
    }

    @Test func cephAsksEncryptionThenCephFS() {
        var d = Fixtures.afterLocal()
        d.key(.right, .enter)
        #expect(d.flat.contains("Do you want to encrypt the selected disks? (yes/no) [default=no]"))
        d.key(.char("y"))
        #expect(d.flat.contains("Would you like to set up CephFS remote storage? (yes/no) [default=yes]"))
        d.key(.escape)
        #expect(d.flat.contains("Do you want to encrypt the selected disks?"), "Esc goes back one question")
        d.key(.char("y"), .char("n"))
        #expect(d.state.step == .cephNetworks)
        let plan = WizardPlanner.plan(from: d.state)
        #expect(plan.ceph?.encrypt == true)
        #expect(plan.ceph?.cephfs == false)
        #expect(plan.members.flatMap(\.cephDisks).allSatisfy { $0.encrypt })
        #expect(plan.osdHosts == ["micro01", "micro02", "micro03"])
    }

    /// Debian's LXD 5.0.2 (the lab's) lacks storage_cephfs_create_missing: like upstream, no CephFS question, but the
    /// operator reads why on the next screen and in the summary (upstream only logs it).
    @Test func cephFSIsNotAskedWithoutLXDsExtensionAndTheScreenSaysWhy() {
        var d = Fixtures.atServers()
        d.key(.right, .enter)
        let old = Fixtures.inventories().map { inv -> Inventory in
            var i = inv
            if i.name != "micro01" { i.lxd.apiExtensions = ["storage_pool_source_wipe"] }
            return i
        }
        d.send(.inventories(old, problems: []))
        d.key(.right, .enter, .right, .enter)
        #expect(d.flat.contains("Do you want to encrypt the selected disks?"))
        d.key(.enter)
        #expect(d.state.step == .cephNetworks, "no CephFS question")
        let why = "CephFS is not offered: LXD on micro02 and micro03 lacks the storage_cephfs_create_missing extension, "
            + "which creating the remote-fs pool needs. Upgrade LXD to set up CephFS."
        #expect(d.flat.contains(why))
        #expect(WizardPlanner.plan(from: d.state).ceph?.cephfs == false)
        d.key(.enter, .enter)
        #expect(d.state.step == .ovnUplinks)
        let summary = d.state.summaryItems().flatMap(\.lines).map(\.text).joined(separator: "\n")
        #expect(summary.contains("CephFS no") && summary.contains(why))
    }

    @Test func cephIsSkippedWithALineWhenMicroCephIsMissing() {
        var d = Fixtures.atQuestions(full: false)
        d.key(.right, .enter)
        #expect(d.state.step == .summary)
        #expect(d.state.skipNotes.contains { $0.contains("MicroCeph is not installed, so distributed storage is skipped.") })
        #expect(d.state.skipNotes.contains { $0.contains("MicroOVN is not installed, so distributed networking is skipped") })
        let plan = WizardPlanner.plan(from: d.state)
        #expect(plan.services == [.microcloud, .lxd])
        #expect(plan.ceph == nil && plan.ovn == nil)
        #expect(plan.fallbackBridge == BridgePlan(name: "lxdbr0", ipv4: "10.79.0.1/24"))
    }

    @Test func cephNetworksDefaultToTheLookupSubnet() {
        var d = Fixtures.afterCeph()
        #expect(d.flat.contains("What subnet (IPv4/IPv6 CIDR) would you like your Ceph internal traffic on? [default=10.0.0.0/24]"))
        d.key(.enter, .enter)
        #expect(d.state.step == .ovnUplinks)
        let ceph = WizardPlanner.plan(from: d.state).ceph
        #expect(ceph?.internalNetwork == "10.0.0.0/24" && ceph?.publicNetwork == "10.0.0.0/24",
                "the default is written out, as a preseed file without Ceph networks gets it")
    }

    @Test func cephNetworksAreCheckedWhileTyping() {
        var d = Fixtures.afterCeph()
        d.type("10.0.1.5/24")
        #expect(d.flat.contains("Ceph internal network 10.0.1.5/24 has host bits set. Use its network address 10.0.1.0/24."))
        d.key(.enter)
        #expect(d.state.answers.cephNetworks.focus == 0, "a field with a problem keeps the focus")
        d.key(.backspace, .backspace, .backspace, .backspace)
        d.type("0/24")
        #expect(!d.flat.contains("host bits"))
        d.key(.enter)
        #expect(d.flat.contains("[default=10.0.1.0/24]"), "the public subnet follows the internal one")
        d.type("10.0.9.0/24")
        #expect(d.flat.contains("Not enough network interfaces found with an IP within the given CIDR subnet on"))
        d.key(.enter)
        #expect(d.state.step == .cephNetworks)
        for _ in 0..<11 { d.key(.backspace) }
        d.key(.enter)
        #expect(d.state.step == .ovnUplinks)
        let ceph = WizardPlanner.plan(from: d.state).ceph
        #expect(ceph?.internalNetwork == "10.0.1.0/24" && ceph?.publicNetwork == "10.0.1.0/24")
    }

    @Test func oneUplinkPerServer() {
        var d = Fixtures.afterCephNetworks()
        #expect(d.state.step == .ovnUplinks)
        d.key(.char(" "), .enter)
        #expect(d.flat.contains("No uplink interface chosen for \"micro02\". Select one interface on every member to "
                                + "provide external connectivity for OVN."))
        d.key(.right, .enter)
        #expect(d.state.step == .ovnForms)
        #expect(WizardPlanner.plan(from: d.state).members.allSatisfy { $0.uplinkInterface == "enp6s0" })
    }

    @Test func noUplinkMeansTheFallbackBridge() {
        var d = Fixtures.afterCephNetworks()
        d.key(.enter, .enter)
        #expect(d.state.step == .summary)
        let plan = WizardPlanner.plan(from: d.state)
        #expect(plan.ovn == nil)
        #expect(plan.fallbackBridge?.ipv4 == "10.79.0.1/24")
    }

    @Test func theOVNFormSaysWhatIsWrongWhileTyping() {
        var d = Fixtures.afterUplinks()
        d.type("192.0.2.0/24")
        #expect(d.flat.contains("IPv4 gateway 192.0.2.0/24 is a network address. Use the router's host address, e.g. 192.0.2.1/24."))
        d.key(.backspace, .backspace, .backspace, .backspace)
        d.type("1/24")
        #expect(!d.flat.contains("is a network address"))
        #expect(d.flat.contains("192.0.2.1 (default)"), "DNS defaults to the gateway")
        d.key(.tab)
        d.type("10.1.1.1")
        #expect(d.flat.contains("IPv4 range start 10.1.1.1 is not inside the gateway's subnet 192.0.2.0/24."))
        for _ in 0..<8 { d.key(.backspace) }
        d.type("192.0.2.0")
        d.key(.tab)
        d.type("192.0.2.10")
        #expect(d.flat.contains("IPv4 range 192.0.2.0-192.0.2.10 includes the gateway address 192.0.2.1."))
        d.key(.up, .end)
        for _ in 0..<9 { d.key(.backspace) }
        d.type("192.0.2.20")
        d.key(.down, .end)
        d.key(.backspace)
        d.type("9")
        #expect(d.flat.contains("IPv4 range 192.0.2.20-192.0.2.19 starts after it ends."))
    }

    @Test func theRangeMustLeaveTheServersOut() {
        var d = Fixtures.afterUplinks()
        d.type("10.0.0.254/24")
        d.key(.tab)
        d.type("10.0.0.1")
        d.key(.tab)
        d.type("10.0.0.10")
        #expect(d.flat.contains("UPLINK ipv4.ovn.ranges must not include system address \"10.0.0.1\" (of \"micro01\")."))
    }

    @Test func atLeastOneGatewayIsNeeded() {
        var d = Fixtures.afterUplinks()
        d.key(.enter, .enter, .enter, .enter, .enter)
        #expect(d.state.step == .ovnForms)
        #expect(d.flat.contains("Either the IPv4 or IPv6 gateway has to be set on the uplink network"))
        d.key(.up)
        d.type("2001:db8::1/64")
        d.key(.enter, .enter)
        #expect(d.flat.contains("Configure dedicated OVN underlay networking? (yes/no) [default=no]"))
        d.key(.enter)
        #expect(d.state.step == .summary)
        let ovn = WizardPlanner.plan(from: d.state).ovn
        #expect(ovn == OVNPlan(ipv6Gateway: "2001:db8::1/64", dnsServers: ["2001:db8::1"]))
    }

    @Test func anIPv4GatewayNeedsItsRange() {
        var d = Fixtures.afterUplinks()
        d.type("192.0.2.1/24")
        d.key(.enter, .enter, .enter, .enter, .enter)
        #expect(d.state.step == .ovnForms)
        #expect(d.flat.contains("An IPv4 gateway needs an IPv4 range for OVN to use."))
        #expect(d.state.answers.ovnForm.focus == 1, "the focus goes to the first field with a problem")
    }

}
