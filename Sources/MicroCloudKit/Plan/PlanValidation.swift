// ClusterPlan.validate: every rule a plan must pass before anything is changed on any server. Rules are grouped by
// topic (members and services here; storage and networks in the sibling files). Each issue names its field and
// says how to fix it; validation never stops at the first problem.

extension ClusterPlan {
    /// All problems of this plan against what the servers reported. Errors block bootstrap; warnings (fewer than
    /// three members or OSD hosts, no network) are shown and accepted.
    public func validate(inventories: [String: Inventory]) -> [PlanIssue] {
        var issues = validateMembers(inventories)
        issues += validateServices(inventories)
        issues += validateLocalStorage(inventories)
        issues += validateCeph(inventories)
        issues += validateOVN(inventories)
        issues += validateBridge(inventories)
        return issues
    }

    func validateMembers(_ inventories: [String: Inventory]) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        if members.isEmpty {
            issues.append(.error("systems", "The plan has no members. Select at least one server."))
            return issues
        }
        if !members.contains(where: { $0.name == initiator }) {
            issues.append(.error("initiator", "The initiator \"\(initiator)\" is not one of the plan's members. "
                + "Include the local server in the plan."))
        }
        let subnet = CIDR(lookupSubnet)
        if subnet == nil {
            issues.append(.error("lookup_subnet", "Lookup subnet \"\(lookupSubnet)\" is not a valid CIDR. "
                + "Use the network the servers share, such as 10.0.0.0/24."))
        }
        var seenNames = Set<String>()
        var addressOwner: [IPAddress: String] = [:]
        for m in members {
            if !seenNames.insert(m.name).inserted {
                issues.append(.error(memberField(m.name, "name"), member: m.name,
                                     "Duplicate system name \"\(m.name)\". Each server may appear only once."))
                continue
            }
            if !MemberName.isValid(m.name) {
                issues.append(.error(memberField(m.name, "name"), member: m.name,
                                     "System name \"\(m.name)\" is not a valid host name. \(MemberName.rule)"))
            }
            if let ip = IPAddress(m.address) {
                if let s = subnet, !s.contains(ip) {
                    issues.append(.error(memberField(m.name, "address"), member: m.name,
                                         "Address \(ip) of \"\(m.name)\" is outside the lookup subnet \(s.network). "
                                         + "Use an address of that server inside the subnet, or another subnet."))
                }
                if let other = addressOwner[ip] {
                    issues.append(.error(memberField(m.name, "address"), member: m.name,
                                         "Address \(ip) is used by both \"\(other)\" and \"\(m.name)\". "
                                         + "Each server needs its own address."))
                } else {
                    addressOwner[ip] = m.name
                }
            } else {
                issues.append(.error(memberField(m.name, "address"), member: m.name,
                                     "Address \"\(m.address)\" of \"\(m.name)\" is not a valid IP address."))
            }
            guard let inv = inventories[m.name] else {
                issues.append(.error(memberField(m.name), member: m.name,
                                     "No system information for \"\(m.name)\". Gather its inventory before planning."))
                continue
            }
            if inv.lxd.clustered {
                issues.append(.error(memberField(m.name), member: m.name,
                                     "LXD is already clustered on \"\(m.name)\", aborting setup. "
                                     + "Remove it from its LXD cluster or leave it out of the plan."))
            }
        }
        if members.count < 3 {
            issues.append(.warning("systems", "Reliability risk: 3 systems are required for effective fault "
                + "tolerance (the plan has \(members.count)). Add servers now or later with 'microcloud add'."))
        }
        return issues
    }

    func validateServices(_ inventories: [String: Inventory]) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        if !services.contains(.microcloud) || !services.contains(.lxd) {
            issues.append(.error("services", "The plan must include MicroCloud and LXD."))
        }
        if ceph != nil && !services.contains(.microceph) {
            issues.append(.error("ceph", "Distributed storage needs MicroCeph, which is not among the plan's "
                + "services. Install MicroCeph on every server or skip distributed storage."))
        }
        if ovn != nil && !services.contains(.microovn) {
            issues.append(.error("ovn", "Distributed networking needs MicroOVN, which is not among the plan's "
                + "services. Install MicroOVN on every server or skip distributed networking."))
        }
        for service in services where service != .microcloud {
            for m in members where inventories[m.name].map({ $0.services[service] == nil }) ?? false {
                issues.append(.error(memberField(m.name), member: m.name,
                                     "\(service.rawValue) is not installed on \"\(m.name)\". Install it there "
                                     + "or leave \(service.rawValue) out of the plan."))
            }
        }
        // Releases and capabilities: the version gates (the same releases everywhere among them).
        return issues + VersionRules.issues(members.compactMap { inventories[$0.name] }, plan: self)
    }
}
