import Testing
@testable import MicroCloudKit
import PreseedYAML

private func preseed(_ yaml: String) throws -> Preseed {
    let (p, warnings) = try Preseed.parse(yaml)
    #expect(warnings == [], "unexpected warnings: \(warnings)")
    return p
}

private let header = """
initiator: micro01
lookup_subnet: 10.0.0.0/24
session_passphrase: a b c d
systems:
- name: micro03
- name: micro01
- name: micro02

"""

private func resolve(_ yaml: String, _ inventories: [Inventory] = Fixture.lab,
                     as local: String = "micro01") throws -> (plan: ClusterPlan?, issues: [PlanIssue]) {
    try preseed(yaml).resolve(inventories: inventories, localName: local)
}

@Suite struct PreseedResolveTests {
    @Test func labWithExplicitDisks() throws {
        var yaml = "initiator: micro01\nlookup_subnet: 10.0.0.0/24\nsession_passphrase: a b c d\nsystems:\n"
        for n in 1...3 { yaml += "- name: micro0\(n)\n  storage:\n    local:\n      path: \(Fixture.path(1))\n      wipe: true\n" }
        let (plan, issues) = try resolve(yaml)
        #expect(issues == [])
        #expect(plan == Fixture.labPlan)
    }

    @Test func membersAreSortedAndAddressesComeFromInventory() throws {
        let (plan, _) = try resolve(header + "storage:\n  local:\n  - find: device_id == *lxd_disk1\n    wipe: true\n")
        #expect(plan?.members.map(\.name) == ["micro01", "micro02", "micro03"])
        #expect(plan?.members.map(\.address) == ["10.0.0.11", "10.0.0.12", "10.0.0.13"])
        #expect(plan?.members.map(\.fingerprint) == ["ab12cd34ef5610", "ab12cd34ef5620", "ab12cd34ef5630"])
        #expect(plan == Fixture.labPlan, "a filter that picks disk1 everywhere gives the explicit plan")
    }

    @Test func explicitDiskOnOneSystemFiltersForTheRest() throws {
        let yaml = """
        initiator: micro01
        lookup_subnet: 10.0.0.0/24
        session_passphrase: a b c d
        systems:
        - name: micro01
          storage:
            local: {path: \(Fixture.nvme)}
        - name: micro02
        - name: micro03
        storage:
          local:
          - find: type == scsi && size < 15GiB
            find_max: 2
        """
        let (plan, issues) = try resolve(yaml)
        #expect(issues == [])
        #expect(plan?.members.map { $0.localDisk?.path } == [Fixture.nvme, Fixture.path(1), Fixture.path(1)])
        #expect(plan?.members.map { $0.localDisk?.wipe } == [false, false, false])
    }

    @Test func localFilterBelowMinimum() throws {
        let (plan, issues) = try resolve(header + "storage:\n  local:\n  - find: size > 1TB\n")
        #expect(plan == nil)
        expectIssue(.error("storage.local[0]", "Failed to find at least 1 disks for filter \"size > 1TB\" (found 0). "
            + "Widen the filter or lower find_min."), in: issues)
    }

    @Test func localFilterAboveMaximum() throws {
        let (plan, issues) = try resolve(header + "storage:\n  local:\n  - find: type == scsi\n    find_max: 2\n")
        #expect(plan == nil)
        expectIssue(.error("storage.local[0]", "Found more than 2 disks for filter \"type == scsi\" (found 3). Narrow "
            + "the filter or raise find_max."), in: issues)
    }

    @Test func localStorageIsAllOrNone() throws {
        var inv = Fixture.lab
        inv[2].disks.removeAll { $0.id == "sdb" }
        let (plan, issues) = try resolve(header + "storage:\n  local:\n  - find: device_id == *lxd_disk1\n", inv)
        #expect(plan == nil)
        expectIssue(.error("systems[micro03].storage.local", member: "micro03",
                           "Failed to find at least 1 disk on each machine for local storage pool configuration: "
                           + "\"micro03\" has none. Give systems[micro03].storage.local or widen the storage.local "
                           + "filters."), in: issues)
    }

    @Test func cephFiltersCountTotalsAndNeverReuseADisk() throws {
        let yaml = header + """
        storage:
          local:
          - find: device_id == *lxd_disk1
          ceph:
          - find: type == scsi
            find_min: 3
            wipe: true
          - find: type == scsi || type == nvme
            find_max: 3
            encrypt: true
        """
        let (plan, issues) = try resolve(yaml, Fixture.full)
        #expect(issues == [])
        let plan_ = try #require(plan)
        for m in plan_.members {
            #expect(m.localDisk?.path == Fixture.path(1))
            #expect(m.cephDisks == [DiskChoice(path: Fixture.path(2), wipe: true),
                                    DiskChoice(path: Fixture.nvme, encrypt: true)])
        }
        #expect(plan_.localPool?.driver == "zfs")
        #expect(plan_.ceph == CephPlan(encrypt: false, cephfs: false, internalNetwork: "10.0.0.0/24",
                                       publicNetwork: "10.0.0.0/24"))
        #expect(plan_.services == [.microcloud, .lxd, .microceph, .microovn])
    }

    @Test func cephFilterMinimumIsATotalAcrossSystems() throws {
        let (plan, issues) = try resolve(header + "storage:\n  ceph:\n  - find: device_id == *lxd_disk2\n    find_min: 4\n",
                                         Fixture.full)
        #expect(plan == nil)
        expectIssue(.error("storage.ceph[0]", "Failed to find at least 4 disks for filter \"device_id == *lxd_disk2\" "
            + "(found 3). Widen the filter or lower find_min."), in: issues)
    }

    @Test func explicitCephDisksExemptASystemFromFilters() throws {
        let yaml = """
        initiator: micro01
        lookup_subnet: 10.0.0.0/24
        session_passphrase: a b c d
        systems:
        - name: micro01
          storage:
            ceph: [{path: \(Fixture.nvme), wipe: true, encrypt: true}]
        - name: micro02
        - name: micro03
        ceph:
          cephfs: true
          internal_network: 10.0.1.0/24
        storage:
          ceph:
          - find: device_id == *lxd_disk2
            find_min: 2
            find_max: 2
        """
        let (plan, issues) = try resolve(yaml, Fixture.full)
        #expect(issues == [])
        #expect(plan?.members.map { $0.cephDisks.map(\.path) } == [[Fixture.nvme], [Fixture.path(2)], [Fixture.path(2)]])
        #expect(plan?.ceph == CephPlan(encrypt: false, cephfs: true, internalNetwork: "10.0.1.0/24",
                                       publicNetwork: "10.0.0.0/24"))
    }

    @Test func fewerThanThreeOSDHostsOnlyWarns() throws {
        let yaml = header.replacingOccurrences(of: "- name: micro02\n", with: "- name: micro02\n  storage:\n    ceph: [{path: /dev/sdc}]\n")
            .replacingOccurrences(of: "- name: micro03\n", with: "- name: micro03\n  storage:\n    ceph: [{path: /dev/sdc}]\n")
            .replacingOccurrences(of: "- name: micro01\n", with: "- name: micro01\n  storage:\n    ceph: []\n")
        let (plan, issues) = try resolve(yaml + "storage:\n  ceph: []\n", Fixture.full)
        #expect(plan?.osdHosts == ["micro02", "micro03"])
        #expect(issues.map(\.severity) == [.warning])
        #expect(issues.first?.message.hasPrefix("Disk configuration does not meet recommendations for fault tolerance.") == true)
    }

    @Test func uplinksDefaultToTheAlphabeticallyFirstCandidate() throws {
        var inv = Fixture.full
        inv[1].interfaces.append(NetworkInterface(name: "enp9s0"))
        let yaml = header + "ovn:\n  ipv4_gateway: 192.0.2.1/24\n  ipv4_range: 192.0.2.10-192.0.2.99\n  dns_servers: 192.0.2.1\n"
        let (plan, issues) = try resolve(yaml, inv)
        #expect(issues == [])
        #expect(plan?.members.map(\.uplinkInterface) == ["eth1", "enp9s0", "eth1"])
        #expect(plan?.ovn == OVNPlan(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.10-192.0.2.99", dnsServers: ["192.0.2.1"]))
        #expect(plan?.fallbackBridge == nil && plan?.profileNetwork == "default")
    }

    @Test func explicitUplinksWin() throws {
        var inv = Fixture.full
        for i in inv.indices { inv[i].interfaces.append(NetworkInterface(name: "enp9s0")) }
        var yaml = "initiator: micro01\nlookup_subnet: 10.0.0.0/24\nsession_passphrase: x\nsystems:\n"
        for n in 1...3 { yaml += "- name: micro0\(n)\n  ovn_uplink_interface: eth1\n  ovn_underlay_ip: 10.0.1.1\(n)\n" }
        yaml += "ovn:\n  ipv6_gateway: fd42::1/64\n"
        let (plan, issues) = try resolve(yaml, inv)
        #expect(issues == [])
        #expect(plan?.members.map(\.uplinkInterface) == ["eth1", "eth1", "eth1"])
        #expect(plan?.members.map(\.underlayIP) == ["10.0.1.11", "10.0.1.12", "10.0.1.13"])
    }

    @Test func systemWithoutUplinkCandidateFallsBackToTheBridgeAndSaysWhy() throws {
        var inv = Fixture.full
        inv[2].interfaces.removeAll { $0.name == "eth1" }
        let yaml = header + "ovn:\n  ipv6_gateway: fd42::1/64\nfallback_bridge:\n  ipv4_address: 10.80.0.1/24\n"
        let (plan, issues) = try resolve(yaml, inv)
        #expect(plan?.ovn == nil && plan?.fallbackBridge == BridgePlan(ipv4: "10.80.0.1/24"))
        #expect(plan?.profileNetwork == "lxdbr0")
        #expect(plan?.members.allSatisfy { $0.uplinkInterface == nil && $0.underlayIP == nil } == true)
        #expect(plan?.services.contains(.microovn) == true, "MicroOVN is still clustered (as upstream does)")
        #expect(issues == [.warning("ovn", "System \"micro03\" is ineligible for distributed networking. At least one "
            + "interface in state UP with no IPs assigned or a bridge is required; instances use the bridge lxdbr0 "
            + "(10.80.0.1/24) instead.")])
    }

    @Test func anExplicitUplinkThatCannotBeOneStaysAnError() throws {
        var inv = Fixture.full
        inv[2].interfaces.removeAll { $0.name == "eth1" }
        var yaml = "initiator: micro01\nlookup_subnet: 10.0.0.0/24\nsession_passphrase: x\nsystems:\n"
        for n in 1...3 { yaml += "- name: micro0\(n)\n  ovn_uplink_interface: \(n == 3 ? "eth0" : "eth1")\n" }
        let (plan, issues) = try resolve(yaml + "ovn:\n  ipv6_gateway: fd42::1/64\n", inv)
        #expect(plan == nil)
        expectIssue(.error("systems[micro03].ovn_uplink_interface", member: "micro03",
                           "Interface \"eth0\" on \"micro03\" cannot be an OVN uplink: it has IP addresses and is not a "
                           + "bridge. It has none: at least one interface in state UP with no IPs assigned or a bridge "
                           + "is required."), in: issues)
    }

    @Test func withoutAnyBridgeTheFallbackLineSaysSo() throws {
        var inv = Fixture.full
        inv[0].interfaces = inv[0].interfaces.map { i in
            var i = i
            if i.name == "eth1" { i.state = "down" }
            return i
        }
        let (plan, issues) = try resolve(header + "ovn:\n  ipv6_gateway: fd42::1/64\nfallback_bridge: none\n", inv)
        #expect(plan?.ovn == nil && plan?.fallbackBridge == nil)
        expectIssue(.warning("ovn", "System \"micro01\" is ineligible for distributed networking. At least one "
            + "interface in state UP with no IPs assigned or a bridge is required; no fallback bridge is planned, so "
            + "instances get no network."), in: issues)
    }

    @Test func labWithoutMicroCephOrMicroOVNSkipsThemWithWarnings() throws {
        let yaml = header + """
        ovn:
          ipv4_gateway: 192.0.2.1/24
          ipv4_range: 192.0.2.10-192.0.2.99
        storage:
          local:
          - find: device_id == *lxd_disk1
          ceph:
          - find: device_id == *lxd_disk2
        """
        let (plan, issues) = try resolve(yaml)
        #expect(plan?.services == [.microcloud, .lxd])
        #expect(plan?.ceph == nil && plan?.ovn == nil && plan?.fallbackBridge == .standard)
        #expect(plan?.members.allSatisfy { $0.cephDisks.isEmpty && $0.uplinkInterface == nil } == true)
        #expect(issues == [
            .warning("ceph", "MicroCeph is not installed, so distributed storage is skipped."),
            .warning("ovn", "MicroOVN is not installed, so distributed networking is skipped."),
        ])
    }

    @Test func serviceMissingOnSomeSystemsIsDroppedWithAWarning() throws {
        var inv = Fixture.full
        inv[2].services[.microceph] = nil
        let (plan, issues) = try resolve(header, inv)
        #expect(plan?.services == [.microcloud, .lxd, .microovn])
        expectIssue(.warning("services", "MicroCeph is not installed on micro03, so distributed storage is skipped."),
                    in: issues)
    }

    @Test func missingInventoryIsAnError() throws {
        let (plan, issues) = try resolve(header, Array(Fixture.lab.prefix(2)))
        #expect(plan == nil)
        expectIssue(.error("systems[micro03]", member: "micro03",
                           "No system information for \"micro03\": it did not join within lookup_timeout (60s) or "
                           + "could not be asked. Check that it runs this file with the same passphrase."), in: issues)
    }

    @Test func addressIsTheFirstInsideTheLookupSubnet() throws {
        var inv = Fixture.lab
        inv[1].address = "192.0.2.7"
        inv[2].address = "192.0.2.8"
        inv[2].interfaces.removeAll { $0.name == "eth0" }
        let (plan, issues) = try resolve(header, inv)
        #expect(plan == nil)
        #expect(issues.count == 1)
        expectIssue(.error("systems[micro03].address", member: "micro03",
                           "Failed to determine MicroCloud address within subnet 10.0.0.0/24 on \"micro03\". Give it "
                           + "an address in that subnet or fix lookup_subnet."), in: issues)
        let (ok, _) = try resolve(header, Array(inv.prefix(2)) + [Fixture.lab[2]])
        #expect(ok?.member("micro02")?.address == "10.0.0.12", "found on eth0 though the inventory said otherwise")
    }

    @Test func unicastUsesGivenAddressesAndTheInitiatorsSubnet() throws {
        var yaml = "initiator_address: 10.0.0.11\nsession_passphrase: a b c d\nsystems:\n"
        for n in 1...3 { yaml += "- name: micro0\(n)\n  address: 10.0.0.1\(n)\n" }
        let (plan, issues) = try resolve(yaml)
        #expect(issues == [])
        #expect(plan?.lookupSubnet == "10.0.0.0/24" && plan?.initiator == "micro01")
        #expect(plan?.members.map(\.address) == ["10.0.0.11", "10.0.0.12", "10.0.0.13"])
    }

    @Test func rolesByNameAndAddress() throws {
        let multicast = try preseed(header)
        #expect(multicast.role(localName: "micro01") == .initiator(bootstrap: true))
        #expect(multicast.role(localName: "micro02") == .joiner)
        var adding = multicast
        adding.initiator = "micro00"
        #expect(adding.role(localName: "micro00") == .initiator(bootstrap: false))
        let unicast = Preseed(initiatorAddress: "10.0.0.11", systems: [Preseed.System(name: "micro01", address: "10.0.0.11")])
        #expect(unicast.role(localName: "x", localAddresses: ["10.0.0.11/24"]) == .initiator(bootstrap: true))
        #expect(unicast.role(localName: "x", localAddresses: ["10.0.0.12/24"]) == .joiner)
    }

    @Test func onlyTheInitiatorResolves() throws {
        let (plan, issues) = try resolve(header, as: "micro02")
        #expect(plan == nil)
        expectIssue(.error("initiator", "\"micro02\" is not the initiator (micro01). Only the initiator plans the cloud; "
            + "on other servers this file just joins."), in: issues)
    }

    @Test func initiatorMustBeListedToBootstrap() throws {
        let yaml = header.replacingOccurrences(of: "- name: micro01\n", with: "")
        let (plan, issues) = try resolve(yaml)
        #expect(plan == nil)
        expectIssue(.error("systems", "Local MicroCloud must be included in the list of systems when initializing. Add "
            + "\"micro01\" to systems (adding servers to an existing cloud by preseed is not supported yet)."), in: issues)
    }

    @Test func staticErrorsStopBeforePlanning() throws {
        let (plan, issues) = try resolve(header.replacingOccurrences(of: "session_passphrase: a b c d\n", with: ""))
        #expect(plan == nil)
        #expect(issues.map(\.field) == ["session_passphrase"])
    }

    @Test func planValidationRunsLast() throws {
        let yaml = header.replacingOccurrences(of: "- name: micro02\n", with: "")
            .replacingOccurrences(of: "- name: micro01\n", with: "- name: micro01\n  storage:\n    local: {path: /dev/sdz}\n")
            .replacingOccurrences(of: "- name: micro03\n", with: "- name: micro03\n  storage:\n    local: {path: /dev/sdb}\n")
        let (plan, issues) = try resolve(yaml)
        #expect(plan == nil)
        #expect(issues.errors.map(\.message).first?.hasPrefix("Disk /dev/sdz is not present on \"micro01\".") == true)
        #expect(issues.warnings.map(\.field) == ["systems"], "two members: reliability warning")
    }

    @Test func localDriverChoice() throws {
        let filter = "storage:\n  local:\n  - find: device_id == *lxd_disk1\n"
        #expect(try resolve(header + filter).plan?.localPool == LocalPoolPlan(driver: "btrfs"))
        #expect(try resolve(header + filter, Fixture.full).plan?.localPool?.description == "Local storage on ZFS")
        let dir = try resolve(header + "local_pool_driver: dir\n")
        #expect(dir.issues == [])
        #expect(dir.plan?.localPool?.driver == "dir" && dir.plan?.members.allSatisfy { $0.localDisk == nil } == true)
        #expect(try resolve(header).plan?.localPool == nil, "no local keys: no local pool")
    }

    @Test func loopFilePoolTakesNoDisk() throws {
        let (plan, issues) = try resolve(header + "local_pool_loop_size: 4GiB\n")
        #expect(issues == [])
        #expect(plan?.localPool == LocalPoolPlan(driver: "btrfs", loopSize: "4GiB"))
        #expect(plan?.members.allSatisfy { $0.localDisk == nil } == true)
    }

    @Test func filtersNeverPickMountedOrReadOnlyDisks() throws {
        var inv = Fixture.lab
        inv[0].disks[1].mounted = true
        inv[1].disks[1].readOnly = true
        let (plan, issues) = try resolve(header + "storage:\n  local:\n  - find: type == scsi\n", inv)
        #expect(issues == [])
        #expect(plan?.members.map { $0.localDisk?.path } == [Fixture.path(2), Fixture.path(2), Fixture.path(1)])
    }

    @Test func fallbackBridgeSettings() throws {
        let custom = try resolve(header + "fallback_bridge:\n  name: br-lab\n  ipv4_address: 10.80.0.1/24\n")
        #expect(custom.plan?.fallbackBridge == BridgePlan(name: "br-lab", ipv4: "10.80.0.1/24"))
        let none = try resolve(header + "fallback_bridge: none\n")
        #expect(none.plan?.fallbackBridge == nil)
        #expect(none.issues.map(\.field) == ["fallback_bridge"] && none.issues.first?.severity == .warning)
        let withOVN = try resolve(header + "ovn:\n  ipv6_gateway: fd42::1/64\nfallback_bridge:\n  ipv4_address: 10.80.0.1/24\n",
                                  Fixture.full)
        #expect(withOVN.plan?.fallbackBridge == nil)
        #expect(withOVN.issues == [.warning("fallback_bridge", "fallback_bridge is ignored: OVN provides the network.")])
    }
}
