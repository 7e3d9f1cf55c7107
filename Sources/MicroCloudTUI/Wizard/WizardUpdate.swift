import Foundation
import MicroCloudKit

// The update function's entry: one message in, the next state and the effects out. Each step's keys are handled
// in the file of that step; this file routes and handles what is the same everywhere.

extension WizardState {
    /// Ticks are needed while something on screen moves with time: the session countdown, a spinner, timers.
    public var needsTicks: Bool {
        if finished { return false }
        switch step {
        case .servers: return true
        case .progress: return !(run?.finished ?? false) && !(run?.failed ?? false)
        default: return false
        }
    }

    /// While only the session countdown moves (the servers table with servers on it, no spinner): the time until
    /// its second turns, plus a little, so an idle wizard wakes once a second. Nil: the runner's pace.
    public var tickDelay: Duration? {
        guard step == .servers, gather == .idle, sessionEnded == nil, session != nil, !servers.isEmpty,
              let left = sessionRemaining, left > 0 else { return nil }
        let fraction = left - left.rounded(.down)  // formatClock shows whole seconds, rounded down
        return .milliseconds(Int((fraction * 1000).rounded(.up)) + 2)
    }

    mutating func apply(_ message: WizardMessage) -> [WizardEffect] {
        guard !finished else { return [] }
        switch message {
        case .key(.ctrlC):
            return quitAborting()
        case .key(let key):
            return handleKey(key)
        case .paste(let text):
            handlePaste(text)
        case .tick(let date):
            now = date
        case .resize(let newSize):
            size = newSize
            fitViewports()
        case .addresses(let list):
            return receiveAddresses(list)
        case .sessionOpened(let passphrase, let expiresAt, let localName, let localFingerprint):
            session = SessionInfo(passphrase: passphrase, expiresAt: expiresAt, localName: localName,
                                  localFingerprint: localFingerprint)
        case .discovery(let server):
            serverSeen(server)
        case .serverGone(let name):
            serverGone(name)
        case .intent(let server):
            serverVerified(server)
        case .sessionEnded(let why):
            // After the confirmation the session's end is expected; before it, nobody else can join.
            if confirmed == nil { sessionEnded = why }
        case .inventories(let list, let problems):
            receiveInventories(list, problems: problems)
        case .progress(let event):
            progressEvent(event)
        case .bootstrapFinished(let report, let snapshot):
            bootstrapFinished(report, snapshot)
        case .bootstrapFailed(let report):
            bootstrapFailed(report)
        case .saved(let path):
            summary.message = LogView.Line("Saved the plan to \(path)", style: .ok)
        case .failed(let text):
            if step == .summary {
                summary.message = LogView.Line(text, style: .error)
            } else {
                banner = text
            }
        }
        return []
    }

    private mutating func handleKey(_ key: Key) -> [WizardEffect] {
        if key != .enter { skipArmed = false }
        banner = nil
        switch step {
        case .address: return addressKey(key)
        case .servers: return serversKey(key)
        case .localDisks: return localKey(key)
        case .cephDisks: return cephKey(key)
        case .cephNetworks, .ovnForms: return formKey(key)
        case .ovnUplinks: return uplinkKey(key)
        case .summary: return summaryKey(key)
        case .progress: return progressKey(key)
        case .results: return resultsKey(key)
        }
    }

    /// Pasted text goes where typed text would: a table's filter or the focused field.
    private mutating func handlePaste(_ text: String) {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        switch step {
        case .address: addressTable.setFilter(addressTable.filter + line)
        case .servers where gather == .idle && aloneQuestion == nil: serverTable.setFilter(serverTable.filter + line)
        case .localDisks: answers.localTable.setFilter(answers.localTable.filter + line)
        case .cephDisks where answers.cephQuestion == nil: answers.cephTable.setFilter(answers.cephTable.filter + line)
        case .ovnUplinks: answers.uplinkTable.setFilter(answers.uplinkTable.filter + line)
        case .cephNetworks:
            pasteIntoForm(&answers.cephNetworks, line)
            refreshFormDefaults()
        case .ovnForms where answers.underlayPhase == .table:
            answers.underlayTable.setFilter(answers.underlayTable.filter + line)
        case .ovnForms where answers.underlayPhase == nil:
            pasteIntoForm(&answers.ovnForm, line)
            refreshFormDefaults()
        case .summary:
            if var field = summary.saveField {
                _ = field.paste(line)
                summary.saveField = field
            }
        default: break
        }
    }

    private func pasteIntoForm<F>(_ form: inout WizardForm<F>, _ text: String) {
        guard form.entries.indices.contains(form.focus) else { return }
        _ = form.entries[form.focus].input.paste(text)
    }

    /// Ctrl-C (or SIGTERM): tell the joiners the setup is off and end. After success there is nothing to abort.
    mutating func quitAborting() -> [WizardEffect] {
        finished = true
        if step == .results { return [.quit(printOnExit: exitText)] }
        abortReason = Wizard.abortReason
        return [.sequence([.abort(reason: Wizard.abortReason), .quit(printOnExit: nil)])]
    }

    mutating func quit(printing text: String?) -> [WizardEffect] {
        finished = true
        exitText = text
        return [.quit(printOnExit: text)]
    }

    /// Table viewports follow the terminal size, so PgUp/PgDn move by what is on screen.
    mutating func fitViewports() {
        let room = max(3, (Layout.regions(for: size)?.main.height ?? 18) - 12)
        addressTable.setViewportHeight(room)
        serverTable.setViewportHeight(room)
        answers.localTable.setViewportHeight(room)
        answers.cephTable.setViewportHeight(room)
        answers.uplinkTable.setViewportHeight(room)
        answers.underlayTable.setViewportHeight(room)
    }
}
