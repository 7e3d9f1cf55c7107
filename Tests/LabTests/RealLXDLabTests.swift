import Foundation
import Testing
@testable import MicroCloudKit

/// Talks to a lab server's LXD through curl on its unix socket, run inside that server's namespaces (`lab exec`):
/// a test-only transport, so these tests need no NIO. LXD itself does all networking, in its own namespace.
struct LabLXDTransport: HTTPTransport {
    let server: Int
    let socket: String

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = Command.temporaryFile("lxd-body")
        try Data(request.body).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let result = try Command.run([Lab.script, "exec", String(server), "curl", "-s", "--max-time", "330",
                                      "--unix-socket", socket, "-X", request.method, "-H", "Content-Type: application/json",
                                      "--data-binary", "@" + body.path, "-w", "\n%{http_code}", "http://lxd" + request.path],
                                     environment: Lab.knobs)
        guard result.succeeded else {
            throw TransportError(target: socket, reason: "curl exited with \(result.status): \(result.stderr)")
        }
        var text = result.stdout
        let statusLine = text.split(separator: "\n").last.map(String.init) ?? "0"
        text = String(text.dropLast(statusLine.count + 1))
        return HTTPResponse(status: Int(statusLine) ?? 0, body: Array(text.utf8))
    }
}

/// The bootstrap core (Kit's Bootstrapper, no daemons in between) on three real, pristine LXD 5.0.2 servers.
extension LabSuite {
    @Suite struct RealLXD {
        static func lxd(_ servers: [LabServer], _ i: Int) -> LXDClient {
            LXDClient(transport: LabLXDTransport(server: i + 1, socket: servers[i].lxdDir + "/unix.socket"),
                      name: "LXD on \(servers[i].name)")
        }

        static func plan(_ servers: [LabServer]) -> ClusterPlan {
            ClusterPlan(initiator: servers[0].name, lookupSubnet: Lab.testSubnet,
                        members: servers.map { MemberPlan(name: $0.name, address: $0.address) },
                        localPool: LocalPoolPlan(driver: "dir"), fallbackBridge: BridgePlan(ipv4: "10.79.0.1/24"))
        }

        static func environment(_ servers: [LabServer], maxParallel: Int) -> BootstrapEnvironment {
            // The certificate a member presents on its cluster address, read over its socket (no TLS probe here).
            let fetch: LocalLXDJoiner.FetchCertificate = { address in
                guard let i = servers.firstIndex(where: { hostPort($0.address, 8443) == address }) else {
                    throw TransportError(target: address, reason: "not a lab server")
                }
                let s = try await lxd(servers, i).server()
                return (s.certificate, s.certificateFingerprint)
            }
            var agents: [String: any MemberAgent] = [:]
            for i in servers.indices.dropFirst() {
                agents[servers[i].name] = LocalLXDJoiner(name: servers[i].name, address: servers[i].address,
                                                         lxd: lxd(servers, i), fetchCertificate: fetch)
            }
            return BootstrapEnvironment(lxd: lxd(servers, 0), agents: agents, options: BootstrapOptions(maxParallel: maxParallel))
        }

        @Test("the bootstrap core on 3 real LXDs: members online, pool, lxdbr0 with its description on every member, profile, volumes")
        func bootstrapThreeRealLXDs() async throws {
            try await Lab.with(servers: 3) { servers in
                let bootstrapper = Bootstrapper(Self.environment(servers, maxParallel: 4))
                do {
                    for try await event in bootstrapper.run(Self.plan(servers)) { print(event.jsonLine) }
                } catch let failed as BootstrapFailed {
                    print("FAILED: \(failed)\nundone: \(failed.report.undone.map(\.id))\nremains: \(failed.report.remains)")
                    throw failed
                }
                let report = try #require(bootstrapper.report)
                for t in report.phaseTimings { print(String(format: "%-20@ %.3fs", t.phase as NSString, t.seconds)) }

                let lxd = Self.lxd(servers, 0)
                let snapshot = try await ClusterReadback.read(lxd: lxd)
                #expect(snapshot.members.map(\.serverName).sorted() == servers.map(\.name))
                #expect(snapshot.members.allSatisfy { $0.status == "Online" })
                let local = try #require(snapshot.pools.first { $0.name == "local" })
                #expect(local.status == "Created" && local.driver == "dir")
                let bridge = try #require(snapshot.networks.first { $0.name == "lxdbr0" })
                #expect(bridge.config["ipv4.address"] == "10.79.0.1/24")
                #expect(snapshot.profile.devices["root"]?["pool"] == "local")
                #expect(snapshot.profile.devices["eth0"]?["network"] == "lxdbr0")
                for (i, server) in servers.enumerated() {
                    let config = try await lxd.server(target: server.name).config
                    #expect(config["storage.images_volume"]?.string == "local/images")
                    #expect(config["core.https_address"]?.string == hostPort(server.address, 8443))
                    // LXD 5.0.2 drops it on the final create; the bootstrap sets it again, for every member to see.
                    #expect(try Lab.networkDescriptions(i + 1)["lxdbr0"] == "Default bridge network", "lxc network list on \(server.name)")
                }
            }
        }

        /// The last volume step fails: everything LXD can undo is undone on the real cluster.
        @Test("a failure in the last step of a real bootstrap undoes what LXD can undo and names what remains")
        func aFailedRealBootstrapIsUndone() async throws {
            try await Lab.with(servers: 3) { servers in
                var steps = try Bootstrapper(Self.environment(servers, maxParallel: 1)).steps(for: Self.plan(servers))
                let last = StepID.volumes(servers[2].name)
                let i = try #require(steps.firstIndex { $0.id == last })
                steps[i].run = { _ in throw BootstrapError("injected failure") }
                let recording = Locked<[String]>([])
                let report = try await StepGraph(steps, maxParallel: 1).run { e in
                    print(e.jsonLine)
                    recording.withLock { $0.append(e.jsonLine) }
                }
                print("undone: \(report.undone.map(\.id))\nremains: \(report.remains.joined(separator: "\n         "))")
                // Kept for the TUI's failure golden (Tests/MicroCloudTUITests/Golden/recorded-lab-failure.*).
                let base = FileManager.default.temporaryDirectory.appendingPathComponent("labtests-real-failure").path
                try (recording.current.joined(separator: "\n") + "\n").write(toFile: base + ".jsonl", atomically: true, encoding: .utf8)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(report).write(to: URL(fileURLWithPath: base + "-report.json"))
                print("the failed bootstrap's recording: \(base).jsonl and \(base)-report.json")
                let (first, second) = (servers[0].name, servers[1].name)
                #expect(report.failure?.message == "injected failure")
                #expect(report.undone.map(\.id.rawValue) == ["lxd.volumes.\(second)", "lxd.volumes.\(first)", "lxd.profile.default",
                                                    "lxd.network.lxdbr0.pending.\(first)", "lxd.pool.local.pending.\(first)"])
                #expect(report.remains.count == 3)

                let lxd = Self.lxd(servers, 0)
                let snapshot = try await ClusterReadback.read(lxd: lxd)
                #expect(snapshot.members.count == 3)
                #expect(snapshot.pools.isEmpty)
                #expect(!snapshot.networks.contains { $0.managed })
                #expect(snapshot.profile.devices.isEmpty)
                for server in servers {
                    let config = try await lxd.server(target: server.name).config
                    #expect(config["storage.images_volume"] == nil && config["storage.backups_volume"] == nil)
                }
                // A refusal from the real LXD reads as LXD wrote it, naming the call.
                let error = await #expect(throws: LXDError.self) { try await lxd.createStoragePool(name: "x", driver: "nosuch") }
                print(error?.description ?? "")
                #expect(error?.call == "POST /1.0/storage-pools")
            }
        }
    }
}
