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

/// HTTP/1.1 server on a unix socket or TCP+TLS. Each connection is served by its own task, so a handler that
/// waits (long-poll) holds up only its own connection.
public final class HTTPServer: Sendable {
    /// The bound TCP port (useful after binding port 0); 0 for a unix socket.
    public let port: Int
    private let listener: Channel
    private let connections: ConnectionRegistry
    private let acceptLoop: Task<Void, Never>
    let socketPath: String?

    private init(port: Int, listener: Channel, connections: ConnectionRegistry, acceptLoop: Task<Void, Never>,
                 socketPath: String?) {
        self.port = port
        self.listener = listener
        self.connections = connections
        self.acceptLoop = acceptLoop
        self.socketPath = socketPath
    }

    /// Unix socket: removes a stale socket file, creates it with mode 0600.
    public static func unix(path: String, handler: @escaping HTTPHandler) async throws -> HTTPServer {
        let target = "unix:\(path)"
        try await UnixSocketFile.removeIfStale(path, target: target)
        let connections = ConnectionRegistry()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let listener = try await UnixSocketFile.bindPrivately(path, target: target) { bindPath in
            try await bootstrap.bind(unixDomainSocketPath: bindPath, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try makeConnection(channel, tls: nil, connections: connections)
                }
            }
        }
        return start(listener, port: 0, isLocal: true, connections: connections, socketPath: path, handler: handler)
    }

    /// TLS on host:port (port 0 = ephemeral). Requests a client certificate but does not require one; any client cert
    /// is accepted at the TLS level and its fingerprint handed to the handler (authorisation is the handler's job).
    public static func tls(host: String, port: Int, credentials: TLSCredentials,
                           handler: @escaping HTTPHandler) async throws -> HTTPServer {
        let target = hostPort(host, port)
        let context: NIOSSLContext
        do {
            context = try TLSContexts.server(credentials: credentials)
        } catch {
            throw TransportError(target: target, reason: "bad TLS credentials: \(error)")
        }
        let connections = ConnectionRegistry()
        let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try makeConnection(channel, tls: context, connections: connections)
                    }
                }
        } catch {
            throw TransportError(target: target, reason: "cannot listen: \(failureReason(error, timeout: .zero))")
        }
        let bound = listener.channel.localAddress?.port ?? port
        return start(listener, port: bound, isLocal: false, connections: connections, socketPath: nil, handler: handler)
    }

    /// Stops accepting, closes open connections, cancels running handlers and waits for them to finish.
    public func shutdown() async {
        try? await listener.close()
        connections.closeAll()
        acceptLoop.cancel()
        await acceptLoop.value
        if let socketPath { UnixSocketFile.remove(socketPath) }
    }

    private static func makeConnection(_ channel: Channel, tls: NIOSSLContext?, connections: ConnectionRegistry) throws
        -> NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart> {
        if let tls {
            // Every client certificate passes the TLS layer; the handler sees its fingerprint and decides.
            let handler = NIOSSLServerHandler(context: tls, customVerificationCallback: { certificates, promise in
                promise.succeed(certificates.isEmpty ? .failed : .certificateVerified)
            })
            try channel.pipeline.syncOperations.addHandler(handler)
        }
        // The error handler answers malformed requests with 400 and closes, instead of tearing anything else down.
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        connections.add(channel)
        return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
    }

    private static func start(_ listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
                              port: Int, isLocal: Bool, connections: ConnectionRegistry, socketPath: String?,
                              handler: @escaping HTTPHandler) -> HTTPServer {
        let loop = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask {
                                await HTTPConnection.serve(connection, isLocal: isLocal, handler: handler)
                            }
                        }
                    }
                } catch {
                    // The listener closed (shutdown) or failed; open connections finish in the group.
                }
            }
        }
        return HTTPServer(port: port, listener: listener.channel, connections: connections, acceptLoop: loop,
                          socketPath: socketPath)
    }
}

/// Open connections, so shutdown can close them instead of waiting on idle keep-alive clients.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: Channel] = [:]
        var closed = false
    }
    private let state = LockedValue(State())

    func add(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.open[id] = channel
            return true
        }
        guard accepted else { channel.close(promise: nil); return }
        channel.closeFuture.whenComplete { _ in self.state.withLock { _ = $0.open.removeValue(forKey: id) } }
    }

    func closeAll() {
        let open = state.withLock { state -> [Channel] in
            state.closed = true
            return Array(state.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }
}
