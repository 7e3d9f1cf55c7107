/// The rules of a removal, each once with its message (`microcloud remove` and its tests read the same words).
/// Pure: facts in, plan or refusals out. Refusals protect data: a pool left with fewer servers than copies, the
/// monitors' quorum, the last OVN central, a cluster already degraded. `force` overrides what costs redundancy
/// (and says what it costs), never a name that is not a member or the server the command runs on.
public enum RemovalPlanner {
    /// MicroCeph keeps at least this many monitors besides a leaving member (microceph's member removal check).
    static let monitorsNeeded = 3

    public static func plan(remove name: String, facts: RemovalFacts, runningOn local: String,
                            force: Bool) -> (RemovalPlan?, [PlanIssue]) {
        let cloud = facts.cloud
        var services: [ServiceKind] = []
        if cloud.lxd?.members[name] != nil { services.append(.lxd) }
        if cloud.ceph?.members[name] != nil { services.append(.microceph) }
        if cloud.ovn?.members[name] != nil { services.append(.microovn) }
        if cloud.members.contains(where: { $0.name == name }) { services.append(.microcloud) }
        guard !services.isEmpty else {
            let known = cloud.members.map(\.name).joined(separator: ", ")
            return (nil, [.error("name", "Cluster member \"\(name)\" not found on any service; the members are \(known)")])
        }
        guard name != local else {
            return (nil, [.error("name", member: name, "This command runs on \(name): run `microcloud remove \(name)` on "
                                 + "another member, so the cloud that stays drives the removal")])
        }

        var issues: [PlanIssue] = []
        let gone = facts.unreachable[name]
        if let why = gone, !force {
            issues.append(.error("name", member: name, "\(name) does not answer (\(why)). If it is gone for good, "
                + "`microcloud remove \(name) --force` removes it from every service without contacting it"))
        }
        let instances = facts.instances[name] ?? []
        if !instances.isEmpty && !force {
            issues.append(.error("instances", member: name, "\(name) still holds \(instances.count) instance\(instances.count == 1 ? "" : "s"): "
                + "\(instances.joined(separator: ", ")). Move them (`lxc move NAME --target OTHER`) or delete them, "
                + "or pass --force to delete them with the member"))
        }
        issues += healthRefusals(name, cloud, force: force)

        // Ceph: each pool keeps one copy per server (crush rule per host), so the servers with OSDs that stay bound
        // the pools' sizes.
        let osds = cloud.osds.filter { $0.location == name }.sorted { $0.osd < $1.osd }
        let hostsLeft = Set(cloud.osds.filter { $0.location != name }.map(\.location)).count
        var poolSizes: [RemovalPlan.PoolSize] = []
        if services.contains(.microceph) {
            for (pool, size) in cloud.cephPools.sorted(by: { $0.key < $1.key }) where size > max(hostsLeft, 1) && !osds.isEmpty {
                poolSizes.append(.init(pool: pool, from: size, to: max(hostsLeft, 1)))
            }
            if !poolSizes.isEmpty && !force {
                let list = poolSizes.map { "\($0.pool) (\($0.from) copies)" }.joined(separator: ", ")
                issues.append(.error("ceph.pools", member: name, "Without \(name) only \(hostsLeft) server\(hostsLeft == 1 ? "" : "s") would hold "
                    + "OSDs, fewer than the copies of \(list). Add a server with disks first (`microcloud add`), or pass --force to "
                    + "keep \(poolSizes[0].to) cop\(poolSizes[0].to == 1 ? "y" : "ies") of each object (less redundancy)"))
            }
            if poolSizes.isEmpty && !osds.isEmpty && hostsLeft < 3 && !force {
                issues.append(.error("ceph.failure_domain", member: name, "Without \(name) only \(hostsLeft) server\(hostsLeft == 1 ? "" : "s") would hold "
                    + "OSDs: MicroCeph would place copies per disk instead of per server, so one server's loss could lose data. "
                    + "Add a server with disks first (`microcloud add`), or pass --force to accept it"))
            }
            issues += monitorRefusals(name, cloud, force: force)
        }
        if services.contains(.microovn) {
            let centrals = Set((cloud.ovn?.units ?? []).filter { $0.service == "central" }.map(\.location))
            if centrals == [name] {
                issues.append(.error("ovn.central", member: name, "\(name) runs MicroOVN's only central (the OVN databases); "
                    + "removing it would lose every OVN network. Add a server first (`microcloud add`)"))
            }
        }
        guard !issues.hasErrors else { return (nil, issues) }
        let units = ((cloud.ceph?.units ?? []) + (cloud.ovn?.units ?? [])).filter { $0.location == name }
        let remaining = cloud.members.map(\.name).filter { $0 != name }
        return (RemovalPlan(member: name, services: services, osds: osds, units: units, instances: force ? instances : [],
                            poolSizes: poolSizes, remaining: remaining, force: force, gone: gone != nil), issues)
    }

    /// A removal starts from a healthy cluster: another member already offline would leave fewer than planned.
    static func healthRefusals(_ name: String, _ cloud: CloudStatus, force: Bool) -> [PlanIssue] {
        guard !force else { return [] }
        var issues: [PlanIssue] = []
        for kind in [ServiceKind.lxd, .microceph, .microovn] {
            let down = (cloud.cluster(kind)?.members ?? [:]).filter { $0.key != name && $0.value != "ONLINE" }.keys.sorted()
            if !down.isEmpty {
                issues.append(.error("health", "\(kind.rawValue) lists \(down.joined(separator: ", ")) as not online; remove a member "
                    + "only from a healthy cluster (bring \(down.count == 1 ? "it" : "them") back first, or pass --force)"))
            }
        }
        return issues
    }

    /// MicroCeph refuses to lose a monitor it needs: with 2 members the leaving one must leave the monmap first
    /// (upstream MicroCloud's words), and a member leaves only while 3 monitors run elsewhere (microceph's check).
    static func monitorRefusals(_ name: String, _ cloud: CloudStatus, force: Bool) -> [PlanIssue] {
        let units = cloud.ceph?.units ?? []
        guard units.contains(where: { $0.service == "mon" && $0.location == name }) else { return [] }
        if cloud.ceph?.members.count == 2 {
            return [.error("ceph.monitors", member: name, "\"\(name)\" must be removed from the Ceph monmap before it can be removed from MicroCloud")]
        }
        let elsewhere = Set(units.filter { $0.service == "mon" && $0.location != name }.map(\.location)).count
        guard elsewhere < monitorsNeeded, !force else { return [] }
        return [.error("ceph.monitors", member: name, "\(name) runs one of MicroCeph's monitors and only \(elsewhere) would remain "
            + "(MicroCeph keeps \(monitorsNeeded)). Add a server first (`microcloud add`), or pass --force to leave the monitors' "
            + "quorum with \(elsewhere)")]
    }
}
