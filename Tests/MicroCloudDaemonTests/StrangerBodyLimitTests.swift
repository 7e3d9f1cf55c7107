import Foundation
import MicroCloudKit
import MicroCloudNet
import Testing
@testable import MicroCloudDaemon

/// In the trust session suite: its tests run one at a time (the test daemons share a port).
extension TrustSessionTests {
    /// Issue 20: two certificate-less connections declaring 8 MiB bodies on a trusted route reserved the shared
    /// 16 MiB body budget before the caller was checked, and every request with a body got 503. A caller the
    /// daemon does not know is now refused from the request's head with the public routes' limit; a member's
    /// certificate still carries a large body to the handler.
    @Test func aStrangerCannotReserveATrustedRoutesBody() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        let directory = cloud.dirs[0] + "-other"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let other = try Identity.loadOrCreate(directory: directory, name: "micro09", addresses: ["127.0.0.9"])
        let large = [UInt8](repeating: UInt8(ascii: " "), count: 5 << 20)
        let put = HTTPRequest(method: "PUT", path: "/1.0/services", body: large)

        let anonymous = try await HTTPClient.tls(host: "127.0.0.2", port: TestCloud.port, credentials: nil, pin: .any).send(put)
        let stranger = HTTPClient.tls(host: "127.0.0.2", port: TestCloud.port, credentials: other.credentials, pin: .any)
        let refused = try await stranger.send(put)
        #expect(anonymous.status == 413 && anonymous.text.contains("larger than \(Daemon.publicBodyLimit) bytes"), "\(anonymous.text)")
        #expect(refused.status == 413 && refused.text.contains("larger than \(Daemon.publicBodyLimit) bytes"), "\(refused.text)")

        // The same certificate once it is a member: the body reaches the handler (which finds it malformed).
        try await cloud.daemons[0].recordMembers([Peer(name: "micro09", address: "127.0.0.9", fingerprint: Fingerprint(other.fingerprint))])
        let member = try await stranger.send(put)
        #expect(member.status == 400 && member.text.contains("Malformed request body"), "\(member.status) \(member.text)")
    }
}
