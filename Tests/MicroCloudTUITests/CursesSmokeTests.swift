import Foundation
import Testing
@testable import MicroCloudTUI

/// Runs the picker program on the real curses terminal. It needs a TTY: the lab pass of `scripts/test` runs it
/// inside tmux (`LabSuite.Curses`, Tests/LabTests/CursesLabTests.swift), which sets MICROCLOUD_TUI_SMOKE_OUT for
/// this copy, drives it with `tmux send-keys` and checks the screen, the result line written to that file, the
/// log and the terminal's modes afterwards. The unit pass skips it by name (`--skip CursesSmokeTests`).
@Suite struct CursesSmokeTests {
    static let out = ProcessInfo.processInfo.environment["MICROCLOUD_TUI_SMOKE_OUT"]

    @Test(.enabled(if: out != nil, "needs a TTY: LabSuite.Curses runs it inside tmux"))
    func pickerOnCurses() async throws {
        let env = ProcessInfo.processInfo.environment
        let out = try #require(Self.out)
        let terminal = try CursesTerminal(options: .fromEnvironment(logPath: out + ".log"))
        defer { terminal.restore() }
        var program = Picker.program
        program.tick = { .tick($0) }
        program.isLive = { _ in true }
        let final = await ProgramRunner.start(program, initial: Picker.State(phase: .ask(YesNo(question: "Look for servers? (ネットワーク 🙂)", defaultValue: true)), size: terminal.size),
                                      on: terminal) { _, sink in
            FileHandle.standardError.write(Data("discovery started (this line must land in the log, not on screen)\n".utf8))
            if env["MICROCLOUD_TUI_SMOKE_CRASH"] == "1" {
                try? await Task.sleep(for: .milliseconds(800))
                fatalError("smoke test crash on purpose")
            }
            for i in 1...30 {
                try? await Task.sleep(for: .milliseconds(100))
                sink.send(.found("micro\(i < 10 ? "0" : "")\(i)", "10.0.0.\(i)"))
            }
            return []
        }
        terminal.restore()
        #expect(!final.ticks.isEmpty, "ticks arrive while the program is live")
        let result: String = switch final.phase {
        case .done(let names): "done " + names.joined(separator: ",")
        case .quit: "quit"
        default: "other"
        }
        try (result + " ticks=\(final.ticks.count) ascii=\(terminal.isASCII) color=\(terminal.hasColor)\n")
            .write(toFile: out, atomically: true, encoding: .utf8)
    }
}
