import Foundation
import MicroCloudKit

// Views of the bootstrap progress (step 9) and the result tables (step 10).

extension WizardState {
    func drawProgress(on s: inout Screen, in r: Rect) {
        guard let run else { return }
        let g = s.glyphs
        let elapsed = run.elapsed(now: now)
        let count = run.list.items.count
        var head: [LogView.Line]
        if run.failed {
            head = [LogView.Line("\(g.disabled) The setup failed after \(formatClock(elapsed)).", style: Style.error.bold)]
        } else {
            head = [LogView.Line("\(spinner(g)) Setting up \(run.plan.members.count) member\(run.plan.members.count == 1 ? "" : "s"): "
                                 + "\(run.list.doneCount) of \(count) steps done, \(formatClock(elapsed)) so far", style: .bold)]
        }
        var y = r.y + drawLines(head, on: &s, in: r)
        for bar in phaseBars(run) where y < r.maxY {
            drawBar(bar.label, done: bar.done, total: bar.total, unit: bar.unit, on: &s, at: Point(x: r.x, y: y), width: r.width)
            y += 1
        }
        y += 1
        var failure: [LogView.Line] = []
        if run.failed, let report = run.report { failure = failureLines(report, g) }
        let failureRows = min(wrappedCount(failure, width: r.width), max(0, (r.maxY - y) / 2))
        var room = r.maxY - y - failureRows - (failure.isEmpty ? 0 : 1)
        // The Ceph disks (one line each) take at most a third of what is left, the steps and the log share the rest.
        let disks = CephDiskList(run.ceph)
        let diskRows = min(disks.naturalHeight, max(2, room / 3))
        if disks.naturalHeight > 0 {
            disks.render(on: &s, in: Rect(x: r.x, y: y, width: r.width, height: diskRows),
                         now: run.startedAt.addingTimeInterval(elapsed), tick: elapsed)
            y += diskRows + 1
            room -= diskRows + 1
        }
        let listRows = max(3, room * 3 / 5)
        run.list.render(on: &s, in: Rect(x: r.x, y: y, width: r.width, height: listRows), now: elapsed)
        y += listRows
        if !failure.isEmpty {
            y += 1
            drawLines(failure, on: &s, in: Rect(x: r.x, y: y, width: r.width, height: failureRows))
            y += failureRows
        }
        guard y + 1 < r.maxY else { return }
        let label = " Event log (PgUp/PgDn) "
        s.hline(Rect(x: r.x, y: y, width: r.width, height: 1), y: y, style: .dim)
        s.put(label, at: Point(x: r.x + 2, y: y), style: .dim)
        run.log.render(on: &s, in: Rect(x: r.x, y: y + 1, width: r.width, height: r.maxY - y - 1))
    }

    struct PhaseBar {
        var label: String
        var done: Int
        var total: Int
        var unit: String
    }

    /// Joins (one per joining member) and Ceph disks (up and in of planned, with the estimate of what is left).
    func phaseBars(_ run: RunState) -> [PhaseBar] {
        var bars: [PhaseBar] = []
        let joiners = run.plan.members.filter { $0.name != run.plan.initiator }
        if !joiners.isEmpty {
            let done = joiners.filter { run.list.item(id: .join($0.name))?.state == .done }.count
            bars.append(PhaseBar(label: "Joins", done: done, total: joiners.count, unit: "servers"))
        }
        let ceph = run.ceph
        if ceph.total > 0 {
            var unit = "disks up"
            if ceph.failed > 0 { unit += ", \(ceph.failed) failed" }
            if !ceph.isFinished, !run.failed, let left = ceph.remaining(at: run.startedAt.addingTimeInterval(run.elapsed(now: now))) {
                unit += " · ~\(formatClock(left)) left" + (ceph.parallel > 1 ? ", \(ceph.parallel) at once" : "")
            }
            bars.append(PhaseBar(label: "Ceph disks", done: ceph.upAndIn, total: ceph.total, unit: unit))
        }
        return bars
    }

    func drawBar(_ label: String, done: Int, total: Int, unit: String, on s: inout Screen, at p: Point, width: Int) {
        let barWidth = min(30, max(6, width - 32))
        let full = total > 0 ? barWidth * done / total : 0
        var x = s.put(pad(label, toWidth: 11), at: p, style: .normal)
        x = s.put("[", at: Point(x: x, y: p.y), style: .dim)
        x = s.put(String(repeating: s.glyphs.barFull, count: full), at: Point(x: x, y: p.y), style: .accent)
        x = s.put(String(repeating: s.glyphs.barEmpty, count: barWidth - full), at: Point(x: x, y: p.y), style: .dim)
        x = s.put("] ", at: Point(x: x, y: p.y), style: .dim)
        s.put("\(done)/\(total) \(unit)", at: Point(x: x, y: p.y), style: done == total ? .ok : .normal, maxWidth: p.x + width - x)
    }

    func failureLines(_ report: BootstrapReport, _ g: Glyphs) -> [LogView.Line] {
        report.failureLines.map { line in
            let style: Style = switch line.tone {
            case .headline: Style.error.bold
            case .error: .error
            case .normal: .normal
            case .dim: .dim
            case .warn: .warn
            case .ok: .ok
            }
            return LogView.Line(line.text, style: style)
        } + [LogView.Line("Press q to quit; this report is printed on the terminal.", style: .dim)]
    }

    func drawResults(on s: inout Screen, in r: Rect) {
        let g = s.glyphs
        let members = run?.plan.members.count ?? 0
        let setbacks = run?.report?.setbacks.count ?? 0
        var head = "\(setbacks == 0 ? g.check : g.warning) \(RunSummary.ready(setbacks: setbacks)): \(members) member\(members == 1 ? "" : "s")"
        if let run { head += ", set up in \(formatClock(run.elapsed(now: now)))" }
        s.put(head + ".", at: Point(x: r.x, y: r.y), style: setbacks == 0 ? Style.ok.bold : Style.warn.bold, maxWidth: r.width)
        var x = r.x
        for (n, tab) in ResultsState.tabs.enumerated() {
            let style = n == results.tab ? Style(fg: .accent, attributes: [.bold, .reverse]) : Style.dim
            x = s.put(" \(tab) ", at: Point(x: x, y: r.y + 2), style: style, maxWidth: r.maxX - x)
            if n < ResultsState.tabs.count - 1 { x = s.put(g.vertical, at: Point(x: x, y: r.y + 2), style: .dim) }
        }
        let lines = Self.resultLines(run?.snapshot, tab: results.tab, width: r.width - 1)
        let height = r.height - 4
        let top = min(results.scroll, max(0, lines.count - height))
        for (k, line) in lines.dropFirst(top).prefix(height).enumerated() {
            s.put(line, at: Point(x: r.x, y: r.y + 4 + k), maxWidth: r.width - 1)
        }
        if top > 0 { s.put(g.arrowUp, at: Point(x: r.maxX - 1, y: r.y + 4), style: .accent) }
        if top + height < lines.count { s.put(g.arrowDown, at: Point(x: r.maxX - 1, y: r.maxY - 1), style: .accent) }
    }
}
