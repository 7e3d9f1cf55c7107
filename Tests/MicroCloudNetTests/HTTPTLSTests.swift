import Foundation
import MicroCloudKit
import NIOCore
import NIOPosix
import Testing
@testable import MicroCloudNet

@Suite("HTTPS with pinned certificates")
struct HTTPTLSTests {
    /// A TLS echo server on an ephemeral loopback port with its own certificate, and a client certificate.
    struct Fixture {
        let dir: TempDir
        let server: HTTPServer
        let serverCert: TestCertificate
        let clientCert: TestCertificate

        init(handler: @escaping HTTPHandler = echoHandler) async throws {
            dir = try TempDir()
            serverCert = try TestCertificate.make(in: dir, name: "server")
            clientCert = try TestCertificate.make(in: dir, name: "client")
            server = try await HTTPServer.tls(host: "127.0.0.1", port: 0, credentials: serverCert.credentials,
                                              handler: handler)
        }

        func client(pin: PeerPin, withClientCert: Bool = true) -> HTTPClient {
            .tls(host: "127.0.0.1", port: server.port, credentials: withClientCert ? clientCert.credentials : nil, pin: pin)
        }

        func close() async {
            await server.shutdown()
            dir.remove()
        }
    }

    @Test func pinnedRoundTripShowsClientFingerprintToHandler() async throws {
        let f = try await Fixture()
        let client = f.client(pin: .fingerprint(f.serverCert.fingerprint))
        let response = try await client.send(try .json("POST", "/1.0/join?x=1", ["name": "m2"]))
        await f.close()

        #expect(f.server.port > 0)
        #expect(client.target == "127.0.0.1:\(f.server.port)")
        #expect(response.status == 200)
        let echo = try response.decode(Echo.self)
        #expect(echo.method == "POST")
        #expect(echo.path == "/1.0/join?x=1")
        #expect(echo.body == #"{"name":"m2"}"#)
        #expect(echo.headers["Content-Type"] == "application/json")
        #expect(echo.headers["Host"] == "127.0.0.1:\(f.server.port)")
        #expect(echo.peerFingerprint == f.clientCert.fingerprint)
        #expect(!echo.isLocal)
        #expect(echo.remoteAddress?.hasPrefix("127.0.0.1:") == true)
    }

    @Test func pinAcceptsColonsAndUppercase() async throws {
        let f = try await Fixture()
        var pasted = ""
        for (i, c) in f.serverCert.fingerprint.uppercased().enumerated() { pasted += (i > 0 && i % 2 == 0 ? ":" : "") + String(c) }
        let response = try await f.client(pin: .fingerprint(pasted)).send(HTTPRequest(method: "GET", path: "/"))
        await f.close()
        #expect(response.status == 200)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs /usr/bin/curl"))
    func curlWithClientCertificateIsIdentified() async throws {
        let f = try await Fixture()
        // curl (OpenSSL) as an independent client; -k because the server is trusted by pin in our own client only.
        let output = try run("/usr/bin/curl", ["-sS", "-k", "--cert", f.dir.file("client.crt"), "--key", f.dir.file("client.key"),
                                               "-X", "POST", "--data-binary", "from curl",
                                               "https://127.0.0.1:\(f.server.port)/1.0/curl?a=1"])
        await f.close()
        let echo = try JSONDecoder().decode(Echo.self, from: Data(output.utf8))
        #expect(echo.peerFingerprint == f.clientCert.fingerprint)
        #expect(echo.body == "from curl")
        #expect(echo.query == ["a": "1"])
    }

    @Test func noClientCertificateReachesHandlerWithoutFingerprint() async throws {
        let f = try await Fixture()
        let response = try await f.client(pin: .fingerprint(f.serverCert.fingerprint), withClientCert: false)
            .send(HTTPRequest(method: "GET", path: "/1.0"))
        await f.close()
        #expect(response.status == 200)
        #expect(try response.decode(Echo.self).peerFingerprint == nil)
    }

    @Test func wrongPinIsRejectedNamingBothFingerprints() async throws {
        let f = try await Fixture()
        let wrong = f.clientCert.fingerprint   // a real fingerprint, just not the server's
        let client = f.client(pin: .fingerprint(wrong))
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", path: "/")) }
        await f.close()
        let expected = "server certificate fingerprint mismatch: expected \(wrong.prefix(12)), got \(f.serverCert.fingerprint.prefix(12))"
        #expect(error?.reason == expected)
        #expect(error?.target == "127.0.0.1:\(f.server.port)")
    }

    @Test func anyPinAcceptsAndProbeReportsOpensslFingerprint() async throws {
        let f = try await Fixture()
        let response = try await f.client(pin: .any).send(HTTPRequest(method: "GET", path: "/"))
        let probe = try await TLSProbe.serverCertificate(host: "127.0.0.1", port: f.server.port, credentials: nil)
        let probeWithCert = try await TLSProbe.serverCertificate(host: "127.0.0.1", port: f.server.port,
                                                                 credentials: f.clientCert.credentials)
        await f.close()

        #expect(response.status == 200)
        #expect(probe.fingerprint == f.serverCert.fingerprint)
        #expect(probeWithCert.fingerprint == f.serverCert.fingerprint)
        #expect(probe.pem == f.serverCert.credentials.certificatePEM)
    }

    @Test func largeBodiesCrossTLSIntact() async throws {
        let f = try await Fixture { request, _ in
            HTTPResponse(status: 200, body: request.body.reversed() + [UInt8](repeating: 7, count: 4 << 20))
        }
        let upload = (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try await f.client(pin: .fingerprint(f.serverCert.fingerprint))
            .send(HTTPRequest(method: "PUT", path: "/blob", body: upload))
        await f.close()
        #expect(response.body.count == upload.count + (4 << 20))
        #expect(Array(response.body.prefix(upload.count)) == upload.reversed())
    }

    @Test func garbageOnTheTLSPortDoesNotKillTheServer() async throws {
        let f = try await Fixture()
        _ = try await sendRaw(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: f.server.port)
        _ = try await sendRaw([0x16, 0x03, 0x01, 0xff, 0xff] + [UInt8](repeating: 0x41, count: 300), port: f.server.port)
        _ = try await sendRaw([0x16, 0x03, 0x01], port: f.server.port, closeImmediately: true)
        let response = try await f.client(pin: .fingerprint(f.serverCert.fingerprint))
            .send(HTTPRequest(method: "GET", path: "/still-here"))
        await f.close()
        #expect(try response.decode(Echo.self).path == "/still-here")
    }

    @Test func refusedConnectionIsAClearError() async throws {
        // Bind an ephemeral port, then close it: nothing listens there afterwards.
        let f = try await Fixture()
        let port = f.server.port
        await f.close()
        let client = HTTPClient.tls(host: "127.0.0.1", port: port, credentials: nil, pin: .any)
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", path: "/")) }
        // Refused at connect: nothing was sent, so a caller may send it again.
        #expect(error == TransportError(target: "127.0.0.1:\(port)", reason: "connection refused", sentNothing: true))
        let probeError = await transportError {
            try await TLSProbe.serverCertificate(host: "127.0.0.1", port: port, credentials: nil)
        }
        #expect(probeError?.reason == "connection refused")
    }

    @Test func plainListenerIsATLSHandshakeFailure() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PlainAnswer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let client = HTTPClient.tls(host: "127.0.0.1", port: port, credentials: nil, pin: .any)
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", path: "/")) }
        let probeError = await transportError {
            try await TLSProbe.serverCertificate(host: "127.0.0.1", port: port, credentials: nil)
        }
        try await listener.close()
        #expect(error?.reason == "TLS handshake failed: WRONG_VERSION_NUMBER (the far side does not speak TLS on this port)")
        #expect(probeError?.reason.hasPrefix("TLS handshake failed") == true, "\(String(describing: probeError))")
    }

    @Test func unusableCredentialsAreReported() async throws {
        let client = HTTPClient.tls(host: "127.0.0.1", port: 9, credentials: TLSCredentials(certificatePEM: "x", privateKeyPEM: "y"),
                                    pin: .any)
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", path: "/")) }
        #expect(error?.reason.hasPrefix("bad TLS credentials") == true)
    }
}

/// Answers anything with a plain-text HTTP error, the way a non-TLS server meets a TLS client.
private final class PlainAnswer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let answer = ByteBuffer(string: "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
