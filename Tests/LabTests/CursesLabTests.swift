import Foundation
import Testing

/// The curses smoke test (MicroCloudTUITests' CursesSmokeTests) on a real terminal: this test binary runs again
/// inside tmux with only that test, which shows the picker on curses; tmux types into it and reads it.
extension LabSuite {
    @Suite struct Curses {
        /// This very test binary (it holds every test target).
        static var binary: String { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0] }

        /// Starts the smoke test in tmux; `crash` makes it die on purpose once the screen is up.
        /// The Swift runtime's backtracer is told not to be interactive: on a terminal it would wait for a key after
        /// the crash with the terminal in raw mode, and this test is about what our own crash handler restores.
        /// `locale` is the smoke test's LANG and LC_ALL; `delay` holds it back a second (for `tmux pipe-pane`).
        static func start(_ tmux: Tmux, out: String, crash: Bool = false, locale: String = "C.UTF-8", delay: Bool = false) throws {
            try tmux.start((delay ? "sleep 1; " : "")
                           + "env MICROCLOUD_TUI_SMOKE_OUT=\(out) \(crash ? "MICROCLOUD_TUI_SMOKE_CRASH=1 SWIFT_BACKTRACE=interactive=no " : "")"
                           + "TERM=xterm-256color LANG=\(locale) LC_ALL=\(locale) "
                           + "\(binary) --testing-library swift-testing --filter CursesSmokeTests; echo SMOKE-EXITED $?; "
                           + "stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 120")
        }

        @Test("curses smoke in tmux: keys, 30 live rows, a resize, wide text; the result and the log are right and the terminal is restored")
        func pickerOnARealTerminal() throws {
            try #require(Tmux.available, "tmux is not installed: run scripts/setup")
            let out = Command.temporaryFile("curses-smoke").path
            defer { for f in [out, out + ".log"] { try? FileManager.default.removeItem(atPath: f) } }
            let tmux = Tmux(name: "curses-smoke", width: 100, height: 30)
            defer { tmux.stop() }
            try Self.start(tmux, out: out)
            let asked = try tmux.wait(for: "Look for servers", timeout: 60)
            #expect(asked.contains("ネットワーク"), "wide characters drawn:\n\(asked)")
            tmux.keys("Enter")
            let listed = try tmux.wait(for: "0 of 30 selected", timeout: 30)
            #expect(!listed.contains("discovery started"), "stderr goes to the log, not the screen:\n\(listed)")
            tmux.resize(width: 80, height: 24)
            let small = try tmux.wait(for: "0 of 30 selected", timeout: 10)
            #expect(small.contains("micro01") && small.contains("enter confirm"), "the screen is whole at 80x24:\n\(small)")
            for key in ["Space", "Down", "Space", "Enter"] { tmux.keys(key) }
            let after = try tmux.wait(for: "SMOKE-EXITED [0-9]+\\s+(-?icanon|-?echo) ", timeout: 60)
            print("--- the smoke test's own run, in tmux:\n" + tmux.history().split(separator: "\n").filter { $0.contains("Test") || $0.contains("SMOKE") }.joined(separator: "\n"))
            #expect(after.contains("SMOKE-EXITED 0"), "the inner test passed:\n\(tmux.history())")
            #expect(after.contains("icanon echo") && !after.contains("-icanon") && !after.contains("-echo "), "cooked mode with echo:\n\(after)")
            let result = Command.read(URL(fileURLWithPath: out))
            print("curses smoke result: \(result)")
            #expect(result.hasPrefix("done micro01,micro02 ticks="), "result line: \(result)")
            #expect(result.contains("ascii=false"), "a UTF-8 terminal is not drawn in ASCII: \(result)")
            #expect(Command.read(URL(fileURLWithPath: out + ".log")).contains("discovery started"), "stderr landed in the log")
        }

        @Test("a crash on the curses screen still restores the terminal")
        func aCrashRestoresTheTerminal() throws {
            try #require(Tmux.available, "tmux is not installed: run scripts/setup")
            let out = Command.temporaryFile("curses-crash").path
            defer { for f in [out, out + ".log"] { try? FileManager.default.removeItem(atPath: f) } }
            let tmux = Tmux(name: "curses-crash", width: 100, height: 30)
            defer { tmux.stop() }
            try Self.start(tmux, out: out, crash: true)
            _ = try tmux.wait(for: "Look for servers", timeout: 60)
            tmux.keys("Enter")
            let after = try tmux.wait(for: "SMOKE-EXITED [0-9]+\\s+(-?icanon|-?echo) ", timeout: 60)
            #expect(!after.contains("SMOKE-EXITED 0"), "the inner run crashed on purpose:\n\(after)")
            #expect(tmux.history().contains("the terminal was restored"), "the crash note:\n\(tmux.history())")
            #expect(!after.contains("Select servers"), "the full-screen view is gone:\n\(after)")
            #expect(after.contains("icanon echo") && !after.contains("-icanon") && !after.contains("-echo "), "cooked mode with echo:\n\(after)")
        }
    }
}
