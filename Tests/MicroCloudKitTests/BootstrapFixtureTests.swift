import Foundation
import Testing
@testable import MicroCloudKit

/// A 3-member plan (zfs `local` on one disk each, fallback bridge) against the fake LXD cluster,
/// joiners joined in-process through their MicroCloud proxy path.
struct BootstrapFixture {
    let fake: FakeLXDCluster
    let plan: ClusterPlan
    let environment: BootstrapEnvironment
    var bootstrapper: Bootstrapper { Bootstrapper(environment) }

    static let members = [("m1", "10.0.0.1"), ("m2", "10.0.0.2"), ("m3", "10.0.0.3")]

    static func plan() -> ClusterPlan {
        ClusterPlan(initiator: "m1", lookupSubnet: "10.0.0.0/24",
                    members: [MemberPlan(name: "m1", address: "10.0.0.1", localDisk: DiskChoice(path: "/dev/sdb")),
                              MemberPlan(name: "m2", address: "10.0.0.2", localDisk: DiskChoice(path: "/dev/sdc", wipe: true)),
                              MemberPlan(name: "m3", address: "10.0.0.3", localDisk: DiskChoice(path: "/dev/sdd"))],
                    services: [.microcloud, .lxd],
                    localPool: LocalPoolPlan(driver: "zfs"),
                    fallbackBridge: BridgePlan(name: "lxdbr0", ipv4: "10.78.0.1/24"))
    }

    /// The certificate each member address presents: only m1's is the cluster's.
    static let fetchCertificate: LocalLXDJoiner.FetchCertificate = { address in
        guard address == "10.0.0.1:8443" else { throw TransportError(target: address, reason: "connection refused") }
        return (FakeLXDCluster.clusterPEM, FakeLXDCluster.clusterFingerprint)
    }

    static func make(maxParallel: Int = 1, budgets: StepBudgets = StepBudgets(),
                     agents: ((FakeLXDCluster) async -> [String: any MemberAgent])? = nil) async -> BootstrapFixture {
        let fake = FakeLXDCluster(members: members)
        var joiners: [String: any MemberAgent] = [:]
        for (name, address) in members.dropFirst() {
            let client = LXDClient(transport: fake.transport(name, prefix: "/1.0/services/lxd"),
                                   prefix: "/1.0/services/lxd", name: "LXD on \(name)")
            joiners[name] = LocalLXDJoiner(name: name, address: address, lxd: client, fetchCertificate: fetchCertificate)
        }
        if let agents { for (k, v) in await agents(fake) { joiners[k] = v } }
        let env = BootstrapEnvironment(lxd: LXDClient(transport: fake.transport("m1"), name: "LXD on m1"),
                                       agents: joiners,
                                       options: BootstrapOptions(microcloudVersion: "0.1.0", maxParallel: maxParallel, budgets: budgets))
        return BootstrapFixture(fake: fake, plan: plan(), environment: env)
    }

    /// Runs the plan's steps (optionally with one step's work replaced) and collects the events.
    func run(replacing id: String? = nil, with body: (@Sendable (StepContext) async throws -> Void)? = nil,
             maxParallel: Int = 1) async throws -> (BootstrapReport, [ProgressEvent]) {
        var steps = try bootstrapper.steps(for: plan)
        if let id, let body, let i = steps.firstIndex(where: { $0.id.rawValue == id }) { steps[i].run = body }
        let events = Locked<[ProgressEvent]>([])
        let report = try await StepGraph(steps, maxParallel: maxParallel).run { e in events.withLock { $0.append(e) } }
        return (report, events.current)
    }
}

/// Records what happened in order, for asserting overlap and order without timing.
final class Trace: Sendable {
    private let entries = Locked<[String]>([])
    func note(_ s: String) { entries.withLock { $0.append(s) } }
    var all: [String] { entries.current }
}

/// Opens once every expected party has arrived: a step waiting here cannot finish unless the others run too.
actor Rendezvous {
    private let expected: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    init(_ expected: Int) { self.expected = expected }
    func arrive() async {
        arrived += 1
        if arrived >= expected {
            for w in waiting { w.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
