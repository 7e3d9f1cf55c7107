import Foundation
import MicroCloudKit

/// The terminal's description without `rep` (repeat the last character n times: `CSI n b` on xterm), which curses
/// loads instead of the system's.
///
/// ncurses writes a run of one character as that character plus `rep` wherever the description has it (ncurses 6.4:
/// outside a UTF-8 locale, when the wizard draws ASCII; older releases in UTF-8 too). Many terminals run as
/// TERM=xterm-256color without implementing REP (GNU screen, older tmux and VTE, serial consoles): a border then comes
/// out as `+-+` and what follows it on the line lands in the wrong columns. term.h's way to drop one capability
/// (`repeat_char = NULL` after newterm) edits a copy ncurses 6.4 no longer reads (it draws from its extended copy), so
/// the description is rewritten before newterm instead: `infocmp -x` without the rep line, compiled by `tic` into a
/// private directory that TERMINFO names while newterm reads it, and removed as soon as newterm has.
struct TerminfoWithoutRep {
    let directory: String
    private let previous: String?

    /// The description `infocmp -x -1` printed, without its `rep` line; nil when it has none (nothing to change).
    static func withoutRep(_ source: String) -> String? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !$0.drop { $0 == "\t" || $0 == " " }.hasPrefix("rep=") }
        return kept.count == lines.count ? nil : kept.joined(separator: "\n")
    }

    /// Compiles the description of `term` without rep and points TERMINFO at it. Nil, leaving everything as it was,
    /// when there is nothing to do or it cannot be done (no TERM, no infocmp or tic): curses then reads the
    /// system's description, as before. Called on the curses thread before the program's tasks start.
    static func prepare(term: String?) -> TerminfoWithoutRep? {
        guard let term, !term.isEmpty,
              let described = try? Subprocess.run(["infocmp", "-x", "-1", term]), described.succeeded,
              let source = withoutRep(described.stdout) else { return nil }
        let template = NSTemporaryDirectory() + "microcloud-terminfo-XXXXXX"
        var path = Array(template.utf8CString)
        guard mkdtemp(&path) != nil else { return nil }
        let directory = String(cString: path)
        guard let compiled = try? Subprocess.run(["tic", "-x", "-o", directory, "-"], input: Array(source.utf8)),
              compiled.succeeded else {
            try? FileManager.default.removeItem(atPath: directory)
            return nil
        }
        let previous = ProcessInfo.processInfo.environment["TERMINFO"]
        setenv("TERMINFO", directory, 1)
        return TerminfoWithoutRep(directory: directory, previous: previous)
    }

    /// After newterm: TERMINFO as it was, the directory gone (curses keeps what it read in memory).
    func finish() {
        if let previous { setenv("TERMINFO", previous, 1) } else { unsetenv("TERMINFO") }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
