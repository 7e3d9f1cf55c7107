import Foundation
import MicroCloudKit

/// Line output for non-interactive commands: human lines, or JSON lines (`--format json`) for machines.
/// Lines are written unbuffered, so a log file or a pipe sees each event as it happens.
struct ProgressPrinter: Sendable {
    let json: Bool
    let start = Date()

    func line(_ text: String) {
        if json { say(JSONLine.message("message", text)) } else { say(text) }
    }

    func warning(_ text: String) {
        if json { say(JSONLine.message("warning", text)) } else { say("! Warning: \(text)") }
    }

    func error(_ text: String) {
        if json { say(JSONLine.message("error", text)) } else { FileHandle.standardError.write(Data("⨯ Error: \(text)\n".utf8)) }
    }

    func event(_ e: ProgressEvent) {
        if json { return say(e.jsonLine) }
        let clock = String(format: "%6.1fs", Date().timeIntervalSince(start))
        let who = e.member.map { "[\($0)] " } ?? ""
        switch e.kind {
        case .started(let budget): say("\(clock) … \(who)\(e.title) (budget \(Int(budget))s)")
        case .progress(let fraction, let message):
            let pct = fraction.map { String(format: " %3.0f%%", $0 * 100) } ?? ""
            say("\(clock)   \(who)\(e.title):\(pct) \(message)")
        case .succeeded(let elapsed): say("\(clock) ✓ \(who)\(e.title) (\(String(format: "%.1f", elapsed))s)")
        case .failed(let message): say("\(clock) ⨯ \(who)\(e.title): \(message)")
        case .skipped(let reason): say("\(clock) - \(who)\(e.title): skipped, \(reason)")
        case .cleanup(let message): say("\(clock) ↺ \(who)\(e.title): \(message)")
        }
    }

    /// A Ceph disk's event: its own line with state and time, and once it is finished the phase's line (how many
    /// are up, the estimate of what is left). JSON output stays one event per line.
    func disk(_ d: CephDiskProgress.Disk, _ e: ProgressEvent, phase: CephDiskProgress) {
        if json { return event(e) }
        let clock = String(format: "%6.1fs", Date().timeIntervalSince(start))
        let icon = switch d.state {
        case .upAndIn: "✓"
        case .failed: "⨯"
        case .skipped: "-"
        case .queued, .waitingTurn, .working: "…"
        }
        say("\(clock) \(icon) " + CephDiskProgress.line(d, at: e.time))
        if d.state.isFinished { say(String(repeating: " ", count: 9) + phase.summary(at: e.time)) }
    }

    /// A failed run's report (where and why first, on standard error; what was undone and remains after), as
    /// `preseed` and `remove` print it.
    func failure(_ report: BootstrapReport) {
        for line in report.failureLines {
            if line.tone == .headline { error(line.text) } else { self.line(line.text) }
        }
    }

    /// What a finished run did not do ("Not done" as a warning, then what to do).
    func setbacks(_ report: BootstrapReport) {
        report.setbackLines.forEach { $0.tone == .warn ? warning($0.text) : line($0.text) }
    }

    /// A disk that another disk's start set waiting for its turn: its line (no event of its own, so none in JSON).
    func waiting(_ d: CephDiskProgress.Disk, at time: Date) {
        if json { return }
        let clock = String(format: "%6.1fs", Date().timeIntervalSince(start))
        say("\(clock) … " + CephDiskProgress.line(d, at: time))
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
