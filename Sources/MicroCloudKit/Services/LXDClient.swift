import FoundationEssentials

/// A client for one LXD daemon's REST API, over any transport: the local unix socket, or a peer's
/// `/1.0/services/lxd` proxy (pass that as `prefix`). Every call that LXD answers with a background
/// operation is awaited through `/1.0/operations/<id>/wait` unless the method says otherwise.
public final class LXDClient: Sendable {
    public let transport: any HTTPTransport
    /// Put in front of every LXD path, e.g. "/1.0/services/lxd" when going through a MicroCloud proxy.
    public let prefix: String
    /// Names this LXD in errors, e.g. "LXD on micro02".
    public let name: String
    /// How long an awaited operation may run before the call fails.
    public let operationTimeout: Duration
    private let serverCache = Locked<LXDServer?>(nil)

    public init(transport: any HTTPTransport, prefix: String = "", name: String = "LXD",
                operationTimeout: Duration = .seconds(300)) {
        self.transport = transport
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.name = name
        self.operationTimeout = operationTimeout
    }

    // MARK: - Plumbing

    /// What LXD answered: data right away, or a background operation.
    enum Answer {
        case sync(JSONValue?)
        case async(LXDOperation)
    }

    /// Sends one request and decodes LXD's envelope; error envelopes become `LXDError`s naming the call.
    func send(_ method: String, _ path: String, body: (any Encodable)? = nil) async throws -> Answer {
        let call = "\(method) \(path)"
        var request = HTTPRequest(method: method, path: prefix + path)
        if let body { request = try HTTPRequest.json(method, prefix + path, body) }
        let envelope = try await LXDEnvelope.exchange(transport, request, target: name, call: call)
        if envelope.type == "async" {
            guard let meta = envelope.metadata, var op = try? meta.decode(LXDOperation.self) else {
                throw LXDError(target: name, call: call, code: envelope.status_code,
                               message: "background operation without a description")
            }
            if op.id.isEmpty, let url = envelope.operation { op.id = String(url.split(separator: "/").last ?? "") }
            return .async(op)
        }
        return .sync(envelope.metadata)
    }

    /// Sends a request and returns its result, awaiting the operation if LXD answers with one.
    @discardableResult
    func call(_ method: String, _ path: String, body: (any Encodable)? = nil,
              timeout: Duration? = nil) async throws -> JSONValue? {
        switch try await send(method, path, body: body) {
        case .sync(let metadata):
            return metadata
        case .async(let op):
            let done = try await waitOperation(op.id, timeout: timeout ?? operationTimeout, call: "\(method) \(path)")
            return done.metadata
        }
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let metadata = try await call("GET", path) ?? .null
        do {
            return try metadata.decode(T.self)
        } catch {
            throw LXDError(target: name, call: "GET \(path)", code: nil, message: "unexpected answer: \(error)")
        }
    }

    /// Blocks until the operation ends (LXD waits server-side) and fails with the operation's error.
    public func waitOperation(_ id: String, timeout: Duration, call: String? = nil) async throws -> LXDOperation {
        let seconds = max(1, Int(timeout.components.seconds) + (timeout.components.attoseconds > 0 ? 1 : 0))
        let path = "/1.0/operations/\(id)/wait?timeout=\(seconds)"
        let what = call ?? "operation \(id)"
        let metadata: JSONValue?
        do {
            metadata = try await self.call("GET", path)
        } catch var error as LXDError {
            // Name the call the operation belongs to, not just the wait.
            if let call { error.call = call; error.message = "waiting for its operation: \(error.message)" }
            throw error
        }
        guard let op = try? (metadata ?? .null).decode(LXDOperation.self) else {
            throw LXDError(target: name, call: what, code: nil, message: "unexpected answer while waiting for operation \(id)")
        }
        switch op.status {
        case "Success":
            return op
        case "Running", "Pending":
            throw LXDError(target: name, call: what, code: nil, message: "did not finish within \(seconds)s")
        default:
            throw LXDError(target: name, call: what, code: op.statusCode,
                           message: op.err.isEmpty ? "operation ended with status \(op.status)" : op.err)
        }
    }

    /// Appends `?target=<member>` (or `&target=`) when a member is named.
    static func targeted(_ path: String, _ target: String?) -> String {
        guard let target, !target.isEmpty else { return path }
        return path + (path.contains("?") ? "&" : "?") + "target=" + escape(target)
    }

    static func escape(_ component: String) -> String { percentEncoded(component) }

    // MARK: - Server

    /// `GET /1.0`: version, extensions, certificate, clustering state, storage drivers, server config.
    public func server(target: String? = nil) async throws -> LXDServer {
        let metadata = try await call("GET", Self.targeted("/1.0", target)) ?? .null
        let server = LXDServer(metadata: metadata)
        if target == nil { serverCache.withLock { $0 = server } }
        return server
    }

    /// The last `GET /1.0` answer, fetched if there is none: for what does not change while LXD runs
    /// (extensions, storage drivers).
    public func cachedServer() async throws -> LXDServer {
        if let cached = serverCache.current { return cached }
        return try await server()
    }

    /// API extensions, fetched once (they decide request shapes, e.g. how a join passes the token).
    public func extensions() async throws -> Set<String> {
        Set(try await cachedServer().apiExtensions)
    }

    /// Merges `changes` into the server config (an empty value removes the key): GET then PUT, so keys
    /// we do not name keep their values and types. Returns the previous values of the changed keys ("" = unset).
    @discardableResult
    public func updateServerConfig(_ changes: [String: String], target: String? = nil) async throws -> [String: String] {
        let current = try await server(target: target).config
        var merged = current
        var previous: [String: String] = [:]
        for (key, value) in changes {
            previous[key] = current[key]?.configString ?? ""
            if value.isEmpty { merged.removeValue(forKey: key) } else { merged[key] = .string(value) }
        }
        if merged != current {
            try await call("PUT", Self.targeted("/1.0", target), body: ["config": JSONValue.object(merged)])
        }
        return previous
    }

    /// Polls `/internal/ready` until LXD says it is ready (every 500 ms).
    public func waitReady(timeout: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = "no answer yet"
        while true {
            do {
                try await call("GET", "/internal/ready")
                return
            } catch let error as LXDError {
                last = error.message
            }
            if clock.now >= deadline {
                throw LXDError(target: name, call: "GET /internal/ready", code: nil,
                               message: "not ready within \(timeout.components.seconds)s (last answer: \(last))")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// `GET /1.0/resources`: the raw hardware description (disks, network cards) for the inventory.
    public func resources(target: String? = nil) async throws -> JSONValue {
        try await call("GET", Self.targeted("/1.0/resources", target)) ?? .null
    }
}

