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
            if inv.lxd.networks.contains("UPLINK") || inv.lxd.networks.contains("default"),
               let why = inv.ovnIneligibility {
                issues.append(.error("ovn", member: m.name, why + "."))
            }
            guard let name = m.uplinkInterface, !name.isEmpty else {
                issues.append(.error(field, member: m.name, ChoiceRules.missingUplink(m.name)))
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
        issues += UplinkRules.problems(UplinkAnswers(ovn), members: members.map { ($0.name, $0.address) },
                                       complete: true).map(\.issue)
        return issues
    }

    private func validateUnderlay(_ inventories: [String: Inventory]) -> [PlanIssue] {
        guard members.contains(where: { $0.underlayIP != nil }) else { return [] }
        var issues: [PlanIssue] = []
        var owner: [IPAddress: String] = [:]
        for m in members {
            let field = memberField(m.name, "ovn_underlay_ip")
            guard let text = m.underlayIP else {
                issues.append(.error(field, member: m.name, UnderlayRules.missing(m.name)))
                continue
            }
            if let problem = UnderlayRules.problem(text, member: m.name, inventory: inventories[m.name]) {
                issues.append(.error(field, member: m.name, problem))
                continue
            }
            guard let ip = IPAddress(text) else { continue }
            if let other = owner[ip] {
                issues.append(.error(field, member: m.name,
                                     "Underlay IP \(ip) is used by both \"\(other)\" and \"\(m.name)\". "
                                     + "Each member needs its own."))
            } else {
                owner[ip] = m.name
            }
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
            issues.append(.error("fallback_bridge.ipv4_address", BridgePlan.autoAddressProblem))
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
