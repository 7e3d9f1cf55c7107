import Foundation
import Testing
@testable import MicroCloudKit

/// Talks to a real LXD's unix socket through curl: a test-only transport, so these tests need no NIO.
/// The socket is a file; LXD itself does all networking, inside its server's network namespace.
struct CurlUnixTransport: HTTPTransport {
    let socket: String

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--max-time", "330", "--unix-socket", socket, "-X", request.method,
                             "-H", "Content-Type: application/json", "--data-binary", "@-",
                             "-w", "\n%{http_code}", "http://lxd" + request.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(request.body))
        try input.fileHandleForWriting.close()
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TransportError(target: socket, reason: "curl exited with \(process.terminationStatus)")
        }
        var text = String(decoding: data, as: UTF8.self)
        let statusLine = text.split(separator: "\n").last.map(String.init) ?? "0"
        text = String(text.dropLast(statusLine.count + 1))
        return HTTPResponse(status: Int(statusLine) ?? 0, body: Array(text.utf8))
    }
}

/// A pristine lab (`scripts/lab up 3`, any names) given by MICROCLOUD_CORE_LAB=<its base dir> and
/// MICROCLOUD_CORE_NET=<its subnet prefix, e.g. 10.233.0>, and which scenario to run on it:
/// MICROCLOUD_CORE_SCENARIO=success|failure. Skipped without them. Each scenario needs a fresh lab.
enum RealLab {
    static let env = ProcessInfo.processInfo.environment
    static let base = env["MICROCLOUD_CORE_LAB"]
    static let net = env["MICROCLOUD_CORE_NET"] ?? "10.231.0"
    static var available: Bool { base.map { FileManager.default.fileExists(atPath: "\($0)/lab.env") } ?? false }
    static func scenario(_ name: String) -> Bool { available && env["MICROCLOUD_CORE_SCENARIO"] == name }

    static func name(_ i: Int) -> String { String(format: "micro%02d", i) }
    static func address(_ i: Int) -> String { "\(net).\(10 + i)" }
    static func lxd(_ i: Int) -> LXDClient {
        LXDClient(transport: CurlUnixTransport(socket: "\(base!)/s\(i)/lxd/unix.socket"), name: "LXD on \(name(i))")
    }
}

@Suite struct LXDRealTests {
    static func plan() -> ClusterPlan {
        let members = (1...3).map { MemberPlan(name: RealLab.name($0), address: RealLab.address($0)) }
        let plan = ClusterPlan(initiator: RealLab.name(1), lookupSubnet: "\(RealLab.net).0/24", members: members,
                               localPool: LocalPoolPlan(driver: "dir"), fallbackBridge: BridgePlan(ipv4: "10.79.0.1/24"))
        return plan
    }

    static func environment(maxParallel: Int) -> BootstrapEnvironment {
        // The certificate a member presents on its cluster address, read over its socket (no TLS probe here).
        let fetch: LocalLXDJoiner.FetchCertificate = { address in
            guard let i = (1...3).first(where: { hostPort(RealLab.address($0), 8443) == address }) else {
                throw TransportError(target: address, reason: "not a lab server")
            }
            let s = try await RealLab.lxd(i).server()
            return (s.certificate, s.certificateFingerprint)
        }
        var agents: [String: any MemberAgent] = [:]
        for i in 2...3 {
            agents[RealLab.name(i)] = LocalLXDJoiner(name: RealLab.name(i), address: RealLab.address(i),
                                                     lxd: RealLab.lxd(i), fetchCertificate: fetch)
        }
        return BootstrapEnvironment(lxd: RealLab.lxd(1), agents: agents, options: BootstrapOptions(maxParallel: maxParallel))
    }

    @Test(.enabled(if: RealLab.scenario("success"), "needs a fresh lab and MICROCLOUD_CORE_SCENARIO=success"))
    func bootstrapThreeRealLXDs() async throws {
        let plan = Self.plan()
        let bootstrapper = Bootstrapper(Self.environment(maxParallel: 4))
        do {
            for try await event in bootstrapper.run(plan) { print(event.jsonLine) }
        } catch let failed as BootstrapFailed {
            print("FAILED: \(failed)\nundone: \(failed.report.undone.map(\.id))\nremains: \(failed.report.remains)")
            throw failed
        }
        let report = try #require(bootstrapper.report)
        for t in report.phaseTimings { print(String(format: "%-20@ %.3fs", t.phase as NSString, t.seconds)) }

        let snapshot = try await ClusterReadback.read(lxd: RealLab.lxd(1))
        #expect(snapshot.members.map(\.serverName).sorted() == ["micro01", "micro02", "micro03"])
        #expect(snapshot.members.allSatisfy { $0.status == "Online" })
        let local = try #require(snapshot.pools.first { $0.name == "local" })
        #expect(local.status == "Created" && local.driver == "dir")
        let bridge = try #require(snapshot.networks.first { $0.name == "lxdbr0" })
        #expect(bridge.config["ipv4.address"] == "10.79.0.1/24")
        #expect(snapshot.profile.devices["root"]?["pool"] == "local")
        #expect(snapshot.profile.devices["eth0"]?["network"] == "lxdbr0")
        for i in 1...3 {
            let server = try await RealLab.lxd(1).server(target: RealLab.name(i))
            #expect(server.config["storage.images_volume"]?.string == "local/images")
            #expect(server.config["core.https_address"]?.string == hostPort(RealLab.address(i), 8443))
        }
    }

    /// The last volume step fails: everything LXD can undo is undone on the real cluster.
    @Test(.enabled(if: RealLab.scenario("failure"), "needs a fresh lab and MICROCLOUD_CORE_SCENARIO=failure"))
    func aFailedRealBootstrapIsUndone() async throws {
        var steps = try Bootstrapper(Self.environment(maxParallel: 1)).steps(for: Self.plan())
        let i = try #require(steps.firstIndex { $0.id == "lxd.volumes.micro03" })
        steps[i].run = { _ in throw BootstrapError("injected failure") }
        let report = try await StepGraph(steps, maxParallel: 1).run { print($0.jsonLine) }
        print("undone: \(report.undone.map(\.id))\nremains: \(report.remains.joined(separator: "\n         "))")
        #expect(report.failure?.message == "injected failure")
        #expect(report.undone.map(\.id) == ["lxd.volumes.micro02", "lxd.volumes.micro01", "lxd.profile.default",
                                            "lxd.network.lxdbr0.pending.micro01", "lxd.pool.local.pending.micro01"])
        #expect(report.remains.count == 3)

        let lxd = RealLab.lxd(1)
        let snapshot = try await ClusterReadback.read(lxd: lxd)
        #expect(snapshot.members.count == 3)
        #expect(snapshot.pools.isEmpty)
        #expect(!snapshot.networks.contains { $0.managed })
        #expect(snapshot.profile.devices.isEmpty)
        for m in 1...3 {
            let config = try await lxd.server(target: RealLab.name(m)).config
            #expect(config["storage.images_volume"] == nil && config["storage.backups_volume"] == nil)
        }
        // A refusal from the real LXD reads as LXD wrote it, naming the call.
        let error = await #expect(throws: LXDError.self) { try await lxd.createStoragePool(name: "x", driver: "nosuch") }
        print(error?.description ?? "")
        #expect(error?.call == "POST /1.0/storage-pools")
    }
}
