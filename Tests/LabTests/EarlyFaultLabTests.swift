import Foundation
import Testing

/// Faults before the bootstrap changes anything (issue 10, "Fault tests on the lab"), one after the other on one lab:
/// each must end every process within its step's budget, tell the operator where and why, end the joiners with a
/// message and leave no session open, so the next attempt, and finally a full run, works without a reset.
extension LabSuite {
    @Suite struct EarlyFaults {
        typealias I = Interrupts

        /// The lab's preseed (`Preseed.file`) with this test's passphrase and extra top-level keys.
        static func yaml(_ servers: [LabServer], extra: String) -> String {
            Preseed.file(servers: servers, passphrase: "lab early fault words") + "\n" + extra + "\n"
        }

        /// Whether neither server has an open session (what `microcloud session` says).
        static func noSessionOpen(_ servers: [LabServer], _ indices: [Int]) throws -> Bool {
            try indices.allSatisfy { !(try I.session($0, servers[$0 - 1]).contains("Active")) }
        }

        /// Waits for `text` in `run`'s output; a failed wait records the output.
        static func expectOutput(_ text: String, _ run: Background, within seconds: Double, _ what: String) -> Bool {
            let seen = Failures.waitFor(text, in: run, timeout: seconds)
            #expect(seen, "\(what): no \"\(text)\" within \(seconds) s:\n\(run.output)")
            return seen
        }

        @Test("before the bootstrap: a session that times out, SIGINT while waiting, a joiner's daemon killed after it proved itself; then a full run works")
        func faultsBeforeTheBootstrap() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                // 1. The session times out while micro03 never comes: both sides end, saying so.
                let timing = try I.write(Self.yaml(servers, extra: "session_timeout: 20\nlookup_timeout: 300"))
                let clock = ContinuousClock()
                let opened = clock.now
                let initiator = try I.preseed(1, servers[0], file: timing, tag: "timeout-init")
                defer { initiator.stop() }
                let joiner = try I.preseed(2, servers[1], file: timing, tag: "timeout-join")
                defer { joiner.stop() }
                _ = Self.expectOutput("Detected joining system \"micro02\"", initiator, within: 60, "timeout: the joiner proves itself")
                #expect(I.ends(initiator, within: 40), "the initiator ends once its 20 s session is over:\n\(initiator.output)")
                #expect(I.ends(joiner, within: 20), "the joiner ends too:\n\(joiner.output)")
                print("session timeout: the initiator ended \(clock.now - opened) after it started\n--- initiator\n\(initiator.output)--- joiner\n\(joiner.output)")
                #expect(initiator.wait() != 0 && initiator.output.contains("timed out"), "the initiator says why:\n\(initiator.output)")
                #expect(joiner.wait() != 0 && joiner.output.contains("timed out"), "the joiner says why:\n\(joiner.output)")
                #expect(try Self.noSessionOpen(servers, [1, 2]))

                // 2. SIGINT while the initiator waits for micro03: it and the waiting joiner end at once.
                let waiting = try I.write(Self.yaml(servers, extra: "lookup_timeout: 300"))
                let second = try I.preseed(1, servers[0], file: waiting, tag: "sigint-init")
                defer { second.stop() }
                let proven = try I.preseed(2, servers[1], file: waiting, tag: "sigint-join")
                defer { proven.stop() }
                if Self.expectOutput("Detected joining system \"micro02\"", second, within: 60, "SIGINT: a re-run opens a session") {
                    kill(try #require(I.microcloudPID(running: waiting.path)), SIGINT)
                }
                #expect(I.ends(second, within: 30) && second.wait() == 130, "the initiator ends, interrupted:\n\(second.output)")
                #expect(I.ends(proven, within: 30), "the joiner stops waiting:\n\(proven.output)")
                #expect(proven.output.contains("Initiator aborted the setup"), "the joiner says why:\n\(proven.output)")
                #expect(try Self.noSessionOpen(servers, [1, 2]))

                // 3. micro02 proved itself, then its daemon is killed; micro03 comes: confirming micro02 fails.
                let third = try I.preseed(1, servers[0], file: waiting, tag: "killed-init")
                defer { third.stop() }
                let doomed = try I.preseed(2, servers[1], file: waiting, tag: "killed-join2")
                defer { doomed.stop() }
                _ = Self.expectOutput("Detected joining system \"micro02\"", third, within: 60, "killed daemon: micro02 proves itself")
                try Failures.killDaemon(of: servers[1])
                let late = try I.preseed(3, servers[2], file: waiting, tag: "killed-join3")
                defer { late.stop() }
                #expect(I.ends(third, within: 60), "the initiator ends:\n\(third.output)")
                #expect(I.ends(late, within: 30), "micro03 stops waiting:\n\(late.output)")
                #expect(I.ends(doomed, within: 45), "micro02's join ends, its daemon being gone:\n\(doomed.output)")
                print("--- initiator\n\(third.output)--- micro02\n\(doomed.output)--- micro03\n\(late.output)")
                #expect(third.wait() != 0 && third.output.contains("micro02"), "the initiator names micro02:\n\(third.output)")
                #expect(late.wait() != 0 && late.output.contains("Initiator aborted the setup"), "micro03 says why:\n\(late.output)")
                #expect(doomed.wait() != 0 && doomed.output.contains("microcloudd"), "micro02 names its daemon:\n\(doomed.output)")
                try Lab.run("start-daemon", "2")
                #expect(try Self.noSessionOpen(servers, [1, 2, 3]))

                // 4. None of that changed anything: the same file forms the cloud.
                let runs = try Failures.preseedEverywhere(servers)
                for (server, run) in zip(servers, runs) {
                    #expect(run.wait(timeout: 600) == 0, "after the faults, preseed on \(server.name) failed:\n\(run.output)")
                }
                let members = try Lab.exec(3, "lxc", "cluster", "list", "--format", "csv").stdout
                #expect(members.split(separator: "\n").count == 3 && !members.contains("OFFLINE"), "lxc cluster list:\n\(members)")
            }
        }
    }
}
