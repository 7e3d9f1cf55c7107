import MicroCloudKit
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Learns which certificate a server presents, before anything trusts it (the user compares the fingerprint,
/// or a join flow pins it from then on).
public enum TLSProbe {
    /// Connects, completes a handshake accepting any certificate, returns the server's certificate (PEM) and fingerprint.
    public static func serverCertificate(host: String, port: Int, credentials: TLSCredentials?,
                                         timeout: Duration = .seconds(10)) async throws -> (pem: String, fingerprint: String) {
        let target = hostPort(host, port)
        let deadline = NIODeadline.now() + timeout.timeAmount
        let context: NIOSSLContext
        do {
            context = try TLSContexts.client(credentials: credentials)
        } catch {
            throw TransportError(target: target, reason: "bad TLS credentials: \(error)")
        }
        let seen = Locked<NIOSSLCertificate?>(nil)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: Void.self)
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout.timeAmount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let tls = try NIOSSLClientHandler(context: context, serverHostname: nil,
                                                          customVerificationCallback: { certificates, promise in
                            seen.set(certificates.first)
                            promise.succeed(certificates.isEmpty ? .failed : .certificateVerified)
                        })
                        try channel.pipeline.syncOperations.addHandler(tls)
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(done: handshake))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            handshake.fail(error)
            throw TransportError(target: target, reason: failureReason(error, timeout: timeout))
        }
        defer { channel.close(promise: nil) }

        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            channel.pipeline.fireErrorCaught(ProbeTimeout())
        }
        defer { timer.cancel() }
        do {
            try await handshake.futureResult.get()
        } catch is ProbeTimeout {
            throw TransportError(target: target, reason: "timed out after \(timeout.secondsText) waiting for the TLS handshake")
        } catch {
            throw TransportError(target: target, reason: failureReason(error, timeout: timeout))
        }
        guard let certificate = seen.current, let fingerprint = certificateFingerprint(certificate),
              let pem = try? pemString(certificate) else {
            throw TransportError(target: target, reason: "server presented no usable certificate")
        }
        return (pem, fingerprint)
    }
}

private struct ProbeTimeout: Error {}

/// Completes its promise when NIOSSL reports the handshake done, fails it on the first error or on close.
private final class HandshakeWaiter: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    let done: EventLoopPromise<Void>
    init(done: EventLoopPromise<Void>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { done.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        done.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
