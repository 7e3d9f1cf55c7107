// Network rules of ClusterPlan.validate: OVN (one eligible uplink per member, gateways, range, DNS, underlay)
// and the fallback bridge (explicit subnet that collides with nothing).

extension ClusterPlan {
    func validateOVN(_ inventories: [String: Inventory]) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        guard let ovn else {
            for m in members where m.uplinkInterface != nil {
                issues.append(.error(memberField(m.name, "ovn_uplink_interface"), member: m.name,
                                     "An uplink interface is chosen on \"\(m.name)\" but distributed networking "
                                     + "is not planned. Remove it or plan distributed networking."))
            }
            for m in members where m.underlayIP != nil {
                issues.append(.error(memberField(m.name, "ovn_underlay_ip"), member: m.name,
                                     "An underlay IP is set for \"\(m.name)\" but distributed networking is not "
                                     + "planned. Remove it or plan distributed networking."))
            }
            return issues
        }
        for m in members {
            let field = memberField(m.name, "ovn_uplink_interface")
            guard let inv = inventories[m.name] else { continue }
            for net in ["UPLINK", "default"] where inv.lxd.networks.contains(net) {
                issues.append(.error("ovn", member: m.name,
                                     "Network \"\(net)\" already exists in LXD on \"\(m.name)\". Make sure there "
                                     + "aren't any conflicting networks from previous installations."))
            }
            guard let name = m.uplinkInterface, !name.isEmpty else {
                issues.append(.error(field, member: m.name,
                                     "No uplink interface chosen for \"\(m.name)\". Select one interface on every "
                                     + "member to provide external connectivity for OVN."))
                continue
            }
            let candidates = inv.uplinkCandidates.map(\.name)
            let hint = candidates.isEmpty
                ? "It has none: at least one interface in state UP with no IPs assigned or a bridge is required."
                : "Candidates: \(candidates.joined(separator: ", "))."
            guard let iface = inv.interface(named: name) else {
                issues.append(.error(field, member: m.name,
                                     "Interface \"\(name)\" is not present on \"\(m.name)\". \(hint)"))
                continue
            }
            if let why = iface.uplinkRefusal {
                issues.append(.error(field, member: m.name,
                                     "Interface \"\(name)\" on \"\(m.name)\" cannot be an OVN uplink: \(why). \(hint)"))
            }
        }
        issues += validateUnderlay(inventories)
        issues += validateUplinkAddresses(ovn)
        return issues
    }

    private func validateUnderlay(_ inventories: [String: Inventory]) -> [PlanIssue] {
        guard members.contains(where: { $0.underlayIP != nil }) else { return [] }
        var issues: [PlanIssue] = []
        var owner: [IPAddress: String] = [:]
        for m in members {
            let field = memberField(m.name, "ovn_underlay_ip")
            guard let text = m.underlayIP else {
                issues.append(.error(field, member: m.name,
                                     "No underlay IP for \"\(m.name)\". Some systems are missing an underlay "
                                     + "interface: give every member an underlay IP, or none."))
                continue
            }
            guard let ip = IPAddress(text) else {
                issues.append(.error(field, member: m.name,
                                     "Invalid underlay IP \"\(text)\" for \"\(m.name)\". Give the plain address "
                                     + "(no prefix) of one of its interfaces."))
                continue
            }
            if let other = owner[ip] {
                issues.append(.error(field, member: m.name,
                                     "Underlay IP \(ip) is used by both \"\(other)\" and \"\(m.name)\". "
                                     + "Each member needs its own."))
            } else {
                owner[ip] = m.name
            }
            if let inv = inventories[m.name],
               !inv.dedicatedInterfaces.contains(where: { $0.cidrs.contains { $0.contains(ip) } }) {
                issues.append(.error(field, member: m.name,
                                     "No available interface found for OVN underlay IP \"\(ip)\" on \"\(m.name)\". "
                                     + "Use an address inside the subnet of one of its addressed interfaces."))
            }
        }
        return issues
    }

    private func validateUplinkAddresses(_ ovn: OVNPlan) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        if ovn.ipv4Gateway == nil && ovn.ipv6Gateway == nil {
            issues.append(.error("ovn", "Either the IPv4 or IPv6 gateway has to be set on the uplink network. "
                + "Give ovn.ipv4_gateway or ovn.ipv6_gateway as the router's address with its prefix."))
        }
        var v4: CIDR?
        if let text = ovn.ipv4Gateway {
            switch uplinkGatewayProblem(text, ipv4: true) {
            case .some(let message): issues.append(.error("ovn.ipv4_gateway", message))
            case .none: v4 = CIDR(text)
            }
        }
        if let text = ovn.ipv6Gateway, let message = uplinkGatewayProblem(text, ipv4: false) {
            issues.append(.error("ovn.ipv6_gateway", message))
        }
        if let text = ovn.ipv4Range {
            if ovn.ipv4Gateway == nil {
                issues.append(.error("ovn.ipv4_range", "Cannot specify IPv4 range without IPv4 gateway. Add "
                    + "ovn.ipv4_gateway or remove the range."))
            }
            if let range = IPRange(text) {
                issues += uplinkRangeProblems(range, text: text, gateway: v4,
                                                members: members.map { ($0.name, $0.address) })
            } else {
                issues.append(.error("ovn.ipv4_range", "Invalid IPv4 range \"\(text)\" (must be of the form "
                    + "<ip>-<ip>)."))
            }
        } else if let gw = v4 {
            issues.append(.error("ovn.ipv4_range", "An IPv4 gateway needs an IPv4 range for OVN to use. Give "
                + "ovn.ipv4_range as <first>-<last> inside \(gw.network)."))
        }
        for server in ovn.dnsServers where IPAddress(server) == nil {
            issues.append(.error("ovn.dns_servers", "DNS server \"\(server)\" is not an IP address. List plain "
                + "addresses, comma-separated, without prefixes."))
        }
        return issues
    }

    func validateBridge(_ inventories: [String: Inventory]) -> [PlanIssue] {
        guard let bridge = fallbackBridge else {
            if ovn == nil {
                return [.warning("fallback_bridge", "No network is planned: the default profile gets no NIC and "
                    + "instances start without networking. Plan OVN or a fallback bridge.")]
            }
            return []
        }
        var issues: [PlanIssue] = []
        if ovn != nil {
            issues.append(.error("fallback_bridge", "Both OVN and a fallback bridge are planned. The fallback "
                + "bridge is only for clouds without OVN; drop one of them."))
        }
        if !isValidInterfaceName(bridge.name) {
            issues.append(.error("fallback_bridge.name", "Bridge name \"\(bridge.name)\" is not a valid interface "
                + "name. Use 1 to 15 letters, digits, '-', '_' or '.'."))
        }
        var bridgeNet: CIDR?
        if bridge.ipv4 == "auto" {
            issues.append(.error("fallback_bridge.ipv4_address", "The bridge's IPv4 address must be explicit, not "
                + "\"auto\" (LXD would probe the network for a free subnet). Give one such as 10.79.0.1/24."))
        } else if let c = CIDR(bridge.ipv4), c.isIPv4, c.hostBits >= 2, !c.isNetworkAddress, c.address != c.lastAddress {
            bridgeNet = c.network
        } else {
            issues.append(.error("fallback_bridge.ipv4_address", "Bridge IPv4 address \"\(bridge.ipv4)\" must be "
                + "the bridge's own IPv4 host address with a prefix, such as 10.79.0.1/24."))
        }
        if bridge.ipv6 != "none" {
            if let c = CIDR(bridge.ipv6), !c.isIPv4, c.hostBits >= 2, !c.isNetworkAddress {
                // accepted
            } else {
                issues.append(.error("fallback_bridge.ipv6_address", "Bridge IPv6 address \"\(bridge.ipv6)\" must "
                    + "be \"none\" or the bridge's own IPv6 host address with a prefix, such as fd42:79::1/64."))
            }
        }
        if let net = bridgeNet {
            if let lookup = CIDR(lookupSubnet), lookup.overlaps(net) {
                issues.append(.error("fallback_bridge.ipv4_address", "Bridge subnet \(net) overlaps the lookup "
                    + "subnet \(lookup.network). Choose a subnet no server uses, such as 10.79.0.1/24."))
            } else {
                for m in members {
                    guard let inv = inventories[m.name],
                          let clash = inv.allAddresses.first(where: { $0.overlaps(net) }) else { continue }
                    issues.append(.error("fallback_bridge.ipv4_address", member: m.name,
                                         "Bridge subnet \(net) overlaps \(clash) on \"\(m.name)\". Choose a subnet "
                                         + "no server uses."))
                }
            }
        }
        for m in members {
            if let inv = inventories[m.name], inv.lxd.networks.contains(bridge.name) {
                issues.append(.error("fallback_bridge.name", member: m.name,
                                     "Network \"\(bridge.name)\" already exists in LXD on \"\(m.name)\". Delete it "
                                     + "there or name the bridge differently."))
            }
        }
        return issues
    }
}

/// Linux interface names: 1–15 characters, no '/', ':', spaces.
func isValidInterfaceName(_ name: String) -> Bool {
    (1...15).contains(name.count) && name != "." && name != ".."
        && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
}

extension IPAddress {
    /// This address plus `n`, wrapping within its family.
    public func advanced(by n: UInt) -> IPAddress {
        var out = bytes
        var carry = n
        var i = out.count - 1
        while carry != 0 && i >= 0 {
            let sum = UInt(out[i]) + (carry & 0xFF)
            out[i] = UInt8(sum & 0xFF)
            carry = (carry >> 8) + (sum >> 8)
            i -= 1
        }
        return IPAddress(bytes: out)!
    }
}

/// What is wrong with an UPLINK gateway (host address with prefix, right family), or nil.
func uplinkGatewayProblem(_ text: String, ipv4: Bool) -> String? {
    let family = ipv4 ? "IPv4" : "IPv6"
    let example = ipv4 ? "192.0.2.1/24" : "2001:db8::1/64"
    guard let c = CIDR(text), c.isIPv4 == ipv4 else {
        return "\(family) gateway \"\(text)\" is not an \(family) address with a prefix. Use the router's "
            + "address on the uplink, e.g. \(example)."
    }
    if c.hostBits < 2 {
        return "\(family) gateway \(text) leaves no room for other addresses. Use the uplink's real prefix, "
            + "e.g. \(example)."
    }
    if c.isNetworkAddress {
        return "\(family) gateway \(text) is a network address. Use the router's host address, e.g. "
            + "\(c.firstAddress.advanced(by: 1))/\(c.prefix)."
    }
    if ipv4 && c.address == c.lastAddress {
        return "IPv4 gateway \(text) is the broadcast address of its subnet. Use the router's host address."
    }
    return nil
}

/// What is wrong with `ipv4.ovn.ranges`: family, order, inside the gateway subnet, excluding gateway and members.
func uplinkRangeProblems(_ range: IPRange, text: String, gateway: CIDR?,
                     members: [(name: String, address: String)]) -> [PlanIssue] {
    var issues: [PlanIssue] = []
    guard range.isIPv4 else {
        return [.error("ovn.ipv4_range", "IPv4 range \(text) holds IPv6 addresses. Use IPv4 addresses.")]
    }
    if !range.isAscending {
        issues.append(.error("ovn.ipv4_range", "IPv4 range \(range) starts after it ends. Put the lower address "
            + "first: \(range.last)-\(range.first)."))
    }
    if let gw = gateway {
        if !gw.contains(range.first) || !gw.contains(range.last) {
            issues.append(.error("ovn.ipv4_range", "IPv4 range \(range) is not inside the gateway's subnet "
                + "\(gw.network). Pick addresses from that subnet."))
        } else if range.contains(gw.address) {
            issues.append(.error("ovn.ipv4_range", "IPv4 range \(range) includes the gateway address "
                + "\(gw.address). Leave the gateway out of the range."))
        }
    }
    for m in members {
        if let ip = IPAddress(m.address), range.contains(ip) {
            issues.append(.error("ovn.ipv4_range", member: m.name,
                                 "UPLINK ipv4.ovn.ranges must not include system address \"\(ip)\" (of "
                                 + "\"\(m.name)\"). Shrink the range to leave it out."))
        }
    }
    return issues
}
