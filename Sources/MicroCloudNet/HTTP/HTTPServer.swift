import MicroCloudKit
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Who sent a request, as far as the transport knows. Deciding what they may do is the handler's job.
public struct RequestContext: Sendable {
    /// SHA-256 hex of the client certificate presented over TLS; nil when none was presented or over the unix socket.
    public var peerFingerprint: String?
    /// The request came over the unix socket (the local administrator).
    public var isLocal: Bool
    /// "ip:port" of the TCP peer; nil over the unix socket.
    public var remoteAddress: String?

    public init(peerFingerprint: String? = nil, isLocal: Bool, remoteAddress: String? = nil) {
        self.peerFingerprint = peerFingerprint
        self.isLocal = isLocal
        self.remoteAddress = remoteAddress
    }
}

public typealias HTTPHandler = @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse

/// HTTP/1.1 server on a unix socket or TCP+TLS. Every request runs in its own task, so a handler that waits
/// (long-poll) holds up only its own connection.
public final class HTTPServer: Sendable {
    /// The bound TCP port (useful after binding port 0); 0 for a unix socket.
    public let port: Int
    private let listener: Channel
    private let registry: ConnectionRegistry
    let socketPath: String?

    /// How long shutdown waits for cancelled handlers before it returns anyway.
    static let shutdownGrace = Duration.seconds(5)

    private init(port: Int, listener: Channel, registry: ConnectionRegistry, socketPath: String?) {
        self.port = port
        self.listener = listener
        self.registry = registry
        self.socketPath = socketPath
    }

    /// Unix socket: removes a stale socket file, creates it with mode 0600.
    public static func unix(path: String, limits: ServerLimits = ServerLimits(),
                            handler: @escaping HTTPHandler) async throws -> HTTPServer {
        let target = "unix:\(path)"
        try await UnixSocketFile.removeIfStale(path, target: target)
        let registry = ConnectionRegistry(limits: limits)
        let bootstrap = makeBootstrap(tls: nil, isLocal: true, registry: registry, handler: handler)
        let listener = try await UnixSocketFile.bindPrivately(path, target: target) { bindPath in
            try await bootstrap.bind(unixDomainSocketPath: bindPath, cleanupExistingSocketFile: true).get()
        }
        return HTTPServer(port: 0, listener: listener, registry: registry, socketPath: path)
    }

    /// TLS on host:port (port 0 = ephemeral). Requests a client certificate but does not require one; any client cert
    /// is accepted at the TLS level and its fingerprint handed to the handler (authorisation is the handler's job).
    public static func tls(host: String, port: Int, credentials: TLSCredentials, limits: ServerLimits = ServerLimits(),
                           handler: @escaping HTTPHandler) async throws -> HTTPServer {
        let target = hostPort(host, port)
        let context: NIOSSLContext
        do {
            context = try TLSContexts.server(credentials: credentials)
        } catch {
            throw TransportError(target: target, reason: "bad TLS credentials: \(error)")
        }
        let registry = ConnectionRegistry(limits: limits)
        let listener: Channel
        do {
            listener = try await makeBootstrap(tls: context, isLocal: false, registry: registry, handler: handler)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port).get()
        } catch {
            throw TransportError(target: target, reason: "cannot listen: \(failureReason(error, timeout: .zero))")
        }
        return HTTPServer(port: listener.localAddress?.port ?? port, listener: listener, registry: registry, socketPath: nil)
    }

    /// Stops accepting, closes open connections (which cancels running handlers) and waits briefly for them.
    public func shutdown() async {
        try? await listener.close()
        registry.closeAll()
        // A handler that ignores cancellation must not keep the daemon from exiting.
        let deadline = ContinuousClock.now + Self.shutdownGrace
        while registry.runningTasks > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if let socketPath { UnixSocketFile.remove(socketPath) }
    }

    private static func makeBootstrap(tls: NIOSSLContext?, isLocal: Bool, registry: ConnectionRegistry,
                                      handler: @escaping HTTPHandler) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try serve(channel, tls: tls, isLocal: isLocal, registry: registry, handler: handler)
                }
            }
    }

    /// Sets up one accepted connection (on its event loop): admission, TLS, HTTP parsing, the handler.
    fileprivate static func serve(_ channel: Channel, tls: NIOSSLContext?, isLocal: Bool, registry: ConnectionRegistry,
                                  handler: @escaping HTTPHandler) throws {
        // Over the per-host or total budget: closed before any TLS or HTTP work (throwing closes it).
        try registry.add(channel, host: isLocal ? nil : channel.remoteAddress?.ipAddress)
        let pipeline = channel.pipeline.syncOperations
        if let tls {
            // Every client certificate passes the TLS layer; the handler sees its fingerprint and decides.
            try pipeline.addHandler(NIOSSLServerHandler(context: tls, customVerificationCallback: { certificates, promise in
                promise.succeed(certificates.isEmpty ? .failed : .certificateVerified)
            }))
        }
        // The error handler answers malformed requests with 400 and closes; the pipelining handler
        // holds further requests on a connection until the current answer is out.
        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
        try pipeline.addHandler(HTTPConnection(handler: handler, isLocal: isLocal, registry: registry))
    }
}

/// The peer server's connection handling without a socket: what `HTTPServer.tls` installs behind its TLS handler
/// (admission, HTTP parsing, body limits and budget, the handler), on any channel. For the request-parsing fuzz
/// target, which feeds it bytes through a testing channel.
@_spi(Fuzzing) public struct HTTPServerPipeline: Sendable {
    private let registry: ConnectionRegistry
    private let handler: HTTPHandler

    public init(limits: ServerLimits, handler: @escaping HTTPHandler) {
        registry = ConnectionRegistry(limits: limits)
        self.handler = handler
    }

    /// Call on the channel's event loop, as the server's initializer does.
    public func install(on channel: Channel) throws {
        try HTTPServer.serve(channel, tls: nil, isLocal: false, registry: registry, handler: handler)
    }

    /// Body bytes still reserved from the shared budget, and handler tasks still running: both 0 once every
    /// connection is closed and answered.
    public var bufferedBodyBytes: Int { registry.budget.bufferedBytes }
    public var runningTasks: Int { registry.runningTasks }
}

/// Open connections and running handler tasks, so shutdown can close the former and wait for the latter; and the
/// budget (connections per host and in total, buffered body bytes) they all share.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: Channel] = [:]
        var closed = false
        var tasks = 0
    }
    private let state = Locked(State())
    let budget: ConnectionBudget

    init(limits: ServerLimits) { budget = ConnectionBudget(limits: limits) }

    struct Refused: Error {}

    func add(_ channel: Channel, host: String?) throws {
        guard budget.admit(host: host) else { throw Refused() }
        let id = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.open[id] = channel
            return true
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { _ = $0.open.removeValue(forKey: id) }
            self.budget.release(host: host)
        }
        guard accepted else { throw Refused() }
    }

    func closeAll() {
        let open = state.withLock { state -> [Channel] in
            state.closed = true
            return Array(state.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    func taskStarted() { state.withLock { $0.tasks += 1 } }
    func taskFinished() { state.withLock { $0.tasks -= 1 } }
    var runningTasks: Int { state.withLock { $0.tasks } }
}
