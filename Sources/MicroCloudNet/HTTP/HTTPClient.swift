import MicroCloudKit
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// HTTP/1.1 client over a unix socket or TCP+TLS with a pinned server certificate. One connection per request:
/// simple, and a broken exchange can never poison the next one.
public final class HTTPClient: HTTPTransport, Sendable {
    private enum Endpoint: Sendable {
        case unix(path: String)
        case tls(host: String, port: Int, context: Result<NIOSSLContext, TransportError>, pin: PeerPin, source: String?)
    }

    /// Guards memory against a runaway peer; LXD's largest JSON answers are far below this.
    static let maxResponseBytes = 256 << 20

    private let endpoint: Endpoint
    private let timeout: Duration
    /// "unix:/path" or "host:port", for messages.
    public let target: String

    private init(endpoint: Endpoint, timeout: Duration, target: String) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.target = target
    }

    public static func unix(path: String, timeout: Duration = .seconds(60)) -> HTTPClient {
        HTTPClient(endpoint: .unix(path: path), timeout: timeout, target: "unix:\(path)")
    }

    /// `source`: the local address to connect from (the daemon's own, which a join intent names and its
    /// receiver checks); nil lets the kernel choose.
    public static func tls(host: String, port: Int, credentials: TLSCredentials?, pin: PeerPin,
                           timeout: Duration = .seconds(60), source: String? = nil) -> HTTPClient {
        let target = hostPort(host, port)
        let context: Result<NIOSSLContext, TransportError>
        do {
            context = .success(try TLSContexts.client(credentials: credentials))
        } catch {
            context = .failure(TransportError(target: target, reason: "bad TLS credentials: \(error)"))
        }
        return HTTPClient(endpoint: .tls(host: host, port: port, context: context, pin: pin, source: source), timeout: timeout,
                          target: target)
    }

    /// Sends one request and waits for the whole answer; the timeout covers connecting and the exchange.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let deadline = NIODeadline.now() + timeout.timeAmount
        let pin: PinObservation
        if case .tls(_, _, _, let p, _) = endpoint { pin = PinObservation(pin: p) } else { pin = PinObservation(pin: .any) }

        // The request waits in the TLS handler until the handshake is done: a failure before then sent nothing.
        let handshake = Locked(false)
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await connect(pin: pin, handshake: handshake)
        } catch var error as TransportError {
            error.sentNothing = true
            throw error
        } catch {
            throw TransportError(target: target, reason: pin.mismatch ?? failureReason(error, timeout: timeout),
                                 sentNothing: true)
        }

        let timedOut = Locked(false)
        let timer = channel.channel.eventLoop.scheduleTask(deadline: deadline) {
            timedOut.set(true)
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            let head = requestHead(request)
            return try await withTaskCancellationHandler {
                try await Self.exchange(channel, head: head, body: request.body)
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            if let mismatch = pin.mismatch { throw TransportError(target: target, reason: mismatch) }
            let sentNothing: Bool
            if case .tls = endpoint { sentNothing = !handshake.current } else { sentNothing = false }
            if timedOut.current {
                throw TransportError(target: target, reason: "timed out after \(timeout.secondsText)", sentNothing: sentNothing)
            }
            throw TransportError(target: target, reason: failureReason(error, timeout: timeout), sentNothing: sentNothing)
        }
    }

    private func connect(pin: PinObservation, handshake: Locked<Bool>) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout.timeAmount)
        switch endpoint {
        case .unix(let path):
            return try await bootstrap.connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                }
            }
        case .tls(let host, let port, let context, _, let source):
            let context = try context.get()
            let bound = try source.map { bootstrap.bind(to: try SocketAddress(ipAddress: $0, port: 0)) } ?? bootstrap
            return try await bound.connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No SNI and no hostname check: peers are addressed by IP and trusted by fingerprint.
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: nil,
                                                      customVerificationCallback: { certificates, promise in
                        promise.succeed(pin.check(certificates))
                    })
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHandler(HandshakeMark(done: handshake))
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                }
            }
        }
    }

    private func requestHead(_ request: HTTPRequest) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        switch endpoint {
        case .unix: headers.add(name: "Host", value: "localhost")
        case .tls(let host, let port, _, _, _): headers.add(name: "Host", value: hostPort(host, port))
        }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) where !isFramingHeader(name) {
            headers.add(name: name, value: value)
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method.uppercased()) {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        headers.add(name: "Connection", value: "close")
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method.uppercased()),
                               uri: request.path, headers: headers)
    }

    private static func exchange(_ channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
                                 head: HTTPRequestHead, body: [UInt8]) async throws -> HTTPResponse {
        try await channel.executeThenClose { inbound, outbound in
            var writeError: Error?
            do {
                try await outbound.write(.head(head))
                if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
            } catch {
                writeError = error
            }
            // Even when writing failed, the server may have answered first (413 for a body that is too large),
            // and a failed handshake reports its real cause on the inbound side.
            do {
                return try await readResponse(inbound)
            } catch ExchangeFailure.incompleteResponse where writeError != nil {
                throw writeError!
            }
        }
    }

    private static func readResponse(_ inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>) async throws -> HTTPResponse {
        var status: Int?
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        for try await part in inbound {
            switch part {
            case .head(let head):
                status = Int(head.status.code)
                headers = headerDictionary(head.headers)
            case .body(var buffer):
                guard body.count + buffer.readableBytes <= maxResponseBytes else {
                    throw ExchangeFailure.responseTooLarge(maxResponseBytes)
                }
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                // Interim answers (100 Continue) come as their own head + end; the real one follows.
                guard let code = status, !(100..<200).contains(code) else { status = nil; continue }
                return HTTPResponse(status: code, headers: headers, body: body)
            }
        }
        throw ExchangeFailure.incompleteResponse
    }
}

/// Notes that the TLS handshake completed, so a later failure is known to have come after the request could leave.
private final class HandshakeMark: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    let done: Locked<Bool>
    init(done: Locked<Bool>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { done.set(true) }
        context.fireUserInboundEventTriggered(event)
    }
}
