import Foundation
import Testing
@testable import MicroCloudKit

/// A join tried again through a link fault (a member's cable out for a while), never through a refusal, and never
/// into an error when the join went through but its answer was lost.
struct LinkFaultTests {
    @Test(arguments: [
        ("10.0.0.1:8443: host unreachable", true),
        ("Failed to join: dial tcp 10.0.0.1:8443: connect: no route to host", true),
        ("dial tcp 10.0.0.1:8443: connect: network is unreachable", true),
        ("10.0.0.12:9443: timed out connecting after 300 s", true),
        ("Get \"https://10.0.0.1:8443/1.0\": dial tcp 10.0.0.1:8443: i/o timeout", true),
        ("m3: unable to connect to any of the cluster members specified in the join token (10.0.0.1:8443: 10.0.0.1:8443: timed out after 10 s waiting for the TLS handshake)", true),
        ("10.0.0.12:9443: connection refused", false),
        ("m2: unable to connect to any of the cluster members specified in the join token (10.0.0.1:8443 presents certificate 0123456789ab, the token expects 5ee1b7e4f2c0)", false),
        ("LXD on m2: PUT /1.0/cluster failed (400): No matching cluster join operation found", false),
    ])
    func aLinkFaultIsToldApartFromARefusal(_ message: String, _ transient: Bool) {
        #expect(LinkFault.isTransient(message) == transient, "\(message)")
    }

    /// A poll whose connection broke when the link came back (the far side had given up on it) is repeated; the
    /// next try tells a dead daemon (refused) from a link still down.
    @Test(arguments: [
        ("10.0.0.13:9443: connection closed during TLS (peer may have rejected the handshake)", true),
        ("10.0.0.13:9443: connection closed before a complete response", true),
        ("10.0.0.13:9443: connection reset by peer", true),
        ("10.0.0.13:9443: TLS handshake failed: Error:  EOF during handshake", true),
        ("10.0.0.13:9443: host unreachable", true),
        ("10.0.0.13:9443: connection refused", false),
        ("10.0.0.13:9443: TLS handshake failed: CERTIFICATE_VERIFY_FAILED", false),
    ])
    func aBrokenPollIsRepeatedARefusalIsNot(_ message: String, _ repeated: Bool) {
        #expect(LinkFault.isTransientOrBroken(TransportError(target: "x", reason: message)) == repeated, "\(message)")
        #expect(LinkFault.isTransient(message) == false || repeated, "\(message)")
    }

    @Test func aLinkFaultIsTriedAgainUntilItPasses() async throws {
        let tries = Locked(0), told = Locked<[String]>([])
        let value = try await LinkFault.retrying(window: .seconds(60), interval: .milliseconds(5),
                                                 waiting: { reason, _ in told.withLock { $0.append(reason) } }) {
            guard tries.withLock({ $0 += 1; return $0 }) > 2 else {
                throw TransportError(target: "10.0.0.1:8443", reason: "host unreachable")
            }
            return "joined"
        }
        #expect(value == "joined" && tries.current == 3)
        #expect(told.current == ["10.0.0.1:8443: host unreachable", "10.0.0.1:8443: host unreachable"])
    }

    @Test func aRefusalIsNotTriedAgain() async throws {
        let tries = Locked(0)
        await #expect(throws: TransportError.self) {
            try await LinkFault.retrying(window: .seconds(5), interval: .milliseconds(5)) { () async throws -> Void in
                tries.withLock { $0 += 1 }
                throw TransportError(target: "10.0.0.1:8443", reason: "connection refused")
            }
        }
        #expect(tries.current == 1)
    }

    @Test func aLinkThatStaysDownEndsWithItsLastErrorAfterTheWindow() async throws {
        let tries = Locked(0)
        let error = await #expect(throws: TransportError.self) {
            try await LinkFault.retrying(window: .milliseconds(60), interval: .milliseconds(10)) { () async throws -> Void in
                tries.withLock { $0 += 1 }
                throw TransportError(target: "10.0.0.1:8443", reason: "host unreachable")
            }
        }
        #expect(error?.reason == "host unreachable")
        #expect((2...7).contains(tries.current), "tried \(tries.current) times in a 60 ms window at 10 ms")
    }

    /// The joiner's LXD join: the cluster certificate cannot be fetched twice (the cable is out), then can.
    @Test func aJoinerWhoseLinkComesBackJoins() async throws {
        let fetches = Locked(0)
        let f = await BootstrapFixture.make { fake in
            let lxd = LXDClient(transport: fake.transport("m2"), name: "LXD on m2")
            return ["m2": LocalLXDJoiner(name: "m2", address: "10.0.0.2", lxd: lxd, retryWindow: .seconds(60),
                                         retryInterval: .milliseconds(5)) { address in
                guard fetches.withLock({ $0 += 1; return $0 }) > 2 else {
                    throw TransportError(target: address, reason: "host unreachable")
                }
                return try await BootstrapFixture.fetchCertificate(address)
            }]
        }
        let (report, events) = try await f.run()
        #expect(report.succeeded, "\(report.failure?.message ?? "")")
        #expect(await f.fake.isClustered("m2"))
        let said = events.compactMap { e -> String? in
            guard case .progress(_, let message) = e.kind else { return nil }
            return message
        }
        #expect(said.contains { $0.hasPrefix("The network to the cluster is down (m2: unable to connect") && $0.contains("host unreachable") },
                "\(said)")
    }

    /// The join went through but its answer was lost (the cable pulled just then): done, not tried into an error.
    @Test func aJoinWhoseAnswerWasLostIsNotTriedAgain() async throws {
        struct LosesTheJoinsAnswer: HTTPTransport {
            let inner: FakeLXDTransport
            func send(_ request: HTTPRequest) async throws -> HTTPResponse {
                let response = try await inner.send(request)
                if request.method == "PUT" && request.path.hasSuffix("/1.0/cluster") {
                    throw TransportError(target: "unix:/var/lib/lxd/unix.socket", reason: "connection timed out")
                }
                return response
            }
        }
        let f = await BootstrapFixture.make { fake in
            let lxd = LXDClient(transport: LosesTheJoinsAnswer(inner: fake.transport("m2")), name: "LXD on m2")
            return ["m2": LocalLXDJoiner(name: "m2", address: "10.0.0.2", lxd: lxd, retryWindow: .seconds(60),
                                         retryInterval: .milliseconds(5), fetchCertificate: BootstrapFixture.fetchCertificate)]
        }
        let (report, _) = try await f.run()
        #expect(report.succeeded, "\(report.failure?.message ?? "")")
        let joins = await f.fake.requests.filter { $0.hasPrefix("m2 PUT /1.0/cluster ") }
        #expect(joins.count == 1, "one join request: \(joins.count)")
    }
}
