import Foundation
import MicroCloudKit

// Views of steps 1–4 and 6: the address table, the live servers table (and gathering), the disk and uplink tables.

extension WizardState {
    func drawAddress(on s: inout Screen, in r: Rect) {
        var t = addressTable
        t.emptyText = "Waiting for this host's addresses …"
        drawTable(t, message: t.message.map { LogView.Line($0, style: .error) },
                  below: [LogView.Line("The address fixes the interface used to find the other servers and the subnet "
                                       + "they must share.", style: .dim)], on: &s, in: r)
    }

    func drawServers(on s: inout Screen, in r: Rect) {
        let g = s.glyphs
        if let why = sessionEnded {
            drawLines([LogView.Line("\(g.disabled) The trust session ended: \(why)", style: Style.error.bold),
                       LogView.Line(""),
                       LogView.Line("No server can join any more. Press Enter to quit, then run `microcloud init` again "
                                    + "to start over.")], on: &s, in: r)
            return
        }
        switch gather {
        case .gathering, .done:
            let names = [(localName ?? "this server") + " (this server)"] + (confirmed ?? []).map(\.name)
            drawLines([LogView.Line("\(spinner(g)) Gathering system information …", style: .bold),
                       LogView.Line(""),
                       LogView.Line("  " + names.joined(separator: ", "), style: .dim)], on: &s, in: r)
            return
        case .problems(let problems):
            var lines = [LogView.Line("\(g.disabled) Could not gather the system information:", style: Style.error.bold)]
            lines += problems.map { LogView.Line("  " + $0, style: .error) }
            lines += [LogView.Line(""), LogView.Line("Press r to try again, or Ctrl-C to abort the setup.")]
            drawLines(lines, on: &s, in: r)
            return
        case .idle:
            break
        }
        var top: [LogView.Line]
        if let session {
            let fp = String(session.localFingerprint.lowercased().filter { $0 != ":" }.prefix(12))
            top = [LogView.Line("On each other server, run `microcloud join` and type the passphrase above."),
                   LogView.Line("Verify the fingerprint \(fp) is displayed on joining systems.")]
        } else {
            top = [LogView.Line("\(spinner(g)) Opening the trust session …", style: .dim)]
        }
        let n = serverCounts
        if servers.isEmpty {
            top.append(LogView.Line("\(spinner(g)) Waiting for servers to appear …", style: .dim))
        } else {
            top.append(LogView.Line("\(servers.count) found: \(n.verified) verified, \(n.waiting) waiting for the passphrase"
                                    + (n.lost > 0 ? ", \(n.lost) lost" : ""), style: .dim))
        }
        top += conflictLines.map { LogView.Line($0, style: .warn) }
        let used = drawLines(top, on: &s, in: r) + 1
        let rest = Rect(x: r.x, y: r.y + used, width: r.width, height: r.height - used)
        if let question = aloneQuestion {
            question.render(on: &s, in: rest)
            return
        }
        var message: LogView.Line?
        if let m = serverMessage {
            message = LogView.Line(m, style: .error)
        } else if let row = serverTable.cursorRow, let server = servers[row.id], server.state != .verified {
            message = LogView.Line(server.state == .lost
                ? "\(server.name) went away; run `microcloud join` on it again"
                : "\(server.name) is waiting for `microcloud join` with the passphrase", style: .dim)
        }
        var t = serverTable
        t.emptyText = "No servers yet"
        drawTable(t, message: message, below: [], on: &s, in: rest)
    }

    func drawLocal(on s: inout Screen, in r: Rect) {
        let rest = drawSkipNotes(on: &s, in: r)
        let used = drawLines([LogView.Line("Storage driver for the pool local: \(driverLine ?? "none")")], on: &s, in: rest) + 1
        let below = answers.localTable.rows.isEmpty ? [] : pathLine(answers.localTable) +
            [LogView.Line("Tab marks a chosen disk to be wiped: all data on it is lost.", style: .dim)]
        drawTable(answers.localTable, message: notice, below: below, on: &s,
                  in: Rect(x: rest.x, y: rest.y + used, width: rest.width, height: rest.height - used))
    }

    func drawCeph(on s: inout Screen, in r: Rect) {
        let rest = drawSkipNotes(on: &s, in: r)
        let chosen = answers.cephTable.selected
        let hosts = Set(chosen.map(\.member)).count
        var below: [LogView.Line] = []
        if let warning = ChoiceRules.faultToleranceWarning(osdHosts: hosts) {
            below.append(LogView.Line("\(s.glyphs.warning) \(warning)", style: .warn))
        }
        if let question = answers.cephQuestion {
            var lines = [LogView.Line("\(chosen.count) disk\(chosen.count == 1 ? "" : "s") on \(hosts) server"
                                      + "\(hosts == 1 ? "" : "s") selected for distributed storage.")]
            lines += below
            let used = drawLines(lines, on: &s, in: rest) + 1
            let q: YesNo
            switch question {
            case .encrypt(let y), .cephFS(let y): q = y
            }
            q.render(on: &s, in: Rect(x: rest.x, y: rest.y + used, width: rest.width, height: rest.height - used))
            return
        }
        if !answers.cephTable.rows.isEmpty {
            below = pathLine(answers.cephTable) + below
            below.append(LogView.Line("Tab marks a chosen disk to be wiped: all data on it is lost.", style: .dim))
        }
        drawTable(answers.cephTable, message: notice, below: below, on: &s, in: rest)
    }

    /// The full path of the disk under the cursor.
    func pathLine(_ table: SelectTable<MemberItem>) -> [LogView.Line] {
        guard let row = table.cursorRow else { return [] }
        return [LogView.Line("Path: \(row.id.name)")]
    }

    func drawUplinks(on s: inout Screen, in r: Rect) {
        let rest = drawSkipNotes(on: &s, in: r)
        let bridge = BridgePlan.standard
        drawTable(answers.uplinkTable, message: notice,
                  below: [LogView.Line("Pick none (Enter twice) to go without distributed networking: instances then use "
                                       + "the bridge \(bridge.name) (\(bridge.ipv4)).", style: .dim)], on: &s, in: rest)
    }
}
