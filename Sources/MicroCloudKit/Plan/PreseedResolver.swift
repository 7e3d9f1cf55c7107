// Preseed.resolve: from a validated preseed and the servers' inventories to the plan's answers (as upstream's cmd/microcloud/preseed.go resolves them): the role,
// the lookup subnet, local and Ceph disks (explicit, then filters), uplinks (explicit, else the first candidate).
// `PlanBuilder` then applies the defaults and rules the wizard's answers go through too.

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
    /// Validates first; a caller that already validated (and showed those issues) resolves the `ValidatedPreseed`.
    public func resolve(inventories: [Inventory], localName: String) -> (plan: ClusterPlan?, issues: [PlanIssue]) {
        let checked = validated()
        let resolved = checked.resolve(inventories: inventories, localName: localName)
        return (resolved.plan, checked.issues + resolved.issues)
    }

    /// The file with its `validate()` issues, so a run validates once: `--validate`, the dry run and the real run
    /// all read these.
    public func validated() -> ValidatedPreseed { ValidatedPreseed(preseed: self, issues: validate()) }
}

/// A preseed and the issues its static rules found (`Preseed.validate`), computed once per run.
public struct ValidatedPreseed: Sendable {
    public let preseed: Preseed
    public let issues: [PlanIssue]

    public var errors: [PlanIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [PlanIssue] { issues.filter { $0.severity == .warning } }

    /// The plan, and only the issues found after validation (resolving against the servers, then the plan's rules).
    /// No plan when the file had errors.
    public func resolve(inventories: [Inventory], localName: String) -> (plan: ClusterPlan?, issues: [PlanIssue]) {
        if issues.hasErrors { return (nil, []) }
        let p = preseed
        var issues: [PlanIssue] = []
        let byName = Dictionary(inventories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard let initiatorName = p.initiatorName, initiatorName == localName else {
            issues.append(.error(.initiator, "\"\(localName)\" is not the initiator (\(p.initiator ?? p.initiatorAddress ?? "none")). "
                + "Only the initiator plans the cloud; on other servers this file just joins."))
            return (nil, issues)
        }
        guard p.systems.contains(where: { $0.name == localName }) else {
            issues.append(.error(.systems, "Local MicroCloud must be included in the list of systems when "
                + "initializing. Add \"\(localName)\" to systems (adding servers to an existing cloud by preseed "
                + "is not supported yet)."))
            return (nil, issues)
        }
        var resolver = Resolver(preseed: p, inventories: byName)
        guard let answers = resolver.run(initiator: initiatorName) else { return (nil, resolver.issues) }
        let built = PlanBuilder.build(answers, inventories: inventories)
        issues += resolver.issues + built.issues
        return (issues.hasErrors ? nil : built.plan, issues)
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
    var present: [Inventory] { systems.compactMap { inventories[$0.name] } }

    mutating func run(initiator: String) -> PlanAnswers? {
        for s in systems where inventories[s.name] == nil {
            issues.append(.error(memberField(s.name), member: s.name,
                                 "No system information for \"\(s.name)\": it did not join within lookup_timeout "
                                 + "(\(preseed.effectiveLookupTimeout)s) or could not be asked. Check that it runs "
                                 + "this file with the same passphrase."))
        }
        guard !issues.hasErrors, let subnet = lookupSubnet(initiator: initiator) else { return nil }
        var members = systems.map { s in
            MemberPlan(name: s.name, address: s.address.flatMap { IPAddress($0)?.description ?? $0 } ?? "",
                       underlayIP: s.ovnUnderlayIP.flatMap { $0.isEmpty ? nil : $0 })
        }
        reserveExplicitDisks()
        var answers = PlanAnswers(initiator: initiator, lookupSubnet: subnet.description, members: [])
        answers.localStorage = planLocal(&members)
        answers.ceph = planCeph(&members)
        answers.uplink = planOVN(&members)
        // Always handed over: the builder falls back to it when OVN cannot be set up (and says why).
        let b = preseed.fallbackBridge
        answers.fallbackBridge = (b?.disabled ?? false) ? nil
            : BridgePlan(name: b?.name ?? BridgePlan.standard.name, ipv4: b?.ipv4Address ?? BridgePlan.standard.ipv4,
                         ipv6: b?.ipv6Address ?? BridgePlan.standard.ipv6)
        let ovnPossible = ServiceRules.missing(.microovn, present) == nil
            && OVNRules.unavailable(members: members, inventories: inventories) == nil
        if answers.uplink != nil && ovnPossible && preseed.fallbackBridge != nil {
            issues.append(.warning(.fallbackBridge, "fallback_bridge is ignored: OVN provides the network."))
        }
        answers.members = members
        return answers
    }

    /// lookup_subnet in network form; in unicast mode the subnet of the initiator's interface holding its address.
    mutating func lookupSubnet(initiator: String) -> CIDR? {
        if let text = preseed.lookupSubnet, let c = CIDR(text) { return c.network }
        guard let ip = preseed.initiatorAddress.flatMap(IPAddress.init) else { return nil }
        let owned = inventories[initiator]?.allAddresses.first { $0.address == ip }
        return owned?.network ?? CIDR(address: ip, prefix: ip.bitWidth)
    }

    mutating func reserveExplicitDisks() {
        for s in systems {
            guard let inv = inventories[s.name] else { continue }
            let paths = (s.storage?.local.map { [$0.path] } ?? []) + (s.storage?.ceph ?? []).map(\.path)
            for p in paths { if let d = inv.disk(named: p) { used[s.name, default: []].insert(d.id) } }
        }
    }

    /// Disks of a system a filter may still pick, in path order (only available ones: the same rule the wizard's
    /// tables offer by).
    func candidates(_ name: String, _ filter: DiskFilter) -> [Disk] {
        (inventories[name]?.availableDisks ?? []).filter { !used[name, default: []].contains($0.id) && filter.matches($0) }
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

    mutating func planLocal(_ members: inout [MemberPlan]) -> PlanAnswers.LocalStorage? {
        let filters = preseed.storage?.local ?? []
        let explicit = systems.contains { $0.storage?.local != nil }
        let loop = preseed.localPoolLoopSize
        guard explicit || !filters.isEmpty || preseed.localPoolDriver != nil || loop != nil else { return nil }
        let answer = PlanAnswers.LocalStorage(driver: preseed.localPoolDriver, loopSize: loop)
        for (i, s) in systems.enumerated() {
            if let local = s.storage?.local { members[i].localDisk = DiskChoice(path: local.path, wipe: local.wipe) }
        }
        // dir and loop-file pools take no disk: keep explicit choices so validation explains, but run no filters.
        let driver = preseed.localPoolDriver ?? LocalPoolPlanner.choose(inventories: present)?.driver
        guard let driver, LocalPoolPlan(driver: driver, loopSize: loop).needsDisk else { return answer }
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
        if !members.contains(where: { $0.localDisk != nil }) {
            issues.append(.warning(PreseedKey.field(PreseedKey.storage.rawValue, .local), "No disk matched the local storage filters, so local storage "
                + "is skipped."))
            return nil
        }
        for m in members where m.localDisk == nil {
            issues.append(.error(memberField(m.name, "storage.local"), member: m.name,
                                 "Failed to find at least 1 disk on each machine for local storage pool "
                                 + "configuration: \"\(m.name)\" has none. Give systems[\(m.name)].storage.local "
                                 + "or widen the storage.local filters."))
        }
        return answer
    }

    mutating func planCeph(_ members: inout [MemberPlan]) -> PlanAnswers.Ceph? {
        guard preseed.wantsCephDisks else { return nil }
        let c = preseed.ceph
        var answer = PlanAnswers.Ceph(cephfs: c?.cephfs ?? false, internalNetwork: c?.internalNetwork ?? "",
                                      publicNetwork: c?.publicNetwork ?? "")
        // Without MicroCeph everywhere the builder drops distributed storage (and says so): no filter is run.
        if ServiceRules.missing(.microceph, present) != nil { return answer }
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
        answer.encrypt = all.allSatisfy(\.encrypt)
        return answer
    }

    mutating func planOVN(_ members: inout [MemberPlan]) -> UplinkAnswers? {
        let o = preseed.ovn
        let gateway = !(o?.ipv4Gateway ?? "").isEmpty || !(o?.ipv6Gateway ?? "").isEmpty
        let uplinks = systems.contains { !($0.ovnUplinkInterface ?? "").isEmpty }
        guard gateway || uplinks else { return nil }
        // Without MicroOVN everywhere the builder drops distributed networking (and says so).
        if ServiceRules.missing(.microovn, present) != nil { return preseed.uplinkAnswers }
        for (i, s) in systems.enumerated() {
            if let name = s.ovnUplinkInterface, !name.isEmpty {
                members[i].uplinkInterface = name
            } else if let first = inventories[s.name]?.uplinkCandidates.first {
                members[i].uplinkInterface = first.name
            }
            // A system with no candidate at all: the builder falls back to the bridge and says why (OVNRules).
        }
        return preseed.uplinkAnswers
    }
}
