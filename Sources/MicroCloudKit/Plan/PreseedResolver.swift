// Preseed.resolve: from a validated preseed and the servers' inventories to a ClusterPlan (§7.3–7.4): the role,
// addresses, services, local and Ceph disks (explicit, then filters), uplinks, driver, Ceph networks, then the
// plan's own validation.

/// What this machine does with a preseed file.
public enum PreseedRole: Equatable, Sendable {
    /// Plans and drives the setup; `bootstrap` false means the file adds systems to an existing cloud.
    case initiator(bootstrap: Bool)
    /// Joins with the passphrase and waits for the initiator.
    case joiner
}

extension Preseed {
    /// The initiator is the machine named `initiator`, or the one owning `initiator_address`.
    public func role(localName: String, localAddresses: [String] = []) -> PreseedRole {
        let byName = initiator.map { !$0.isEmpty && $0 == localName } ?? false
        let target = initiatorAddress.flatMap(IPAddress.init)
        let byAddress = target.map { t in localAddresses.contains { ($0.split(separator: "/").first)
            .flatMap { IPAddress(String($0)) } == t } } ?? false
        return byName || byAddress ? .initiator(bootstrap: isBootstrap) : .joiner
    }

    /// Name of the initiator: `initiator`, or the system whose address is `initiator_address`.
    var initiatorName: String? {
        if let n = initiator, !n.isEmpty { return n }
        let target = initiatorAddress.flatMap(IPAddress.init)
        return systems.first { $0.address.flatMap(IPAddress.init) == target }?.name
    }

    /// Builds the plan the initiator will run. `inventories` are those of the listed systems (gathered after they
    /// joined the session); `localName` is this machine's host name. The plan is nil when any error was found.
    public func resolve(inventories: [Inventory], localName: String) -> (plan: ClusterPlan?, issues: [PlanIssue]) {
        var issues = validate()
        if issues.hasErrors { return (nil, issues) }
        let byName = Dictionary(inventories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard let initiatorName, initiatorName == localName else {
            issues.append(.error("initiator", "\"\(localName)\" is not the initiator (\(initiator ?? initiatorAddress ?? "none")). "
                + "Only the initiator plans the cloud; on other servers this file just joins."))
            return (nil, issues)
        }
        guard systems.contains(where: { $0.name == localName }) else {
            issues.append(.error("systems", "Local MicroCloud must be included in the list of systems when "
                + "initializing. Add \"\(localName)\" to systems (adding servers to an existing cloud by preseed "
                + "is not supported yet)."))
            return (nil, issues)
        }
        var resolver = Resolver(preseed: self, inventories: byName)
        guard let plan = resolver.run(initiator: initiatorName) else { return (nil, issues + resolver.issues) }
        issues += resolver.issues
        issues += plan.validate(inventories: byName)
        return (issues.hasErrors ? nil : plan, issues)
    }
}

/// One resolution pass; collects issues as it goes.
private struct Resolver {
    let preseed: Preseed
    let inventories: [String: Inventory]
    var issues: [PlanIssue] = []
    /// Disk ids already taken on each system (explicit disks first, then filter picks).
    var used: [String: Set<String>] = [:]

    init(preseed: Preseed, inventories: [String: Inventory]) {
        self.preseed = preseed
        self.inventories = inventories
    }

    var systems: [Preseed.System] { preseed.systems }

    mutating func run(initiator: String) -> ClusterPlan? {
        for s in systems where inventories[s.name] == nil {
            issues.append(.error(memberField(s.name), member: s.name,
                                 "No system information for \"\(s.name)\": it did not join within lookup_timeout "
                                 + "(\(preseed.effectiveLookupTimeout)s) or could not be asked. Check that it runs "
                                 + "this file with the same passphrase."))
        }
        guard !issues.hasErrors, let subnet = lookupSubnet(initiator: initiator) else { return nil }
        var members: [MemberPlan] = []
        for s in systems {
            let inv = inventories[s.name]!
            guard let address = address(of: s, inv: inv, subnet: subnet) else { continue }
            members.append(MemberPlan(name: s.name, address: address, fingerprint: inv.fingerprint,
                                      underlayIP: s.ovnUnderlayIP.flatMap { $0.isEmpty ? nil : $0 }))
        }
        if issues.hasErrors { return nil }
        let services = chooseServices()
        reserveExplicitDisks()
        let localPool = planLocal(&members)
        let ceph = planCeph(&members, services: services, subnet: subnet)
        let ovn = planOVN(&members, services: services)
        var bridge: BridgePlan?
        if ovn == nil {
            let b = preseed.fallbackBridge
            if !(b?.disabled ?? false) {
                bridge = BridgePlan(name: b?.name ?? BridgePlan.standard.name,
                                    ipv4: b?.ipv4Address ?? BridgePlan.standard.ipv4,
                                    ipv6: b?.ipv6Address ?? BridgePlan.standard.ipv6)
            }
        } else if preseed.fallbackBridge != nil {
            issues.append(.warning("fallback_bridge", "fallback_bridge is ignored: OVN provides the network."))
        }
        return ClusterPlan(initiator: initiator, lookupSubnet: subnet.description, members: members,
                           services: services, localPool: localPool, ceph: ceph, ovn: ovn, fallbackBridge: bridge)
    }

    /// lookup_subnet in network form; in unicast mode the subnet of the initiator's interface holding its address.
    mutating func lookupSubnet(initiator: String) -> CIDR? {
        if let text = preseed.lookupSubnet, let c = CIDR(text) { return c.network }
        guard let ip = preseed.initiatorAddress.flatMap(IPAddress.init) else { return nil }
        let owned = inventories[initiator]?.allAddresses.first { $0.address == ip }
        return owned?.network ?? CIDR(address: ip, prefix: ip.bitWidth)
    }

    mutating func address(of s: Preseed.System, inv: Inventory, subnet: CIDR) -> String? {
        if let a = s.address, !a.isEmpty { return IPAddress(a)?.description ?? a }
        if let ip = IPAddress(inv.address), subnet.contains(ip) { return ip.description }
        if let found = inv.allAddresses.first(where: { subnet.contains($0.address) }) {
            return found.address.description
        }
        issues.append(.error(memberField(s.name, "address"), member: s.name,
                             "Failed to determine MicroCloud address within subnet \(subnet) on \"\(s.name)\". "
                             + "Give it an address in that subnet or fix lookup_subnet."))
        return nil
    }

    /// MicroCloud and LXD always; MicroCeph and MicroOVN when every system has them.
    mutating func chooseServices() -> [ServiceKind] {
        var out: [ServiceKind] = [.microcloud, .lxd]
        for service in [ServiceKind.microceph, .microovn] {
            let missing = systems.filter { inventories[$0.name]?.services[service] == nil }.map(\.name)
            if missing.isEmpty {
                out.append(service)
            } else if missing.count < systems.count {
                issues.append(.warning("services", "\(service.rawValue) is not installed on "
                    + "\(missing.joined(separator: ", ")), so the cloud is set up without it."))
            }
        }
        return out
    }

    mutating func reserveExplicitDisks() {
        for s in systems {
            guard let inv = inventories[s.name] else { continue }
            let paths = (s.storage?.local.map { [$0.path] } ?? []) + (s.storage?.ceph ?? []).map(\.path)
            for p in paths { if let d = inv.disk(named: p) { used[s.name, default: []].insert(d.id) } }
        }
    }

    /// Disks of a system a filter may still pick, in path order. Filters never pick a disk the system is using
    /// (mounted) or cannot write.
    func candidates(_ name: String, _ filter: DiskFilter) -> [Disk] {
        (inventories[name]?.availableDisks ?? []).filter {
            !used[name, default: []].contains($0.id) && !$0.mounted && !$0.readOnly && filter.matches($0)
        }
    }

    mutating func checkCount(_ count: Int, _ f: Preseed.DiskFilterEntry, field: String) {
        let minimum = f.findMin ?? 1
        if count < minimum {
            issues.append(.error(field, "Failed to find at least \(minimum) disks for filter \"\(f.find)\" (found "
                + "\(count)). Widen the filter or lower find_min."))
        }
        if let maximum = f.findMax, count > maximum {
            issues.append(.error(field, "Found more than \(maximum) disks for filter \"\(f.find)\" (found \(count)). "
                + "Narrow the filter or raise find_max."))
        }
    }

    mutating func planLocal(_ members: inout [MemberPlan]) -> LocalPoolPlan? {
        let filters = preseed.storage?.local ?? []
        let explicit = systems.contains { $0.storage?.local != nil }
        let loop = preseed.localPoolLoopSize
        guard explicit || !filters.isEmpty || preseed.localPoolDriver != nil || loop != nil else { return nil }
        let pool = (preseed.localPoolDriver.map { LocalPoolPlan(driver: $0) }
            ?? LocalPoolPlanner.choose(inventories: systems.compactMap { inventories[$0.name] }))
            .map { $0.driver == "dir" ? $0 : LocalPoolPlan(driver: $0.driver, loopSize: loop) }
        guard let pool else {
            issues.append(.error("storage.local", "LXD offers no storage driver common to all servers for local "
                + "storage. Install ZFS or Btrfs support, or remove the local storage keys."))
            return nil
        }
        for (i, s) in systems.enumerated() {
            if let local = s.storage?.local { members[i].localDisk = DiskChoice(path: local.path, wipe: local.wipe) }
        }
        // dir and loop-file pools take no disk: keep explicit choices so validation explains, but run no filters.
        guard pool.needsDisk else { return pool }
        for (fi, f) in filters.enumerated() {
            guard members.contains(where: { $0.localDisk == nil }), let filter = try? DiskFilter(f.find) else { break }
            var count = 0
            for i in members.indices where members[i].localDisk == nil {
                if let d = candidates(members[i].name, filter).first {
                    members[i].localDisk = DiskChoice(path: d.path, wipe: f.wipe)
                    used[members[i].name, default: []].insert(d.id)
                    count += 1
                }
            }
            checkCount(count, f, field: "storage.local[\(fi)]")
        }
        let chosen = members.filter { $0.localDisk != nil }
        if chosen.isEmpty {
            issues.append(.warning("storage.local", "No disk matched the local storage filters, so local storage "
                + "is skipped."))
            return nil
        }
        for m in members where m.localDisk == nil {
            issues.append(.error(memberField(m.name, "storage.local"), member: m.name,
                                 "Failed to find at least 1 disk on each machine for local storage pool "
                                 + "configuration: \"\(m.name)\" has none. Give systems[\(m.name)].storage.local "
                                 + "or widen the storage.local filters."))
        }
        return pool
    }

    mutating func planCeph(_ members: inout [MemberPlan], services: [ServiceKind], subnet: CIDR) -> CephPlan? {
        guard preseed.wantsCephDisks else { return nil }
        guard services.contains(.microceph) else {
            issues.append(.warning("ceph", "MicroCeph is not installed on every server, so distributed storage is "
                + "skipped (systems[].storage.ceph, storage.ceph and ceph keys are ignored)."))
            return nil
        }
        let hasExplicit = Set(systems.filter { !($0.storage?.ceph ?? []).isEmpty }.map(\.name))
        for (i, s) in systems.enumerated() {
            members[i].cephDisks = (s.storage?.ceph ?? []).map {
                DiskChoice(path: $0.path, wipe: $0.wipe, encrypt: $0.encrypt)
            }
        }
        for (fi, f) in (preseed.storage?.ceph ?? []).enumerated() {
            guard let filter = try? DiskFilter(f.find) else { continue }
            var count = 0
            for i in members.indices where !hasExplicit.contains(members[i].name) {
                for d in candidates(members[i].name, filter) {
                    members[i].cephDisks.append(DiskChoice(path: d.path, wipe: f.wipe, encrypt: f.encrypt))
                    used[members[i].name, default: []].insert(d.id)
                    count += 1
                }
            }
            checkCount(count, f, field: "storage.ceph[\(fi)]")
        }
        let all = members.flatMap(\.cephDisks)
        guard !all.isEmpty else { return nil }
        let c = preseed.ceph
        func network(_ text: String?) -> String {
            guard let text, !text.isEmpty else { return subnet.description }
            return CIDR(text)?.description ?? text
        }
        return CephPlan(encrypt: all.allSatisfy(\.encrypt), cephfs: c?.cephfs ?? false,
                        internalNetwork: network(c?.internalNetwork), publicNetwork: network(c?.publicNetwork))
    }

    mutating func planOVN(_ members: inout [MemberPlan], services: [ServiceKind]) -> OVNPlan? {
        let o = preseed.ovn
        let gateway = !(o?.ipv4Gateway ?? "").isEmpty || !(o?.ipv6Gateway ?? "").isEmpty
        let uplinks = systems.contains { !($0.ovnUplinkInterface ?? "").isEmpty }
        guard gateway || uplinks else { return nil }
        guard services.contains(.microovn) else {
            issues.append(.warning("ovn", "MicroOVN is not installed on every server, so distributed networking is "
                + "skipped (ovn keys and ovn_uplink_interface are ignored); the fallback bridge is used instead."))
            return nil
        }
        for (i, s) in systems.enumerated() {
            if let name = s.ovnUplinkInterface, !name.isEmpty {
                members[i].uplinkInterface = name
            } else if let first = inventories[s.name]?.uplinkCandidates.first {
                members[i].uplinkInterface = first.name
            } else {
                issues.append(.error(memberField(s.name, "ovn_uplink_interface"), member: s.name,
                                     "System \"\(s.name)\" is ineligible for distributed networking. At least one "
                                     + "interface in state UP with no IPs assigned or a bridge is required."))
            }
        }
        func nonEmpty(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }
        return OVNPlan(ipv4Gateway: nonEmpty(o?.ipv4Gateway), ipv4Range: nonEmpty(o?.ipv4Range),
                       ipv6Gateway: nonEmpty(o?.ipv6Gateway), dnsServers: o?.dnsServerList ?? [])
    }
}
