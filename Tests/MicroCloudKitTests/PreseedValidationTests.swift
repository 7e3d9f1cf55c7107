import Testing
@testable import MicroCloudKit

typealias System = Preseed.System

/// One preseed rule: start from a clean file, break one thing, expect exactly this issue.
struct PreseedRuleCase: Sendable, CustomTestStringConvertible {
    let name: String
    let unicast: Bool
    let severity: PlanIssue.Severity
    let field: String
    let message: String
    let change: @Sendable (inout Preseed) -> Void

    init(_ name: String, unicast: Bool = false, _ severity: PlanIssue.Severity = .error, field: String,
         _ message: String, change: @escaping @Sendable (inout Preseed) -> Void) {
        self.name = name
        self.unicast = unicast
        self.severity = severity
        self.field = field
        self.message = message
        self.change = change
    }

    var testDescription: String { name }

    /// Multicast: initiator + lookup_subnet; unicast: initiator_address + per-system addresses.
    static func base(unicast: Bool) -> Preseed {
        if unicast {
            return Preseed(initiatorAddress: "10.0.0.11", sessionPassphrase: "a b c d",
                           systems: (1...3).map { System(name: "micro0\($0)", address: "10.0.0.1\($0)") })
        }
        return Preseed(initiator: "micro01", lookupSubnet: "10.0.0.0/24", sessionPassphrase: "a b c d",
                       systems: (1...3).map { System(name: "micro0\($0)") })
    }

    func run() -> [PlanIssue] {
        var p = Self.base(unicast: unicast)
        change(&p)
        return p.validate()
    }
}

private func storage(local: String? = nil, ceph: [String] = []) -> Preseed.SystemStorage {
    Preseed.SystemStorage(local: local.map { Preseed.DiskEntry(path: $0) }, ceph: ceph.map { Preseed.DiskEntry(path: $0) })
}

private func withOVN(_ p: inout Preseed) {
    p.ovn = Preseed.OVN(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.100-192.0.2.200")
}

@Suite struct PreseedValidationTests {
    @Test func cleanFilesHaveNoIssues() {
        #expect(PreseedRuleCase.base(unicast: false).validate() == [])
        #expect(PreseedRuleCase.base(unicast: true).validate() == [])
    }

    @Test func singleSystemNeedsNoPassphrase() {
        let p = Preseed(initiator: "micro01", lookupSubnet: "10.0.0.0/24", systems: [System(name: "micro01")])
        #expect(p.validate() == [])
    }

    @Test func partialLocalDisksAreFineWithAFilter() {
        var p = PreseedRuleCase.base(unicast: false)
        p.systems[0].storage = storage(local: "/dev/sdb")
        p.storage = Preseed.Storage(local: [Preseed.DiskFilterEntry(find: "type == scsi")])
        #expect(p.validate() == [])
    }

    @Test func uplinksWithoutGatewayAreFineWhenAdding() {
        var p = PreseedRuleCase.base(unicast: false)
        p.initiator = "micro00"
        for i in p.systems.indices { p.systems[i].ovnUplinkInterface = "eth1" }
        #expect(!p.isBootstrap)
        #expect(p.validate() == [])
    }

    @Test func everyProblemIsReported() {
        var p = Preseed(initiator: "micro01", initiatorAddress: "10.0.0.1", systems: [System(name: ""), System(name: "b")])
        p.storage = Preseed.Storage(ceph: [Preseed.DiskFilterEntry(find: "", findMin: 0)])
        let fields = p.validate().map(\.field)
        #expect(fields == ["initiator", "session_passphrase", "systems[0].name", "systems[0].address",
                           "systems[b].address", "storage.ceph[0].find", "storage.ceph[0].find_min"])
    }

    @Test(arguments: topLevelRules + systemRules)
    func topLevelAndSystemRules(_ rule: PreseedRuleCase) {
        expectIssue(PlanIssue(rule.severity, field: rule.field, rule.message), in: rule.run())
    }

    @Test(arguments: networkRules + storageRules)
    func networkAndStorageRules(_ rule: PreseedRuleCase) {
        expectIssue(PlanIssue(rule.severity, field: rule.field, rule.message), in: rule.run())
    }
}

let topLevelRules: [PreseedRuleCase] = [
    .init("no systems", field: "systems", "No systems given. List every server under systems, each with its name.") {
        $0.systems = []
    },
    .init("no initiator", field: "initiator",
          "Missing initiator's name or address. Set initiator (with lookup_subnet) or initiator_address.") {
        $0.initiator = nil
    },
    .init("initiator name and address", field: "initiator",
          "Cannot provide both the initiator's name and address. Keep initiator (servers find each other by "
          + "multicast) or initiator_address (joiners contact it directly).") {
        $0.initiatorAddress = "10.0.0.11"
    },
    .init("initiator address invalid", unicast: true, field: "initiator_address",
          "Invalid initiator address \"10.0.0\". Give a plain IP address such as 10.0.0.1.") {
        $0.initiatorAddress = "10.0.0"
    },
    .init("no lookup subnet", field: "lookup_subnet",
          "Missing lookup subnet. With initiator, give the subnet the servers share, such as 10.0.0.0/24.") {
        $0.lookupSubnet = nil
    },
    .init("initiator address and lookup subnet", unicast: true, field: "lookup_subnet",
          "Cannot provide both the initiator's address and lookup subnet. Drop lookup_subnet and give every system "
          + "its address.") {
        $0.lookupSubnet = "10.0.0.0/24"
    },
    .init("lookup subnet invalid", field: "lookup_subnet",
          "Invalid lookup subnet \"10.0.0.0/40\". Give a CIDR such as 10.0.0.0/24.") {
        $0.lookupSubnet = "10.0.0.0/40"
    },
    .init("no passphrase", field: "session_passphrase",
          "Missing session passphrase. With more than one system, every server running this file needs the same "
          + "session_passphrase.") {
        $0.sessionPassphrase = ""
    },
    .init("lookup timeout not positive", field: "lookup_timeout",
          "lookup_timeout must be a positive number of seconds (default 60), not 0.") {
        $0.lookupTimeout = 0
    },
    .init("session timeout too long", field: "session_timeout",
          "session_timeout must be between 1 and 3600 seconds (default 3600), not 7200.") {
        $0.sessionTimeout = 7200
    },
    .init("unknown local pool driver", field: "local_pool_driver",
          "Unknown local pool driver \"ext4\". Use one of: zfs, btrfs, dir.") {
        $0.localPoolDriver = "ext4"
    },
    .init("loop size invalid", field: "local_pool_loop_size",
          "Loop file size \"big\" is not a size of at least 1GiB. Give one such as 5GiB.") {
        $0.localPoolLoopSize = "big"
    },
    .init("loop size with dir", field: "local_pool_loop_size",
          "The dir driver uses no loop file. Remove the loop size, or use Btrfs or ZFS.") {
        $0.localPoolLoopSize = "2GiB"
        $0.localPoolDriver = "dir"
    },
    .init("loop size with local disks", field: "local_pool_loop_size",
          "A local pool in a loop file uses no disk. Remove local_pool_loop_size, or the local disks and "
          + "storage.local filters.") {
        $0.localPoolLoopSize = "2GiB"
        $0.storage = Preseed.Storage(local: [Preseed.DiskFilterEntry(find: "type == scsi")])
    },
    .init("bridge address auto", field: "fallback_bridge.ipv4_address",
          "The bridge's IPv4 address must be explicit, not \"auto\" (LXD would probe the network for a free "
          + "subnet). Give one such as 10.79.0.1/24.") {
        $0.fallbackBridge = Preseed.Bridge(ipv4Address: "auto")
    },
]

let systemRules: [PreseedRuleCase] = [
    .init("system without name", field: "systems[1].name",
          "Missing system name. Give each entry of systems the server's host name.") {
        $0.systems[1].name = ""
    },
    .init("duplicate system", field: "systems[micro01].name", "Duplicate system name \"micro01\". List each server once.") {
        $0.systems[2].name = "micro01"
    },
    .init("address with lookup subnet", field: "systems[micro02].address",
          "Cannot set an address for system \"micro02\" with lookup_subnet: each server uses its first address inside "
          + "the subnet. Remove it, or use initiator_address instead of lookup_subnet.") {
        $0.systems[1].address = "10.0.0.12"
    },
    .init("duplicate address", unicast: true, field: "systems[micro02].address",
          "Address 10.0.0.11 is given to both \"micro01\" and \"micro02\". Each server needs its own address.") {
        $0.systems[1].address = "10.0.0.11"
    },
    .init("invalid address", unicast: true, field: "systems[micro02].address",
          "Invalid address \"10.0.0.x\" for system \"micro02\". Give a plain IP address.") {
        $0.systems[1].address = "10.0.0.x"
    },
    .init("missing address", unicast: true, field: "systems[micro03].address",
          "Missing address for system \"micro03\". With initiator_address every system needs its address.") {
        $0.systems[2].address = nil
    },
    .init("invalid underlay IP", field: "systems[micro01].ovn_underlay_ip",
          "Invalid underlay IP \"10.0.1.300\" for \"micro01\". Give the plain address (no prefix) of one of its "
          + "interfaces.") {
        for i in $0.systems.indices { $0.systems[i].ovnUnderlayIP = "10.0.1.1\(i + 1)" }
        $0.systems[0].ovnUnderlayIP = "10.0.1.300"
    },
    .init("partial uplinks", field: "systems[micro02].ovn_uplink_interface",
          "No uplink interface chosen for \"micro02\". Select one interface on every member to provide external "
          + "connectivity for OVN.") {
        withOVN(&$0)
        $0.systems[0].ovnUplinkInterface = "eth1"
    },
    .init("partial underlay", field: "systems[micro03].ovn_underlay_ip",
          "No underlay IP for \"micro03\". Some systems are missing an underlay interface: give every member an "
          + "underlay IP, or none.") {
        $0.systems[0].ovnUnderlayIP = "10.0.1.11"
    },
    .init("partial local disks", field: "systems[micro02].storage.local",
          "No local disk chosen for \"micro02\". Select exactly one disk on every member for local storage, or skip "
          + "local storage.") {
        $0.systems[0].storage = storage(local: "/dev/sdb")
    },
    .init("empty disk path", field: "systems[micro01].storage.local.path",
          "Missing disk path for system \"micro01\". Give the disk's path, such as /dev/disk/by-id/…") {
        for i in $0.systems.indices { $0.systems[i].storage = storage(local: "/dev/sdb") }
        $0.systems[0].storage = storage(local: "")
    },
    .init("relative disk path", field: "systems[micro01].storage.ceph[0].path",
          "Disk path \"sdb\" for system \"micro01\" must be absolute, such as /dev/sdb or /dev/disk/by-id/…") {
        $0.systems[0].storage = storage(ceph: ["sdb"])
    },
]
