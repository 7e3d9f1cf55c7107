import MicroCloudKit
import NIOCore
import NIOHTTP1
import NIOSSL

/// Serves one accepted connection: collects a request, runs the async handler in its own task, writes the answer
/// back on the event loop. A classic handler rather than NIOAsyncChannel: an accepted NIOAsyncChannel that is
/// dropped before it is served traps the process (swift-nio #2813), which a client connecting during shutdown
/// would trigger; and here the connection is closed only once the last byte of a `Connection: close` answer is
/// written (swift-nio #2795).
final class HTTPConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Largest request body handed to a handler; bigger ones get 413 (routes may allow less: `ServerLimits`).
    static let maxRequestBody = ServerLimits.maxBody
    /// Beyond this much discarded body the connection is simply dropped.
    static let maxDrainedBody = 64 << 20
    // How long a client may take to deliver a whole request is `ServerLimits.requestReadTimeout`. Handlers
    // themselves run without a limit: long-polls are theirs to bound.

    private let handler: HTTPHandler
    private let isLocal: Bool
    private let registry: ConnectionRegistry
    private var context: ChannelHandlerContext?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var received = 0
    /// This request's body limit (from its route), and the bytes of the shared body budget it holds.
    private var bodyLimit = 0
    private var reserved = 0
    private var peerFingerprint: String??
    private var running: Task<Void, Never>?
    private var readDeadline: Scheduled<Void>?

    init(handler: @escaping HTTPHandler, isLocal: Bool, registry: ConnectionRegistry) {
        self.handler = handler
        self.isLocal = isLocal
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        armReadDeadline(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        readDeadline?.cancel()
        dropBody()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            dropBody()
            received = 0
            if peerFingerprint == nil {
                // Read once the first request bytes are here: by then the TLS handshake is complete.
                let certificate = isLocal ? nil : try? context.pipeline.syncOperations.nioSSL_peerCertificate()
                peerFingerprint = .some(certificate.flatMap(certificateFingerprint))
            }
            bodyLimit = min(Self.maxRequestBody, registry.budget.limits.bodyLimit(requestHead.method.rawValue, requestHead.uri,
                                                                               peerFingerprint ?? nil))
            if let declared = requestHead.headers.first(name: "Content-Length").flatMap(Int.init), declared > 0 {
                if declared > bodyLimit {
                    // Refused from the head alone: nothing of the body is kept or waited for.
                    respond(tooLarge(), keepAlive: false, context: context)
                    head = nil
                } else if !registry.budget.reserve(declared) {
                    busy(context)
                } else {
                    reserved = declared
                    body.reserveCapacity(declared)
                }
            }
        case .body(let buffer):
            guard head != nil else { return }
            received += buffer.readableBytes
            if received > Self.maxDrainedBody {
                // Far past the limit: answer and stop reading.
                respond(tooLarge(), keepAlive: false, context: context)
                head = nil
            } else if received <= bodyLimit {
                // Every kept byte comes from the server-wide budget first (the declared length already did):
                // many unfinished bodies can't add up.
                if received > reserved {
                    guard registry.budget.reserve(received - reserved) else { busy(context); return }
                    reserved = received
                }
                body.append(contentsOf: buffer.readableBytesView)
            } else {
                // Past the limit: keep reading (a client still writing would never see our answer) but discard.
                dropBody()
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            readDeadline?.cancel()
            if received > bodyLimit {
                respond(tooLarge(), keepAlive: false, context: context)
            } else {
                run(requestHead, body: body, context: context)
            }
            dropBody()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client left (or shutdown closed us): a long-poll waiting for it has nobody to answer.
        running?.cancel()
        readDeadline?.cancel()
        dropBody()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // TLS failures and the like: only this connection is affected.
        context.close(promise: nil)
    }

    private func run(_ requestHead: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let request = HTTPRequest(method: requestHead.method.rawValue, path: requestHead.uri,
                                  headers: headerDictionary(requestHead.headers), body: body)
        let requestContext = RequestContext(peerFingerprint: peerFingerprint ?? nil, isLocal: isLocal,
                                            remoteAddress: isLocal ? nil : context.channel.remoteAddress.flatMap(addressText))
        let handler = self.handler
        let registry = self.registry
        let eventLoop = context.eventLoop
        let connection = NIOLoopBound(self, eventLoop: eventLoop)
        let keepAlive = requestHead.isKeepAlive
        let isHEAD = requestHead.method == .HEAD
        let version = requestHead.version
        registry.taskStarted()
        running = Task {
            let response = await handler(request, requestContext)
            eventLoop.execute {
                let connection = connection.value
                connection.running = nil
                if let context = connection.context, context.channel.isActive {
                    connection.respond(response, keepAlive: keepAlive, version: version, omitBody: isHEAD, context: context)
                }
            }
            registry.taskFinished()
        }
    }

    private func tooLarge() -> HTTPResponse {
        bodyLimit >= 1 << 20 ? .error(413, "request body larger than \(bodyLimit >> 20) MiB")
                             : .error(413, "request body larger than \(bodyLimit) bytes, the limit of this endpoint")
    }

    /// The shared body budget is spent: this request is refused and its connection closed.
    private func busy(_ context: ChannelHandlerContext) {
        respond(.error(503, "The server is receiving too many requests at once; try again shortly"),
                keepAlive: false, context: context)
        head = nil
        dropBody()
    }

    /// Forgets the body being collected and gives its bytes back to the shared budget.
    private func dropBody() {
        body = []
        registry.budget.unreserve(reserved)
        reserved = 0
    }

    private func respond(_ response: HTTPResponse, keepAlive: Bool, version: HTTPVersion = .http1_1,
                         omitBody: Bool = false, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) where !isFramingHeader(name) {
            headers.add(name: name, value: value)
        }
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status),
                                    headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !omitBody && !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let channel = context.channel
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            armReadDeadline(context)
        } else {
            // Close only after the whole answer has left, so a large body is not cut short.
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func armReadDeadline(_ context: ChannelHandlerContext) {
        readDeadline?.cancel()
        let channel = context.channel
        readDeadline = context.eventLoop.scheduleTask(in: registry.budget.limits.requestReadTimeout.timeAmount) { channel.close(promise: nil) }
    }
}

private func addressText(_ address: SocketAddress) -> String? {
    guard let ip = address.ipAddress, let port = address.port else { return nil }
    return hostPort(ip, port)
}
