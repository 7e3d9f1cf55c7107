import MicroCloudKit
import NIOCore
import NIOHTTP1
import NIOSSL

/// Serves the requests of one accepted connection, in order, until the client closes or asks to close.
enum HTTPConnection {
    /// Largest request body handed to a handler; bigger ones get 413.
    static let maxRequestBody = 8 << 20
    /// Beyond this much discarded body the connection is simply dropped.
    static let maxDrainedBody = 64 << 20

    typealias Inbound = NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator

    static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, isLocal: Bool,
                      handler: HTTPHandler) async {
        let remote = isLocal ? nil : connection.channel.remoteAddress.flatMap(addressText)
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                var peerFingerprint: String??
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    if peerFingerprint == nil {
                        // The connection is handed over before the TLS handshake ends: the peer certificate is only
                        // known once request bytes have arrived.
                        let certificate = isLocal ? nil : try await connection.channel.nioSSL_peerCertificate().get()
                        peerFingerprint = .some(certificate.flatMap(certificateFingerprint))
                    }
                    let body = try await readBody(&parts)
                    let response: HTTPResponse
                    switch body {
                    case .complete(let bytes):
                        let request = HTTPRequest(method: head.method.rawValue, path: head.uri,
                                                  headers: headerDictionary(head.headers), body: bytes)
                        let context = RequestContext(peerFingerprint: peerFingerprint ?? nil, isLocal: isLocal,
                                                     remoteAddress: remote)
                        response = await handler(request, context)
                    case .tooLarge:
                        response = .error(413, "request body larger than \(maxRequestBody >> 20) MiB")
                    case .abandoned:
                        response = .error(413, "request body larger than \(maxRequestBody >> 20) MiB")
                    }
                    let keepAlive = head.isKeepAlive && body.keepsConnection
                    try await write(response, for: head, keepAlive: keepAlive, to: outbound)
                    if !keepAlive { return }
                }
            }
        } catch {
            // Garbage, a failed handshake or a client that went away: only this connection is affected.
        }
    }

    enum Body {
        case complete([UInt8])
        /// Over the limit; the rest was read and discarded so the client can read our 413.
        case tooLarge
        /// Far over the limit; we stop reading and close after answering.
        case abandoned

        var keepsConnection: Bool {
            if case .complete = self { return true }
            return false
        }
    }

    /// Reads body parts up to the request's end. Past the limit it keeps reading but discards, because a client
    /// still writing its body would otherwise never see the answer.
    static func readBody(_ parts: inout Inbound) async throws -> Body {
        var body: [UInt8] = []
        var received = 0
        while let part = try await parts.next() {
            switch part {
            case .body(var buffer):
                received += buffer.readableBytes
                if received > maxDrainedBody { return .abandoned }
                if received <= maxRequestBody {
                    body += buffer.readBytes(length: buffer.readableBytes) ?? []
                } else if !body.isEmpty {
                    body = []
                }
            case .end:
                return received > maxRequestBody ? .tooLarge : .complete(body)
            case .head:
                throw HTTPParserError.invalidInternalState
            }
        }
        throw ChannelError.eof
    }

    static func write(_ response: HTTPResponse, for request: HTTPRequestHead, keepAlive: Bool,
                      to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = HTTPHeaders()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) where !isFramingHeader(name) {
            headers.add(name: name, value: value)
        }
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status),
                                    headers: headers)
        try await outbound.write(.head(head))
        if request.method != .HEAD && !response.body.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }

    private static func addressText(_ address: SocketAddress) -> String? {
        guard let ip = address.ipAddress, let port = address.port else { return nil }
        return hostPort(ip, port)
    }
}
