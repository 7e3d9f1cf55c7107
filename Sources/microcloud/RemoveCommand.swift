import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit

/// `microcloud remove NAME`: take a member out of every service and of the cloud, without losing data. The plan is
/// shown (and, at a terminal, confirmed) before anything changes; the steps report progress like `preseed`.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a member from the cloud: LXD, MicroCeph (its disks drained first), MicroOVN, then the membership.",
        discussion: "Exit codes: 0 removed; 1 a step failed (the report says what was done and what remains); 2 refused "
            + "before anything changed; 3 removed with setbacks.",
        aliases: ["rm"])

    @Argument(help: "The member to remove.") var name: String
    @Flag(help: "Remove even when it costs redundancy or instances, or when the member or a cluster is down.") var force = false
    @Flag(help: "Print the plan and its steps without changing anything.") var dryRun = false
    @Flag(name: .shortAndLong, help: "Do not ask for confirmation at a terminal.") var yes = false
    @Option(help: "Output: text (one line per event) or json (JSON lines).") var format: OutputFormat = .table
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let out = ProgressPrinter(json: format == .json)
        let control = ControlClient(stateDir: daemon.stateDir)
        guard !(try await control.members()).isEmpty else {
            out.error("MicroCloud is not initialized here: run `microcloud remove` on a member of the cloud")
            throw ExitCode(2)
        }
        let lock = try OperationLock(stateDir: daemon.stateDir)
        guard lock.acquire() else {
            out.error("Another `microcloud remove` is running on this server; wait for it to finish")
            throw ExitCode(2)
        }
        defer { lock.release() }
        if let session = try? await control.sessionStatus(), session.active {
            out.error("A trust session is open on this server (`microcloud init` or a join is under way); remove a member once it ended")
            throw ExitCode(2)
        }
        let driver = try await InitiatorDriver(control: control)
        let facts = try await driver.removalFacts(for: name)
        let (plan, issues) = RemovalPlanner.plan(remove: name, facts: facts, runningOn: driver.local.name, force: force)
        issues.warnings.forEach { out.warning($0.message) }
        guard let plan, !issues.hasErrors else {
            issues.errors.forEach { out.error($0.message) }
            out.line("Nothing was changed.")
            throw ExitCode(2)
        }
        out.line(plan.summaryText)
        if dryRun {
            out.line("Steps:")
            for step in driver.removalSteps(plan) { out.line("  \(step.id)  \(step.title)") }
            return
        }
        if !yes && !out.json && isatty(STDIN_FILENO) == 1 {
            FileHandle.standardOutput.write(Data("Remove \(name)? (yes/no) [default=no]: ".utf8))
            guard readLine()?.lowercased().hasPrefix("y") == true else {
                out.line("Nothing was changed.")
                throw ExitCode(2)
            }
        }
        let report = try await driver.remove(plan) { out.event($0) }
        if report.failure != nil {
            out.failure(report)
            throw ExitCode(1)
        }
        out.setbacks(report)
        out.line("Wall time per phase:\n" + report.timingTable.render())
        let setbacks = report.setbacks.count
        let stay = "\(plan.remaining.count) member\(plan.remaining.count == 1 ? "" : "s") stay: \(plan.remaining.joined(separator: ", "))"
        if setbacks > 0 {
            out.warning("\(name) was removed with \(setbacks) setback\(setbacks == 1 ? "" : "s"); \(stay). "
                        + "Each \"Not done\" line above says what to do.")
            throw ExitCode(RunSummary.setbackExitCode)
        }
        out.line("\(name) was removed; \(stay).")
    }
}

/// One removal at a time per server: an advisory lock on a file in the state directory, held while this runs.
struct OperationLock {
    let fd: Int32

    init(stateDir: String) throws {
        fd = open(stateDir + "/operation.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationError("Cannot open \(stateDir)/operation.lock: \(String(cString: strerror(errno)))") }
    }

    func acquire() -> Bool { flock(fd, LOCK_EX | LOCK_NB) == 0 }
    func release() { flock(fd, LOCK_UN); close(fd) }
}
