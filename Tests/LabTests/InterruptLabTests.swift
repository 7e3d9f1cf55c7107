import Foundation
import Testing

/// The initiator interrupted: SIGINT/SIGTERM stop its joiners and undo what it did; SIGKILL leaves a session that
/// the daemon closes itself (its owner is gone); `microcloud session --clear` closes one whose owner still runs.
extension LabSuite {
    @Suite struct Interrupts {
        /// The `microcloud` process a background `scripts/lab exec` started (the lab script's pid is its parent's).
        static func microcloudPID(running file: String) -> pid_t? {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            for entry in entries {
                guard let pid = pid_t(entry),
                      let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                      comm.trimmingCharacters(in: .whitespacesAndNewlines) == "microcloud",
                      let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                if String(decoding: cmdline, as: UTF8.self).contains(file) { return pid }
            }
            return nil
        }

        /// Whether `run` ends within `seconds`.
        static func ends(_ run: Background, within seconds: Double) -> Bool {
            run.wait(timeout: seconds) != nil
        }

        static func preseed(_ index: Int, _ server: LabServer, file: URL, tag: String) throws -> Background {
            try Background([Lab.script, "exec", String(index), "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)",
                            MicroCloudCLI.path, "preseed", "--file", file.path], tag: tag)
        }

        /// What `microcloud session` says on a server.
        static func session(_ index: Int, _ server: LabServer) throws -> String {
            let r = try Lab.exec(index, "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)", MicroCloudCLI.path, "session")
            return r.stdout + r.stderr
        }

        static func write(_ yaml: String) throws -> URL {
            let path = Command.temporaryFile("interrupt").appendingPathExtension("yaml")
            try yaml.write(to: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test("SIGTERM to the initiator while it waits for joiners: the waiting joiner is told at once, the session closes")
        func sigtermWhileWaiting() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 2) { servers in
                // micro03 is listed but never comes: the initiator waits, micro02 has proved itself and waits too.
                let yaml = """
                    initiator: \(servers[0].name)
                    lookup_subnet: \(servers[0].subnet)
                    session_passphrase: lab preseed test words
                    lookup_timeout: 300
                    systems:
                      - name: \(servers[0].name)
                      - name: \(servers[1].name)
                      - name: micro03
                    """
                let file = try Self.write(yaml)
                let initiator = try Self.preseed(1, servers[0], file: file, tag: "init")
                defer { initiator.stop() }
                let joiner = try Self.preseed(2, servers[1], file: file, tag: "join")
                defer { joiner.stop() }
                try #require(Failures.waitFor("Detected joining system \"micro02\"", in: initiator, timeout: 90),
                             "initiator:\n\(initiator.output)")
                let pid = try #require(Self.microcloudPID(running: file.path))
                kill(pid, SIGTERM)
                #expect(Self.ends(initiator, within: 30), "the initiator ends:\n\(initiator.output)")
                #expect(Self.ends(joiner, within: 30), "the joiner stops waiting:\n\(joiner.output)")
                #expect(joiner.output.contains("Initiator aborted the setup"), "the joiner says why:\n\(joiner.output)")
                let state = try Self.session(1, servers[0])
                #expect(!state.contains("Active"), "no session is left open:\n\(state)")
                // Nothing changed, so the documented reset is not needed; after it, too, the same file forms the cloud.
                try Failures.resetAndRerun(servers: 2)
            }
        }

        /// Where in the run the signal arrives: the printed line that marks the phase.
        static let phases: [(signal: Int32, name: String, marker: String)] = [
            (SIGINT, "SIGINT during the joins", "Enable LXD clustering on micro01 ("),
            (SIGTERM, "SIGTERM during the joins", "Enable LXD clustering on micro01 ("),
            (SIGTERM, "SIGTERM during the LXD configuration", "] Define storage pool local on micro01 (budget"),
            (SIGINT, "SIGINT during the LXD configuration", "] Define storage pool local on micro01 (budget"),
        ]

        @Test("SIGINT or SIGTERM to the initiator during the joins and during the configuration: what it did is undone and reported; nobody waits; the reset works",
              arguments: phases.indices)
        func interruptedDuringTheRun(_ phase: Int) throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            let (signal, name, marker) = Self.phases[phase]
            print("phase: \(name)")
            try Lab.with(servers: 2) { servers in
                let file = try Self.write(Preseed.file(servers: servers))
                let initiator = try Self.preseed(1, servers[0], file: file, tag: "init")
                defer { initiator.stop() }
                let joiner = try Self.preseed(2, servers[1], file: file, tag: "join")
                defer { joiner.stop() }
                try #require(Failures.waitFor(marker, in: initiator, timeout: 120),
                             "initiator:\n\(initiator.output)")
                let pid = try #require(LateFaults.microcloudPID(stateDir: servers[0].stateDir), "the initiator's process")
                kill(pid, signal)
                #expect(Self.ends(initiator, within: 180), "the initiator ends:\n\(initiator.output)")
                let report = initiator.output
                print("--- initiator\n\(report)")
                #expect(initiator.wait() == 130)
                #expect(report.contains("Interrupted") && report.contains("Where: ") && report.contains("Remains: "),
                        "the report says where it stopped and what remains:\n\(report)")
                #expect(!report.contains("MicroCloud is ready"))
                #expect(Self.ends(joiner, within: 60), "the joiner ends with a message:\n\(joiner.output)")
                print("--- joiner\n\(joiner.output)")
                #expect(!joiner.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the joiner says how it ended")
                let state = try Self.session(1, servers[0])
                #expect(!state.contains("Active"), "no session is left open:\n\(state)")
                try Failures.resetAndRerun(servers: 2)
            }
        }

        @Test("SIGKILL to the initiator: its daemon closes the orphaned session; --clear closes a live one")
        func killedOwnerAndClear() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 2) { servers in
                let file = try Self.write(Preseed.file(servers: servers) + "\nlookup_timeout: 300\n")
                let first = try Self.preseed(1, servers[0], file: file, tag: "first")
                defer { first.stop() }
                try #require(Failures.waitFor("Searching for joining systems", in: first, timeout: 60), "\(first.output)")
                #expect(try Self.session(1, servers[0]).contains("Active initiator session"))
                kill(try #require(Self.microcloudPID(running: file.path)), SIGKILL)
                first.wait()
                var closed = false
                for _ in 0..<20 where !closed {
                    Thread.sleep(forTimeInterval: 0.5)
                    closed = !(try Self.session(1, servers[0]).contains("Active"))
                }
                #expect(closed, "the daemon closes the session of a process that is gone")
                // A live owner: `session --clear` closes it, and the waiting run ends with the reason.
                let second = try Self.preseed(1, servers[0], file: file, tag: "second")
                defer { second.stop() }
                try #require(Failures.waitFor("Searching for joining systems", in: second, timeout: 60),
                             "a re-run opens a new session:\n\(second.output)")
                let cleared = try Lab.exec(1, "env", "MICROCLOUD_STATE_DIR=\(servers[0].stateDir)", MicroCloudCLI.path,
                                           "session", "--clear")
                #expect(cleared.stdout.contains("The session is closed"), "\(cleared.stdout)\(cleared.stderr)")
                #expect(Self.ends(second, within: 30), "the run whose session was cleared ends:\n\(second.output)")
                #expect(second.output.contains("microcloud session --clear"), "it says why:\n\(second.output)")
                try Failures.resetAndRerun(servers: 2)
            }
        }
    }
}
