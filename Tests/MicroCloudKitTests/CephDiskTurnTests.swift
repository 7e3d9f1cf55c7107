import Foundation
import Testing
@testable import MicroCloudKit

/// A MicroCeph that behaves as the snap does with disks: each OSD is recorded under the device's stable path, not the
/// path it was given (setStablePath in microceph's ceph/osd.go), and a server adds one disk at a time (`POST
/// /1.0/disks` holds a process-wide lock: microceph's api/disks.go), each addition taking `addTime`.
actor SnapLikeMicroCeph: CephAPI {
    let addTime: Duration
    var osds: [CephDisk] = []
    private var busy: Set<String> = []
    /// The most additions one server had under way at once (the lock makes it 1 whatever the caller does).
    private(set) var mostAtOnce: [String: Int] = [:]
    private var waiting: [String: Int] = [:]

    init(addTime: Duration) { self.addTime = addTime }

    /// "/dev/vdb" on m2 → "/dev/disk/by-id/virtio-m2-vdb", as udev names a virtio disk by its serial.
    static func stablePath(_ path: String, on member: String) -> String {
        "/dev/disk/by-id/virtio-\(member)-\(path.split(separator: "/").last ?? "")"
    }

    func bootstrap(name: String, address: String, clusterNetwork: String?, publicNetwork: String?) async throws {}
    func issueToken(for joiner: String) async throws -> String { "token-\(joiner)" }
    func deleteToken(for joiner: String) async throws {}
    func memberNames() async throws -> [String] { ["m1", "m2", "m3"] }
    func addDisk(_ disk: DiskChoice, target: String?) async throws {
        let member = target ?? "m1"
        waiting[member, default: 0] += 1
        mostAtOnce[member] = max(mostAtOnce[member] ?? 0, waiting[member]!)
        while busy.contains(member) { try await Task.sleep(for: .milliseconds(5)) }
        busy.insert(member)
        defer { busy.remove(member); waiting[member, default: 1] -= 1 }
        try await Task.sleep(for: addTime)
        osds.append(CephDisk(osd: osds.count, path: Self.stablePath(disk.path, on: member), location: member))
    }
    func disks() async throws -> [CephDisk] { osds }
    func poolSizes() async throws -> [String: Int] { [".mgr": 1] }
    func setPoolSize(_ pools: [String], size: Int) async throws {}
}

@Suite struct CephDiskTurnTests {
    /// The plan with Ceph on three members, `perMember` raw-path disks each, run against `ceph` with the budgets
    /// given; the events of the whole run.
    static func run(_ ceph: SnapLikeMicroCeph, perMember: Int, budgets: StepBudgets) async throws
        -> (BootstrapReport, [ProgressEvent], ClusterPlan) {
        let base = await BootstrapFixture.make(maxParallel: 8, budgets: budgets)
        let (env, plan) = base.withCeph(ceph, services: FakeMicroServices()) { _ in
            (0..<perMember).map { DiskChoice(path: "/dev/vd\(["b", "c", "d", "e"][$0])") }
        }
        let steps = try Bootstrapper(env).steps(for: plan)
        let events = Locked<[ProgressEvent]>([])
        CephDiskProgress.queuedEvents(plan: plan, steps: steps).forEach { e in events.withLock { $0.append(e) } }
        let report = try await StepGraph(steps, maxParallel: 8).run { e in events.withLock { $0.append(e) } }
        return (report, events.current, plan)
    }

    /// MicroCeph lists /dev/vdb as /dev/disk/by-id/virtio-m1-vdb: the OSD is still this disk's, and confirmed.
    @Test func anOSDRecordedUnderItsStablePathIsConfirmed() async throws {
        var budgets = StepBudgets()
        budgets.joinConfirm = .milliseconds(600)
        let ceph = SnapLikeMicroCeph(addTime: .milliseconds(10))
        let (report, events, _) = try await Self.run(ceph, perMember: 2, budgets: budgets)

        #expect(report.failure == nil && report.setbacks.isEmpty, "\(report.failureLines) \(report.setbackLines)")
        #expect(Set(await ceph.osds.map { "\($0.location) \($0.path)" }) == [
            "m1 /dev/disk/by-id/virtio-m1-vdb", "m1 /dev/disk/by-id/virtio-m1-vdc",
            "m2 /dev/disk/by-id/virtio-m2-vdb", "m2 /dev/disk/by-id/virtio-m2-vdc",
            "m3 /dev/disk/by-id/virtio-m3-vdb", "m3 /dev/disk/by-id/virtio-m3-vdc"])
        // Each disk's last word names the OSD it became.
        for member in ["m1", "m2", "m3"] {
            for path in ["/dev/vdb", "/dev/vdc"] {
                let osd = await ceph.osds.first { $0.location == member && $0.path == SnapLikeMicroCeph.stablePath(path, on: member) }
                let words = events.filter { $0.stepID == .cephDisk(member, path) }
                    .compactMap { if case .progress(_, let w) = $0.kind { w } else { nil } }
                #expect(words.last == "osd.\(osd?.osd ?? -2) listed by the cluster", "\(member) \(path): \(words)")
            }
        }
    }

    /// Three disks per server, 300 ms each behind MicroCeph's lock, a 700 ms budget per disk: waiting for its turn
    /// spends none of a disk's budget, the disks go one after another in plan order, and a waiting disk says so.
    @Test func aServersDisksTakeTurnsAndAQueuedDiskWaitsWithoutSpendingItsBudget() async throws {
        var budgets = StepBudgets()
        budgets.cephDisks = .milliseconds(700)
        let ceph = SnapLikeMicroCeph(addTime: .milliseconds(300))
        let (report, events, plan) = try await Self.run(ceph, perMember: 3, budgets: budgets)

        #expect(report.failure == nil && report.setbacks.isEmpty, "\(report.failureLines) \(report.setbackLines)")
        #expect(await ceph.osds.count == 9)
        #expect(await ceph.mostAtOnce == ["m1": 1, "m2": 1, "m3": 1])
        for m in plan.members {
            // In plan order: a disk starts only after the one before it has finished.
            let ids = m.cephDisks.map { StepID.cephDisk(m.name, $0.path) }
            func at(_ id: StepID, _ name: String) -> Int? { events.firstIndex { $0.stepID == id && $0.kind.name == name } }
            for (earlier, later) in zip(ids, ids.dropFirst()) {
                let done = try #require(at(earlier, "succeeded")), start = try #require(at(later, "started"))
                #expect(done < start, "\(later) started before \(earlier) finished")
            }
        }
        // Folding the events: while m1's first disk works, its second and third wait for their turn.
        var progress = CephDiskProgress(plan: plan)
        var seen: [String: Set<String>] = [:]
        for e in events {
            progress.apply(e)
            for d in progress.disks where d.member == "m1" { seen[d.path, default: []].insert(d.stateText) }
            if e.stepID == .cephDisk("m1", "/dev/vdb"), e.kind.name == "started" {
                let third = try #require(progress.disks.first { $0.id == .cephDisk("m1", "/dev/vdd") })
                #expect(CephDiskProgress.line(third, at: e.time) == "Ceph disk /dev/vdd on m1: waiting for its turn")
            }
        }
        #expect(seen["/dev/vdb"]?.contains("waiting for its turn") == false)
        #expect(seen["/dev/vdc"]?.contains("waiting for its turn") == true)
        #expect(seen["/dev/vdd"]?.contains("waiting for its turn") == true)
        #expect(progress.upAndIn == 9 && progress.isFinished)
    }
}
