import FoundationEssentials

/// Runs steps as a dependency graph: everything whose dependencies are done runs at once (up to
/// `maxParallel`), steps of one serial group one at a time. On the first failure it starts nothing new,
/// lets running steps finish, then undoes the succeeded steps in reverse order.
public struct StepGraph: Sendable {
    public let steps: [Step]
    public let maxParallel: Int
    /// Time each cleanup may take.
    public var cleanupBudget: Duration

    public struct InvalidGraph: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(_ steps: [Step], maxParallel: Int = 4, cleanupBudget: Duration = .seconds(120)) throws {
        var ids = Set<StepID>()
        for step in steps {
            guard ids.insert(step.id).inserted else { throw InvalidGraph(description: "step id \"\(step.id)\" is used twice") }
        }
        for step in steps {
            for dep in step.dependsOn where !ids.contains(dep) {
                throw InvalidGraph(description: "step \"\(step.id)\" depends on unknown step \"\(dep)\"")
            }
        }
        // Kahn's algorithm: anything left over sits on a cycle.
        var indegree = Dictionary(uniqueKeysWithValues: steps.map { ($0.id, $0.dependsOn.count) })
        var ready = steps.filter { $0.dependsOn.isEmpty }.map(\.id)
        var seen = 0
        while let id = ready.popLast() {
            seen += 1
            for step in steps where step.dependsOn.contains(id) {
                indegree[step.id, default: 0] -= step.dependsOn.filter { $0 == id }.count
                if indegree[step.id] == 0 { ready.append(step.id) }
            }
        }
        if seen != steps.count {
            let stuck = steps.filter { (indegree[$0.id] ?? 0) > 0 }.map(\.id.rawValue).joined(separator: ", ")
            throw InvalidGraph(description: "steps depend on each other in a cycle: \(stuck)")
        }
        self.steps = steps
        self.maxParallel = max(1, maxParallel)
        self.cleanupBudget = cleanupBudget
    }

    enum Outcome: Sendable {
        case succeeded
        case skipped(String)
        /// With the advice of a `StepSetback`, when the step gave one.
        case failed(String, advice: String? = nil)
    }

    struct Finished: Sendable {
        var index: Int
        var outcome: Outcome
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
    }

    /// `tolerated`: failed, but the step said the run goes on without it.
    enum Status { case pending, running, succeeded, skipped, failed, tolerated }

    /// Runs the graph to the end (including cleanups after a failure) and reports.
    public func run(emit: @escaping @Sendable (ProgressEvent) -> Void) async -> BootstrapReport {
        let clock = ContinuousClock()
        let t0 = clock.now
        let index = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($1.id, $0) })
        var status = [Status](repeating: .pending, count: steps.count)
        var busyGroups = Set<String>()
        var running = 0
        var failure: (index: Int?, message: String)?
        var completed: [Int] = []
        var times: [Int: (start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = [:]
        var report = BootstrapReport()

        func record(_ i: Int) -> BootstrapReport.StepRecord {
            let s = steps[i]
            return .init(id: s.id, member: s.member, title: s.title,
                         seconds: times[i].map { ($0.end - $0.start).seconds })
        }

        await withTaskGroup(of: Finished.self) { group in
            while true {
                if failure == nil, Task.isCancelled { failure = (nil, "cancelled before it finished") }
                var changed = true
                while changed, failure == nil {
                    changed = false
                    for i in steps.indices where status[i] == .pending {
                        let step = steps[i]
                        guard step.dependsOn.allSatisfy({ [.succeeded, .skipped, .tolerated].contains(status[index[$0]!]) }) else { continue }
                        if let reason = step.skipReason {
                            status[i] = .skipped
                            report.skipped.append(.init(step: record(i), reason: reason))
                            emit(ProgressEvent(stepID: step.id, member: step.member, title: step.title, kind: .skipped(reason: reason)))
                            changed = true
                            continue
                        }
                        guard running < maxParallel else { continue }
                        if let g = step.serialGroup {
                            guard !busyGroups.contains(g) else { continue }
                            busyGroups.insert(g)
                        }
                        status[i] = .running
                        running += 1
                        group.addTask { await Self.execute(step, index: i, clock: clock, emit: emit) }
                    }
                }
                guard running > 0, let done = await group.next() else { break }
                running -= 1
                if let g = steps[done.index].serialGroup { busyGroups.remove(g) }
                times[done.index] = (done.start, done.end)
                switch done.outcome {
                case .succeeded:
                    status[done.index] = .succeeded
                    completed.append(done.index)
                    report.done.append(record(done.index))
                case .skipped(let reason):
                    status[done.index] = .skipped
                    report.skipped.append(.init(step: record(done.index), reason: reason))
                case .failed(let message, let given):
                    if let standing = steps[done.index].tolerated, failure == nil {
                        let advice = given ?? standing
                        status[done.index] = .tolerated
                        report.setbacks.append(.init(step: record(done.index), message: message, advice: advice))
                        continue
                    }
                    status[done.index] = .failed
                    if failure == nil { failure = (done.index, message) }
                }
            }
        }

        if let failure {
            let failedRecord = failure.index.map(record) ?? .init(id: .wholeRun, member: nil, title: "Bootstrap")
            report.failure = .init(step: failedRecord, message: failure.message)
            // Steps the plan never needed read as skipped, not as casualties of the failure.
            for i in steps.indices where status[i] == .pending {
                let step = steps[i]
                if let reason = step.skipReason {
                    report.skipped.append(.init(step: record(i), reason: reason))
                    emit(ProgressEvent(stepID: step.id, member: step.member, title: step.title, kind: .skipped(reason: reason)))
                } else {
                    report.notRun.append(record(i))
                }
            }
            // Cleanups run in a fresh task: a cancelled run must still undo what it did.
            let undo = Task { await self.undo(completed: completed, emit: emit) }
            let (undone, remains) = await undo.value
            report.undone = undone.map(record)
            report.remains = remains
        }

        var phases: [String] = []
        for step in steps where !phases.contains(step.phase) { phases.append(step.phase) }
        for phase in phases {
            let spans = steps.indices.filter { steps[$0].phase == phase }.compactMap { times[$0] }
            guard let start = spans.map(\.start).min(), let end = spans.map(\.end).max() else { continue }
            report.phaseTimings.append(.init(phase: phase, seconds: (end - start).seconds))
        }
        report.phaseTimings.append(.init(phase: "total", seconds: (clock.now - t0).seconds))
        return report
    }

    /// Undoes succeeded steps, newest first. Steps without a cleanup leave their `remains` line.
    private func undo(completed: [Int], emit: @escaping @Sendable (ProgressEvent) -> Void) async -> ([Int], [String]) {
        var undone: [Int] = []
        var remains = completed.compactMap { steps[$0].cleanup == nil ? steps[$0].remains : nil }
        for i in completed.reversed() {
            let step = steps[i]
            guard let cleanup = step.cleanup else { continue }
            func say(_ message: String) {
                emit(ProgressEvent(stepID: step.id, member: step.member, title: step.title, kind: .cleanup(message: message)))
            }
            say("Undoing")
            let outcome = await Self.race(budget: cleanupBudget) {
                do {
                    try await cleanup()
                    return .succeeded
                } catch let kept as CleanupKept {
                    return .skipped(kept.reason)
                } catch {
                    return .failed(failureMessage(error))
                }
            }
            switch outcome {
            case .succeeded:
                undone.append(i)
                say("Undone")
            case .skipped(let reason):
                say("Kept: \(reason)")
            case .failed(let message, _):
                say("Could not undo: \(message)")
                remains.append("\(step.title): could not undo (\(message))")
            case nil:
                let message = "did not finish within \(cleanupBudget.shortText)"
                say("Could not undo: \(message)")
                remains.append("\(step.title): could not undo (\(message))")
            }
        }
        return (undone, remains)
    }

    private static func execute(_ step: Step, index: Int, clock: ContinuousClock,
                                emit: @escaping @Sendable (ProgressEvent) -> Void) async -> Finished {
        let start = clock.now
        func say(_ kind: ProgressEvent.Kind) {
            emit(ProgressEvent(stepID: step.id, member: step.member, title: step.title, kind: kind))
        }
        say(.started(budget: step.budget.seconds))
        let context = StepContext(stepID: step.id, member: step.member, title: step.title, emit: emit)
        let outcome = await race(budget: step.budget) {
            do {
                try await step.run(context)
                return .succeeded
            } catch let skip as StepSkipped {
                return .skipped(skip.reason)
            } catch let setback as StepSetback {
                return .failed(setback.message, advice: setback.advice)
            } catch {
                return .failed(Task.isCancelled && error is CancellationError ? "cancelled" : failureMessage(error))
            }
        }
        let end = clock.now
        switch outcome {
        case .succeeded: say(.succeeded(elapsed: (end - start).seconds))
        case .skipped(let reason): say(.skipped(reason: reason))
        case .failed(let message, _): say(.failed(message: message))
        case nil: say(.failed(message: "did not finish within \(step.budget.shortText)"))
        }
        return Finished(index: index, outcome: outcome ?? .failed("did not finish within \(step.budget.shortText)"),
                        start: start, end: end)
    }

    /// Runs `body` with a time budget; nil when the budget ran out first. The body is then cancelled and
    /// awaited, so nothing it does overlaps what comes next.
    private static func race(budget: Duration, _ body: @escaping @Sendable () async -> Outcome) async -> Outcome? {
        let first = FirstOf<Outcome?>()
        let work = Task {
            let outcome = await body()
            first.offer(outcome)
            return outcome
        }
        let timer = Task {
            do { try await Task.sleep(for: budget) } catch { return }
            first.offer(nil)
        }
        let winner = await withTaskCancellationHandler {
            await first.value()
        } onCancel: {
            work.cancel()
        }
        timer.cancel()
        if winner == nil {
            work.cancel()
            _ = await work.value
        }
        return winner
    }
}

/// Holds whichever value arrives first and hands it to one waiter.
private final class FirstOf<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, Never>)
        case done(Value)
    }
    private let state = Locked(State.empty)

    func offer(_ value: Value) {
        let previous = state.withLock { state in
            let previous = state
            if case .done = previous { return previous }
            state = .done(value)
            return previous
        }
        if case .waiting(let continuation) = previous { continuation.resume(returning: value) }
    }

    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let done: Value? = state.withLock { state in
                if case .done(let value) = state { return value }
                state = .waiting(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
