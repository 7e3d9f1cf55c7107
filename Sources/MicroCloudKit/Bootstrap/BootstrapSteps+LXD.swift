import FoundationEssentials

/// LXD's cluster-wide configuration: pools and networks are defined per member ("pending",
/// `?target=`) as soon as that member is in the cluster, then created once for the cluster after every join; then
/// the default profile and the per-member volumes.
extension BootstrapSteps {
    var afterJoins: [StepID] { [.enableClustering] + joinIDs }

    /// What a member's own definitions (`?target=`) wait for: the member being in the cluster. They run beside the
    /// joins of the members after it (LXD checks only created pools and networks at a join, not pending ones).
    func inCluster(_ m: MemberPlan) -> [StepID] {
        m.name == initiator.name ? [.enableClustering] : [.join(m.name)]
    }

    // MARK: - Storage pools

    mutating func addStorage() {
        let lxd = self.lxd
        if plan.usesLocalStorage, let local = plan.localPool {
            let driver = local.driver
            addPool(local.name, driver: driver, description: local.description, after: [], pending: { m, ctx in
                let server = try await lxd.cachedServer()
                if !server.storageDrivers.isEmpty, !server.storageDrivers.contains(driver) {
                    throw BootstrapError("LXD does not support the \(driver) storage driver here (it has: \(server.storageDrivers.joined(separator: ", "))); choose one of those for the local pool")
                }
                var config: [String: String] = [:]
                if let disk = m.localDisk {
                    config["source"] = disk.path
                    if disk.wipe {
                        if server.has(extension: "storage_pool_source_wipe") { config["source.wipe"] = "true" }
                        else { ctx.progress("This LXD cannot wipe \(disk.path) (no storage_pool_source_wipe); using it as it is") }
                    }
                } else if let size = local.loopSize {
                    // No disk: LXD makes a loop file of this size for the pool on each member.
                    config["size"] = size
                }
                return config
            }, final: { [:] })
        }
        if plan.usesCeph {
            addPool("remote", driver: "ceph", description: "Distributed storage on Ceph", after: [.cephReplication],
                    pending: { _, _ in
                        try await lxd.extensions().contains("storage_remote_drop_source") ? [:] : ["source": "lxd_remote"]
                    },
                    final: {
                        var config = ["ceph.osd.pool_name": "lxd_remote", "ceph.rbd.du": "false"]
                        if try await !lxd.extensions().contains("storage_ceph_use_rbd_defaults") {
                            config["ceph.rbd.features"] = "layering,striping,exclusive-lock,object-map,fast-diff,deep-flatten"
                        }
                        return config
                    })
            if plan.ceph?.cephfs == true { addCephFSPool() }
        }
    }

    /// A clustered pool: defined on each member (`?target=`), then created for the cluster. The first member's
    /// definition carries the undo, which deletes the pool wherever it got to. With `survivable`, the pool is an
    /// extra the run goes on without: a failed create removes the definitions and is a setback with that advice.
    mutating func addPool(_ name: String, driver: String, description: String, after: [StepID],
                          survivable: PoolSetback? = nil,
                          pending: @escaping @Sendable (MemberPlan, StepContext) async throws -> [String: String],
                          final: @escaping @Sendable () async throws -> [String: String]) {
        let lxd = self.lxd
        let defined = Locked<[String: [String: String]]>([:])
        for (k, m) in allMembers.enumerated() {
            add(Step(id: .poolPending(name, m.name), member: m.name, title: "Define storage pool \(name) on \(m.name)",
                     phase: BootstrapPhase.storage, budget: budgets.pendingConfig, dependsOn: inCluster(m) + after,
                     serialGroup: "lxd-pending", tolerated: survivable?.standing,
                     run: { ctx in
                         let config = try await pending(m, ctx)
                         try await lxd.createStoragePool(name: name, driver: driver, config: config, target: m.name)
                         defined.withLock { $0[m.name] = config }
                     },
                     cleanup: Self.firstOnly(k) { try await Self.deletePool(name, lxd) }))
        }
        let members = allMembers.map(\.name)
        add(Step(id: .pool(name), title: "Create storage pool \(name)", phase: BootstrapPhase.storage,
                 budget: budgets.pool, dependsOn: afterJoins + allMembers.map { .poolPending(name, $0.name) } + after,
                 tolerated: survivable?.standing,
                 run: { _ in
                     var config: [String: String] = [:]
                     do {
                         config = try await final()
                         try await lxd.createStoragePool(name: name, driver: driver, description: description, config: config)
                     } catch {
                         guard let survivable else { throw error }
                         // Leave no half-made pool behind: LXD drops every member's pending definition with it.
                         let removed = defined.current.isEmpty ? nil : await Self.removePendingPool(name, lxd)
                         throw await survivable.setback(error, pool: name, driver: driver, removed: removed, pending: defined.current,
                                                        members: members, final: config)
                     }
                 }))
    }

    /// Only the first member's definition carries the undo of a pool or network.
    static func firstOnly(_ k: Int, _ body: @escaping @Sendable () async throws -> Void) -> (@Sendable () async throws -> Void)? {
        k == 0 ? body : nil
    }

    static func deletePool(_ name: String, _ lxd: LXDClient) async throws {
        do { try await lxd.deleteStoragePool(name) } catch let e as LXDError where e.isNotFound {
            throw CleanupKept("storage pool \(name) is already gone")
        }
    }

    /// Deletes a pool that is still only defined per member; returns what happened, in the operator's words.
    static func removePendingPool(_ name: String, _ lxd: LXDClient) async -> String {
        do {
            try await lxd.deleteStoragePool(name)
            return "its pending definitions were removed"
        } catch {
            return "its pending definitions could not be removed (\(error)); remove them with `lxc storage delete \(name)`"
        }
    }

    static func deleteNetwork(_ name: String, _ lxd: LXDClient) async throws {
        do { try await lxd.deleteNetwork(name) } catch let e as LXDError where e.isNotFound {
            throw CleanupKept("network \(name) is already gone")
        }
    }

    // MARK: - Networks

    mutating func addNetworks() {
        let lxd = self.lxd
        if plan.usesOVN, let ovnPlan = plan.ovn {
            let ovn = env.ovn
            add(Step(id: .ovnNorthbound, title: "Point LXD at OVN", phase: BootstrapPhase.networks,
                     budget: budgets.serverConfig, dependsOn: afterJoins,
                     run: { _ in
                         if try await lxd.extensions().contains("ovn_dynamic_northbound_connection") {
                             throw StepSkipped("LXD finds OVN by itself")
                         }
                         guard let ovn else { throw BootstrapError("no MicroOVN API is available") }
                         let central = try await ovn.centralAddresses()
                         let connection = central.map { "ssl:\(hostPort($0, 6641))" }.joined(separator: ",")
                         try await lxd.updateServerConfig(["network.ovn.northbound_connection": connection])
                     }))
            var uplink: [String: String] = [:]
            if let gw = ovnPlan.ipv4Gateway { uplink["ipv4.gateway"] = gw }
            if ovnPlan.ipv4Gateway != nil, let range = ovnPlan.ipv4Range { uplink["ipv4.ovn.ranges"] = range }
            if let gw6 = ovnPlan.ipv6Gateway { uplink["ipv6.gateway"] = gw6 }
            if !ovnPlan.dnsServers.isEmpty { uplink["dns.nameservers"] = ovnPlan.dnsServers.joined(separator: ",") }
            let uplinkConfig = uplink
            addNetwork("UPLINK", type: "physical", description: "Uplink for OVN networks", after: [.ovnNorthbound],
                       pending: { m in
                           guard let parent = m.uplinkInterface else {
                               throw BootstrapError("plan: \(m.name) has no uplink interface for OVN; pick one for it")
                           }
                           return ["parent": parent]
                       },
                       final: { uplinkConfig })
            add(Step(id: .network("default"), title: "Create network default", phase: BootstrapPhase.networks,
                     budget: budgets.network, dependsOn: [.network("UPLINK")],
                     run: { _ in
                         try await lxd.createNetwork(name: "default", type: "ovn", description: "Default OVN network",
                                                     config: ["network": "UPLINK"])
                         // LXD 5.0.2 drops the description of any cluster-wide network create (seen in the lab).
                         try await lxd.setNetworkDescription("default", "Default OVN network")
                     },
                     cleanup: { try await Self.deleteNetwork("default", lxd) }))
        } else if let bridge = plan.fallbackBridge {
            addNetwork(bridge.name, type: "bridge", description: bridge.description, pending: { _ in [:] },
                       final: { try Self.bridgeConfig(bridge) })
        }
    }

    /// A clustered network: defined on each member (`?target=`) once it is in the cluster, then created for the
    /// cluster after every join and `after` (as `addPool`). The first member's definition carries the undo.
    mutating func addNetwork(_ name: String, type: String, description: String, after: [StepID] = [],
                             pending: @escaping @Sendable (MemberPlan) throws -> [String: String],
                             final: @escaping @Sendable () throws -> [String: String]) {
        let lxd = self.lxd
        for (k, m) in allMembers.enumerated() {
            add(Step(id: .networkPending(name, m.name), member: m.name, title: "Define network \(name) on \(m.name)",
                     phase: BootstrapPhase.networks, budget: budgets.pendingConfig, dependsOn: inCluster(m),
                     serialGroup: "lxd-pending",
                     run: { _ in try await lxd.createNetwork(name: name, type: type, config: try pending(m), target: m.name) },
                     cleanup: Self.firstOnly(k) { try await Self.deleteNetwork(name, lxd) }))
        }
        add(Step(id: .network(name), title: "Create network \(name)", phase: BootstrapPhase.networks,
                 budget: budgets.network, dependsOn: afterJoins + allMembers.map { .networkPending(name, $0.name) } + after,
                 run: { _ in
                     try await lxd.createNetwork(name: name, type: type, description: description, config: try final())
                     // LXD 5.0.2 drops the description of a network defined per member on this final create
                     // (seen in the lab): set it again, so `lxc network list` shows it on every member.
                     try await lxd.setNetworkDescription(name, description)
                 }))
    }

    /// Explicit addresses only: LXD's `auto` probes the network for a free subnet, which must never
    /// happen outside a test namespace. NAT stays on (LXD's usual default for a bridge with an address).
    static func bridgeConfig(_ bridge: BridgePlan) throws -> [String: String] {
        for (family, value) in [("ipv4", bridge.ipv4), ("ipv6", bridge.ipv6)] where value.lowercased() == "auto" {
            throw BootstrapError("plan: bridge \(bridge.name) \(family) must be an explicit address such as \(family == "ipv4" ? "10.78.0.1/24" : "fd42::1/64") or none, not auto")
        }
        var config = ["ipv4.address": bridge.ipv4, "ipv6.address": bridge.ipv6]
        if bridge.ipv4 != "none" { config["ipv4.nat"] = "true" }
        if bridge.ipv6 != "none" { config["ipv6.nat"] = "true" }
        return config
    }

    // MARK: - Profile and volumes

    mutating func addProfile() {
        let lxd = self.lxd
        let pool = plan.profilePool, network = plan.profileNetwork
        // Every pool and network the plan makes, named from the plan (not picked from the steps made so far), so a
        // wrong name fails the graph's construction instead of quietly dropping the dependency.
        let pools = [plan.usesLocalStorage ? plan.localPool?.name : nil, plan.usesCeph ? "remote" : nil].compactMap { $0 }
        let needs = pools.map(StepID.pool) + (network.map { [StepID.network($0)] } ?? [])
        let previous = Locked<LXDProfile?>(nil)
        add(Step(id: .profile, title: "Configure the default profile", phase: BootstrapPhase.profile,
                 budget: budgets.profile, dependsOn: afterJoins + needs,
                 skipReason: pool == nil && network == nil ? "no storage pool or network planned" : nil,
                 run: { ctx in
                     let current = try await lxd.profile("default")
                     previous.withLock { $0 = current }
                     var profile = current
                     if let pool {
                         if current.devices["root"] != nil { ctx.progress("Replacing the existing root disk") }
                         profile.devices["root"] = ["type": "disk", "path": "/", "pool": pool]
                     }
                     if let network {
                         if current.devices["eth0"] != nil { ctx.progress("Replacing the existing eth0 device") }
                         profile.devices["eth0"] = ["type": "nic", "name": "eth0", "network": network]
                     }
                     try await lxd.updateProfile(profile)
                 },
                 cleanup: {
                     guard let old = previous.current else { throw CleanupKept("nothing was changed") }
                     try await lxd.updateProfile(old)
                 }))
    }

    mutating func addVolumes() {
        guard plan.usesLocalStorage, let pool = plan.localPool?.name else { return }
        let lxd = self.lxd
        for m in allMembers {
            let target = m.name
            let previous = Locked<[String: String]?>(nil)
            add(Step(id: .volumes(target), member: target, title: "Create images and backups volumes on \(target)",
                     phase: BootstrapPhase.storage, budget: budgets.volumes, dependsOn: [.pool(pool)],
                     run: { _ in
                         var created: [String] = []
                         do {
                             for volume in ["images", "backups"] {
                                 try await lxd.createVolume(pool: pool, name: volume, target: target)
                                 created.append(volume)
                             }
                             let old = try await lxd.updateServerConfig(
                                 ["storage.images_volume": "\(pool)/images", "storage.backups_volume": "\(pool)/backups"], target: target)
                             previous.withLock { $0 = old }
                         } catch {
                             // Tidy up our half: a failed step gets no cleanup, and a leftover volume blocks deleting the pool.
                             for volume in created.reversed() { try? await lxd.deleteVolume(pool: pool, name: volume, target: target) }
                             throw error
                         }
                     },
                     cleanup: {
                         if let old = previous.current { try await lxd.updateServerConfig(old, target: target) }
                         for volume in ["backups", "images"] {
                             do { try await lxd.deleteVolume(pool: pool, name: volume, target: target) }
                             catch let e as LXDError where e.isNotFound {}
                         }
                     }))
        }
    }
}
