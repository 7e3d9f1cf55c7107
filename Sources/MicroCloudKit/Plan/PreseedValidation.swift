// Preseed.validate: the static rules of a preseed file (upstream's cmd/microcloud/preseed.go), checked before any network traffic. Every problem is
// returned, not just the first; each names its key and the fix.

extension Preseed {
    /// Field path of system `i`: by name when it has one, else by index.
    func systemField(_ i: Int, _ keys: PreseedKey...) -> String { systemField(i, keys) }

    func systemField(_ i: Int, _ keys: [PreseedKey]) -> String {
        let s = systems[i]
        let base = "\(PreseedKey.systems.rawValue)[\(s.name.isEmpty ? "\(i)" : s.name)]"
        return ([base] + keys.map(\.rawValue)).joined(separator: ".")
    }

    /// True when the initiator is one of `systems` (a new cloud); false when the file adds systems to an existing one.
    public var isBootstrap: Bool {
        if let name = initiator, !name.isEmpty { return systems.contains { $0.name == name } }
        if let address = initiatorAddress.flatMap(IPAddress.init) {
            return systems.contains { $0.address.flatMap(IPAddress.init) == address }
        }
        return false
    }

    public func validate() -> [PlanIssue] {
        var issues = validateTopLevel()
        issues += validateSystems()
        issues += validateOVNKeys()
        issues += validateCephKeys()
        issues += validateFilters()
        issues += validateExtensions()
        return issues
    }

    private func validateTopLevel() -> [PlanIssue] {
        var issues: [PlanIssue] = []
        let hasName = !(initiator ?? "").isEmpty, hasAddress = !(initiatorAddress ?? "").isEmpty
        if systems.isEmpty {
            issues.append(.error(.systems, "No systems given. List every server under systems, each with its name."))
        }
        if !hasName && !hasAddress {
            issues.append(.error(.initiator, "Missing initiator's name or address. Set initiator (with "
                + "lookup_subnet) or initiator_address."))
        }
        if hasName && hasAddress {
            issues.append(.error(.initiator, "Cannot provide both the initiator's name and address. Keep initiator "
                + "(servers find each other by multicast) or initiator_address (joiners contact it directly)."))
        }
        if hasAddress, let text = initiatorAddress, IPAddress(text) == nil {
            issues.append(.error(.initiatorAddress, "Invalid initiator address \"\(text)\". Give a plain IP "
                + "address such as 10.0.0.1."))
        }
        let subnetGiven = !(lookupSubnet ?? "").isEmpty
        if hasName && !hasAddress && !subnetGiven {
            issues.append(.error(.lookupSubnet, "Missing lookup subnet. With initiator, give the subnet the "
                + "servers share, such as 10.0.0.0/24."))
        }
        if hasAddress && subnetGiven {
            issues.append(.error(.lookupSubnet, "Cannot provide both the initiator's address and lookup subnet. "
                + "Drop lookup_subnet and give every system its address."))
        }
        if subnetGiven, let text = lookupSubnet, CIDR(text) == nil {
            issues.append(.error(.lookupSubnet, "Invalid lookup subnet \"\(text)\". Give a CIDR such as "
                + "10.0.0.0/24."))
        }
        if systems.count > 1 && (sessionPassphrase ?? "").isEmpty {
            issues.append(.error(.sessionPassphrase, "Missing session passphrase. With more than one system, "
                + "every server running this file needs the same session_passphrase."))
        }
        if let t = lookupTimeout, t <= 0 {
            issues.append(.error(.lookupTimeout, "lookup_timeout must be a positive number of seconds (default "
                + "60), not \(t)."))
        }
        if let t = sessionTimeout, t <= 0 || t > 3600 {
            issues.append(.error(.sessionTimeout, "session_timeout must be between 1 and 3600 seconds (default "
                + "3600), not \(t)."))
        }
        return issues
    }

    private func validateSystems() -> [PlanIssue] {
        var issues: [PlanIssue] = []
        let unicast = !(initiatorAddress ?? "").isEmpty
        let multicast = !(lookupSubnet ?? "").isEmpty
        var names = Set<String>()
        var addresses: [IPAddress: String] = [:]
        for (i, s) in systems.enumerated() {
            if s.name.isEmpty {
                issues.append(.error(systemField(i, .name), "Missing system name. Give each entry of systems the "
                    + "server's host name."))
            } else if !names.insert(s.name).inserted {
                issues.append(.error(systemField(i, .name), member: s.name,
                                     "Duplicate system name \"\(s.name)\". List each server once."))
            }
            let label = s.name.isEmpty ? "system \(i + 1)" : "system \"\(s.name)\""
            if let a = s.address, !a.isEmpty {
                if multicast {
                    issues.append(.error(systemField(i, .address), member: s.name,
                                         "Cannot set an address for \(label) with lookup_subnet: each server uses "
                                         + "its first address inside the subnet. Remove it, or use "
                                         + "initiator_address instead of lookup_subnet."))
                }
                if let ip = IPAddress(a) {
                    if let other = addresses[ip] {
                        issues.append(.error(systemField(i, .address), member: s.name,
                                             "Address \(ip) is given to both \"\(other)\" and \"\(s.name)\". Each "
                                             + "server needs its own address."))
                    }
                    addresses[ip] = s.name
                } else {
                    issues.append(.error(systemField(i, .address), member: s.name,
                                         "Invalid address \"\(a)\" for \(label). Give a plain IP address."))
                }
            } else if unicast {
                issues.append(.error(systemField(i, .address), member: s.name,
                                     "Missing address for \(label). With initiator_address every system needs "
                                     + "its address."))
            }
            if let ip = s.ovnUnderlayIP, !ip.isEmpty,
               let problem = UnderlayRules.problem(ip, member: s.name, inventory: nil) {
                issues.append(.error(systemField(i, .ovnUnderlayIP), member: s.name, problem))
            }
            issues += validateExplicitDisks(i, label: label)
        }
        // "If any system sets it, all must": the plan's per-member rules, with their words.
        issues += partialKeyIssues(keys: [.ovnUplinkInterface], ChoiceRules.missingUplink) {
            !($0.ovnUplinkInterface ?? "").isEmpty
        }
        issues += partialKeyIssues(keys: [.ovnUnderlayIP], UnderlayRules.missing) { !($0.ovnUnderlayIP ?? "").isEmpty }
        if (storage?.local ?? []).isEmpty {
            issues += partialKeyIssues(keys: [.storage, .local], ChoiceRules.missingLocalDisk) { $0.storage?.local != nil }
        }
        return issues
    }

    private func partialKeyIssues(keys: [PreseedKey], _ message: (String) -> String, _ has: (System) -> Bool) -> [PlanIssue] {
        let set = systems.filter(has)
        guard !set.isEmpty, set.count < systems.count else { return [] }
        return systems.indices.filter { !has(systems[$0]) }.map { i in
            .error(systemField(i, keys), member: systems[i].name, message(systems[i].name))
        }
    }

    private func validateExplicitDisks(_ i: Int, label: String) -> [PlanIssue] {
        guard let st = systems[i].storage else { return [] }
        var issues: [PlanIssue] = []
        let name = systems[i].name
        func check(_ path: String, _ field: String) {
            if path.isEmpty {
                issues.append(.error(field, member: name, "Missing disk path for \(label). Give the disk's path, "
                    + "such as /dev/disk/by-id/…"))
            } else if !path.hasPrefix("/") {
                issues.append(.error(field, member: name, "Disk path \"\(path)\" for \(label) must be absolute, "
                    + "such as /dev/\(path) or /dev/disk/by-id/…"))
            }
        }
        if let local = st.local { check(local.path, systemField(i, .storage, .local, .path)) }
        // A disk listed twice, or for both local storage and Ceph, is the plan's rule (checked once resolved).
        for (j, d) in st.ceph.enumerated() { check(d.path, systemField(i, .storage, .ceph) + "[\(j)].\(PreseedKey.path.rawValue)") }
        return issues
    }

    /// The `ovn` keys, by the uplink rules every path uses (members' addresses where the file gives them).
    private func validateOVNKeys() -> [PlanIssue] {
        let uplinksNamed = systems.contains { !($0.ovnUplinkInterface ?? "").isEmpty }
        guard ovn != nil || (uplinksNamed && isBootstrap) else { return [] }
        let known = systems.compactMap { s in s.address.map { (name: s.name, address: $0) } }
        return UplinkRules.problems(uplinkAnswers, members: known, complete: true).map(\.issue)
    }

    /// The `ovn` keys as the uplink answers they are.
    var uplinkAnswers: UplinkAnswers {
        UplinkAnswers(ipv4Gateway: ovn?.ipv4Gateway, ipv4Range: ovn?.ipv4Range, ipv6Gateway: ovn?.ipv6Gateway,
                      dnsServers: ovn?.dnsServers)
    }

    /// Any Ceph disk asked for, explicitly or by filter.
    var wantsCephDisks: Bool {
        !(storage?.ceph ?? []).isEmpty || systems.contains { !($0.storage?.ceph ?? []).isEmpty }
    }

    private func validateCephKeys() -> [PlanIssue] {
        guard let ceph else { return [] }
        var issues: [PlanIssue] = []
        for (role, value) in [(CephNetworkRules.Role.internal, ceph.internalNetwork), (.public, ceph.publicNetwork)] {
            guard let value, !value.isEmpty else { continue }
            let key = role.key, name = role.rawValue
            if !wantsCephDisks {
                issues.append(.error(key, "A Ceph \(name) network needs Ceph disks, and none are given. Add "
                    + "systems[].storage.ceph or storage.ceph filters, or remove \(key)."))
            }
            issues += CephNetworkRules.problems(value, role: role, lookupSubnet: nil, inventories: [])
        }
        if ceph.cephfs == true && !wantsCephDisks {
            issues.append(.warning(PreseedKey.field(PreseedKey.ceph.rawValue, .cephfs), "CephFS needs Ceph disks and none are given, so remote-fs will not "
                + "be created. Add Ceph disks or remove ceph.cephfs."))
        }
        return issues
    }

    private func validateFilters() -> [PlanIssue] {
        var issues: [PlanIssue] = []
        for (kind, filters) in [("local", storage?.local ?? []), ("ceph", storage?.ceph ?? [])] {
            let label = kind == "local" ? "Local" : "Ceph"
            let allExplicit = !systems.isEmpty && systems.allSatisfy {
                kind == "local" ? $0.storage?.local != nil : !($0.storage?.ceph ?? []).isEmpty
            }
            if allExplicit && !filters.isEmpty {
                issues.append(.error("storage.\(kind)", "\(label) disk filter cannot be used. All systems have "
                    + "explicitly specified disks. Remove storage.\(kind) or the explicit disks."))
            }
            for (i, f) in filters.enumerated() {
                let base = "storage.\(kind)[\(i)]"
                if f.find.trimming(" ").isEmpty {
                    issues.append(.error(PreseedKey.field(base, .find), "Empty disk filter. Write an expression such as: "
                        + "size > 10GiB && type == nvme"))
                } else {
                    do { _ = try DiskFilter(f.find) } catch let e as DiskFilterError {
                        issues.append(.error(PreseedKey.field(base, .find), "Invalid disk filter \"\(f.find)\" \(e)."))
                    } catch {}
                }
                let minimum = f.findMin ?? 1
                if kind == "ceph" && minimum < 1 {
                    issues.append(.error(PreseedKey.field(base, .findMin), "find_min must be at least 1 for Ceph disk filters, "
                        + "not \(minimum)."))
                } else if minimum < 0 {
                    issues.append(.error(PreseedKey.field(base, .findMin), "find_min cannot be negative (\(minimum))."))
                }
                if let maximum = f.findMax {
                    if maximum < 1 {
                        issues.append(.error(PreseedKey.field(base, .findMax), "find_max must be at least 1, not \(maximum). "
                            + "Remove it for no upper bound."))
                    } else if maximum < minimum {
                        issues.append(.error(PreseedKey.field(base, .findMax), "find_max (\(maximum)) is lower than find_min "
                            + "(\(minimum)). Raise find_max or lower find_min."))
                    }
                }
            }
        }
        return issues
    }

    private func validateExtensions() -> [PlanIssue] {
        var issues: [PlanIssue] = []
        if let d = localPoolDriver, !LocalPoolPlanner.drivers.contains(d) {
            issues.append(.error(.localPoolDriver, "Unknown local pool driver \"\(d)\". Use one of: "
                + LocalPoolPlanner.drivers.joined(separator: ", ") + "."))
        }
        if let size = localPoolLoopSize {
            issues += LocalPoolPlan.loopSizeProblems(size, driver: localPoolDriver).map { .error(.localPoolLoopSize, $0) }
            if !(storage?.local ?? []).isEmpty || systems.contains(where: { $0.storage?.local != nil }) {
                issues.append(.error(.localPoolLoopSize, "A local pool in a loop file uses no disk. Remove "
                    + "local_pool_loop_size, or the local disks and storage.local filters."))
            }
        }
        if let b = fallbackBridge, !b.disabled, b.ipv4Address == "auto" {
            issues.append(.error(PreseedKey.field(PreseedKey.fallbackBridge.rawValue, .ipv4Address), BridgePlan.autoAddressProblem))
        }
        return issues
    }
}
