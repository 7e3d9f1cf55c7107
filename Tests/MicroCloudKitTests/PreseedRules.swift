import Testing
@testable import MicroCloudKit

let networkRules: [PreseedRuleCase] = [
    .init("uplinks without gateway", field: "ovn",
          "Either the IPv4 or IPv6 gateway has to be set on the uplink network. Give the router's address on the "
          + "uplink with its prefix, e.g. 192.0.2.1/24.") {
        for i in $0.systems.indices { $0.systems[i].ovnUplinkInterface = "eth1" }
    },
    .init("IPv4 gateway without prefix", field: "ovn.ipv4_gateway",
          "IPv4 gateway \"10.0.0.1\" is not an IPv4 address with a prefix. Use the router's address on the uplink, "
          + "e.g. 192.0.2.1/24.") {
        withOVN(&$0)
        $0.ovn?.ipv4Gateway = "10.0.0.1"
    },
    .init("IPv4 gateway network address", field: "ovn.ipv4_gateway",
          "IPv4 gateway 192.0.2.0/24 is a network address. Use the router's host address, e.g. 192.0.2.1/24.") {
        withOVN(&$0)
        $0.ovn?.ipv4Gateway = "192.0.2.0/24"
    },
    .init("IPv6 gateway without prefix", field: "ovn.ipv6_gateway",
          "IPv6 gateway \"2001:db8::1\" is not an IPv6 address with a prefix. Use the router's address on the "
          + "uplink, e.g. 2001:db8::1/64.") {
        $0.ovn = Preseed.OVN(ipv6Gateway: "2001:db8::1")
    },
    .init("range without gateway", field: "ovn.ipv4_range",
          "Cannot specify an IPv4 range without an IPv4 gateway. Give the IPv4 gateway or remove the range.") {
        $0.ovn = Preseed.OVN(ipv4Range: "192.0.2.100-192.0.2.200")
    },
    .init("gateway without range", field: "ovn.ipv4_range",
          "An IPv4 gateway needs an IPv4 range for OVN to use. Give its first and last address inside "
          + "192.0.2.0/24.") {
        $0.ovn = Preseed.OVN(ipv4Gateway: "192.0.2.1/24")
    },
    .init("range malformed", field: "ovn.ipv4_range",
          "Invalid IPv4 range \"192.0.2.100..192.0.2.200\" (must be of the form <ip>-<ip>).") {
        withOVN(&$0)
        $0.ovn?.ipv4Range = "192.0.2.100..192.0.2.200"
    },
    .init("range reversed", field: "ovn.ipv4_range",
          "IPv4 range 192.0.2.200-192.0.2.100 starts after it ends. Put the lower address first: "
          + "192.0.2.100-192.0.2.200.") {
        withOVN(&$0)
        $0.ovn?.ipv4Range = "192.0.2.200-192.0.2.100"
    },
    .init("range outside gateway", field: "ovn.ipv4_range",
          "IPv4 range start 198.51.100.10 is not inside the gateway's subnet 192.0.2.0/24. Pick addresses "
          + "from that subnet.") {
        withOVN(&$0)
        $0.ovn?.ipv4Range = "198.51.100.10-198.51.100.20"
    },
    .init("range includes gateway", field: "ovn.ipv4_range",
          "IPv4 range 192.0.2.1-192.0.2.50 includes the gateway address 192.0.2.1. Leave the gateway out of the "
          + "range.") {
        withOVN(&$0)
        $0.ovn?.ipv4Range = "192.0.2.1-192.0.2.50"
    },
    .init("range includes a system address", unicast: true, field: "ovn.ipv4_range",
          "UPLINK ipv4.ovn.ranges must not include system address \"10.0.0.11\" (of \"micro01\"). Shrink the range "
          + "to leave it out.") {
        $0.ovn = Preseed.OVN(ipv4Gateway: "10.0.0.1/24", ipv4Range: "10.0.0.10-10.0.0.20")
    },
    .init("DNS server not an address", field: "ovn.dns_servers",
          "DNS server \"ns1.example\" is not an IP address. List plain addresses, comma-separated, without "
          + "prefixes.") {
        withOVN(&$0)
        $0.ovn?.dnsServers = "192.0.2.1, ns1.example"
    },
]

private func cephFilter(_ p: inout Preseed) {
    p.storage = Preseed.Storage(ceph: [Preseed.DiskFilterEntry(find: "type == scsi")])
}

let storageRules: [PreseedRuleCase] = [
    .init("Ceph network without disks", field: "ceph.internal_network",
          "A Ceph internal network needs Ceph disks, and none are given. Add systems[].storage.ceph or storage.ceph "
          + "filters, or remove ceph.internal_network.") {
        $0.ceph = Preseed.Ceph(internalNetwork: "10.0.1.0/24")
    },
    .init("Ceph network invalid", field: "ceph.public_network",
          "Ceph public network \"10.0.1.0\" is not a valid CIDR. Use a subnet such as 10.0.1.0/24.") {
        cephFilter(&$0)
        $0.ceph = Preseed.Ceph(publicNetwork: "10.0.1.0")
    },
    .init("Ceph network with host bits", field: "ceph.internal_network",
          "Ceph internal network 10.0.1.9/24 has host bits set. Use its network address 10.0.1.0/24.") {
        cephFilter(&$0)
        $0.ceph = Preseed.Ceph(internalNetwork: "10.0.1.9/24")
    },
    .init("Ceph network of one address", field: "ceph.internal_network",
          "Ceph internal network 10.0.1.9/32 holds a single address. Use a subnet with room for every member.") {
        cephFilter(&$0)
        $0.ceph = Preseed.Ceph(internalNetwork: "10.0.1.9/32")
    },
    .init("CephFS without disks", .warning, field: "ceph.cephfs",
          "CephFS needs Ceph disks and none are given, so remote-fs will not be created. Add Ceph disks or remove "
          + "ceph.cephfs.") {
        $0.ceph = Preseed.Ceph(cephfs: true)
    },
    .init("Ceph filter with all disks explicit", field: "storage.ceph",
          "Ceph disk filter cannot be used. All systems have explicitly specified disks. Remove storage.ceph or the "
          + "explicit disks.") {
        for i in $0.systems.indices { $0.systems[i].storage = storage(ceph: ["/dev/sdc"]) }
        cephFilter(&$0)
    },
    .init("local filter with all disks explicit", field: "storage.local",
          "Local disk filter cannot be used. All systems have explicitly specified disks. Remove storage.local or "
          + "the explicit disks.") {
        for i in $0.systems.indices { $0.systems[i].storage = storage(local: "/dev/sdb") }
        $0.storage = Preseed.Storage(local: [Preseed.DiskFilterEntry(find: "type == scsi")])
    },
    .init("empty filter", field: "storage.local[0].find",
          "Empty disk filter. Write an expression such as: size > 10GiB && type == nvme") {
        $0.storage = Preseed.Storage(local: [Preseed.DiskFilterEntry(find: " ")])
    },
    .init("filter syntax error", field: "storage.ceph[0].find",
          "Invalid disk filter \"size >> 1GB\" at position 7: expected a value after >, found \">\".") {
        $0.storage = Preseed.Storage(ceph: [Preseed.DiskFilterEntry(find: "size >> 1GB")])
    },
    .init("find_max below find_min", field: "storage.local[0].find_max",
          "find_max (1) is lower than find_min (2). Raise find_max or lower find_min.") {
        $0.storage = Preseed.Storage(local: [Preseed.DiskFilterEntry(find: "type == scsi", findMin: 2, findMax: 1)])
    },
    .init("Ceph find_min zero", field: "storage.ceph[0].find_min",
          "find_min must be at least 1 for Ceph disk filters, not 0.") {
        $0.storage = Preseed.Storage(ceph: [Preseed.DiskFilterEntry(find: "type == scsi", findMin: 0)])
    },
    .init("local find_min negative", field: "storage.local[0].find_min", "find_min cannot be negative (-1).") {
        $0.storage = Preseed.Storage(local: [Preseed.DiskFilterEntry(find: "type == scsi", findMin: -1)])
    },
    .init("find_max zero", field: "storage.ceph[0].find_max",
          "find_max must be at least 1, not 0. Remove it for no upper bound.") {
        $0.storage = Preseed.Storage(ceph: [Preseed.DiskFilterEntry(find: "type == scsi", findMax: 0)])
    },
]

private func storage(local: String? = nil, ceph: [String] = []) -> Preseed.SystemStorage {
    Preseed.SystemStorage(local: local.map { Preseed.DiskEntry(path: $0) }, ceph: ceph.map { Preseed.DiskEntry(path: $0) })
}

private func withOVN(_ p: inout Preseed) {
    p.ovn = Preseed.OVN(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.100-192.0.2.200")
}
