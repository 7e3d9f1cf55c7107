import FoundationEssentials

/// One HTTP request as the core sees it: no sockets, no TLS. `path` includes the query string.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// A request with a JSON body (compact, no trailing newline: signatures cover these exact bytes).
    public static func json<T: Encodable>(_ method: String, _ path: String, _ value: T) throws -> HTTPRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return HTTPRequest(method: method, path: path, headers: ["Content-Type": "application/json"],
                           body: Array(try encoder.encode(value)))
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body))
    }

    /// The path without its query string.
    public var route: String { String(path.split(separator: "?", maxSplits: 1).first ?? "") }

    /// Query parameters, percent-decoded.
    public var query: [String: String] {
        guard let q = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        var out: [String: String] = [:]
        for pair in q.split(separator: "&") {
            // Empty parts kept: "=" is an empty key and value (omitting them left no key, and reading it trapped).
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { percentDecoded(String($0)) ?? String($0) }
            out[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return out
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json<T: Encodable>(_ value: T, status: Int = 200) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(body))
    }

    /// An error in LXD's envelope shape: `{"type":"error","error":"…","error_code":N}`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        json(ErrorEnvelope(type: "error", error: message, error_code: status), status: status)
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body))
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    private struct ErrorEnvelope: Encodable { var type: String; var error: String; var error_code: Int }
}

/// Anything that carries a request to a server and brings back its answer: a unix socket, mTLS to a peer,
/// a peer's proxy to its local LXD, or a fake in a test.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Raised by transports when the far side cannot be reached or the exchange breaks; the message names the target.
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    public var target: String
    public var reason: String
    /// The connection was never made, so the far side cannot have acted on the request: safe to send it again.
    public var sentNothing: Bool
    public init(target: String, reason: String, sentNothing: Bool = false) {
        self.target = target; self.reason = reason; self.sentNothing = sentNothing
    }
    public var description: String { "\(target): \(reason)" }
}
