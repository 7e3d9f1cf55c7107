// Storage rules of ClusterPlan.validate: the `local` pool (one disk per member, a driver every member offers) and
// Ceph (available disks, no disk used twice, HA warning, Ceph networks present on every member).

extension ClusterPlan {
    func validateLocalStorage(_ inventories: [String: Inventory]) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        guard let pool = localPool else {
            for m in members where m.localDisk != nil {
                issues.append(.error(memberField(m.name, "storage.local"), member: m.name,
                                     "A local disk is chosen on \"\(m.name)\" but the plan has no local storage "
                                     + "pool. Remove the disk or plan local storage."))
            }
            return issues
        }
        if let size = pool.loopSize {
            issues += LocalPoolPlan.loopSizeProblems(size, driver: pool.driver).map { .error("local_pool_loop_size", $0) }
        }
        for m in members {
            let field = memberField(m.name, "storage.local")
            guard let inv = inventories[m.name] else { continue }
            if !inv.lxd.storageDrivers.contains(pool.driver) {
                let offered = inv.lxd.storageDrivers.sorted().joined(separator: ", ")
                issues.append(.error(field, member: m.name,
                                     "LXD on \"\(m.name)\" does not offer the \(pool.driver) storage driver (it "
                                     + "offers: \(offered.isEmpty ? "none" : offered)). Choose a driver every "
                                     + "member offers."))
            }
            if let why = inv.poolConflict(pool.name, skipping: "local storage") {
                issues.append(.error(field, member: m.name, why))
            }
            if pool.needsDisk {
                guard let choice = m.localDisk else {
                    issues.append(.error(field, member: m.name, ChoiceRules.missingLocalDisk(m.name)))
                    continue
                }
                if let problem = inv.diskProblem(choice.path, field: field) { issues.append(problem) }
            } else if let choice = m.localDisk, pool.loopSize != nil && pool.driver != "dir" {
                issues.append(.error(field, member: m.name,
                                     "The local pool lives in a loop file and uses no disk, but \(choice.path) is "
                                     + "chosen on \"\(m.name)\". Remove the disk or the loop size."))
            } else if let choice = m.localDisk {
                issues.append(.error(field, member: m.name,
                                     "The dir driver keeps local storage in a directory and uses no disk, but "
                                     + "\(choice.path) is chosen on \"\(m.name)\". Remove the disk, or use ZFS or "
                                     + "Btrfs."))
            }
        }
        return issues
    }

    func validateCeph(_ inventories: [String: Inventory]) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        guard let ceph else {
            for m in members where !m.cephDisks.isEmpty {
                issues.append(.error(memberField(m.name, "storage.ceph"), member: m.name,
                                     "Ceph disks are chosen on \"\(m.name)\" but distributed storage is not "
                                     + "planned. Remove the disks or plan distributed storage."))
            }
            return issues
        }
        let hosts = osdHosts
        if hosts.isEmpty {
            issues.append(.error("ceph", "Distributed storage is planned but no disks were selected. Select at "
                + "least one disk, or skip distributed storage."))
        } else if let warning = ChoiceRules.faultToleranceWarning(osdHosts: hosts.count) {
            issues.append(.warning("ceph", warning))
        }
        for m in members {
            let field = memberField(m.name, "storage.ceph")
            guard let inv = inventories[m.name] else { continue }
            for pool in ["remote"] + (ceph.cephfs ? ["remote-fs"] : []) {
                if let why = inv.poolConflict(pool, skipping: "distributed storage") {
                    issues.append(.error(field, member: m.name, why))
                }
            }
            var seen = Set<String>()
            let localID = m.localDisk.map { inv.disk(named: $0.path)?.id ?? $0.path }
            for choice in m.cephDisks {
                if let problem = inv.diskProblem(choice.path, field: field) {
                    issues.append(problem)
                    continue
                }
                let id = inv.disk(named: choice.path)?.id ?? choice.path
                if !seen.insert(id).inserted {
                    issues.append(.error(field, member: m.name,
                                         "Disk \(choice.path) is listed twice for Ceph on \"\(m.name)\". "
                                         + "List each disk once."))
                }
                if id == localID {
                    issues.append(.error(field, member: m.name,
                                         "Disk \(choice.path) on \"\(m.name)\" is chosen for both local storage "
                                         + "and Ceph. A disk can serve only one of them."))
                }
            }
        }
        let lookup = CIDR(lookupSubnet)
        let present = members.compactMap { inventories[$0.name] }
        for (role, value) in [(CephNetworkRules.Role.internal, ceph.internalNetwork), (.public, ceph.publicNetwork)] {
            issues += CephNetworkRules.problems(value, role: role, lookupSubnet: lookup, inventories: present)
        }
        return issues
    }
}
