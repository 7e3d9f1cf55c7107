import Foundation
import MicroCloudKit
import NIOCore
import NIOPosix
import Testing
@testable import MicroCloudNet

// Fixtures shared by the HTTP tests (this file holds no tests of its own).

/// A fresh directory under /tmp, removed by `remove()`. Short paths keep unix socket names under 108 bytes.
struct TempDir {
    let path: String
    init() throws {
        path = "/tmp/mcnet-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a program, returns its standard output; throws with its standard error when it fails.
@discardableResult
func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
    let r = try Subprocess.run([program] + arguments, environment: environment ?? [:])
    guard r.succeeded else {
        throw FixtureError("\(program) \(arguments.joined(separator: " ")) failed: \(r.stderr)")
    }
    return r.stdout
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A self-signed EC certificate made by the openssl CLI (independent of our own Identity code), and the
/// fingerprint openssl reports for it.
struct TestCertificate {
    let credentials: TLSCredentials
    let fingerprint: String

    static func make(in dir: TempDir, name: String) throws -> TestCertificate {
        let cert = dir.file("\(name).crt"), key = dir.file("\(name).key")
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                     "-nodes", "-days", "1", "-subj", "/CN=\(name)",
                                     "-addext", "keyUsage=digitalSignature,keyEncipherment,keyCertSign",
                                     "-addext", "extendedKeyUsage=serverAuth,clientAuth",
                                     "-keyout", key, "-out", cert])
        let printed = try run("/usr/bin/openssl", ["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
        // "sha256 Fingerprint=A8:C7:…" → "a8c7…"
        guard let value = printed.split(separator: "=").last else { throw FixtureError("odd openssl output: \(printed)") }
        let fingerprint = value.lowercased().filter { $0.isHexDigit }
        return TestCertificate(
            credentials: TLSCredentials(certificatePEM: try String(contentsOfFile: cert, encoding: .utf8),
                                        privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8)),
            fingerprint: fingerprint)
    }
}

/// What the echo handler saw, sent back as JSON so the client side can assert on it.
struct Echo: Codable, Equatable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: String
    var peerFingerprint: String?
    var isLocal: Bool
    var remoteAddress: String?
}

let echoHandler: HTTPHandler = { request, context in
    .json(Echo(method: request.method, path: request.path, query: request.query, headers: request.headers,
               body: String(decoding: request.body, as: UTF8.self), peerFingerprint: context.peerFingerprint,
               isLocal: context.isLocal, remoteAddress: context.remoteAddress))
}

/// Opens a gate for handlers waiting on it: lets a test hold a request in flight without sleeping.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// Connects without HTTP or TLS, writes raw bytes, optionally closes at once; otherwise waits (at most
/// `patience`) for the server to close. Returns what the server sent back.
func sendRaw(_ bytes: [UInt8], toUnix path: String? = nil, host: String = "127.0.0.1", port: Int = 0,
             closeImmediately: Bool = false, patience: TimeAmount = .seconds(10)) async throws -> String {
    let received = LockedBytes()
    let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(Collector(received: received))
            }
        }
    let channel = try await (path.map { bootstrap.connect(unixDomainSocketPath: $0) }
        ?? bootstrap.connect(host: host, port: port)).get()
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    if closeImmediately {
        try? await channel.close()
    } else {
        let guardTimer = channel.eventLoop.scheduleTask(in: patience) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        guardTimer.cancel()
    }
    return String(decoding: received.value, as: UTF8.self)
}

final class LockedBytes: Sendable {
    private let bytes = Locked<[UInt8]>([])
    func append(_ more: [UInt8]) { bytes.withLock { $0 += more } }
    var value: [UInt8] { bytes.current }
}

private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: LockedBytes
    init(received: LockedBytes) { self.received = received }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
}

/// The error a throwing call raised, as a TransportError (nil if it succeeded or threw something else).
func transportError<T>(_ body: () async throws -> T) async -> TransportError? {
    do {
        _ = try await body()
        return nil
    } catch let error as TransportError {
        return error
    } catch {
        return nil
    }
}
