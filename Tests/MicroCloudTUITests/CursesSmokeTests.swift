import Foundation
import Testing
@testable import MicroCloudTUI

/// Runs the picker program on the real curses terminal. Needs a TTY, so it only runs when asked:
/// `MICROCLOUD_TUI_SMOKE=1 MICROCLOUD_TUI_SMOKE_OUT=/tmp/out .build/debug/microcloudPackageTests.xctest
///  --testing-library swift-testing --filter CursesSmoke` inside tmux, driven with `tmux send-keys`.
/// The result line goes to the OUT file; `scripts` can then check the terminal was restored.
@Suite struct CursesSmokeTests {
    static let enabled = ProcessInfo.processInfo.environment["MICROCLOUD_TUI_SMOKE"] == "1"

    @Test(.enabled(if: enabled, "needs a TTY; set MICROCLOUD_TUI_SMOKE=1 and run inside tmux"))
    func pickerOnCurses() async throws {
        let env = ProcessInfo.processInfo.environment
        let out = env["MICROCLOUD_TUI_SMOKE_OUT"] ?? "/tmp/microcloud-tui-smoke.out"
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
