import Foundation
import MicroCloudKit

// The view: the frame (header with step, countdown and passphrase; "Plan so far"; key hints) around the current
// step's main panel. Pure: the same state and size always draw the same screen.

extension WizardState {
    func render(size: Size) -> Screen {
        let title = editing != nil && step.isQuestion ? "\(step.title) (editing)" : step.title
        let chrome = Chrome(title: title, step: step.rawValue, stepCount: WizardStep.allCases.count,
                            remaining: sessionRemaining, passphrase: sessionRemaining == nil ? nil : session?.passphrase,
                            plan: planSoFar(), hints: hints, sidePanel: step != .results)
        return Layout.render(chrome, size: size) { screen, rect in
            var r = rect
            if let banner {
                let used = drawLines([LogView.Line("\(screen.glyphs.disabled) \(banner)", style: Style.error.bold)],
                                     on: &screen, in: r)
                r = Rect(x: r.x, y: r.y + used + 1, width: r.width, height: r.height - used - 1)
            }
            drawMain(on: &screen, in: r)
        }
    }

    private func drawMain(on s: inout Screen, in r: Rect) {
        switch step {
        case .address: drawAddress(on: &s, in: r)
        case .servers: drawServers(on: &s, in: r)
        case .localDisks: drawLocal(on: &s, in: r)
        case .cephDisks: drawCeph(on: &s, in: r)
        case .cephNetworks: drawForm(answers.cephNetworks, cephNetworkProblems(), on: &s, in: r)
        case .ovnUplinks: drawUplinks(on: &s, in: r)
        case .ovnForms:
            if let phase = answers.underlayPhase {
                drawUnderlay(phase, on: &s, in: r)
            } else {
                drawForm(answers.ovnForm, uplinkProblems(), note: true, on: &s, in: r)
            }
        case .summary: drawSummary(on: &s, in: r)
        case .progress: drawProgress(on: &s, in: r)
        case .results: drawResults(on: &s, in: r)
        }
    }

    // MARK: footer

    var hints: [KeyHint] {
        let quit = KeyHint("ctrl-c", "quit")
        let back = KeyHint("esc", "back")
        let table = [KeyHint("↑/↓", "move"), KeyHint("space", "pick"), KeyHint("→/←", "all/none")]
        let yesNo = [KeyHint("←/→", "choose"), KeyHint("y/n", "answer"), KeyHint("enter", "ok"), back, quit]
        switch step {
        case .address:
            return [KeyHint("↑/↓", "move"), KeyHint("space", "pick"), KeyHint("enter", "ok"), KeyHint("type", "filter"), quit]
        case .servers:
            if sessionEnded != nil { return [KeyHint("enter", "quit")] }
            switch gather {
            case .gathering, .done: return [KeyHint("ctrl-c", "abort")]
            case .problems: return [KeyHint("r", "retry"), KeyHint("ctrl-c", "abort")]
            case .idle: break
            }
            if aloneQuestion != nil { return yesNo }
            return table + [KeyHint("enter", "confirm"), aloneOffered ? KeyHint("esc", "alone") : back, quit]
        case .localDisks:
            return [KeyHint("↑/↓", "move"), KeyHint("space", "pick"), KeyHint("tab", "wipe"), KeyHint("→/←", "all/none"),
                    KeyHint("enter", "ok"), back, quit]
        case .cephDisks:
            if answers.cephQuestion != nil { return yesNo }
            return [KeyHint("↑/↓", "move"), KeyHint("space", "pick"), KeyHint("tab", "wipe"), KeyHint("→/←", "all/none"),
                    KeyHint("enter", "ok"), back, quit]
        case .ovnUplinks:
            return table + [KeyHint("enter", "ok"), back, quit]
        case .ovnForms where answers.underlayPhase == .table:
            return table + [KeyHint("enter", "ok"), back, quit]
        case .ovnForms where answers.underlayPhase != nil:
            return yesNo
        case .cephNetworks, .ovnForms:
            return [KeyHint("tab/↓", "next field"), KeyHint("↑", "previous"), KeyHint("enter", "ok"), back, quit]
        case .summary:
            if summary.saveField != nil { return [KeyHint("enter", "save"), KeyHint("esc", "cancel"), quit] }
            let items = summaryItems()
            let onConfirm = items.indices.contains(summary.cursor) && items[summary.cursor].kind == .confirm
            return [KeyHint("↑/↓", "move"), KeyHint("enter", onConfirm ? "set up" : "choose"), KeyHint("s", "save"), KeyHint("pgup/dn", "scroll"),
                    back, quit]
        case .progress:
            if run?.failed == true {
                return [KeyHint("↑/↓", "steps"), KeyHint("pgup/dn", "log"), KeyHint("q", "quit")]
            }
            return [KeyHint("↑/↓", "steps"), KeyHint("pgup/dn", "log"), KeyHint("ctrl-c", "abort")]
        case .results:
            return [KeyHint("tab", "next table"), KeyHint("↑/↓", "scroll"), KeyHint("q", "quit")]
        }
    }

    // MARK: side panel

    /// "Plan so far": what is decided, one short line per topic.
    func planSoFar() -> [LogView.Line] {
        var out: [LogView.Line] = []
        if let a = address { out.append(LogView.Line("Address  \(a.ip) (\(a.interface))")) }
        if let c = confirmed {
            out.append(LogView.Line("Members  " + ([localName ?? ""] + c.map(\.name)).joined(separator: ", ")))
        } else if step == .servers, session != nil {
            let n = serverCounts
            out.append(LogView.Line("Servers  \(serverTable.selected.count) picked, \(n.verified) verified", style: .dim))
        }
        guard gather == .done else { return out }
        let plan = current.plan
        func shown(_ s: WizardStep) -> Bool { s < step || answers.answered.contains(s) }
        if shown(.localDisks) || skipReason(.localDisks) != nil {
            if let pool = plan.localPool {
                let disks = plan.members.filter { $0.localDisk != nil }.count
                out.append(LogView.Line("Local    \(pool.driver)" + (pool.needsDisk ? ", \(disks) disk\(disks == 1 ? "" : "s")" : "")))
            } else {
                out.append(LogView.Line("Local    none", style: .dim))
            }
        }
        if shown(.cephDisks) || skipReason(.cephDisks) != nil {
            if plan.ceph != nil {
                let disks = plan.members.reduce(0) { $0 + $1.cephDisks.count }
                out.append(LogView.Line("Ceph     \(disks) disk\(disks == 1 ? "" : "s") on \(plan.osdHosts.count) server"
                                        + (plan.osdHosts.count == 1 ? "" : "s")))
                if plan.osdHosts.count < 3 { out.append(LogView.Line("! fewer than 3 servers with disks", style: .warn)) }
            } else {
                out.append(LogView.Line("Ceph     none", style: .dim))
            }
        }
        if let c = plan.ceph, shown(.cephNetworks) {
            out.append(LogView.Line("Ceph net \(c.internalNetwork)"))
        }
        if shown(.ovnUplinks) || skipReason(.ovnUplinks) != nil {
            if plan.ovn != nil {
                out.append(LogView.Line("OVN      uplinks on \(plan.members.filter { $0.uplinkInterface != nil }.count) servers"))
            } else if let b = plan.fallbackBridge {
                out.append(LogView.Line("Network  bridge \(b.name) \(b.ipv4)"))
            }
        }
        if let o = plan.ovn, shown(.ovnForms) {
            if let g = o.ipv4Gateway { out.append(LogView.Line("Gateway  \(g)")) }
            if let r = o.ipv4Range { out.append(LogView.Line("Range    \(r)")) }
            if let g = o.ipv6Gateway { out.append(LogView.Line("Gateway  \(g)")) }
        }
        return out
    }

    // MARK: helpers

    /// Draws lines word-wrapped into `r`; returns the rows used.
    @discardableResult
    func drawLines(_ lines: [LogView.Line], on s: inout Screen, in r: Rect) -> Int {
        var y = r.y
        for line in lines {
            for part in wrapLine(line.text, width: r.width) where y < r.maxY {
                s.put(part, at: Point(x: r.x, y: y), style: line.style, maxWidth: r.width)
                y += 1
            }
        }
        return y - r.y
    }

    func wrappedCount(_ lines: [LogView.Line], width: Int) -> Int {
        lines.reduce(0) { $0 + wrapLine($1.text, width: width).count }
    }

    /// A table sized to the rows it has, with a message (wrapped, unlike the table's own one-line message) and
    /// more lines right under it.
    func drawTable<ID: Hashable & Sendable>(_ table: SelectTable<ID>, message: LogView.Line?, below: [LogView.Line],
                                           on s: inout Screen, in r: Rect, focused: Bool = true) {
        var t = table
        t.message = nil
        let under = (message.map { [$0] } ?? []) + below
        let belowRows = under.isEmpty ? 0 : wrappedCount(under, width: r.width - 1) + 1
        let tableRect = Rect(x: r.x, y: r.y, width: r.width, height: r.height - belowRows)
        let chrome = t.chromeHeight(width: tableRect.width)
        t.setViewportHeight(max(1, tableRect.height - chrome))
        t.render(on: &s, in: tableRect, focused: focused)
        let used = chrome + max(1, min(t.visibleCount, t.viewportHeight))
        if !under.isEmpty {
            // The message sits under the count line, indented like it; the other lines after a blank line.
            var y = min(r.y + used, r.maxY - belowRows + 1)
            if let message {
                y += drawLines([message], on: &s, in: Rect(x: r.x + 3, y: y, width: r.width - 3, height: r.maxY - y))
            }
            if !below.isEmpty {
                y += 1
                drawLines(below, on: &s, in: Rect(x: r.x, y: y, width: r.width, height: r.maxY - y))
            }
        }
    }

    func spinner(_ g: Glyphs) -> String {
        g.spinner[Int((now.timeIntervalSinceReferenceDate * 8).rounded(.down)) % g.spinner.count]
    }

    /// The notes of skipped steps at the top of a screen; returns the rect below them.
    func drawSkipNotes(on s: inout Screen, in r: Rect) -> Rect {
        guard !skipNotes.isEmpty else { return r }
        let lines = skipNotes.map { LogView.Line($0, style: .dim) }
        let used = drawLines(lines, on: &s, in: r) + 1
        return Rect(x: r.x, y: r.y + used, width: r.width, height: r.height - used)
    }
}

/// One line wrapped to a width. A line that fits is kept as it is (column spacing included); a wrapped one keeps
/// its indent, and after a mark such as "⨯ " or "! " its continuation lines sit under the text.
func wrapLine(_ text: String, width: Int) -> [String] {
    if displayWidth(text) <= width { return [text] }
    let indent = text.prefix { $0 == " " }.count
    let body = String(text.dropFirst(indent))
    let chars = Array(body.prefix(2))
    let marked = chars.count == 2 && chars[1] == " " && !chars[0].isLetter && !chars[0].isNumber
        && !"\"`[(".contains(chars[0])
    let hang = marked ? 2 : 0
    let pad = String(repeating: " ", count: indent)
    return wrapWords(body, width: max(1, width - indent - hang)).enumerated().map { k, part in
        pad + (k == 0 ? "" : String(repeating: " ", count: hang)) + part
    }
}
