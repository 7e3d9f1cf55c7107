import Foundation
import Testing

/// Faults once the bootstrap has begun (issue 10, "Fault tests on the lab"): every process ends within its step's
/// budget, the operator is told where and why, the joiners end with a message, nothing is left unreported, and after
/// the documented reset (`scripts/lab down && scripts/lab up`) the same preseed forms the cloud.
extension LabSuite {
    @Suite struct LateFaults {
        typealias I = Interrupts

        /// The `microcloud` process working for the server whose state dir is `stateDir` (every server runs the same
        /// command line; the environment tells them apart).
        static func microcloudPID(stateDir: String) -> pid_t? {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap(pid_t.init).first { pid in
                guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                      comm.trimmingCharacters(in: .whitespacesAndNewlines) == "microcloud",
                      let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
                return environ.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "MICROCLOUD_STATE_DIR=\(stateDir)" }
            }
        }

        /// Sets the root-namespace end of server `index`'s lab link down (the server's cable pulled) for `seconds`.
        static func pullCable(_ index: Int, for seconds: Double) throws {
            let link = "\(Lab.netns(index))-e"
            try Command.check(["ip", "link", "set", link, "down"])
            Thread.sleep(forTimeInterval: seconds)
            try Command.check(["ip", "link", "set", link, "up"])
        }

        /// Where in the run a fault arrives: a name and the initiator's line that marks the phase.
        static let joins = (name: "during the joins", marker: "] Join micro02 (budget")
        static let configuration = (name: "during the LXD configuration", marker: "] Define storage pool local on micro01 (budget")
        static let killPhases = [joins, configuration]

        @Test("SIGKILL to the initiator during the joins and during the configuration: the joiners end with the reason, the session closes, the bootstrap log keeps what was done; the reset works",
              arguments: killPhases.indices)
        func initiatorKilledDuringTheJoins(_ phase: Int) throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            let (name, marker) = Self.killPhases[phase]
            print("phase: SIGKILL \(name)")
            try Lab.with(servers: 3) { servers in
                let runs = try Failures.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                try #require(Failures.waitFor(marker, in: runs[0], timeout: 240), "initiator:\n\(runs[0].output)")
                let pid = try #require(Self.microcloudPID(stateDir: servers[0].stateDir), "the initiator's microcloud process")
                kill(pid, SIGKILL)
                for (server, joiner) in zip(servers.dropFirst(), runs.dropFirst()) {
                    #expect(I.ends(joiner, within: 60), "\(server.name)'s join ends:\n\(joiner.output)")
                    print("--- \(server.name)\n\(joiner.output)")
                    // micro02 may have finished its own join before the stop arrived; anything else is told why.
                    let said = joiner.output
                    #expect(said.contains("Successfully joined") || said.contains("ended, so the session is closed"),
                            "\(server.name) says why it stopped:\n\(said)")
                }
                let state = try I.session(1, servers[0])
                #expect(!state.contains("Active") && state.contains("ended"), "the session is closed, saying why:\n\(state)")
                let log = Command.read(URL(fileURLWithPath: servers[0].stateDir + "/bootstrap.log"))
                #expect(log.contains("micro01"), "what was done stays readable in bootstrap.log:\n\(log)")
                try Failures.resetAndRerun()
            }
        }

        @Test("a joiner's link down for 20 s during its join: the join is tried again and the run forms the 3-member cloud, within its budget; nobody waits")
        func joinersLinkDownFor20Seconds() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let runs = try Failures.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                try #require(Failures.waitFor("] Join micro03 (budget", in: runs[0], timeout: 240), "initiator:\n\(runs[0].output)")
                try Self.pullCable(3, for: 20)
                #expect(I.ends(runs[0], within: 420), "the initiator ends within its budget:\n\(runs[0].output)")
                let report = runs[0].output
                print("--- initiator\n\(report)")
                for (server, joiner) in zip(servers.dropFirst(), runs.dropFirst()) {
                    #expect(I.ends(joiner, within: 60), "\(server.name)'s join ends:\n\(joiner.output)")
                    print("--- \(server.name)\n\(joiner.output)")
                    #expect(joiner.wait() == 0 && joiner.output.contains("Successfully joined"), "\(server.name) joined:\n\(joiner.output)")
                }
                #expect(runs[0].wait() == 0 && report.contains("MicroCloud is ready"), "the run finishes:\n\(report)")
                let members = try Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout
                #expect(members.split(separator: "\n").count == 3 && !members.contains("OFFLINE"), "lxc cluster list:\n\(members)")
                #expect(!(try I.session(1, servers[0]).contains("Active")), "no session is left open")
            }
        }

        /// micro03's daemon killed as its own LXD join starts (a joiner's daemon killed during the configuration is
        /// noticed only when the membership is recorded: the configuration goes through the initiator's LXD, which
        /// reaches the members itself; `joinersDaemonKilledAfterItsJoin` holds that case).
        @Test("a joiner's daemon killed during its own join: the report names the step and the member; nobody waits; the reset works")
        func joinersDaemonKilledDuringItsJoin() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let runs = try Failures.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                try #require(Failures.waitFor("] Join micro03 (budget", in: runs[0], timeout: 240), "initiator:\n\(runs[0].output)")
                try Failures.killDaemon(of: servers[2])
                #expect(I.ends(runs[0], within: 360), "the initiator ends within the step's budget:\n\(runs[0].output)")
                let report = runs[0].output
                print("--- initiator\n\(report)")
                #expect(runs[0].wait() != 0 && !report.contains("MicroCloud is ready"))
                #expect(report.contains("Where: Join micro03") && report.contains("Remains: "),
                        "the report names the step and what remains:\n\(report)")
                for (server, joiner) in zip(servers.dropFirst(), runs.dropFirst()) {
                    #expect(I.ends(joiner, within: 60), "\(server.name)'s join ends:\n\(joiner.output)")
                    print("--- \(server.name)\n\(joiner.output)")
                }
                #expect(runs[1].output.contains("Successfully joined"), "micro02 joined before:\n\(runs[1].output)")
                #expect(runs[2].output.contains("microcloudd"), "micro03's join names its daemon:\n\(runs[2].output)")
                print("lxc cluster list on micro01:\n\((try? Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout) ?? "?")")
                #expect(!(try I.session(1, servers[0]).contains("Active")), "no session is left open")
                try Failures.resetAndRerun()
            }
        }

        @Test("a joiner's daemon killed after its own join: the report says every step is kept and names the member; nobody waits; the reset works")
        func joinersDaemonKilledAfterItsJoin() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let runs = try Failures.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                try #require(Failures.waitFor("] Join micro03 (budget", in: runs[0], timeout: 240), "initiator:\n\(runs[0].output)")
                try Failures.killDaemon(of: servers[1])
                #expect(I.ends(runs[0], within: 180), "the initiator ends within its budget:\n\(runs[0].output)")
                let report = runs[0].output
                print("--- initiator\n\(report)")
                #expect(runs[0].wait() != 0)
                #expect(report.contains("Where: Record the membership on every member") && report.contains("micro02: "),
                        "the step and the member are named:\n\(report)")
                #expect(report.contains("every step above was done and is kept") && !report.contains("as they were"),
                        "the report does not claim the servers are untouched:\n\(report)")
                for (server, joiner) in zip(servers.dropFirst(), runs.dropFirst()) {
                    #expect(I.ends(joiner, within: 60), "\(server.name)'s join ends:\n\(joiner.output)")
                }
                let members = try Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout
                #expect(members.split(separator: "\n").count == 3, "the LXD cluster the report says is kept:\n\(members)")
                #expect(!(try I.session(1, servers[0]).contains("Active")), "no session is left open")
                try Failures.resetAndRerun()
            }
        }
    }
}
