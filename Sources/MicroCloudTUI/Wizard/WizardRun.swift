import Foundation
import MicroCloudKit

// Steps 9 and 10: the bootstrap as it runs (one row per step and member, the event log, a failure report), then
// the result tables read back from the cluster.

extension WizardState {
    mutating func progressEvent(_ e: ProgressEvent) {
        guard step == .progress, var r = run else { return }
        let t = e.time.timeIntervalSince(r.startedAt)
        let clock = formatClock(t)
        if let disk = r.ceph.apply(e) {
            // A Ceph disk has its own line (not in the step list); the log keeps each of its changes.
            r.log.append("\(clock)  " + CephDiskProgress.line(disk, at: e.time), style: Self.diskLogStyle(disk.state))
            for waiting in r.ceph.nowWaiting {
                r.log.append("\(clock)  " + CephDiskProgress.line(waiting, at: e.time), style: Self.diskLogStyle(waiting.state))
            }
            run = r
            return
        }
        if r.list.item(id: e.stepID) == nil {
            r.list.upsert(ProgressItem(id: e.stepID, title: e.title, member: e.member))
        }
        switch e.kind {
        case .started(let budget):
            r.list.update(id: e.stepID) {
                $0.state = .running
                $0.started = t
                $0.budget = budget
            }
            r.log.append("\(clock)  start  \(e.title)", style: .dim)
        case .progress(let fraction, let message):
            let amount = fraction.map { ProgressItem.Amount(fraction: $0) }
            r.list.update(id: e.stepID) {
                if $0.state == .pending {
                    $0.state = .running
                    $0.started = t
                }
                if let amount { $0.amount = amount }
            }
            r.log.append("\(clock)  …      \(e.title): \(message)")
        case .succeeded(let elapsed):
            r.list.update(id: e.stepID) {
                $0.state = .done
                $0.started = $0.started ?? t - elapsed
                $0.finished = t
                $0.amount = nil
            }
            r.log.append("\(clock)  done   \(e.title) in \(formatClock(elapsed))", style: .ok)
        case .failed(let message):
            r.list.update(id: e.stepID) {
                $0.state = .failed(message)
                $0.finished = t
            }
            r.log.append("\(clock)  FAILED \(e.title): \(message)", style: .error)
        case .skipped(let reason):
            r.list.update(id: e.stepID) { $0.state = .skipped(reason) }
            r.log.append("\(clock)  skip   \(e.title): \(reason)", style: .dim)
        case .cleanup(let message):
            r.log.append("\(clock)  undo   \(e.title): \(message)", style: .warn)
        }
        run = r
    }

    static func diskLogStyle(_ s: CephDiskProgress.State) -> Style {
        switch s {
        case .failed: .error
        case .upAndIn: .ok
        case .skipped: .dim
        case .queued, .waitingTurn, .working: .normal
        }
    }

    mutating func bootstrapFinished(_ report: BootstrapReport, _ snapshot: ClusterSnapshot?) {
        guard step == .progress, var r = run else { return }
        r.finished = true
        r.report = report
        r.snapshot = snapshot
        run = r
        exitText = RunSummary.text(snapshot, setbacks: report.setbacks.count)
        results = ResultsState()
        enter(.results)
    }

    mutating func bootstrapFailed(_ report: BootstrapReport) {
        guard step == .progress, var r = run else { return }
        r.failed = true
        r.report = report
        if let f = report.failure {
            if r.list.item(id: f.step.id) == nil {
                r.list.upsert(ProgressItem(id: f.step.id, title: f.step.title, member: f.step.member))
            }
            r.list.update(id: f.step.id) { $0.state = .failed(f.message) }
        }
        // The stream is over: a step still shown as running either finished (the report says so) or was stopped.
        let done = Set((report.done).map(\.id))
        r.ceph.runEnded("stopped when the setup failed")
        for item in r.list.items where item.state == .running {
            r.list.update(id: item.id) {
                $0.state = done.contains(item.id) ? .done : .skipped("stopped when the setup failed")
            }
        }
        run = r
    }

    mutating func progressKey(_ key: Key) -> [WizardEffect] {
        guard var r = run else { return [] }
        switch key {
        case .pageUp, .pageDown:
            _ = r.log.handle(key)
        case .up, .down, .home, .end:
            _ = r.list.handle(key)
        case .enter, .char("q"), .char("Q"):
            if r.failed { return quit(printing: Self.failureText(r.report ?? BootstrapReport())) }
        default:
            break
        }
        run = r
        return []
    }

    /// Printed after quitting a failed run: the one failure report (the screen shows the same lines).
    static func failureText(_ report: BootstrapReport) -> String {
        (["MicroCloud setup failed."] + report.failureLines.map(\.text)).joined(separator: "\n")
    }

    // MARK: results

    /// The content of a results tab as lines, tables fitted to `width` (nil: natural width).
    static func resultLines(_ snapshot: ClusterSnapshot?, tab: Int, width: Int?) -> [String] {
        guard let s = snapshot else { return RunSummary.unreadable }
        var dropped: [String] = []
        let drop = [["DESCRIPTION", "FAILURE DOMAIN", "ARCHITECTURE"], ["DESCRIPTION"], ["DESCRIPTION", "IPV6", "USED BY"]]
        let text = RunSummary.table(s, tab).map { fitted($0, width, drop[tab], &dropped) } ?? ResultTables.profile(s.profile)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        if !dropped.isEmpty {
            lines.append("")
            lines.append("Left out to fit: \(dropped.joined(separator: ", ")).")
            lines.append("Every column is printed when you quit.")
        }
        return lines
    }

    /// The table at a width: columns of least use are left out (in `dropOrder`) while it is too wide, then the
    /// widest columns are cut.
    static func fitted(_ table: TextTable, _ width: Int?, _ dropOrder: [String], _ dropped: inout [String]) -> String {
        guard let width else { return table.render() }
        var t = table
        for name in dropOrder {
            let natural = t.render().split(separator: "\n").map { displayWidth(String($0)) }.max() ?? 0
            guard natural > width, let i = t.headers.firstIndex(of: name) else { continue }
            t = TextTable(headers: t.headers.enumerated().filter { $0.offset != i }.map(\.element),
                          rows: t.rows.map { $0.enumerated().filter { $0.offset != i }.map(\.element) })
            dropped.append(name)
        }
        return t.render(maxWidth: width)
    }

    mutating func resultsKey(_ key: Key) -> [WizardEffect] {
        let count = ResultsState.tabs.count
        let page = max(1, (Layout.regions(for: size)?.main.height ?? 18) - 4)
        switch key {
        case .tab, .right:
            results.tab = (results.tab + 1) % count
            results.scroll = 0
        case .backTab, .left:
            results.tab = (results.tab + count - 1) % count
            results.scroll = 0
        case .char(let c) where ("1"..."4").contains(c):
            results.tab = Int(String(c))! - 1
            results.scroll = 0
        case .up: results.scroll = max(0, results.scroll - 1)
        case .down: results.scroll = min(maxResultScroll, results.scroll + 1)
        case .pageUp: results.scroll = max(0, results.scroll - page)
        case .pageDown: results.scroll = min(maxResultScroll, results.scroll + page)
        case .home: results.scroll = 0
        case .enter, .char("q"), .char("Q"):
            return quit(printing: exitText)
        default: break
        }
        return []
    }

    var maxResultScroll: Int {
        let main = Layout.regions(for: size)?.main ?? Rect(x: 0, y: 0, width: 78, height: 18)
        let lines = Self.resultLines(run?.snapshot, tab: results.tab, width: main.width - 1).count
        return max(0, lines - (main.height - 4))
    }
}
