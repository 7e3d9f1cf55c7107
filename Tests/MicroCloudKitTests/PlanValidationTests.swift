import Testing
@testable import MicroCloudKit

private let d1 = Fixture.path(1), d2 = Fixture.path(2)

@Suite struct PlanValidationTests {
    @Test func cleanPlansHaveNoIssues() {
        #expect(Fixture.labPlan.validate(inventories: Fixture.byName(Fixture.lab)) == [])
        #expect(Fixture.fullPlan.validate(inventories: Fixture.byName(Fixture.full)) == [])
    }

    @Test func cephOnASecondSubnetPresentEverywhereIsFine() {
        var plan = Fixture.fullPlan
        plan.ceph?.internalNetwork = "10.0.1.0/24"
        plan.editAll { $0.underlayIP = "10.0.1.1" + $0.name.suffix(1) }
        #expect(plan.validate(inventories: Fixture.byName(Fixture.full)) == [])
    }

    @Test func dirDriverNeedsNoDisks() {
        var plan = Fixture.labPlan
        plan.localPool = LocalPoolPlan(driver: "dir")
        plan.editAll { $0.localDisk = nil }
        #expect(plan.validate(inventories: Fixture.byName(Fixture.lab)) == [])
    }

    @Test func loopFilePoolNeedsNoDisks() {
        var plan = Fixture.labPlan
        plan.localPool = LocalPoolPlan(driver: "btrfs", loopSize: "2GiB")
        plan.editAll { $0.localDisk = nil }
        #expect(plan.validate(inventories: Fixture.byName(Fixture.lab)) == [])
        #expect(plan.localPool?.needsDisk == false)
    }

    @Test func bridgeWithIPv6IsFine() {
        var plan = Fixture.labPlan
        plan.fallbackBridge = BridgePlan(ipv4: "10.79.0.1/24", ipv6: "fd42:79::1/64")
        #expect(plan.validate(inventories: Fixture.byName(Fixture.lab)) == [])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        var plan = Fixture.fullPlan
        plan.ovn?.ipv4Range = "10.0.0.200-10.0.0.100"
        plan.ovn?.dnsServers = ["dns.example"]
        plan.edit("micro02") { $0.uplinkInterface = nil }
        let issues = plan.validate(inventories: Fixture.byName(Fixture.full))
        #expect(issues.errors.count == 3)
        #expect(Set(issues.map(\.field)) == ["ovn.ipv4_range", "ovn.dns_servers", "systems[micro02].ovn_uplink_interface"])
    }

    @Test(arguments: memberRules + serviceRules)
    func memberAndServiceRules(_ rule: PlanRuleCase) { expectIssue(rule.expected, in: rule.run()) }

    @Test(arguments: localRules + cephRules)
    func storageRules(_ rule: PlanRuleCase) { expectIssue(rule.expected, in: rule.run()) }

    @Test(arguments: ovnRules + bridgeRules)
    func networkRules(_ rule: PlanRuleCase) { expectIssue(rule.expected, in: rule.run()) }
}

let memberRules: [PlanRuleCase] = [
    .init("no members", .lab, field: "systems", "The plan has no members. Select at least one server.") { p, _ in
        p.members = []
    },
    .init("initiator not a member", .lab, field: "initiator",
          "The initiator \"micro09\" is not one of the plan's members. Include the local server in the plan.") { p, _ in
        p.initiator = "micro09"
    },
    .init("lookup subnet invalid", .lab, field: "lookup_subnet",
          "Lookup subnet \"10.0.0.0/33\" is not a valid CIDR. Use the network the servers share, such as 10.0.0.0/24.") { p, _ in
        p.lookupSubnet = "10.0.0.0/33"
    },
    .init("duplicate name", .lab, field: "systems[micro01].name",
          "Duplicate system name \"micro01\". Each server may appear only once.") { p, _ in
        p.members.append(p.members[0])
    },
    .init("invalid host name", .lab, field: "systems[micro_03].name",
          "System name \"micro_03\" is not a valid host name. Use letters, digits and hyphens (at most 63 per label), "
          + "not starting or ending with a hyphen.") { p, inv in
        p.edit("micro03") { $0.name = "micro_03" }
        inv["micro_03"] = inv["micro03"]
    },
    .init("address outside lookup subnet", .lab, field: "systems[micro02].address",
          "Address 10.0.5.12 of \"micro02\" is outside the lookup subnet 10.0.0.0/24. Use an address of that server "
          + "inside the subnet, or another subnet.") { p, _ in
        p.edit("micro02") { $0.address = "10.0.5.12" }
    },
    .init("duplicate address", .lab, field: "systems[micro02].address",
          "Address 10.0.0.11 is used by both \"micro01\" and \"micro02\". Each server needs its own address.") { p, _ in
        p.edit("micro02") { $0.address = "10.0.0.11" }
    },
    .init("invalid address", .lab, field: "systems[micro02].address",
          "Address \"10.0.0.300\" of \"micro02\" is not a valid IP address.") { p, _ in
        p.edit("micro02") { $0.address = "10.0.0.300" }
    },
    .init("no inventory", .lab, field: "systems[micro03]",
          "No system information for \"micro03\". Gather its inventory before planning.") { _, inv in
        inv["micro03"] = nil
    },
    .init("LXD already clustered", .lab, field: "systems[micro02]",
          "LXD is already clustered on \"micro02\", aborting setup. Remove it from its LXD cluster or leave it out "
          + "of the plan.") { _, inv in
        inv["micro02"]?.lxd.clustered = true
    },
    .init("fewer than three members", .lab, .warning, field: "systems",
          "Reliability risk: 3 systems are required for effective fault tolerance (the plan has 2). Add servers now "
          + "or later with 'microcloud add'.") { p, _ in
        p.members.removeLast()
    },
]

let serviceRules: [PlanRuleCase] = [
    .init("MicroCloud and LXD required", .lab, field: "services", "The plan must include MicroCloud and LXD.") { p, _ in
        p.services = [.microcloud]
    },
    .init("Ceph without MicroCeph", .full, field: "ceph",
          "Distributed storage needs MicroCeph, which is not among the plan's services. Install MicroCeph on every "
          + "server or skip distributed storage.") { p, _ in
        p.services.removeAll { $0 == .microceph }
    },
    .init("OVN without MicroOVN", .full, field: "ovn",
          "Distributed networking needs MicroOVN, which is not among the plan's services. Install MicroOVN on every "
          + "server or skip distributed networking.") { p, _ in
        p.services.removeAll { $0 == .microovn }
    },
    .init("service missing on a member", .full, field: "systems[micro03]",
          "MicroCeph is not installed on \"micro03\". Install it there or leave MicroCeph out of the plan.") { _, inv in
        inv["micro03"]?.services[.microceph] = nil
    },
    .init("service versions differ", .lab, field: "services",
          "LXD differs between servers: 5.21.3 on micro01 and micro03, 5.0.3 on micro02. Every server needs the same "
          + "LXD version: refresh them to one release.") { _, inv in
        inv["micro02"]?.services[.lxd] = "5.0.3"
    },
]

let localRules: [PlanRuleCase] = [
    .init("driver not offered", .lab, field: "systems[micro01].storage.local",
          "LXD on \"micro01\" does not offer the zfs storage driver (it offers: btrfs, dir). Choose a driver every "
          + "member offers.") { p, _ in
        p.localPool = LocalPoolPlan(driver: "zfs")
    },
    .init("local pool exists", .lab, field: "systems[micro02].storage.local",
          "Storage pool \"local\" already exists in LXD on \"micro02\". Delete it there or skip local storage.") { _, inv in
        inv["micro02"]?.lxd.storagePools = ["local"]
    },
    .init("member without local disk", .lab, field: "systems[micro03].storage.local",
          "No local disk chosen for \"micro03\". Select exactly one disk on every member for local storage, or skip "
          + "local storage.") { p, _ in
        p.edit("micro03") { $0.localDisk = nil }
    },
    .init("disk not present", .lab, field: "systems[micro02].storage.local",
          "Disk /dev/sdz is not present on \"micro02\". Choose one of: /dev/disk/by-id/nvme-Samsung_SSD_980_S1, "
          + "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1, /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk2.") { p, _ in
        p.edit("micro02") { $0.localDisk = DiskChoice(path: "/dev/sdz") }
    },
    .init("disk not present, none available", .lab, field: "systems[micro02].storage.local",
          "Disk /dev/sdz is not present on \"micro02\". It has no available disks.") { p, inv in
        p.edit("micro02") { $0.localDisk = DiskChoice(path: "/dev/sdz") }
        inv["micro02"]?.disks = []
    },
    .init("optical drive", .lab, field: "systems[micro02].storage.local",
          "Disk /dev/sr0 on \"micro02\" is an optical drive. Choose a hard disk or SSD.") { p, _ in
        p.edit("micro02") { $0.localDisk = DiskChoice(path: "/dev/sr0") }
    },
    .init("partitioned disk", .lab, field: "systems[micro02].storage.local",
          "Disk /dev/sda on \"micro02\" has 2 partition(s); only unpartitioned disks can be used. Remove its "
          + "partitions or choose another disk.") { p, _ in
        p.edit("micro02") { $0.localDisk = DiskChoice(path: "/dev/sda") }
    },
    .init("local disk without pool", .lab, field: "systems[micro01].storage.local",
          "A local disk is chosen on \"micro01\" but the plan has no local storage pool. Remove the disk or plan "
          + "local storage.") { p, _ in
        p.localPool = nil
    },
    .init("loop file with the dir driver", .lab, field: "local_pool_loop_size",
          "The dir driver uses no loop file. Remove the loop size, or use Btrfs or ZFS.") { p, _ in
        p.localPool = LocalPoolPlan(driver: "dir", loopSize: "2GiB")
        p.editAll { $0.localDisk = nil }
    },
    .init("loop file size invalid", .lab, field: "local_pool_loop_size",
          "Loop file size \"200MiB\" is not a size of at least 1GiB. Give one such as 5GiB.") { p, _ in
        p.localPool = LocalPoolPlan(driver: "btrfs", loopSize: "200MiB")
        p.editAll { $0.localDisk = nil }
    },
    .init("loop file with a disk", .lab, field: "systems[micro02].storage.local",
          "The local pool lives in a loop file and uses no disk, but \(d1) is chosen on \"micro02\". Remove the disk "
          + "or the loop size.") { p, _ in
        p.localPool = LocalPoolPlan(driver: "btrfs", loopSize: "2GiB")
    },
    .init("mounted disk", .lab, field: "systems[micro02].storage.local",
          "Disk \(d1) on \"micro02\" is mounted, so the system is using it. Choose a disk nothing uses.") { _, inv in
        inv["micro02"]?.disks[1].mounted = true
    },
    .init("read-only disk", .full, field: "systems[micro02].storage.ceph",
          "Disk \(d2) on \"micro02\" is read-only. Choose a writable disk.") { _, inv in
        inv["micro02"]?.disks[2].readOnly = true
    },
    .init("dir driver with a disk", .lab, field: "systems[micro01].storage.local",
          "The dir driver keeps local storage in a directory and uses no disk, but \(d1) is chosen on \"micro01\". "
          + "Remove the disk, or use ZFS or Btrfs.") { p, _ in
        p.localPool = LocalPoolPlan(driver: "dir")
    },
]

let cephRules: [PlanRuleCase] = [
    .init("Ceph disks without Ceph", .full, field: "systems[micro01].storage.ceph",
          "Ceph disks are chosen on \"micro01\" but distributed storage is not planned. Remove the disks or plan "
          + "distributed storage.") { p, _ in
        p.ceph = nil
    },
    .init("Ceph without disks", .full, field: "ceph",
          "Distributed storage is planned but no disks were selected. Select at least one disk, or skip distributed "
          + "storage.") { p, _ in
        p.editAll { $0.cephDisks = [] }
    },
    .init("fewer than three OSD hosts", .full, .warning, field: "ceph",
          "Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks "
          + "(2 currently supplying). Continuing with this configuration will inhibit MicroCloud's ability to retain "
          + "data on system failure") { p, _ in
        p.edit("micro03") { $0.cephDisks = [] }
    },
    .init("remote pool exists", .full, field: "systems[micro01].storage.ceph",
          "Storage pool \"remote\" already exists in LXD on \"micro01\". Delete it there or skip distributed storage.") { _, inv in
        inv["micro01"]?.lxd.storagePools = ["remote"]
    },
    .init("remote-fs pool exists", .full, field: "systems[micro01].storage.ceph",
          "Storage pool \"remote-fs\" already exists in LXD on \"micro01\". Delete it there or skip distributed "
          + "storage.") { _, inv in
        inv["micro01"]?.lxd.storagePools = ["remote-fs"]
    },
    .init("Ceph disk not present", .full, field: "systems[micro01].storage.ceph",
          "Disk /dev/sdz is not present on \"micro01\". Choose one of: /dev/disk/by-id/nvme-Samsung_SSD_980_S1, "
          + "\(d1), \(d2).") { p, _ in
        p.edit("micro01") { $0.cephDisks = [DiskChoice(path: "/dev/sdz")] }
    },
    .init("Ceph disk listed twice", .full, field: "systems[micro01].storage.ceph",
          "Disk /dev/sdc is listed twice for Ceph on \"micro01\". List each disk once.") { p, _ in
        p.edit("micro01") { $0.cephDisks = [DiskChoice(path: d2), DiskChoice(path: "/dev/sdc")] }
    },
    .init("disk for local and Ceph", .full, field: "systems[micro01].storage.ceph",
          "Disk \(d1) on \"micro01\" is chosen for both local storage and Ceph. A disk can serve only one of them.") { p, _ in
        p.edit("micro01") { $0.cephDisks = [DiskChoice(path: d1)] }
    },
    .init("Ceph network invalid", .full, field: "ceph.internal_network",
          "Ceph internal network \"10.0.1.0/33\" is not a valid CIDR. Use a subnet such as 10.0.1.0/24.") { p, _ in
        p.ceph?.internalNetwork = "10.0.1.0/33"
    },
    .init("Ceph network with host bits", .full, field: "ceph.internal_network",
          "Ceph internal network 10.0.1.5/24 has host bits set. Use its network address 10.0.1.0/24.") { p, _ in
        p.ceph?.internalNetwork = "10.0.1.5/24"
    },
    .init("Ceph network of one address", .full, field: "ceph.public_network",
          "Ceph public network 10.0.1.5/32 holds a single address. Use a subnet with room for every member.") { p, _ in
        p.ceph?.publicNetwork = "10.0.1.5/32"
    },
    .init("Ceph network missing on a member", .full, field: "ceph.internal_network", member: "micro03",
          "Not enough network interfaces found with an IP within the given CIDR subnet on \"micro03\". You need at "
          + "least one interface per cluster member with an address in 10.0.1.0/24.") { p, inv in
        p.ceph?.internalNetwork = "10.0.1.0/24"
        inv["micro03"]?.interfaces.removeAll { $0.name == "eth2" }
    },
]
