import Foundation
import MicroCloudKit

/// The small full-screen view of `microcloud join`: the passphrase (with word completion), the initiator's
/// fingerprint to compare, then this server's own progress. Pure state, update and view, like the wizard.
public struct JoinState: Sendable {
    public enum Phase: Sendable, Equatable {
        case passphrase
        case searching
        case found
        case confirmed
        case joined
        case failed(String)
    }

    public internal(set) var phase: Phase = .passphrase
    public internal(set) var field: TextField
    public internal(set) var localName: String
    public internal(set) var localFingerprint: String
    public internal(set) var initiator: (name: String, address: String, fingerprint: String)?
    public internal(set) var log = LogView()
    public internal(set) var now: Date
    public internal(set) var startedAt: Date
    public internal(set) var finished = false
    public internal(set) var exitText: String?
    public internal(set) var aborted = false

    public init(localName: String, localFingerprint: String, words: [String], now: Date, passphrase: String? = nil) {
        self.localName = localName
        self.localFingerprint = localFingerprint
        self.now = now
        self.startedAt = now
        let sorted = words.sorted()
        field = TextField(prompt: "Passphrase: ", placeholder: "the four words shown by microcloud init", submitOnPaste: true,
                          validate: { JoinScreen.passphraseProblem($0) },
                          complete: { JoinScreen.completion(for: $0, in: sorted) })
        if let passphrase { phase = .searching; field = TextField(prompt: "Passphrase: ", text: passphrase) }
    }

    var isOver: Bool {
        switch phase {
        case .joined, .failed: true
        default: false
        }
    }
}

public enum JoinMessage: TerminalMessages {
    case key(Key)
    case paste(String)
    case resize(Size)
    case tick(Date)
    /// A line the joiner's daemon wants shown as it is (the initiator's certificate checked against its announcement).
    case note(String)
    case initiatorFound(name: String, address: String, fingerprint: String)
    case confirmed
    case progress(ProgressEvent)
    case joined
    case ended(String)
}

public enum JoinEffect: ProgramEffect, Equatable {
    /// Open the joiner session with this (normalised) passphrase.
    case submit(String)
    /// Give up: end the local session.
    case abort
    case quit(printOnExit: String?)
}

public enum JoinScreen {
    /// Nil when the text could be a passphrase: four words separated by spaces.
    static func passphraseProblem(_ text: String) -> String? {
        let words = text.split(whereSeparator: \.isWhitespace)
        if words.count == 4 { return nil }
        return "The passphrase has exactly four words (\(words.count) so far)"
    }

    /// Completes the word being typed when exactly one wordlist word starts with it (after 2 letters).
    static func completion(for text: String, in words: [String]) -> String? {
        guard let last = text.split(separator: " ", omittingEmptySubsequences: false).last, last.count >= 2,
              text.split(whereSeparator: \.isWhitespace).count <= 4 else { return nil }
        let prefix = last.lowercased()
        let matches = words.filter { $0.hasPrefix(prefix) }
        guard matches.count == 1, let word = matches.first, word.count > prefix.count else { return nil }
        return String(word.dropFirst(prefix.count))
    }

    public static func update(_ state: JoinState, _ message: JoinMessage) -> (JoinState, [JoinEffect]) {
        var s = state
        switch message {
        case .key(.ctrlC):
            s.aborted = true
            s.finished = true
            s.exitText = "Join cancelled on \(s.localName)."
            return (s, [.abort, .quit(printOnExit: s.exitText)])
        case .key(let key):
            if s.phase == .passphrase {
                switch s.field.handle(key) {
                case .submit(let text):
                    let normal = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }.joined(separator: " ")
                    s.phase = .searching
                    s.log.append("Searching for the initiator …", style: .dim)
                    return (s, [.submit(normal)])
                case .cancel:
                    s.finished = true
                    return (s, [.quit(printOnExit: nil)])
                default: break
                }
            } else if s.isOver, key == .enter || key == .char("q") || key == .escape {
                s.finished = true
                return (s, [.quit(printOnExit: s.exitText)])
            } else {
                _ = s.log.handle(key)
            }
        case .paste(let text):
            if s.phase == .passphrase, case .submit(let value) = s.field.paste(text) {
                s.phase = .searching
                return (s, [.submit(value.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased())])
            }
        case .resize: break
        case .tick(let date): s.now = date
        case .note(let line):
            s.log.append(line.trimmingCharacters(in: .whitespaces), style: .dim)
        case .initiatorFound(let name, let address, let fingerprint):
            s.initiator = (name, address, fingerprint)
            s.phase = .found
            s.log.append("Found \(name) at \(address), fingerprint \(fingerprint.prefix(12))", style: .ok)
        case .confirmed:
            s.phase = .confirmed
            s.log.append("Received confirmation from \(s.initiator?.name ?? "the initiator")", style: .ok)
        case .progress(let e):
            s.log.append(line(for: e), style: style(for: e))
        case .joined:
            s.phase = .joined
            s.exitText = "Successfully joined the MicroCloud cluster and closing the session."
            s.log.append(s.exitText!, style: .ok)
        case .ended(let why):
            if s.phase != .joined {
                s.phase = .failed(why)
                s.exitText = SessionWords.joinFailed(why)
                s.log.append(s.exitText!, style: .error)
            }
        }
        return (s, [])
    }

    static func line(for e: ProgressEvent) -> String {
        switch e.kind {
        case .started: "… \(e.title)"
        case .progress(_, let message): "  \(message)"
        case .succeeded(let elapsed): "✓ \(e.title) (\(String(format: "%.1f", elapsed))s)"
        case .failed(let message): "⨯ \(e.title): \(message)"
        case .skipped(let reason): "- \(e.title): \(reason)"
        case .cleanup(let message): "↺ \(e.title): \(message)"
        }
    }

    static func style(for e: ProgressEvent) -> Style {
        switch e.kind {
        case .succeeded: .ok
        case .failed: .error
        case .cleanup: .warn
        default: .normal
        }
    }

    public static func view(_ s: JoinState, _ size: Size) -> Screen {
        var hints = [KeyHint("ctrl-c", "cancel")]
        if s.phase == .passphrase { hints = [KeyHint("tab", "complete word"), KeyHint("enter", "join")] + hints }
        if s.isOver { hints = [KeyHint("enter", "close")] }
        var facts = [LogView.Line("This server  \(s.localName)"), LogView.Line("Fingerprint  \(s.localFingerprint.prefix(12))")]
        if let i = s.initiator {
            facts += [LogView.Line("Initiator    \(i.name)"), LogView.Line("             \(i.address)"),
                      LogView.Line("Fingerprint  \(i.fingerprint.prefix(12))")]
        }
        let chrome = Chrome(title: "Join a MicroCloud: \(s.localName)", plan: facts, hints: hints)
        return Layout.render(chrome, size: size) { screen, r in
            var y = r.y
            func line(_ text: String, _ style: Style = .normal) {
                for w in wrapWords(text, width: max(1, r.width)) where y < r.maxY {
                    screen.put(w, at: Point(x: r.x, y: y), style: style, maxWidth: r.width)
                    y += 1
                }
            }
            line("This server: \(s.localName), fingerprint \(s.localFingerprint.prefix(12))", .bold)
            y += 1
            switch s.phase {
            case .passphrase:
                line("Enter the passphrase that `microcloud init` shows on the initiator.")
                y += 1
                s.field.render(on: &screen, in: Rect(x: r.x, y: y, width: r.width, height: 3))
                y += 3
            case .searching:
                line("Searching for the initiator … (\(formatClock(s.now.timeIntervalSince(s.startedAt))))", .dim)
            case .found, .confirmed:
                if let i = s.initiator {
                    line("Found \(i.name) at \(i.address) using fingerprint \(i.fingerprint.prefix(12))", .ok)
                    line("Verify that fingerprint on \(i.name), then select \(s.localName) there.")
                    line("Verify the fingerprint \(s.localFingerprint.prefix(12)) is displayed on \(i.name).")
                }
                if s.phase == .confirmed {
                    y += 1
                    line("Confirmed. Complete the remaining configuration on \(s.initiator?.name ?? "the initiator") …", .accent)
                    line("Do not exit: this keeps the session alive.", .warn)
                }
            case .joined:
                line("Successfully joined the MicroCloud cluster.", Style.ok.bold)
            case .failed(let why):
                line(SessionWords.joinFailed(why), Style.error.bold)
            }
            y += 1
            guard y < r.maxY - 1 else { return }
            screen.put("Events", at: Point(x: r.x, y: y), style: .dim)
            s.log.render(on: &screen, in: Rect(x: r.x, y: y + 1, width: r.width, height: r.maxY - y - 1))
        }
    }

    public static func program(clock: @escaping @Sendable () -> Date = { Date() }) -> Program<JoinState, JoinMessage, JoinEffect> {
        Program(update: update, view: view,
                event: { $0.message() },
                tick: { _ in .tick(clock()) },
                isLive: { $0.phase == .searching || $0.phase == .confirmed },
                isDone: { $0.finished })
    }
}
