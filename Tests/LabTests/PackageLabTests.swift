import Foundation
import MicroCloudKit
import Testing

/// The Debian package (`scripts/package`, issue 23): what ships forms a cloud, and `dpkg` installs, runs, removes and
/// purges it as an operator would see it.
extension LabSuite {
    @Suite struct DebianPackage {
        /// The package `scripts/package` makes for this version (scripts/test makes it before the lab pass).
        static let deb = Lab.repository.appendingPathComponent("out/microcloud_\(MicroCloudVersion.current)_amd64.deb").path
        static let unit = "/lib/systemd/system/microcloudd.service"
        static let wants = "/etc/systemd/system/multi-user.target.wants/microcloudd.service"
        static let state = "/var/lib/microcloud"

        /// Runs `body` with `variables` in this process's environment (the lab scripts it starts inherit them), then
        /// restores them. The lab suite runs one test at a time.
        static func withEnvironment<T>(_ variables: [String: String], _ body: () throws -> T) rethrows -> T {
            let before = variables.keys.map { ($0, getenv($0).map { String(cString: $0) }) }
            for (name, value) in variables { setenv(name, value, 1) }
            defer { for (name, value) in before { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
            return try body()
        }

        /// The pids of processes running `executable`.
        static func processes(running executable: String) -> [pid_t] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap(pid_t.init).filter {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\($0)/exe")) == executable
            }
        }

        static func installed() -> Bool {
            let r = try? Command.run(["dpkg-query", "-W", "-f", "${Status}", "microcloud"])
            return r?.stdout == "install ok installed"
        }

        @Test("the package's binaries, unpacked, run the lab: the LXD-only preseed forms a 3-member cluster")
        func unpackedFormsCloud() throws {
            try #require(FileManager.default.fileExists(atPath: Self.deb), "make the package first: scripts/package (\(Self.deb))")
            let root = Command.temporaryFile("deb").path
            try Command.check(["dpkg-deb", "-x", Self.deb, root])
            defer { try? FileManager.default.removeItem(atPath: root) }
            let daemon = root + "/usr/sbin/microcloudd", cli = root + "/usr/bin/microcloud"
            try Self.withEnvironment(["MICROCLOUDD": daemon, "MICROCLOUD": cli]) {
                try Lab.with(servers: 3) { servers in
                    #expect(Self.processes(running: daemon).count == 3, "every lab server runs the packaged microcloudd")
                    // `lab exec` puts the packaged CLI on PATH, as the package does on a server.
                    let version = try Lab.exec(1, "microcloud", "--version").stdout
                    #expect(version == MicroCloudVersion.current + "\n", "microcloud --version: \(version)")
                    try Preseed.runFormingCloud(servers, yaml: Preseed.file(servers: servers), cli: cli)
                    for index in 1...3 {
                        let members = try Lab.exec(index, "lxc", "cluster", "list", "--format", "csv").stdout
                        let rows = members.split(separator: "\n")
                        #expect(rows.count == 3 && rows.allSatisfy { $0.contains(",ONLINE,") },
                                "lxc cluster list on server \(index):\n\(members)")
                    }
                    let pools = try Lab.exec(2, "lxc", "storage", "list", "--format", "csv").stdout
                    #expect(pools.contains("local,btrfs,") && pools.contains("CREATED"), "lxc storage list:\n\(pools)")
                    let status = try Lab.exec(3, "microcloud", "status").stdout
                    #expect(status.contains("HEALTHY") && status.contains("(3 of 3 members online)"), "microcloud status:\n\(status)")
                }
            }
        }

        @Test("dpkg -i: unit enabled and valid, its ExecStart runs the daemon, man pages and --version; -r keeps the state, -P removes it")
        func installRemovePurge() throws {
            try #require(FileManager.default.fileExists(atPath: Self.deb), "make the package first: scripts/package (\(Self.deb))")
            try #require(!Self.installed(), "microcloud is installed on this machine already; the test installs and purges its own")
            try #require(!FileManager.default.fileExists(atPath: Self.state), "\(Self.state) exists already; the test would purge it")
            // One lab server: its network namespace keeps the daemon's announcement and peer port off the machine's network.
            try Lab.with(servers: 1) { _ in
                defer { if Self.installed() { _ = try? Command.run(["dpkg", "-P", "microcloud"]) } }
                let install = try Command.check(["dpkg", "-i", Self.deb])
                print(install.stdout + install.stderr)

                #expect(FileManager.default.fileExists(atPath: Self.unit))
                let link = try? FileManager.default.destinationOfSymbolicLink(atPath: Self.wants)
                #expect(link == Self.unit, "enabled: \(Self.wants) -> \(link ?? "nothing")")
                // systemctl reads the unit files offline when systemd is not running.
                let enabled = try Command.run(["systemctl", "is-enabled", "microcloudd.service"])
                #expect(enabled.stdout == "enabled\n", "systemctl is-enabled:\n\(enabled.failureDescription)")
                let verify = try Command.run(["systemd-analyze", "verify", Self.unit])
                #expect(verify.succeeded && verify.stderr.isEmpty, "systemd-analyze verify:\n\(verify.failureDescription)")

                let version = try Command.check(["/usr/bin/microcloud", "--version"]).stdout
                let packaged = try Command.check(["dpkg-query", "-W", "-f", "${Version}", "microcloud"]).stdout
                #expect(version == packaged + "\n", "microcloud --version \(version) against the package's \(packaged)")
                let page = try Command.run(["man", "-P", "cat", "microcloud-init"], environment: ["MANWIDTH": "100"])
                #expect(page.succeeded && page.stdout.contains("microcloud init"), "man microcloud-init:\n\(page.failureDescription)")
                let daemonPage = try Command.run(["man", "-P", "cat", "8", "microcloudd"])
                #expect(daemonPage.succeeded && daemonPage.stdout.contains("state-dir"), "man 8 microcloudd")

                // The unit's own ExecStart line, run by hand in the lab server's namespaces (no systemd as PID 1 here),
                // in place of the lab's daemon (the same peer port).
                try Lab.run("stop-daemon", "1")
                let unitText = try String(contentsOfFile: Self.unit, encoding: .utf8)
                let execStart = try #require(unitText.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
                let command = execStart.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
                #expect(command.first == "/usr/sbin/microcloudd")
                let daemon = try Background([Lab.script, "exec", "1"] + command, tag: "unit-execstart")
                defer { daemon.stop() }
                let socket = Self.state + "/control.socket"
                var answer = ""
                for _ in 0..<150 where answer.isEmpty {
                    let r = try Command.run(["curl", "-sf", "-m", "2", "--unix-socket", socket, "http://microcloud/1.0/members"])
                    if r.succeeded { answer = r.stdout } else { Thread.sleep(forTimeInterval: 0.2) }
                }
                #expect(!answer.isEmpty, "the daemon answers on \(socket):\n\(daemon.output)")
                print("GET /1.0/members on \(socket): \(answer)")
                daemon.stop()
                let identity = (try? FileManager.default.contentsOfDirectory(atPath: Self.state)) ?? []
                #expect(!identity.isEmpty, "the daemon wrote its identity into \(Self.state)")

                try Command.check(["dpkg", "-r", "microcloud"])
                #expect(!FileManager.default.fileExists(atPath: "/usr/sbin/microcloudd"))
                let kept = (try? FileManager.default.contentsOfDirectory(atPath: Self.state)) ?? []
                #expect(Set(identity.filter { $0 != "control.socket" }).isSubset(of: Set(kept)),
                        "dpkg -r keeps \(Self.state): \(kept) of \(identity)")
                try Command.check(["dpkg", "-P", "microcloud"])
                #expect(!FileManager.default.fileExists(atPath: Self.state), "dpkg -P removes \(Self.state)")
                #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: Self.wants)) == nil, "dpkg -P removes \(Self.wants)")
            }
        }
    }
}
