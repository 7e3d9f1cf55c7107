import Foundation
import Testing
import MicroCloudKit
@_spi(Fuzzing) import MicroCloudNet
@_spi(Fuzzing) @testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// A join intent's name becomes the server's LXD member name and its address is where the initiator reaches it:
/// a name LXD would refuse, or an address that is not the sender's own, is refused before it is shown or used.
struct JoinIntentIdentityTests {
    static func intent(name: String = "micro02", address: String = "10.0.0.12") -> JoinIntent {
        JoinIntent(name: name, address: address, version: "0", certificate: "", services: [:])
    }

    @Test(arguments: ["micro02", "m2", "node-7.rack1", "a"])
    func aHostNameFromItsOwnAddressIsAccepted(_ name: String) {
        #expect(JoinIntentRequest.identityRefusal(Self.intent(name: name), peerAddress: "10.0.0.12:41234") == nil)
    }

    @Test(arguments: ["", "micro 02", "-micro02", "micro02-", "micro_02", "mïcro02", "micro02\n⨯ Error: fake line",
                      "a..b", String(repeating: "a", count: 64)])
    func aNameLXDWouldRefuseIsRefusedNamingTheRule(_ name: String) throws {
        let refusal = try #require(JoinIntentRequest.identityRefusal(Self.intent(name: name), peerAddress: "10.0.0.12:41234"))
        #expect(refusal.status == 400)
        #expect(refusal.message.hasPrefix("The join intent's name \(name.debugDescription) is not a valid member name."))
        #expect(refusal.message.contains(MemberName.rule))
        #expect(!refusal.message.contains("\n"), "a control character is shown escaped: \(refusal.message)")
    }

    @Test func anAddressThatIsNotTheSendersIsRefusedWithBoth() throws {
        let refusal = try #require(JoinIntentRequest.identityRefusal(Self.intent(address: "10.0.0.66"), peerAddress: "10.0.0.12:41234"))
        #expect(refusal.message == "The join intent of \"micro02\" gives the address 10.0.0.66, but it came from 10.0.0.12: "
            + "a server joins from its own address. Check the address that server has on the lookup network, then join again.")
    }

    @Test(arguments: ["micro02.lan", "10.0.0.12:9443", "", "010.0.0.12"])
    func anAddressThatIsNotAnIPAddressIsRefused(_ address: String) throws {
        let refusal = try #require(JoinIntentRequest.identityRefusal(Self.intent(address: address), peerAddress: "10.0.0.12:41234"))
        #expect(refusal.message.contains("which is not an IP address"), "\(refusal.message)")
    }

    @Test func theSameAddressWrittenAnotherWayOrMappedIsTheSame() {
        #expect(JoinIntentRequest.identityRefusal(Self.intent(address: "fd00:0:0::12"), peerAddress: "[fd00::12]:41234") == nil)
        #expect(JoinIntentRequest.identityRefusal(Self.intent(address: "10.0.0.12"), peerAddress: "[::ffff:10.0.0.12]:41234") == nil)
    }

}

/// In the trust session suite: its tests run one at a time (the test daemons share a port).
extension TrustSessionTests {
    /// A real initiator: an intent with the right passphrase and certificate but someone else's address is refused,
    /// and nothing reaches the session.
    @Test func theInitiatorRefusesAnIntentForAnotherAddress() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        let passphrase = "alpha bravo charlie delta"
        _ = try await cloud.control(0).openSession(SessionOpen(role: .initiator, timeoutSeconds: 60, passphrase: passphrase))
        let directory = cloud.dirs[0] + "-other"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let other = try Identity.loadOrCreate(directory: directory, name: "micro09", addresses: ["127.0.0.9"])
        // It claims 127.0.0.9 but connects from 127.0.0.10.
        let intent = JoinIntent(name: "micro09", address: "127.0.0.9", version: "0", certificate: other.certificatePEM, services: [:])
        let body = Array(try JSONEncoder().encode(intent))
        let salt = try #require(await cloud.daemons[0].session?.verifier.salt)
        let header = try JoinKey.derive(passphrase: passphrase, salt: salt).sign(body: body)
        let client = HTTPClient.tls(host: "127.0.0.2", port: TestCloud.port, credentials: other.credentials, pin: .any,
                                    source: "127.0.0.10")
        let r = try await client.send(HTTPRequest(method: "POST", path: "/1.0/session/join", headers: ["Authorization": header], body: body))
        #expect(r.status == 400)
        #expect(r.text.contains("gives the address 127.0.0.9, but it came from 127.0.0.10"), "\(r.text)")
        let events = try await cloud.control(0).events(after: 0, wait: 0).events
        #expect(!events.contains { $0.kind == .intent }, "\(events)")
    }
}
