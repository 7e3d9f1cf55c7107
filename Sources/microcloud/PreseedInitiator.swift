import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit

/// The initiator's side of a preseed run: renders what the initiator driver yields (the wizard renders the same).
struct PreseedInitiator {
    /// The file, validated once by the command (its issues are printed already).
    let checked: ValidatedPreseed
    let control: ControlClient
    let out: ProgressPrinter
    let dryRun: Bool

    var preseed: Preseed { checked.preseed }

    func run() async throws {
        let driver = try await InitiatorDriver(control: control)
        let interrupted = Locked(false)
        let work = Task { try await drive(driver) }
        // SIGINT/SIGTERM: a run under way stops and undoes what it did (and still prints its report); before it,
        // the wait is cancelled. Either way the session is closed and the joiners are told.
        let signals = SignalWatch([SIGINT, SIGTERM]) {
            interrupted.set(true)
            out.error("Interrupted: telling the joiners and undoing what was done")
            if !driver.interrupt() { work.cancel() }
        }
        defer { signals.stop() }
        do {
            try await work.value
        } catch _ where interrupted.current {
            throw ExitCode(130)
        } catch is PlanRefused {
            throw ExitCode(2)
        }
        if interrupted.current { throw ExitCode(130) }
    }

    private func drive(_ driver: InitiatorDriver) async throws {
        let expected = Set(preseed.systems.map(\.name)).subtracting([driver.local.name])
        do {
            if expected.isEmpty {
                try await driver.confirm([])
            } else {
                _ = try await driver.openSession(timeoutSeconds: preseed.sessionTimeout ?? 3600, passphrase: preseed.sessionPassphrase)
                out.line("Searching for joining systems (\(expected.sorted().joined(separator: ", ")))")
                let joiners = try await collectJoiners(driver, expected, wait: .seconds(preseed.lookupTimeout ?? 60))
                try await driver.confirm(joiners)
            }
            try await formCloud(driver)
        } catch {
            // Every way out of a failed run closes the session, so joiners stop waiting and a re-run can start one.
            // In a task of its own: this one may be cancelled (interrupted), and the joiners must still be told.
            let reason = error is ExitCode || error is CancellationError ? SessionWords.initiatorAborted : SessionWords.initiatorAborted("\(error)")
            await Task { await driver.abort(reason: reason) }.value
            throw error
        }
    }

    /// Waits until every listed system has proven the passphrase; returns their fingerprints.
    private func collectJoiners(_ driver: InitiatorDriver, _ expected: Set<String>, wait: Duration) async throws -> [String] {
        let events = driver.sessionEvents()
        let outcome: [String]? = try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                var arrived: [String: String] = [:]
                for try await e in events {
                    switch e.kind {
                    case .intent:
                        guard let name = e.name, let fp = e.fingerprint, let address = e.address else { continue }
                        if expected.contains(name) {
                            arrived[name] = fp
                            out.line("Detected joining system \"\(name)\" at \"\(address)\" (fingerprint \(fp.prefix(12)))")
                            if arrived.count == expected.count { return Array(arrived.values) }
                        } else {
                            out.warning("Ignoring \"\(name)\" at \(address): not listed under systems")
                        }
                    case .failedAttempt: out.warning(e.message ?? "a wrong passphrase was tried")
                    case .ended:
                        out.error(SessionWords.sessionEnded(e.message ?? ""))
                        throw ExitCode(1)
                    default: break
                    }
                }
                throw ExitCode(1)
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        guard let outcome else {
            // The deadline passed: name who never reached out (the event task kept its list; ask the driver's).
            let arrived = Set(driver.provenNames)
            for name in expected.subtracting(arrived).sorted() { out.error("System \"\(name)\" hasn't reached out") }
            throw ExitCode(1)
        }
        return outcome
    }

    private func formCloud(_ driver: InitiatorDriver) async throws {
        out.line("Gathering system information ...")
        let gathered = await driver.inventories()
        gathered.problems.forEach { out.error($0) }
        if !gathered.problems.isEmpty { throw ExitCode(1) }
        let (plan, issues) = checked.resolve(inventories: gathered.found, localName: driver.local.name)
        issues.filter { $0.severity == .warning }.forEach { out.warning("\($0.field): \($0.message)") }
        let errors = issues.filter { $0.severity == .error }
        guard let plan, errors.isEmpty else {
            errors.forEach { out.error("\($0.field): \($0.message)") }
            out.line("Nothing was changed.")
            throw PlanRefused(errors: errors)
        }
        if dryRun {
            out.line(plan.summaryText)
            out.line("Steps:")
            for step in try driver.steps(for: plan) { out.line("  \(step.id)  \(step.title)") }
            try await driver.close(reason: "The initiator only did a dry run")
            return
        }
        out.line("Initializing the cloud ...")
        var disks = CephDiskProgress(plan: plan)
        for await update in driver.run(plan) {
            switch update {
            case .progress(let event):
                if let disk = disks.apply(event) {
                    out.disk(disk, event, phase: disks)
                    for waiting in disks.nowWaiting { out.waiting(waiting, at: event.time) }
                } else {
                    out.event(event)
                }
            case .finished(.failed(let report)):
                out.failure(report)
                throw ExitCode(1)
            case .finished(.formed(let report, let snapshot)):
                out.setbacks(report)
                out.line(RunSummary.text(snapshot, setbacks: report.setbacks.count))
                out.line("Wall time per phase:\n" + report.timingTable.render())
                if !report.setbacks.isEmpty {
                    out.warning(RunSummary.setbackClosing(report.setbacks.count))
                    throw ExitCode(RunSummary.setbackExitCode)
                }
            }
        }
    }
}

/// The plan's errors, which end the run before anything changes (exit 2); the joiners are told them with the abort.
struct PlanRefused: Error, CustomStringConvertible {
    let errors: [PlanIssue]
    var description: String { errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ") }
}

/// Runs a handler on a signal instead of its default action, until `stop`.
final class SignalWatch: @unchecked Sendable {
    // Invariant: both arrays are set once in init and only read afterwards (dispatch sources are thread-safe).
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    init(_ signals: [Int32], handler: @escaping @Sendable () -> Void) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    func stop() {
        sources.forEach { $0.cancel() }
        signals.forEach { signal($0, SIG_DFL) }
    }
}
