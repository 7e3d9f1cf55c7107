import FoundationEssentials

/// Time budgets of the bootstrap steps (upstream's where it names one).
public struct StepBudgets: Sendable, Equatable {
    public var serviceBootstrap: Duration = .seconds(120)
    public var serverConfig: Duration = .seconds(60)
    public var token: Duration = .seconds(60)
    /// One member joining all its services (the peer's `PUT /1.0/services` budget).
    public var join: Duration = .seconds(300)
    /// After a join, how long the cluster may take to list the new member.
    public var joinConfirm: Duration = .seconds(30)
    public var pendingConfig: Duration = .seconds(60)
    public var pool: Duration = .seconds(300)
    public var network: Duration = .seconds(120)
    public var volumes: Duration = .seconds(120)
    public var profile: Duration = .seconds(60)
    /// One disk becoming an OSD (MicroCloud's budget for `POST /1.0/disks`).
    public var cephDisks: Duration = .seconds(300)
    public var replication: Duration = .seconds(300)
    public init() {}
}

public struct BootstrapOptions: Sendable {
    /// Written to LXD as `user.microcloud`.
    public var microcloudVersion: String
    public var maxParallel: Int
    public var budgets: StepBudgets
    public init(microcloudVersion: String = "0.1.0", maxParallel: Int = 4, budgets: StepBudgets = StepBudgets()) {
        self.microcloudVersion = microcloudVersion; self.maxParallel = maxParallel; self.budgets = budgets
    }
}

/// What the bootstrap works with on the initiator.
public struct BootstrapEnvironment: Sendable {
    /// The initiator's own LXD; cluster-wide configuration goes through it (with `?target=` per member).
    public var lxd: LXDClient
    /// How to make each joining member join, by member name.
    public var agents: [String: any MemberAgent]
    public var ceph: (any CephAPI)?
    public var ovn: (any OVNAPI)?
    public var options: BootstrapOptions

    public init(lxd: LXDClient, agents: [String: any MemberAgent], ceph: (any CephAPI)? = nil,
                ovn: (any OVNAPI)? = nil, options: BootstrapOptions = BootstrapOptions()) {
        self.lxd = lxd; self.agents = agents; self.ceph = ceph; self.ovn = ovn; self.options = options
    }
}

/// Runs a `ClusterPlan` as a graph of steps and streams what happens. The stream ends normally on success
/// and with `BootstrapFailed` (carrying the report) on failure; `report` holds the last run's report.
public final class Bootstrapper: Sendable {
    public let environment: BootstrapEnvironment
    private let lastReport = Locked<BootstrapReport?>(nil)
    private let running = Locked<Task<Void, Never>?>(nil)

    public init(_ environment: BootstrapEnvironment) { self.environment = environment }

    /// The steps the plan needs, in declaration order (also what a dry run lists).
    public func steps(for plan: ClusterPlan) throws -> [Step] {
        try BootstrapSteps(plan: plan, environment: environment).make()
    }

    public func run(_ plan: ClusterPlan) -> AsyncThrowingStream<ProgressEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let steps = try steps(for: plan)
                    let graph = try StepGraph(steps, maxParallel: environment.options.maxParallel)
                    // Every Ceph disk's first event: queued, from the start, though its server may not be a member yet.
                    for e in CephDiskProgress.queuedEvents(plan: plan, steps: steps) { continuation.yield(e) }
                    let report = await graph.run { continuation.yield($0) }
                    lastReport.withLock { $0 = report }
                    if report.succeeded { continuation.finish() } else { continuation.finish(throwing: BootstrapFailed(report: report)) }
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            running.withLock { $0 = task }
            // A consumer that stops listening cancels the run; the graph then undoes what it did.
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Stops the running graph as a failure would (nothing new starts, what was done is undone) while the stream
    /// goes on to report the undoing and ends with `BootstrapFailed`: an interrupted run still has its report.
    public func cancel() {
        running.current?.cancel()
    }

    /// The report of the last finished run.
    public var report: BootstrapReport? { lastReport.current }
}
