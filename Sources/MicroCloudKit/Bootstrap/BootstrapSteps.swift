import FoundationEssentials

/// Phase names of the report's timings.
public enum BootstrapPhase {
    public static let services = "services bootstrap"
    public static let joins = "joins"
    public static let storage = "storage"
    public static let networks = "networks"
    public static let profile = "profile"
}

/// Turns a plan into steps: local services, tokens and joins, then LXD's pools, networks, profile, volumes.
struct BootstrapSteps {
    let plan: ClusterPlan
    let env: BootstrapEnvironment
    let initiator: MemberPlan
    let joiners: [MemberPlan]
    /// Filled by token steps, read by join steps.
    let tokens = JoinTokens()
    var steps: [Step] = []

    var lxd: LXDClient { env.lxd }
    var budgets: StepBudgets { env.options.budgets }
    var allMembers: [MemberPlan] { [initiator] + joiners }

    init(plan: ClusterPlan, environment: BootstrapEnvironment) throws {
        var seen = Set<String>()
        for m in plan.members where !seen.insert(m.name).inserted {
            throw BootstrapError("plan: member \"\(m.name)\" is listed twice; give each server its own name")
        }
        guard let initiator = plan.members.first(where: { $0.name == plan.initiator }) else {
            throw BootstrapError("plan: initiator \"\(plan.initiator)\" is not one of the members; add it to members")
        }
        guard plan.services.contains(.lxd) else {
            throw BootstrapError("plan: services must include LXD")
        }
        self.plan = plan
        self.env = environment
        self.initiator = initiator
        self.joiners = plan.members.filter { $0.name != plan.initiator }.sorted { naturalLess($0.name, $1.name) }
        for j in joiners where environment.agents[j.name] == nil {
            throw BootstrapError("no way to reach \(j.name) to make it join; it must be a verified peer")
        }
    }

    func make() throws -> [Step] {
        var b = self
        b.addServiceBootstrap()
        b.addJoins()
        b.addCeph()
        b.addStorage()
        b.addNetworks()
        b.addProfile()
        b.addVolumes()
        return b.steps
    }

    mutating func add(_ step: Step) { steps.append(step) }

    var cephPlanned: Bool { plan.services.contains(.microceph) }
    var ovnPlanned: Bool { plan.services.contains(.microovn) }
    var joinIDs: [StepID] { joiners.map { .join($0.name) } }

    // MARK: - Local services

    mutating func addServiceBootstrap() {
        let me = initiator
        let ceph = env.ceph, ovn = env.ovn
        let cephNetworks = (plan.ceph?.internalNetwork, plan.ceph?.publicNetwork)
        let address = me.address
        addBootstrap(.microceph, api: ceph) { ceph in
            try await ceph.bootstrap(name: me.name, address: hostPort(address, ServiceKind.microceph.port),
                                     clusterNetwork: cephNetworks.0, publicNetwork: cephNetworks.1)
        }
        addBootstrap(.microovn, api: ovn) { ovn in
            try await ovn.bootstrap(name: me.name, address: hostPort(address, ServiceKind.microovn.port), encapIP: me.underlayIP)
        }

        let lxd = self.lxd
        let version = env.options.microcloudVersion
        let previous = Locked<[String: String]>([:])
        add(Step(id: .lxdServerConfig, member: me.name, title: "Configure LXD on \(me.name)",
                 phase: BootstrapPhase.services, budget: budgets.serverConfig,
                 run: { _ in
                     var config = [
                         // Our own address, not [::]: lab servers share ports across network namespaces.
                         "core.https_address": hostPort(me.address, 8443),
                         "cluster.https_address": hostPort(me.address, 8443),
                         "user.microcloud": version,
                     ]
                     if try await lxd.extensions().contains("instances_migration_stateful") {
                         config["instances.migration.stateful"] = "true"
                     }
                     let old = try await lxd.updateServerConfig(config)
                     previous.withLock { $0 = old }
                 },
                 cleanup: {
                     if try await lxd.server().clustered {
                         throw CleanupKept("LXD on \(me.name) is clustered; its addresses stay")
                     }
                     try await lxd.updateServerConfig(previous.current)
                 }))

        let confirm = budgets.joinConfirm
        add(Step(id: .enableClustering, member: me.name, title: "Enable LXD clustering on \(me.name)",
                 phase: BootstrapPhase.services, budget: budgets.serviceBootstrap,
                 dependsOn: [.lxdServerConfig, .bootstrap(.microceph), .bootstrap(.microovn)],
                 remains: "LXD on \(me.name) is now the first member of a cluster; to start over, remove the other members and re-initialise LXD on \(me.name)",
                 run: { ctx in
                     if try await lxd.server().clustered {
                         throw BootstrapError("LXD on \(me.name) is already clustered; MicroCloud sets up a new cluster only on an unclustered LXD")
                     }
                     try await lxd.enableClustering(serverName: me.name)
                     ctx.progress("Waiting for the cluster to list \(me.name)")
                     // Online, not only listed: LXD issues no join token while it counts no member online (by
                     // heartbeat), which a loaded lab showed right after clustering was enabled.
                     try await waitUntil(within: confirm, what: "the LXD cluster to list \(me.name) online") {
                         try await lxd.clusterMembers().contains { $0.serverName == me.name && $0.status == "Online" }
                     }
                 }))
    }

    /// The initiator's own MicroCeph or MicroOVN forms its cluster (skipped when the plan leaves the service out).
    mutating func addBootstrap<API: Sendable>(_ service: ServiceKind, api: API?,
                                              _ bootstrap: @escaping @Sendable (API) async throws -> Void) {
        let me = initiator.name, what = service.rawValue
        add(Step(id: .bootstrap(service), member: me, title: "Bootstrap \(what) on \(me)",
                 phase: BootstrapPhase.services, budget: budgets.serviceBootstrap,
                 skipReason: planned(service) ? nil : "\(what) not installed",
                 remains: "\(what) on \(me) is initialised; to start over, reset \(what) on \(me)",
                 run: { _ in
                     guard let api else { throw BootstrapError("\(what) is planned but no \(what) API is available") }
                     try await bootstrap(api)
                 }))
    }

    // MARK: - Tokens and joins

    mutating func addJoins() {
        let lxd = self.lxd, tokens = self.tokens
        for j in joiners {
            let name = j.name
            add(Step(id: .token(.lxd, name), member: name, title: "Issue LXD join token for \(name)",
                     phase: BootstrapPhase.joins, budget: budgets.token, dependsOn: [.enableClustering],
                     run: { _ in tokens[.lxd, name] = try await lxd.issueJoinToken(for: name) },
                     cleanup: {
                         guard try await lxd.deleteJoinToken(for: name) else { throw CleanupKept("token already used or expired") }
                     }))
            for (service, api) in microclusterServices { addToken(service, api, for: name) }
        }
        // Joins go one at a time in the plan's (name) order, so every run reads the same and the report is predictable.
        for (k, j) in joiners.enumerated() { addJoin(j, after: k > 0 ? joiners[k - 1].name : nil) }
    }

    /// MicroCeph and MicroOVN with their APIs: the same token and join steps serve both.
    var microclusterServices: [(ServiceKind, (any MicroclusterAPI)?)] {
        [(.microceph, env.ceph), (.microovn, env.ovn)]
    }

    func planned(_ service: ServiceKind) -> Bool { plan.services.contains(service) }

    /// A microcluster join token for `name`, issued once the service is bootstrapped; its undo revokes it.
    mutating func addToken(_ service: ServiceKind, _ api: (any MicroclusterAPI)?, for name: String) {
        let tokens = self.tokens, what = service.rawValue
        add(Step(id: .token(service, name), member: name, title: "Issue \(what) join token for \(name)",
                 phase: BootstrapPhase.joins, budget: budgets.token, dependsOn: [.bootstrap(service)],
                 skipReason: planned(service) ? nil : "\(what) not installed",
                 run: { _ in
                     guard let api else { throw BootstrapError("no \(what) API is available") }
                     tokens[service, name] = try await api.issueToken(for: name)
                 },
                 cleanup: { try await api?.deleteToken(for: name) }))
    }

    mutating func addJoin(_ j: MemberPlan, after previous: String?) {
        let name = j.name
        let lxd = self.lxd, tokens = self.tokens
        let microclusters = microclusterServices.filter { planned($0.0) }
        let agent = env.agents[name]!
        let confirm = budgets.joinConfirm
        let cephPlanned = self.cephPlanned, ovnPlanned = self.ovnPlanned
        var remains = "LXD on \(name) is now a cluster member; to start over, remove it with `lxc cluster remove \(name) --force` on a remaining member and re-initialise LXD on \(name)"
        if cephPlanned { remains += "; MicroCeph on \(name) joined its cluster too" }
        if ovnPlanned { remains += "; MicroOVN on \(name) joined its cluster too" }
        add(Step(id: .join(name), member: name, title: "Join \(name)",
                 phase: BootstrapPhase.joins, budget: budgets.join,
                 dependsOn: [.token(.lxd, name), .token(.microceph, name), .token(.microovn, name)]
                    + (previous.map { [.join($0)] } ?? []),
                 serialGroup: "joins", remains: remains,
                 run: { ctx in
                     var services: [ServiceJoin] = []
                     if cephPlanned, let t = tokens[.microceph, name] {
                         // The initiator adds the member's disks itself, each as its own step (BootstrapSteps+Ceph).
                         services.append(ServiceJoin(service: .microceph, token: t))
                     }
                     if ovnPlanned, let t = tokens[.microovn, name] {
                         services.append(ServiceJoin(service: .microovn, token: t, ovnEncapIP: j.underlayIP))
                     }
                     guard let lxdToken = tokens[.lxd, name] else { throw BootstrapError("no LXD join token was issued for \(name)") }
                     // A fresh cluster has no pools yet, so the join brings no member_config.
                     services.append(ServiceJoin(service: .lxd, token: lxdToken))
                     try await agent.join(services: services) { ctx.relay($0) }
                     ctx.progress("Waiting for the clusters to list \(name)")
                     try await waitUntil(within: confirm, what: "the LXD cluster to list \(name)") {
                         try await lxd.clusterMembers().contains { $0.serverName == name }
                     }
                     for case let (service, api?) in microclusters {
                         try await waitUntil(within: confirm, what: "\(service.rawValue) to list \(name)") {
                             try await api.memberNames().contains(name)
                         }
                     }
                 }))
    }
}

/// Join tokens issued during one run, by service and member. They are secrets: never printed.
final class JoinTokens: Sendable {
    private let issued = Locked<[ServiceKind: [String: String]]>([:])

    subscript(service: ServiceKind, member: String) -> String? {
        get { issued.current[service]?[member] }
        set { issued.withLock { $0[service, default: [:]][member] = newValue } }
    }
}

/// Polls `check` every 500 ms until it holds, failing after `within`.
func waitUntil(within: Duration, what: String, _ check: @Sendable () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + within
    while true {
        if try await check() { return }
        if clock.now >= deadline { throw BootstrapError("timed out after \(within.shortText) waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(500))
    }
}
