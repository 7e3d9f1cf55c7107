import ArgumentParser
import Foundation
import MicroCloudDaemon
import MicroCloudKit

/// The initiator's side of a preseed run: accept the listed systems, plan, bootstrap, show the result.
struct PreseedInitiator {
    let preseed: Preseed
    let control: ControlClient
    let out: ProgressPrinter
    let dryRun: Bool

    func run() async throws {
        let flow = try await InitiatorFlow(control: control)
        let expected = Set(preseed.systems.map(\.name)).subtracting([flow.local.name])
        var members = [flow.local]
        if !expected.isEmpty {
            _ = try await control.openSession(SessionOpen(role: .initiator, timeoutSeconds: preseed.sessionTimeout ?? 3600,
                                                          passphrase: preseed.sessionPassphrase))
            out.line("Searching for joining systems (\(expected.sorted().joined(separator: ", ")))")
            do {
                members += try await collectJoiners(expected, wait: .seconds(preseed.lookupTimeout ?? 60))
            } catch {
                try? await control.abort(reason: "Initiator aborted the setup: \(error)")
                throw error
            }
        }
        do {
            try await formCloud(flow: flow, members: members)
        } catch {
            if !expected.isEmpty { try? await control.abort(reason: "Initiator aborted the setup") }
            throw error
        }
    }

    /// Waits until every listed system has proven the passphrase, then confirms exactly those.
    private func collectJoiners(_ expected: Set<String>, wait: Duration) async throws -> [MemberRecord] {
        var arrived: [String: MemberRecord] = [:]
        var cursor = 0
        let deadline = ContinuousClock.now + wait
        while arrived.count < expected.count {
            if ContinuousClock.now >= deadline {
                let missing = expected.subtracting(arrived.keys).sorted()
                for name in missing { out.error("System \"\(name)\" hasn't reached out") }
                throw ExitCode(1)
            }
            let batch = try await control.events(after: cursor, wait: 2)
            cursor = batch.next
            for e in batch.events {
                switch e.kind {
                case .intent:
                    guard let name = e.name, let fp = e.fingerprint, let address = e.address else { continue }
                    if expected.contains(name) {
                        arrived[name] = MemberRecord(name: name, address: address, fingerprint: fp)
                        out.line("Detected joining system \"\(name)\" at \"\(address)\" (fingerprint \(fp.prefix(12)))")
                    } else {
                        out.warning("Ignoring \"\(name)\" at \(address): not listed under systems")
                    }
                case .failedAttempt: out.warning(e.message ?? "a wrong passphrase was tried")
                case .ended:
                    out.error("The trust session ended: \(e.message ?? "")")
                    throw ExitCode(1)
                default: break
                }
            }
        }
        let joiners = arrived.values.sorted { $0.name < $1.name }
        try await control.confirm(joiners.map(\.fingerprint))
        return joiners
    }

    private func formCloud(flow: InitiatorFlow, members: [MemberRecord]) async throws {
        out.line("Gathering system information ...")
        let gathered = await flow.inventories(of: members)
        gathered.problems.forEach { out.error($0) }
        if !gathered.problems.isEmpty { throw ExitCode(1) }
        let (plan, issues) = preseed.resolve(inventories: gathered.found, localName: flow.local.name)
        issues.filter { $0.severity == .warning }.forEach { out.warning("\($0.field): \($0.message)") }
        let errors = issues.filter { $0.severity == .error }
        guard let plan, errors.isEmpty else {
            errors.forEach { out.error("\($0.field): \($0.message)") }
            out.line("Nothing was changed.")
            throw ExitCode(2)
        }
        let bootstrapper = flow.bootstrapper(members: members)
        if dryRun {
            out.line(plan.summaryText)
            out.line("Steps:")
            for step in try bootstrapper.steps(for: plan) { out.line("  \(step.id)  \(step.title)") }
            try? await control.abort(reason: "The initiator only did a dry run")
            return
        }
        out.line("Initializing the cloud ...")
        do {
            for try await event in bootstrapper.run(plan) { out.event(event) }
        } catch let failed as BootstrapFailed {
            ReportPrinter(out: out).failure(failed.report)
            throw ExitCode(1)
        }
        try await flow.recordMembership(members)
        let report = bootstrapper.report
        let snapshot = try await flow.readback()
        ResultPrinter(out: out).print(snapshot)
        if let report { ReportPrinter(out: out).timings(report) }
        out.line("MicroCloud is ready")
    }
}

/// Result tables as `lxc` prints them.
struct ResultPrinter {
    let out: ProgressPrinter
    func print(_ s: ClusterSnapshot) {
        out.line("Cluster members:\n" + ResultTables.members(s.members).render())
        out.line("Storage pools:\n" + ResultTables.pools(s.pools).render())
        out.line("Networks:\n" + ResultTables.networks(s.networks.filter(\.managed)).render())
        out.line("Default profile:\n" + ResultTables.profile(s.profile))
    }
}

struct ReportPrinter {
    let out: ProgressPrinter

    func failure(_ r: BootstrapReport) {
        if let f = r.failure { out.error("\(f.step.title)\(f.step.member.map { " on \($0)" } ?? ""): \(f.message)") }
        if !r.done.isEmpty { out.line("Done:\n" + r.done.map { "  ✓ \($0.title)" }.joined(separator: "\n")) }
        if !r.undone.isEmpty { out.line("Undone:\n" + r.undone.map { "  ↺ \($0.title)" }.joined(separator: "\n")) }
        if !r.notRun.isEmpty { out.line("Not started:\n" + r.notRun.map { "  - \($0.title)" }.joined(separator: "\n")) }
        if !r.remains.isEmpty { out.line("Left behind:\n" + r.remains.map { "  ! \($0)" }.joined(separator: "\n")) }
    }

    func timings(_ r: BootstrapReport) {
        let rows = r.phaseTimings.map { [$0.phase, String(format: "%.2fs", $0.seconds)] }
        out.line("Wall time per phase:\n" + TextTable(headers: ["PHASE", "TIME"], rows: rows).render())
    }
}
