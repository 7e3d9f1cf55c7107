import FoundationEssentials

/// microcluster's core API, which MicroCeph and MicroOVN (and MicroCloud upstream) all serve: server info and
/// readiness, bootstrap or join (`POST /core/control`), join tokens and members. `MicroCephClient` and
/// `MicroOVNClient` build on it for their own `/1.0` endpoints. Errors carry the service's text word for word,
/// named after `name` ("MicroCeph on micro01") and the call.
public struct MicroclusterClient: Sendable {
    public let transport: any HTTPTransport
    /// Names the service and member in errors, e.g. "MicroCeph on micro01".
    public let name: String

    public init(transport: any HTTPTransport, name: String) {
        self.transport = transport
        self.name = name
    }

    // MARK: - Plumbing

    /// Sends one request and returns the `metadata` of the answer; an error answer is thrown with its text.
    @discardableResult
    public func call(_ method: String, _ path: String, body: (any Encodable)? = nil) async throws -> JSONValue? {
        let request = try body.map { try HTTPRequest.json(method, path, $0) } ?? HTTPRequest(method: method, path: path)
        return try await LXDEnvelope.exchange(transport, request, target: name, call: "\(method) \(path)").metadata
    }

    /// A GET whose `metadata` is decoded as `T`.
    public func get<T: Decodable>(_ path: String, as type: T.Type = T.self) async throws -> T {
        let metadata = try await call("GET", path) ?? .null
        do {
            return try metadata.decode(T.self)
        } catch {
            throw LXDError(target: name, call: "GET \(path)", code: nil, message: "unexpected answer: \(error)")
        }
    }

    // MARK: - Core

    /// `GET /core/1.0`: name, address, version, readiness (answered before the cluster exists).
    public func server() async throws -> MicroclusterServer {
        try await get("/core/1.0")
    }

    /// The service's version (`GET /core/1.0`).
    public func version() async throws -> String { try await server().version }

    /// The version as an inventory records it (`ServiceVersion`): `GET /core/1.0`'s; when that path is unknown (404),
    /// the service runs on microcluster before its `/cluster` → `/core` rename (canonical/microcluster ff48636,
    /// July 2024), whose `GET /cluster/1.0` still tells the version. Upstream MicroCloud only says such a release is
    /// not supported (`GetVersion` in its `service/*.go`); the version found lets the gate say which one it is.
    public func installedVersion() async throws -> String {
        do {
            return try await version()
        } catch let error as LXDError where error.code == 404 {
            let older = try? await get("/cluster/1.0", as: MicroclusterServer.self)
            return ServiceVersion.olderAPI(older?.version ?? "")
        }
    }

    /// `GET /core/1.0/ready` answers once the daemon is up (before bootstrap too).
    public func isReady() async -> Bool {
        do { try await call("GET", "/core/1.0/ready"); return true } catch { return false }
    }

    /// `POST /core/control` `{bootstrap, name, address, config}`; `address` is "ip:port" of the service.
    public func bootstrap(name member: String, address: String, config: [String: String]) async throws {
        try await call("POST", "/core/control",
                       body: ControlRequest(bootstrap: true, joinToken: nil, name: member, address: address,
                                            config: config.isEmpty ? nil : config))
    }

    /// `POST /core/control` `{join_token, name, address, config}`. The token is a secret: never logged.
    public func join(name member: String, address: String, token: String, config: [String: String] = [:]) async throws {
        try await call("POST", "/core/control",
                       body: ControlRequest(bootstrap: false, joinToken: token, name: member, address: address,
                                            config: config.isEmpty ? nil : config))
    }

    /// `POST /core/control/tokens` `{name, expire_after}` → the token (base64 JSON). Upstream's lifetime is 1 h.
    public func issueToken(for joiner: String, expireAfter: Duration = .seconds(3600)) async throws -> String {
        let nanoseconds = expireAfter.components.seconds * 1_000_000_000 + expireAfter.components.attoseconds / 1_000_000_000
        let answer = try await call("POST", "/core/control/tokens", body: TokenRequest(name: joiner, expireAfter: nanoseconds))
        guard let token = answer?.string, !token.isEmpty else {
            throw LXDError(target: name, call: "POST /core/control/tokens", code: nil, message: "the answer holds no token")
        }
        return token
    }

    /// `DELETE /core/1.0/tokens/<name>`.
    public func deleteToken(for joiner: String) async throws {
        try await call("DELETE", "/core/1.0/tokens/\(LXDClient.escape(joiner))")
    }

    /// `GET /core/1.0/cluster`.
    public func members() async throws -> [MicroclusterMember] {
        try await get("/core/1.0/cluster")
    }

    /// Polls the member list every 500 ms until `member` is listed (any member when nil).
    public func waitForMember(_ member: String?, within: Duration) async throws {
        let what = member.map { "\(name) to list \($0)" } ?? "\(name) to list its first member"
        try await waitUntil(within: within, what: what) {
            let names = (try? await members().map(\.name)) ?? []
            return member.map(names.contains) ?? !names.isEmpty
        }
    }
}

/// `GET /core/1.0`.
public struct MicroclusterServer: Decodable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var version: String
    public var ready: Bool
    /// API extensions (MicroOVN's `custom_encapsulation_ip` among them).
    public var extensions: [String]

    enum CodingKeys: String, CodingKey { case name, address, version, ready, extensions }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        address = try c.decodeIfPresent(String.self, forKey: .address) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        ready = try c.decodeIfPresent(Bool.self, forKey: .ready) ?? false
        extensions = try c.decodeIfPresent([String].self, forKey: .extensions) ?? []
    }
}

/// One entry of `GET /core/1.0/cluster`.
public struct MicroclusterMember: Decodable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var role: String
    /// "ONLINE", "UNREACHABLE", "NEEDS UPGRADE" …
    public var status: String

    enum CodingKeys: String, CodingKey { case name, address, role, status }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        address = try c.decodeIfPresent(String.self, forKey: .address) ?? ""
        role = try c.decodeIfPresent(String.self, forKey: .role) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
    }
}

/// microcluster's `types.Control`.
private struct ControlRequest: Encodable {
    var bootstrap: Bool
    var joinToken: String?
    var name: String
    var address: String
    var config: [String: String]?

    enum CodingKeys: String, CodingKey { case bootstrap, joinToken = "join_token", name, address, config }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if bootstrap { try c.encode(true, forKey: .bootstrap) }
        try c.encodeIfPresent(joinToken, forKey: .joinToken)
        try c.encode(name, forKey: .name)
        try c.encode(address, forKey: .address)
        try c.encode(config, forKey: .config)
    }
}

/// microcluster's `types.TokenRecord` as posted: `expire_after` is a Go duration (nanoseconds).
private struct TokenRequest: Encodable {
    var name: String
    var expireAfter: Int64

    enum CodingKeys: String, CodingKey { case name, expireAfter = "expire_after" }
}
