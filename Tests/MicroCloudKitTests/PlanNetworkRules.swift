import Testing
@testable import MicroCloudKit

let ovnRules: [PlanRuleCase] = [
    .init("uplink without OVN", .lab, field: "systems[micro01].ovn_uplink_interface",
          "An uplink interface is chosen on \"micro01\" but distributed networking is not planned. Remove it or plan "
          + "distributed networking.") { p, _ in
        p.edit("micro01") { $0.uplinkInterface = "eth1" }
    },
    .init("underlay without OVN", .lab, field: "systems[micro01].ovn_underlay_ip",
          "An underlay IP is set for \"micro01\" but distributed networking is not planned. Remove it or plan "
          + "distributed networking.") { p, _ in
        p.edit("micro01") { $0.underlayIP = "10.0.1.11" }
    },
    .init("UPLINK network exists", .full, field: "ovn", member: "micro02",
          "System \"micro02\" is ineligible for distributed networking. Make sure there aren't any conflicting "
          + "networks from previous installations.") { _, inv in
        inv["micro02"]?.lxd.networks.append("UPLINK")
    },
    .init("member without uplink", .full, field: "systems[micro02].ovn_uplink_interface",
          "No uplink interface chosen for \"micro02\". Select one interface on every member to provide external "
          + "connectivity for OVN.") { p, _ in
        p.edit("micro02") { $0.uplinkInterface = nil }
    },
    .init("uplink not present", .full, field: "systems[micro02].ovn_uplink_interface",
          "Interface \"eth9\" is not present on \"micro02\". Candidates: eth1.") { p, _ in
        p.edit("micro02") { $0.uplinkInterface = "eth9" }
    },
    .init("uplink not eligible", .full, field: "systems[micro02].ovn_uplink_interface",
          "Interface \"eth0\" on \"micro02\" cannot be an OVN uplink: it has IP addresses and is not a bridge. "
          + "Candidates: eth1.") { p, _ in
        p.edit("micro02") { $0.uplinkInterface = "eth0" }
    },
    .init("no uplink candidate at all", .full, field: "systems[micro02].ovn_uplink_interface",
          "Interface \"eth0\" on \"micro02\" cannot be an OVN uplink: it has IP addresses and is not a bridge. It has "
          + "none: at least one interface in state UP with no IPs assigned or a bridge is required.") { p, inv in
        p.edit("micro02") { $0.uplinkInterface = "eth0" }
        inv["micro02"]?.interfaces.removeAll { $0.name == "eth1" }
    },
    .init("underlay on some members only", .full, field: "systems[micro02].ovn_underlay_ip",
          "No underlay IP for \"micro02\". Some systems are missing an underlay interface: give every member an "
          + "underlay IP, or none.") { p, _ in
        p.edit("micro01") { $0.underlayIP = "10.0.1.11" }
    },
    .init("underlay IP invalid", .full, field: "systems[micro02].ovn_underlay_ip",
          "Invalid underlay IP \"10.0.1\" for \"micro02\". Give the plain address (no prefix) of one of its "
          + "interfaces.") { p, _ in
        p.editAll { $0.underlayIP = "10.0.1.1" + $0.name.suffix(1) }
        p.edit("micro02") { $0.underlayIP = "10.0.1" }
    },
    .init("underlay IP used twice", .full, field: "systems[micro02].ovn_underlay_ip",
          "Underlay IP 10.0.1.11 is used by both \"micro01\" and \"micro02\". Each member needs its own.") { p, _ in
        p.editAll { $0.underlayIP = "10.0.1.1" + $0.name.suffix(1) }
        p.edit("micro02") { $0.underlayIP = "10.0.1.11" }
    },
    .init("underlay IP on no interface", .full, field: "systems[micro02].ovn_underlay_ip",
          "No available interface found for OVN underlay IP \"10.9.9.12\" on \"micro02\". Use an address inside the "
          + "subnet of one of its addressed interfaces.") { p, _ in
        p.editAll { $0.underlayIP = "10.0.1.1" + $0.name.suffix(1) }
        p.edit("micro02") { $0.underlayIP = "10.9.9.12" }
    },
    .init("no gateway", .full, field: "ovn",
          "Either the IPv4 or IPv6 gateway has to be set on the uplink network. Give the router's address on the "
          + "uplink with its prefix, e.g. 192.0.2.1/24.") { p, _ in
        p.ovn = OVNPlan()
    },
    .init("IPv4 gateway not IPv4", .full, field: "ovn.ipv4_gateway",
          "IPv4 gateway \"fd42::1/64\" is not an IPv4 address with a prefix. Use the router's address on the uplink, "
          + "e.g. 192.0.2.1/24.") { p, _ in
        p.ovn?.ipv4Gateway = "fd42::1/64"
    },
    .init("IPv4 gateway is a network address", .full, field: "ovn.ipv4_gateway",
          "IPv4 gateway 10.0.0.0/24 is a network address. Use the router's host address, e.g. 10.0.0.1/24.") { p, _ in
        p.ovn?.ipv4Gateway = "10.0.0.0/24"
    },
    .init("IPv4 gateway /32", .full, field: "ovn.ipv4_gateway",
          "IPv4 gateway 10.0.0.1/32 leaves no room for other addresses. Use the uplink's real prefix, e.g. "
          + "192.0.2.1/24.") { p, _ in
        p.ovn?.ipv4Gateway = "10.0.0.1/32"
    },
    .init("IPv4 gateway is broadcast", .full, field: "ovn.ipv4_gateway",
          "IPv4 gateway 10.0.0.255/24 is the broadcast address of its subnet. Use the router's host address.") { p, _ in
        p.ovn?.ipv4Gateway = "10.0.0.255/24"
    },
    .init("IPv6 gateway not IPv6", .full, field: "ovn.ipv6_gateway",
          "IPv6 gateway \"10.0.0.1/24\" is not an IPv6 address with a prefix. Use the router's address on the uplink, "
          + "e.g. 2001:db8::1/64.") { p, _ in
        p.ovn?.ipv6Gateway = "10.0.0.1/24"
    },
    .init("IPv6 gateway is a network address", .full, field: "ovn.ipv6_gateway",
          "IPv6 gateway fd42::/64 is a network address. Use the router's host address, e.g. fd42::1/64.") { p, _ in
        p.ovn?.ipv6Gateway = "fd42::/64"
    },
    .init("range without gateway", .full, field: "ovn.ipv4_range",
          "Cannot specify an IPv4 range without an IPv4 gateway. Give the IPv4 gateway or remove the range.") { p, _ in
        p.ovn?.ipv4Gateway = nil
    },
    .init("gateway without range", .full, field: "ovn.ipv4_range",
          "An IPv4 gateway needs an IPv4 range for OVN to use. Give its first and last address inside "
          + "10.0.0.0/24.") { p, _ in
        p.ovn?.ipv4Range = nil
    },
    .init("range malformed", .full, field: "ovn.ipv4_range",
          "Invalid IPv4 range \"10.0.0.100\" (must be of the form <ip>-<ip>).") { p, _ in
        p.ovn?.ipv4Range = "10.0.0.100"
    },
    .init("range of IPv6 addresses", .full, field: "ovn.ipv4_range",
          "IPv4 range start \"fd42::10\" is not an IPv4 address. Give one such as 192.0.2.100.") { p, _ in
        p.ovn?.ipv4Range = "fd42::10-fd42::20"
    },
    .init("range reversed", .full, field: "ovn.ipv4_range",
          "IPv4 range 10.0.0.200-10.0.0.100 starts after it ends. Put the lower address first: "
          + "10.0.0.100-10.0.0.200.") { p, _ in
        p.ovn?.ipv4Range = "10.0.0.200-10.0.0.100"
    },
    .init("range outside gateway subnet", .full, field: "ovn.ipv4_range",
          "IPv4 range start 10.0.5.100 is not inside the gateway's subnet 10.0.0.0/24. Pick addresses from that "
          + "subnet.") { p, _ in
        p.ovn?.ipv4Range = "10.0.5.100-10.0.5.200"
    },
    .init("range includes gateway", .full, field: "ovn.ipv4_range",
          "IPv4 range 10.0.0.1-10.0.0.10 includes the gateway address 10.0.0.1. Leave the gateway out of the "
          + "range.") { p, _ in
        p.ovn?.ipv4Range = "10.0.0.1-10.0.0.10"
    },
    .init("range includes a member address", .full, field: "ovn.ipv4_range", member: "micro01",
          "UPLINK ipv4.ovn.ranges must not include system address \"10.0.0.11\" (of \"micro01\"). Shrink the range "
          + "to leave it out.") { p, _ in
        p.ovn?.ipv4Range = "10.0.0.10-10.0.0.20"
    },
    .init("DNS server not an address", .full, field: "ovn.dns_servers",
          "DNS server \"10.0.0.1/24\" is not an IP address. List plain addresses, comma-separated, without "
          + "prefixes.") { p, _ in
        p.ovn?.dnsServers = ["10.0.0.1/24"]
    },
]

let bridgeRules: [PlanRuleCase] = [
    .init("no network at all", .lab, .warning, field: "fallback_bridge",
          "No network is planned: the default profile gets no NIC and instances start without networking. Plan OVN "
          + "or a fallback bridge.") { p, _ in
        p.fallbackBridge = nil
    },
    .init("OVN and bridge together", .full, field: "fallback_bridge",
          "Both OVN and a fallback bridge are planned. The fallback bridge is only for clouds without OVN; drop one of "
          + "them.") { p, _ in
        p.fallbackBridge = .standard
    },
    .init("bridge name invalid", .lab, field: "fallback_bridge.name",
          "Bridge name \"lxdbr0-way-too-long\" is not a valid interface name. Use 1 to 15 letters, digits, '-', '_' "
          + "or '.'.") { p, _ in
        p.fallbackBridge?.name = "lxdbr0-way-too-long"
    },
    .init("bridge address auto", .lab, field: "fallback_bridge.ipv4_address",
          "The bridge's IPv4 address must be explicit, not \"auto\" (LXD would probe the network for a free subnet). "
          + "Give one such as 10.79.0.1/24.") { p, _ in
        p.fallbackBridge?.ipv4 = "auto"
    },
    .init("bridge address is a network address", .lab, field: "fallback_bridge.ipv4_address",
          "Bridge IPv4 address \"10.79.0.0/24\" must be the bridge's own IPv4 host address with a prefix, such as "
          + "10.79.0.1/24.") { p, _ in
        p.fallbackBridge?.ipv4 = "10.79.0.0/24"
    },
    .init("bridge IPv6 invalid", .lab, field: "fallback_bridge.ipv6_address",
          "Bridge IPv6 address \"auto\" must be \"none\" or the bridge's own IPv6 host address with a prefix, such as "
          + "fd42:79::1/64.") { p, _ in
        p.fallbackBridge?.ipv6 = "auto"
    },
    .init("bridge overlaps lookup subnet", .lab, field: "fallback_bridge.ipv4_address",
          "Bridge subnet 10.0.0.0/16 overlaps the lookup subnet 10.0.0.0/24. Choose a subnet no server uses, such as "
          + "10.79.0.1/24.") { p, _ in
        p.fallbackBridge?.ipv4 = "10.0.0.1/16"
    },
    .init("bridge overlaps a member network", .lab, field: "fallback_bridge.ipv4_address", member: "micro01",
          "Bridge subnet 10.0.1.0/24 overlaps 10.0.1.11/24 on \"micro01\". Choose a subnet no server uses.") { p, _ in
        p.fallbackBridge?.ipv4 = "10.0.1.1/24"
    },
    .init("bridge network exists", .lab, field: "fallback_bridge.name", member: "micro01",
          "Network \"lxdbr0\" already exists in LXD on \"micro01\". Delete it there or name the bridge "
          + "differently.") { _, inv in
        inv["micro01"]?.lxd.networks.append("lxdbr0")
    },
]
