import Foundation
import Testing
@testable import MicroCloudKit

/// Counts steps inside a region and remembers the most at once.
actor Occupancy {
    private var now = 0
    private(set) var most = 0
    func enter() { now += 1; most = max(most, now) }
    func leave() { now -= 1 }
}

/// How a test step undoes itself (a value, so a trailing closure always means the step's work).
private enum Undo {
    case note(Trace, String)
    case fail(String)
    case keep(String)

    var body: @Sendable () async throws -> Void {
        switch self {
        case .note(let trace, let text): return { trace.note(text) }
        case .fail(let message): return { throw BootstrapError(message) }
        case .keep(let reason): return { throw CleanupKept(reason) }
        }
    }
}

private func step(_ id: String, deps: [String] = [], group: String? = nil, budget: Duration = .seconds(10),
                  phase: String = "p", remains: String? = nil, undo: Undo? = nil,
                  _ run: @escaping @Sendable (StepContext) async throws -> Void = { _ in }) -> Step {
    Step(id: StepID(id), member: nil, title: "Step \(id)", phase: phase, budget: budget, dependsOn: deps.map { StepID($0) }, serialGroup: group,
         remains: remains, run: run, cleanup: undo?.body)
}

private func run(_ steps: [Step], maxParallel: Int = 4) async throws -> (BootstrapReport, [ProgressEvent]) {
    let events = Locked<[ProgressEvent]>([])
    let report = try await StepGraph(steps, maxParallel: maxParallel).run { e in events.withLock { $0.append(e) } }
    return (report, events.current)
}

@Suite struct BootstrapStepGraphTests {
    @Test func independentStepsRunAtTheSameTime() async throws {
        // Each waits until the other has started: run one after the other, the first would exhaust its budget.
        let meet = Rendezvous(2)
        let trace = Trace()
        let (report, _) = try await run([
            step("a", budget: .seconds(20)) { _ in trace.note("start a"); await meet.arrive(); trace.note("end a") },
            step("b", budget: .seconds(20)) { _ in trace.note("start b"); await meet.arrive(); trace.note("end b") },
        ])
        #expect(report.succeeded)
        #expect(Array(trace.all.prefix(2)).sorted() == ["start a", "start b"])
    }

    @Test func aSerialGroupNeverOverlapsWhileOthersDo() async throws {
        let group = Occupancy(), all = Occupancy()
        @Sendable func busy(_ o: Occupancy...) async {
            for x in o { await x.enter() }
            for _ in 0..<20 { await Task.yield() }
            try? await Task.sleep(for: .milliseconds(2))
            for x in o { await x.leave() }
        }
        let steps = (1...3).map { i in step("join\(i)", group: "joins") { _ in await busy(group, all) } }
            + (1...3).map { i in step("free\(i)") { _ in await busy(all) } }
        let (report, _) = try await run(steps, maxParallel: 6)
        #expect(report.succeeded)
        #expect(await group.most == 1)
        #expect(await all.most > 1)
    }

    @Test func noMoreThanMaxParallelAtOnce() async throws {
        let o = Occupancy()
        let steps = (1...6).map { i in step("s\(i)") { _ in
            await o.enter()
            for _ in 0..<20 { await Task.yield() }
            try? await Task.sleep(for: .milliseconds(2))
            await o.leave()
        } }
        let (report, _) = try await run(steps, maxParallel: 2)
        #expect(report.done.count == 6)
        #expect(await o.most <= 2)
    }

    @Test func aStepStartsOnlyAfterItsDependenciesEnded() async throws {
        let trace = Trace()
        let (report, _) = try await run([
            step("c", deps: ["a", "b"]) { _ in trace.note("c") },
            step("a") { _ in try await Task.sleep(for: .milliseconds(5)); trace.note("a") },
            step("b", deps: ["a"]) { _ in trace.note("b") },
        ])
        #expect(report.succeeded)
        #expect(trace.all == ["a", "b", "c"])
        #expect(report.done.map(\.id) == ["a", "b", "c"])
    }

    @Test func skippedStepsCountAsDoneForWhatDependsOnThem() async throws {
        var skipped = step("ceph")
        skipped.skipReason = "MicroCeph not installed"
        let (report, events) = try await run([
            skipped,
            step("probe") { _ in throw StepSkipped("nothing to do") },
            step("after", deps: ["ceph", "probe"]),
        ])
        #expect(report.succeeded)
        #expect(report.done.map(\.id) == ["after"])
        #expect(report.skipped.map { "\($0.step.id): \($0.reason)" } == ["ceph: MicroCeph not installed", "probe: nothing to do"])
        #expect(events.contains { $0.stepID == "ceph" && $0.kind == .skipped(reason: "MicroCeph not installed") })
    }

    @Test func afterAFailureRunningStepsFinishNothingNewStartsAndCleanupsRunInReverse() async throws {
        let trace = Trace()
        let meet = Rendezvous(2)
        let (report, events) = try await run([
            step("a", undo: .note(trace, "undo a")),
            step("b", deps: ["a"], undo: .note(trace, "undo b")),
            step("c", deps: ["b"]) { _ in await meet.arrive(); throw BootstrapError("LXD said no") },
            step("d", deps: ["b"], undo: .note(trace, "undo d")) { _ in
                await meet.arrive()
                try await Task.sleep(for: .milliseconds(20))
                trace.note("d finished")
            },
            step("e", deps: ["d"]) { _ in trace.note("e ran") },
            step("f", deps: ["b"], remains: "f stays") { _ in trace.note("f ran") },
        ], maxParallel: 2)
        #expect(report.failure == BootstrapReport.Failure(step: report.failure!.step, message: "LXD said no"))
        #expect(report.failure?.step.id == "c")
        #expect(report.done.map(\.id) == ["a", "b", "d"])
        #expect(report.notRun.map(\.id) == ["e", "f"])
        #expect(trace.all == ["d finished", "undo d", "undo b", "undo a"])
        #expect(report.undone.map(\.id) == ["d", "b", "a"])
        let cleanupEvents = events.filter { $0.kind.name == "cleanup" }.map { "\($0.stepID) \($0.kind)" }
        #expect(cleanupEvents == ["d cleanup(message: \"Undoing\")", "d cleanup(message: \"Undone\")",
                                  "b cleanup(message: \"Undoing\")", "b cleanup(message: \"Undone\")",
                                  "a cleanup(message: \"Undoing\")", "a cleanup(message: \"Undone\")"])
    }

    @Test func whatCannotBeUndoneIsListedAsRemaining() async throws {
        let (report, events) = try await run([
            step("cluster", remains: "LXD on m1 is clustered"),
            step("pool", deps: ["cluster"], undo: .fail("pool is in use")),
            step("config", deps: ["pool"], undo: .keep("LXD is clustered")),
            step("boom", deps: ["config"]) { _ in throw BootstrapError("boom") },
        ])
        #expect(report.undone.isEmpty)
        #expect(report.remains == ["LXD on m1 is clustered", "Step pool: could not undo (pool is in use)"])
        #expect(events.contains { $0.stepID == "config" && $0.kind == .cleanup(message: "Kept: LXD is clustered") })
    }

    @Test func aStepOverItsBudgetFailsAndIsStopped() async throws {
        let trace = Trace()
        let (report, events) = try await run([
            step("first", undo: .note(trace, "undo first")),
            step("slow", deps: ["first"], budget: .milliseconds(50)) { _ in
                do { try await Task.sleep(for: .seconds(60)) } catch { trace.note("slow was cancelled"); throw error }
            },
        ])
        #expect(report.failure?.step.id == "slow")
        #expect(report.failure?.message == "did not finish within 0.05s")
        #expect(events.contains { $0.stepID == "slow" && $0.kind == .failed(message: "did not finish within 0.05s") })
        #expect(events.contains { $0.stepID == "slow" && $0.kind == .started(budget: 0.05) })
        #expect(trace.all == ["slow was cancelled", "undo first"])
    }

    @Test func cancellingTheRunUndoesWhatWasDone() async throws {
        let trace = Trace()
        let started = Rendezvous(2)
        let events = Locked<[ProgressEvent]>([])
        let graph = try StepGraph([
            step("first", undo: .note(trace, "undo first")),
            step("wait", deps: ["first"], budget: .seconds(60)) { _ in
                await started.arrive()
                try await Task.sleep(for: .seconds(60))
            },
        ])
        let task = Task { await graph.run { e in events.withLock { $0.append(e) } } }
        await started.arrive()
        task.cancel()
        let report = await task.value
        #expect(report.failure?.step.id == "wait")
        #expect(report.failure?.message == "cancelled")
        #expect(trace.all == ["undo first"])
    }

    @Test func badGraphsAreRefusedWithTheirReason() {
        #expect(throws: StepGraph.InvalidGraph.self) { try StepGraph([step("a"), step("a")]) }
        // #expect(throws:) fails when nothing throws; a do/catch around the call would pass then.
        let unknown = #expect(throws: StepGraph.InvalidGraph.self) { try StepGraph([step("a", deps: ["zz"])]) }
        #expect(unknown?.description == "step \"a\" depends on unknown step \"zz\"")
        let cycle = #expect(throws: StepGraph.InvalidGraph.self) {
            try StepGraph([step("a", deps: ["b"]), step("b", deps: ["a"]), step("c")])
        }
        #expect(cycle?.description == "steps depend on each other in a cycle: a, b")
    }

    @Test func phaseTimingsFollowTheOrderOfPhasesThenTotal() async throws {
        let (report, _) = try await run([
            step("x", phase: "services bootstrap"), step("y", deps: ["x"], phase: "joins"), step("z", deps: ["y"], phase: "storage"),
        ])
        #expect(report.phaseTimings.map(\.phase) == ["services bootstrap", "joins", "storage", "total"])
        #expect(report.phaseTimings.allSatisfy { $0.seconds >= 0 })
    }
}
