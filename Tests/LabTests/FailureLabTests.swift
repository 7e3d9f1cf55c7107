import Foundation
import Testing

/// Failures injected into a real bootstrap: the initiator's report says what was done, what was undone and what
/// remains; after the documented reset (`scripts/lab down && scripts/lab up`) the same preseed succeeds.
extension LabSuite {
    @Suite struct Failures {
        /// Waits until the background program's output contains `text` (or it ended).
        static func waitFor(_ text: String, in run: Background, timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if run.output.contains(text) { return true }
                // An ended program writes nothing more: no use waiting out the timeout.
                if run.exitStatusNow() != nil { return run.output.contains(text) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        /// SIGKILL to a lab server's microcloudd (its pid file), as a crash or an OOM kill would end it.
        static func killDaemon(of server: LabServer) throws {
            let text = try String(contentsOfFile: server.directory + "/microcloudd.pid", encoding: .utf8)
            let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "microcloudd.pid of \(server.name)")
            kill(pid, SIGKILL)
        }

        static func preseedEverywhere(_ servers: [LabServer]) throws -> [Background] {
            let path = Command.temporaryFile("preseed").appendingPathExtension("yaml")
            try Preseed.file(servers: servers).write(to: path, atomically: true, encoding: .utf8)
            return try servers.enumerated().map { i, server in
                try Background([Lab.script, "exec", String(i + 1), "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)",
                                MicroCloudCLI.path, "preseed", "--file", path.path], tag: "preseed-\(server.name)")
            }
        }

        /// The documented reset in the lab: pristine servers again; then the same file forms the cloud.
        static func resetAndRerun(servers count: Int = 3) throws {
            try Lab.down()
            try Lab.up(count)
            let servers = try Lab.status()
            let runs = try preseedEverywhere(servers)
            for (server, run) in zip(servers, runs) {
                #expect(run.wait() == 0, "after the reset, preseed on \(server.name) failed:\n\(run.output)")
            }
            let members = try Lab.exec(count, "lxc", "cluster", "list", "--format", "csv").stdout
            #expect(members.split(separator: "\n").count == count && !members.contains("OFFLINE"), "after the reset:\n\(members)")
        }

        @Test("a peer that dies during the bootstrap: the report names the step, what was undone and what remains")
        func aPeerDies() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let runs = try Self.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                // micro03's daemon goes away once the inventories are in and the bootstrap has begun.
                #expect(Self.waitFor("Initializing the cloud", in: runs[0], timeout: 90), "initiator output:\n\(runs[0].output)")
                try Lab.run("stop-daemon", "3")
                let status = runs[0].wait()
                let report = runs[0].output
                print("--- initiator\n\(report)")
                #expect(status != 0)
                #expect(report.contains("⨯ Error: Where: Join micro03"), "the failed step and member are named:\n\(report)")
                #expect(report.contains("✓ [micro01] Enable LXD clustering on micro01"), "what was done:\n\(report)")
                #expect(report.contains("Undone: ") && report.contains("Issue LXD join token for micro03"),
                        "the unused token was revoked:\n\(report)")
                #expect(report.contains("Remains: ") && report.contains("LXD on micro01"), "what remains, and how to reset it:\n\(report)")
                #expect(!report.contains("MicroCloud is ready"))
                // micro03 is not a member, as the report says.
                let members = try Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout
                #expect(members.contains("micro01") && !members.contains("micro03"), "lxc cluster list:\n\(members)")
                try Self.resetAndRerun()
            }
        }

        @Test("a joiner's LXD dies as joins start: the initiator reports the joiner's own reason; no member names it")
        func aJoinersLXDDies() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let runs = try Self.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                #expect(Self.waitFor("Initializing the cloud", in: runs[0], timeout: 90), "initiator output:\n\(runs[0].output)")
                let pidText = try String(contentsOfFile: servers[2].directory + "/lxd.pid", encoding: .utf8)
                let lxd = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
                kill(lxd, SIGKILL)
                let status = runs[0].wait()
                let report = runs[0].output
                print("--- initiator\n\(report)")
                #expect(status != 0)
                #expect(report.contains("⨯ Error: Where: Join micro03"), "the failed step and member are named:\n\(report)")
                #expect(report.contains("LXD on micro03"), "the joiner's own reason reaches the initiator:\n\(report)")
                #expect(!report.contains("certificate not trusted"), "not a misleading trust error:\n\(report)")
                // micro02 joined before micro03 failed: it names the initiator and itself, not micro03.
                let data = try #require(FileManager.default.contents(atPath: servers[1].stateDir + "/members.json"))
                let names = try JSONDecoder().decode([[String: String]].self, from: data).compactMap { $0["name"] }
                #expect(names.sorted() == ["micro01", "micro02"], "micro02's members: \(names)")
                for joiner in runs.dropFirst() { joiner.wait() }
                try Self.resetAndRerun()
            }
        }

        @Test("an LXD that refuses (a disk another process holds): storage is undone, the report says what remains")
        func lxdRefuses() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                // Something on micro02 holds its first disk exclusively: mkfs.btrfs, and so LXD, must fail there.
                let holder = try Background([Lab.script, "exec", "2", "python3", "-c",
                                             "import os,time; fd=os.open('\(servers[1].disks[0])', os.O_RDONLY|os.O_EXCL); time.sleep(300)"],
                                            tag: "holder")
                Thread.sleep(forTimeInterval: 1)
                let runs = try Self.preseedEverywhere(servers)
                defer { runs.forEach { $0.stop() } }
                let status = runs[0].wait()
                holder.stop()
                let report = runs[0].output
                print("--- initiator\n\(report)")
                #expect(status != 0)
                #expect(report.contains("⨯ Error: Where: Create storage pool local"), "the failed step is named:\n\(report)")
                #expect(report.contains("Undone: ") && report.contains("Define storage pool local on micro01"),
                        "the pending pool definitions are undone:\n\(report)")
                #expect(report.contains("Remains: "), "what remains:\n\(report)")
                let pools = try Lab.exec(1, "lxc", "storage", "list", "--format", "csv").stdout
                #expect(!pools.contains("local,"), "no half-made pool is left:\n\(pools)")
                for joiner in runs.dropFirst() { joiner.wait() }
                try Self.resetAndRerun()
            }
        }
    }
}
