import Foundation
import MicroCloudKit
import Testing

/// `microcloud init` in a real terminal (tmux) on the lab, with `microcloud join` on the other servers.
extension LabSuite {
    @Suite struct Wizard {
        static let passphrase = "lab wizard test words"

        /// Starts `microcloud join` on servers 2…N with the passphrase; returns the processes and their log files.
        static func startJoiners(_ servers: [LabServer], passphrase: String = passphrase) throws -> [Background] {
            let secret = Command.temporaryFile("passphrase")
            try passphrase.write(to: secret, atomically: true, encoding: .utf8)
            return try servers.enumerated().dropFirst().map { i, server in
                try Background([Lab.script, "exec", String(i + 1), "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)",
                                MicroCloudCLI.path, "join", "--passphrase-file", secret.path, "--lookup-timeout", "120"],
                               tag: "join-\(server.name)")
            }
        }

        static func startWizard(_ tmux: Tmux, _ server: LabServer, passphrase: String? = passphrase) throws {
            try tmux.start("env \(Lab.knobs.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) \(Lab.script) exec 1 env MICROCLOUD_STATE_DIR=\(server.stateDir) TERM=xterm-256color " +
                           "\(MicroCloudCLI.path) init \(passphrase.map { "--passphrase '\($0)'" } ?? ""); echo WIZARD-EXITED $?; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 300")
        }

        @Test("the wizard in tmux: select the 2 joined servers, a local disk each, skip Ceph and OVN, confirm, watch progress, reach results that match lxc")
        func formsACloudFromTheWizard() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try #require(Tmux.available, "tmux is not installed")
            try Lab.with(servers: 3) { servers in try Self.formCloud(servers) }
        }

        /// The LXD-only wizard run of `formsACloudFromTheWizard` on a lab that is up (also the IPv6-only lab's).
        static func formCloud(_ servers: [LabServer]) throws {
            let tmux = Tmux(name: "wizard-test", width: 132, height: 43)
            defer { tmux.stop() }
            // The passphrase is the one server 1 generates and shows: read it off the screen, as an operator would.
            try Self.startWizard(tmux, servers[0], passphrase: nil)
            let opened = try tmux.wait(for: "passphrase [a-z]+ [a-z]+ [a-z]+ [a-z]+", timeout: 30)
            let shown = try #require(opened.firstMatch(of: /passphrase ([a-z]+ [a-z]+ [a-z]+ [a-z]+)/)).1
            let joiners = try Self.startJoiners(servers, passphrase: String(shown))
            defer { joiners.forEach { $0.stop() } }
            let table = try tmux.wait(for: "2 found: 2 verified", timeout: 60)
            #expect(table.contains("micro02") && table.contains("micro03"))

            // Resize while the live table is up: the screen stays whole.
            tmux.resize(width: 100, height: 30)
            let small = try tmux.wait(for: "2 found: 2 verified", timeout: 10)
            #expect(small.contains("micro03") && small.contains("enter confirm"))
            tmux.resize(width: 132, height: 43)

            tmux.keys("Right"); tmux.keys("Enter")
            _ = try tmux.wait(for: "Select exactly one disk from each cluster member", timeout: 60)
            // The first disk of each server: rows are sorted by server, three disks each.
            for key in ["Space", "Down", "Down", "Down", "Space", "Down", "Down", "Down", "Space"] { tmux.keys(key) }
            _ = try tmux.wait(for: "3 of 9 selected", timeout: 10)
            tmux.keys("Enter")
            let summary = try tmux.wait(for: "Review the plan", timeout: 20)
            #expect(summary.contains("MicroCeph is not installed") && summary.contains("MicroOVN is not installed"),
                    "Ceph and OVN steps are skipped with a line saying so:\n\(summary)")
            tmux.keys("Enter")
            // The first frame may show only the skipped service steps and LXD's configuration: wait for the run
            // to reach clustering, however busy the machine is.
            let progress = try tmux.wait(for: "Enable LXD clustering|Join micro02", timeout: 60)
            #expect(progress.contains("Setting up"))
            tmux.resize(width: 90, height: 28)   // resize during progress
            _ = try tmux.wait(for: "Setting up|The cloud is ready", timeout: 20)
            tmux.resize(width: 132, height: 43)
            let results = try tmux.wait(for: "MicroCloud is ready", timeout: 180)
            #expect(results.contains("Members"))

            // The results screen's member table matches `lxc cluster list` in each namespace.
            tmux.keys("q")
            _ = try tmux.wait(for: "WIZARD-EXITED 0", timeout: 30)
            let printed = tmux.history()
            for index in 1...3 {
                let csv = try Lab.exec(index, "lxc", "cluster", "list", "--format", "csv").stdout
                for line in csv.split(separator: "\n") {
                    let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    #expect(printed.contains(fields[0]) && printed.contains(fields[1]), "\(fields[0]) \(fields[1]) on the results screen")
                    #expect(line.contains("ONLINE"))
                }
                let pools = try Lab.exec(index, "lxc", "storage", "list", "--format", "csv").stdout
                for line in pools.split(separator: "\n") {
                    let name = String(line.split(separator: ",")[0])
                    #expect(printed.contains("| \(name) "), "pool \(name) on the results screen")
                }
            }
            for joiner in joiners {
                #expect(joiner.wait() == 0, "joiner: \(joiner.output)")
                #expect(joiner.output.contains("Successfully joined"))
            }
            try Self.checkRecording(servers[0])
            // What the results golden shows (Golden/recorded-lab-snapshot.json came from such a run).
            let status = try Lab.exec(1, "microcloud", "status", "--format", "json").stdout
            let snapshot = try JSONDecoder().decode(ClusterSnapshot.self, from: Data(status.utf8))
            #expect(snapshot.members.count == 3 && snapshot.networks.contains { $0.name == "lxdbr0" && $0.description == "Default bridge network" })
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("labtests-wizard-status.json")
            try status.write(to: copy, atomically: true, encoding: .utf8)
            print("the cluster it formed: \(copy.path)")
        }

        /// The wizard records the bootstrap's events in the state dir (the TUI's progress goldens replay such a
        /// recording, Tests/MicroCloudTUITests/Recorded/): each line an event, every step started once and ended
        /// once after it started, and the joins one after another. A copy outlives the lab, for a new recording.
        static func checkRecording(_ server: LabServer) throws {
            let log = server.stateDir + "/bootstrap.log"
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("labtests-wizard-bootstrap.log").path
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: log, toPath: copy)
            print("the bootstrap's recording: \(copy)")
            let events = try Command.read(URL(fileURLWithPath: log)).split(separator: "\n").map {
                try JSONDecoder().decode(ProgressEvent.self, from: Data($0.utf8))
            }
            let started = events.filter { $0.kind.name == "started" }.map(\.stepID)
            let ended = events.filter { ["succeeded", "failed"].contains($0.kind.name) }.map(\.stepID)
            #expect(!started.isEmpty && started.count == Set(started).count && Set(started) == Set(ended))
            for id in started {
                let first = events.firstIndex { $0.stepID == id && $0.kind.name == "started" }!
                #expect(!events[..<first].contains { $0.stepID == id && ["succeeded", "failed"].contains($0.kind.name) })
            }
            var running = 0
            for e in events where e.member.map({ e.stepID == .join($0) }) == true {
                if e.kind.name == "started" { running += 1 }
                if ["succeeded", "failed"].contains(e.kind.name) { running -= 1 }
                #expect(running <= 1, "two joins at once at \(e.stepID)")
            }
        }

        @Test("Ctrl-C in the wizard restores the terminal and stops the joiners' sessions")
        func ctrlCStopsEverything() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try #require(Tmux.available, "tmux is not installed")
            try Lab.with(servers: 2) { servers in
                let joiners = try Self.startJoiners(servers)
                let tmux = Tmux(name: "wizard-ctrlc", width: 100, height: 30)
                defer { tmux.stop(); joiners.forEach { $0.stop() } }
                try Self.startWizard(tmux, servers[0])
                _ = try tmux.wait(for: "1 found: 1 verified", timeout: 60)
                tmux.keys("C-c")
                let after = try tmux.wait(for: "WIZARD-EXITED [0-9]+\\s+(-?icanon|-?echo) ", timeout: 20)
                #expect(!after.contains("Step 2 of"), "the full-screen view is gone:\n\(after)")
                #expect(after.contains("icanon echo") && !after.contains("-icanon") && !after.contains("-echo "),
                        "terminal back in cooked mode with echo:\n\(after)")
                let joiner = joiners[0]
                #expect(joiner.wait() != 0)
                #expect(joiner.output.contains("Initiator aborted the setup"), "joiner output:\n\(joiner.output)")
            }
        }
    }
}

/// A tmux server of its own (private socket) with one pane: type into it, read it.
final class Tmux {
    let name: String
    let width: Int, height: Int
    init(name: String, width: Int, height: Int) { self.name = name; self.width = width; self.height = height }

    static var available: Bool { Lab.onPath("tmux") }

    func tmux(_ args: [String]) -> CommandResult {
        (try? Command.run(["tmux", "-L", "mc-\(name)"] + args)) ?? CommandResult(arguments: args, status: -1, stdout: "", stderr: "")
    }

    func start(_ command: String) throws {
        let r = tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command])
        guard r.succeeded else { throw CommandFailed(result: r) }
    }

    func keys(_ key: String) {
        _ = tmux(["send-keys", "-t", name, key])
        Thread.sleep(forTimeInterval: 0.15)
    }

    func resize(width: Int, height: Int) {
        _ = tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
        Thread.sleep(forTimeInterval: 0.5)
    }

    func screen() -> String { tmux(["capture-pane", "-p", "-t", name]).stdout }

    /// The pane with its scrollback: what was printed after the full-screen view ended.
    func history() -> String { tmux(["capture-pane", "-p", "-S", "-1000", "-t", name]).stdout }

    /// Waits until the screen matches the regular expression; returns that screen or throws with the last one.
    func wait(for pattern: String, timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if last.range(of: pattern, options: .regularExpression) != nil { return last }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw TmuxTimeout(pattern: pattern, screen: last)
    }

    func stop() { _ = tmux(["kill-server"]) }
}

struct TmuxTimeout: Error, CustomStringConvertible {
    let pattern: String, screen: String
    var description: String { "timed out waiting for /\(pattern)/; the screen was:\n\(screen)" }
}
