import FoundationEssentials

/// A line of a run's report with its tone; screens pick colours by tone, plain output ignores it.
public struct ReportLine: Sendable, Equatable {
    public enum Tone: Sendable, Equatable { case headline, error, normal, dim, warn, ok }
    public var text: String
    public var tone: Tone
    public init(_ text: String, _ tone: Tone = .normal) { self.text = text; self.tone = tone }
}

extension BootstrapReport {
    /// The one failure report: where and why the run failed, what was undone, how much never ran, what remains.
    /// The wizard's screen, its exit text and `microcloud preseed` all show these lines.
    public var failureLines: [ReportLine] {
        var out: [ReportLine] = []
        if let f = failure {
            // Most titles already end "on <member>" ("Define storage pool local on micro01"): say it once.
            let on = f.step.member.map { f.step.title.hasSuffix(" on \($0)") ? "" : " on \($0)" } ?? ""
            out.append(ReportLine("Where: \(f.step.title)\(on)", .headline))
            out.append(ReportLine("Why:   \(f.message)", .error))
        }
        out += setbackLines
        if !undone.isEmpty { out.append(ReportLine("Undone: " + undone.map(\.title).joined(separator: "; "))) }
        if !notRun.isEmpty { out.append(ReportLine("Not run: \(notRun.count) step\(notRun.count == 1 ? "" : "s")", .dim)) }
        if remains.isEmpty {
            out.append(ReportLine("Remains: nothing; the servers are as they were.", .ok))
        } else {
            out.append(ReportLine("Remains: " + remains.joined(separator: "; "), .warn))
        }
        return out
    }

    /// What failed without stopping the run, each with what to do: shown after a formed cloud and in a failure
    /// report alike.
    public var setbackLines: [ReportLine] {
        setbacks.flatMap { s in
            let on = s.step.member.map { " on \($0)" } ?? ""
            let title = s.step.title.hasSuffix(on) ? s.step.title : s.step.title + on
            return [ReportLine("Not done: \(title): \(s.message)", .warn), ReportLine("  What to do: \(s.advice)")]
        }
    }

    /// Wall time per phase, as a table.
    public var timingTable: TextTable {
        TextTable(headers: ["PHASE", "TIME"], rows: phaseTimings.map { [$0.phase, cFormat("%.2fs", $0.seconds)] })
    }
}

/// What a finished run prints: read from the live cluster, not from the plan.
public enum RunSummary {
    public static let tableTitles = ["Cluster members", "Storage pools", "Networks", "Default profile"]

    /// One table of the snapshot (by `tableTitles` index); nil snapshot: how to look by hand.
    public static func table(_ snapshot: ClusterSnapshot?, _ n: Int) -> TextTable? {
        guard let s = snapshot else { return nil }
        switch n {
        case 0: return ResultTables.members(s.members)
        case 1: return ResultTables.pools(s.pools)
        case 2: return ResultTables.networks(s.networks)
        default: return nil
        }
    }

    public static let unreadable = ["The cloud is set up, but its state could not be read back.",
                                    "Run `lxc cluster list`, `lxc storage list` and `lxc network list` to see it."]

    /// "MicroCloud is ready", or "ready with N setbacks" when something failed without stopping the run: the
    /// first words of the wizard's results and of every report.
    public static func ready(setbacks: Int) -> String {
        setbacks == 0 ? "MicroCloud is ready" : "MicroCloud is ready with \(setbacks) setback\(setbacks == 1 ? "" : "s")"
    }

    /// A report's last line when the run had setbacks (the run exits with `setbackExitCode`).
    public static func setbackClosing(_ setbacks: Int) -> String {
        ready(setbacks: setbacks) + ": each \"Not done\" line above says what was not done and what to do."
    }

    /// The exit code of a run that formed the cloud with setbacks (0: ready; 1: failed, undone; 2: refused before
    /// anything changed).
    public static let setbackExitCode: Int32 = 3

    /// "MicroCloud is ready: N members." and every table at its natural width.
    public static func text(_ snapshot: ClusterSnapshot?, setbacks: Int = 0) -> String {
        guard let s = snapshot else { return (["\(ready(setbacks: setbacks))."] + unreadable).joined(separator: "\n") }
        return "\(ready(setbacks: setbacks)): \(s.members.count) member\(s.members.count == 1 ? "" : "s").\n\n" + tables(s)
    }

    /// Every table at its natural width, each under its title (`microcloud status` prints these too).
    public static func tables(_ s: ClusterSnapshot) -> String {
        var out: [String] = []
        for (n, title) in tableTitles.enumerated() {
            if n > 0 { out.append("") }
            out.append(title + ":")
            let text = table(s, n)?.render() ?? ResultTables.profile(s.profile)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last == "" { lines.removeLast() }
            out += lines
        }
        return out.joined(separator: "\n")
    }
}
