import Foundation
import Testing
import MicroCloudKit
import MicroCloudNet
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// How sessions end, and what the initiator learns when a joiner's join ends badly. In the trust session suite:
/// its tests run one at a time (the test daemons share a port).
extension TrustSessionTests {
    @Test func aSessionWhoseOwnerProcessIsGoneIsClosed() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        let gone = try Subprocess.start(["/bin/true"])
        _ = Subprocess.wait(gone)
        _ = try await cloud.control(0).openSession(SessionOpen(role: .initiator, timeoutSeconds: 60, ownerPID: gone))
        let ended = try await cloud.waitEvent(0, .ended, timeout: 10)
        #expect(ended.message?.contains("(pid \(gone)) ended") == true, "\(ended.message ?? "")")
        let status = try await cloud.control(0).sessionStatus()
        #expect(!status.active && status.owner_pid == gone)
    }

    @Test func aSessionOwnedByThisProcessStaysOpen() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        _ = try await cloud.control(0).openSession(SessionOpen(role: .initiator, timeoutSeconds: 60))
        try await Task.sleep(for: .seconds(2))
        let status = try await cloud.control(0).sessionStatus()
        #expect(status.active && status.owner_pid == getpid())
    }

    @Test func aFailedJoinReachesTheInitiatorWithTheJoinersOwnReason() async throws {
        let cloud = try await TestCloud.start(2)
        defer { Task { await cloud.stop() } }
        let opened = try await cloud.control(0).openSession(SessionOpen(role: .initiator, timeoutSeconds: 60))
        _ = try await cloud.control(1).openSession(SessionOpen(role: .joiner, timeoutSeconds: 60, passphrase: opened.passphrase,
                                                               initiatorAddress: "127.0.0.2"))
        let intent = try await cloud.waitEvent(0, .intent)
        try await cloud.control(0).confirm([try #require(intent.fingerprint)])
        _ = try await cloud.waitEvent(1, .confirmed)

        // The joiner's LXD is not there (the test daemons point at a socket nobody serves): its join fails, which
        // ends its session. The initiator must still read why.
        let initiator = Peer(name: "micro01", address: "127.0.0.2", fingerprint: Fingerprint(cloud.daemons[0].identity.fingerprint))
        let joiner = Peer(name: "micro02", address: "127.0.0.3", fingerprint: Fingerprint(try #require(intent.fingerprint)))
        let links = MemberLinks(local: initiator, stateDir: cloud.dirs[0], credentials: cloud.daemons[0].identity.credentials,
                                port: TestCloud.port)
        let agent = RemoteMemberAgent(member: joiner, daemon: links.daemon(joiner, timeout: .seconds(20)), initiator: initiator)
        let token = LXDJoinToken(serverName: "micro02", fingerprint: "ab", addresses: ["127.0.0.2:8443"], secret: "s", expiresAt: "").encoded
        do {
            try await agent.join(services: [ServiceJoin(service: .lxd, token: token)]) { _ in }
            Issue.record("the join should fail: micro02 has no LXD")
        } catch {
            let text = "\(error)"
            #expect(text.contains("LXD on micro02"), "the joiner's own reason: \(text)")
            #expect(!text.contains("not trusted"), "not a trust error: \(text)")
        }
        // It recorded no membership: it never joined.
        #expect(try await cloud.control(1).members().isEmpty)
    }
}
