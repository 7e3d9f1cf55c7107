import Foundation
import Testing

/// Box borders under TERM=xterm-256color, whose description has `rep` (repeat the last character: CSI n b). ncurses
/// used it for every run of one character (ncurses 6.4: outside a UTF-8 locale, where the wizard draws ASCII), and a
/// terminal without REP then shows `+-+` for a border. tmux implements REP, so the screen tmux shows was whole
/// either way: what the program wrote is recorded (`tmux pipe-pane`) and replayed in a second tmux with every REP
/// dropped, which is what a terminal without REP shows; the borders must be whole there too, and no REP written.
extension LabSuite.Curses {
    @Test("borders whole on a terminal without REP (CSI b) under TERM=xterm-256color: the picker's rule and table, in ASCII and in UTF-8",
          arguments: ["C", "C.UTF-8"])
    func bordersWithoutRep(locale: String) throws {
        try #require(Tmux.available, "tmux is not installed: run scripts/setup")
        let out = Command.temporaryFile("curses-rep").path
        let record = Command.temporaryFile("curses-rep-bytes").path
        let replayed = Command.temporaryFile("curses-rep-replay").path
        defer { for f in [out, out + ".log", record, replayed] { try? FileManager.default.removeItem(atPath: f) } }
        let width = 100
        let tmux = Tmux(name: "curses-rep", width: width, height: 30)
        let replay = Tmux(name: "curses-rep-replay", width: width, height: 30)
        defer { tmux.stop(); replay.stop() }
        try Self.start(tmux, out: out, locale: locale, delay: true)
        _ = tmux.tmux(["pipe-pane", "-o", "-t", tmux.name, "cat >> \(record)"])
        _ = try tmux.wait(for: "Look for servers", timeout: 60)
        tmux.keys("Enter")
        let live = try tmux.wait(for: "0 of 30 selected", timeout: 30)
        #expect(Self.borderProblems(live, width: width).isEmpty,
                "the borders tmux shows: \(Self.borderProblems(live, width: width))\n\(live)")

        Thread.sleep(forTimeInterval: 1)                   // what pipe-pane's cat still holds reaches the file
        let bytes = try Data(contentsOf: URL(fileURLWithPath: record))
        let written = String(decoding: bytes, as: UTF8.self)
        let reps = written.matches(of: /\x1B\[[0-9]*b/).count
        #expect(reps == 0, "no REP written (\(reps) found)")
        try Data(written.replacing(/\x1B\[[0-9]*b/, with: "").utf8).write(to: URL(fileURLWithPath: replayed))
        try replay.start("cat \(replayed); sleep 120")
        let shown = try replay.wait(for: "0 of 30 selected", timeout: 10)
        #expect(Self.borderProblems(shown, width: width).isEmpty,
                "the borders a terminal without REP shows: \(Self.borderProblems(shown, width: width))\n\(shown)")

        for key in ["Space", "Down", "Space", "Enter"] { tmux.keys(key) }
        let after = try tmux.wait(for: "SMOKE-EXITED [0-9]+", timeout: 60)
        #expect(after.contains("SMOKE-EXITED 0"), "the inner test passed:\n\(tmux.history())")
    }

    /// What is not whole in the picker's borders: the rule under the title (the full width, one tee where the side
    /// panel starts) and every border line of the table (a corner or tee under each column bar of the header row,
    /// horizontal line between them).
    static func borderProblems(_ screen: String, width: Int) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        var problems: [String] = []
        let rule = lines.count > 1 ? lines[1] : []
        if rule.count != width || rule.filter({ "+┬".contains($0) }).count != 1 || !rule.allSatisfy({ "-─+┬".contains($0) }) {
            problems.append("the rule under the title: '\(String(rule))'")
        }
        guard let header = lines.first(where: { String($0).contains("NAME") }) else {
            return problems + ["no table header"]
        }
        let bars = header.indices.filter { "|│".contains(header[$0]) }.dropLast()   // the last one is the side panel's
        guard let first = bars.first, let last = bars.last else { return problems + ["no column bars in the header"] }
        let borders = lines.filter { $0.count > first && "+┌├└".contains($0[first]) }
        if borders.count < 3 { problems.append("\(borders.count) table border lines, 3 expected") }
        for line in borders {
            let whole = (first...last).allSatisfy { column in
                guard column < line.count else { return false }
                return bars.contains(column) ? "+┌┬┐├┼┤└┴┘".contains(line[column]) : "-─".contains(line[column])
            }
            if !whole { problems.append("table border: '\(String(line))'") }
        }
        return problems
    }
}
