import Foundation
import Testing

/// `microcloud preseed` on the lab's servers forms a real LXD cluster.
extension LabSuite {
    @Suite struct Preseed {
        /// `systemKeys` go under every system's name (e.g. "\n    ovn_uplink_interface: uplinkbr0").
        static func file(servers: [LabServer], passphrase: String = "lab preseed test words", systemKeys: String = "") -> String {
            """
            initiator: \(servers[0].name)
            lookup_subnet: \(servers[0].subnet)
            session_passphrase: \(passphrase)
            systems:
            \(servers.map { "  - name: \($0.name)\(systemKeys)" }.joined(separator: "\n"))
            storage:
              local:
                - find: serial == disk1.img
                  wipe: true
            """
        }

        /// Runs the same file on every server at once, as an operator would; returns each server's output.
        static func runEverywhere(_ servers: [LabServer], yaml: String,
                                  cli: String = MicroCloudCLI.path) throws -> [(status: Int32, output: String)] {
            let path = Command.temporaryFile("preseed").appendingPathExtension("yaml")
            try yaml.write(to: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: path) }
            let runs = try servers.enumerated().map { i, server in
                try Background([Lab.script, "exec", String(i + 1), "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)",
                                cli, "preseed", "--file", path.path], tag: "preseed-\(server.name)")
            }
            return runs.map { run in (run.wait(), run.output) }
        }

        /// Runs the file everywhere and checks every server got through it; returns the initiator's output.
        /// The initiator exits 0, or 3 (and says so in its last line) when `setbacks` are expected.
        static func runFormingCloud(_ servers: [LabServer], yaml: String, setbacks: Bool = false,
                                    cli: String = MicroCloudCLI.path) throws -> String {
            let results = try runEverywhere(servers, yaml: yaml, cli: cli)
            for (server, r) in zip(servers, results) {
                print("--- preseed on \(server.name) (exit \(r.status))\n\(r.output)")
                let expected: Int32 = setbacks && server.name == servers[0].name ? 3 : 0
                #expect(r.status == expected, "preseed on \(server.name) exits \(expected):\n\(r.output)")
            }
            let last = results[0].output.split(separator: "\n").last ?? ""
            #expect(last.contains("MicroCloud is ready with ") == setbacks, "the initiator's last line: \(last)")
            #expect(results[0].output.contains("MicroCloud is ready"))
            for r in results.dropFirst() { #expect(r.output.contains("Successfully joined the MicroCloud cluster")) }
            return results[0].output
        }

        @Test("a preseed that picks all 3 servers and a local disk each forms a 3-member LXD cluster; an instance per member on lxdbr0")
        func threeServerCluster() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let results = try Self.runEverywhere(servers, yaml: Self.file(servers: servers))
                for (server, r) in zip(servers, results) {
                    print("--- preseed on \(server.name) (exit \(r.status))\n\(r.output)")
                    #expect(r.status == 0, "preseed on \(server.name) failed:\n\(r.output)")
                }
                let initiator = results[0].output
                #expect(initiator.contains("MicroCloud is ready"))
                #expect(initiator.contains("Wall time per phase"))
                for r in results.dropFirst() { #expect(r.output.contains("Successfully joined the MicroCloud cluster")) }

                // What an operator checks, in any server's namespace.
                for index in 1...3 {
                    let members = try Lab.exec(index, "lxc", "cluster", "list", "--format", "csv").stdout
                    let rows = members.split(separator: "\n")
                    #expect(rows.count == 3, "lxc cluster list on server \(index):\n\(members)")
                    #expect(rows.allSatisfy { $0.contains(",ONLINE,") }, "every member ONLINE:\n\(members)")
                }
                let pools = try Lab.exec(2, "lxc", "storage", "list", "--format", "csv").stdout
                #expect(pools.contains("local,btrfs,") && pools.contains("CREATED"), "lxc storage list:\n\(pools)")
                let networks = try Lab.exec(3, "lxc", "network", "list", "--format", "csv").stdout
                #expect(networks.contains("lxdbr0,bridge,YES"), "lxc network list:\n\(networks)")
                // LXD 5.0.2 drops the description on the network's final create; the bootstrap sets it again.
                for index in 1...3 {
                    #expect(try Lab.networkDescriptions(index)["lxdbr0"] == "Default bridge network", "lxc network list on server \(index)")
                }
                // `lab exec` gives the CLI its server's state dir and puts the built microcloud on PATH.
                let status = try Lab.exec(2, "microcloud", "status").stdout
                #expect(status.contains("HEALTHY") && status.contains("(3 of 3 members online)"), "microcloud status:\n\(status)")
                let profile = try Lab.exec(1, "lxc", "profile", "show", "default").stdout
                #expect(profile.contains("pool: local") && profile.contains("path: /"), "root disk:\n\(profile)")
                #expect(profile.contains("network: lxdbr0") && profile.contains("type: nic"), "nic:\n\(profile)")
                // Each member's local pool sits on that member's own disk (LXD keeps the path it was given here).
                for (index, server) in servers.enumerated() {
                    let source = try Lab.exec(index + 1, "lxc", "storage", "get", "local", "volatile.initial_source",
                                              "--target", server.name).stdout
                    #expect(source.trimmingCharacters(in: .whitespacesAndNewlines) == server.disks[0])
                }
                try Self.expectInstancesOnFallbackBridge(servers)
            }
        }

        /// The LXD-only cloud runs instances: one per member on `lxdbr0`, each addressed by its member's dnsmasq in
        /// the bridge's subnet and reaching the bridge (no tunnel joins the members' bridges: that is what OVN adds).
        static func expectInstancesOnFallbackBridge(_ servers: [LabServer]) throws {
            try Lab.run("image", "1")
            let addresses = try Instances.launchOnEveryMember(servers, pool: "local")
            let bridge = try Lab.exec(1, "lxc", "network", "get", "lxdbr0", "ipv4.address").stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let gateway = String(bridge.split(separator: "/")[0])
            let prefix = gateway.split(separator: ".").dropLast().joined(separator: ".") + "."
            for server in servers {
                let name = Instances.name(server)
                #expect(addresses[name]?.hasPrefix(prefix) == true, "\(name) is in lxdbr0's subnet \(bridge): \(addresses)")
                let ping = Instances.ping(from: name, gateway)
                print("\(name) -> lxdbr0 \(gateway) on \(server.name): \(ping.summary)")
                #expect(ping.ok, "\(name) pings lxdbr0 on \(server.name):\n\(ping.output)")
            }
        }

        @Test("after a preseed run the initiator's session is closed: a join intent with the right passphrase is refused")
        func sessionClosedAfterTheRun() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let pair = Array(servers.prefix(2))
                let results = try Self.runEverywhere(pair, yaml: Self.file(servers: pair))
                for (server, r) in zip(pair, results) {
                    try #require(r.status == 0, "preseed on \(server.name) failed:\n\(r.output)")
                }
                #expect(results[0].output.contains("MicroCloud is ready"))
                // micro03 comes late, with the right passphrase, straight to micro01's address (no mDNS needed).
                let late = """
                    initiator_address: \(servers[0].address)
                    session_passphrase: lab preseed test words
                    lookup_timeout: 10
                    systems:
                    \(servers.map { "  - name: \($0.name)\n    address: \($0.address)" }.joined(separator: "\n"))
                    """
                let path = Command.temporaryFile("late").appendingPathExtension("yaml")
                try late.write(to: path, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: path) }
                let joiner = try Background([Lab.script, "exec", "3", "env", "MICROCLOUD_STATE_DIR=\(servers[2].stateDir)",
                                             MicroCloudCLI.path, "preseed", "--file", path.path], tag: "late")
                defer { joiner.stop() }
                let refused = Failures.waitFor("No active session", in: joiner, timeout: 60)
                #expect(refused, "the intent must be refused by the closed session; micro03 said:\n\(joiner.output)")
                if refused { #expect(joiner.wait() != 0) }
                let info = try Lab.exec(1, "env", "MICROCLOUD_STATE_DIR=\(servers[0].stateDir)", MicroCloudCLI.path, "status").stdout
                #expect(!info.contains("micro03"), "micro03 never joined:\n\(info)")
            }
        }

        @Test("a wrong passphrase on a joiner is rejected; the initiator reports who never reached out")
        func wrongPassphrase() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 2) { servers in
                let good = Self.file(servers: servers) + "\nlookup_timeout: 8\n"
                let bad = good.replacingOccurrences(of: "lab preseed test words", with: "not the right words")
                let goodPath = Command.temporaryFile("good").appendingPathExtension("yaml")
                let badPath = Command.temporaryFile("bad").appendingPathExtension("yaml")
                try good.write(to: goodPath, atomically: true, encoding: .utf8)
                try bad.write(to: badPath, atomically: true, encoding: .utf8)
                let initiator = try Background([Lab.script, "exec", "1", "env", "MICROCLOUD_STATE_DIR=\(servers[0].stateDir)",
                                                MicroCloudCLI.path, "preseed", "--file", goodPath.path], tag: "init")
                defer { initiator.stop() }
                Thread.sleep(forTimeInterval: 1)
                let joiner = try Command.run([Lab.script, "exec", "2", "env", "MICROCLOUD_STATE_DIR=\(servers[1].stateDir)",
                                              MicroCloudCLI.path, "preseed", "--file", badPath.path], environment: Lab.knobs)
                let initStatus = initiator.wait()
                let initText = initiator.output
                #expect(joiner.status != 0)
                #expect((joiner.stdout + joiner.stderr).contains("Wrong passphrase"), "joiner output:\n\(joiner.stdout)\(joiner.stderr)")
                #expect(initStatus != 0)
                #expect(initText.contains("wrong passphrase (attempt 1 of"), "initiator output:\n\(initText)")
                #expect(initText.contains("System \"micro02\" hasn't reached out"), "initiator output:\n\(initText)")
                // Nothing was formed.
                let members = try Lab.exec(1, "lxc", "query", "/1.0").stdout
                #expect(members.contains("\"server_clustered\": false"))
            }
        }
    }
}
