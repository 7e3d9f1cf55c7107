import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// Who may call a route. Every route that changes state needs more than `.public`.
enum Access: Sendable {
    /// Anyone (reads what mDNS already announces).
    case `public`
    /// Anyone who proves the session passphrase (HMAC over the body).
    case passphrase
    /// The local CLI (control socket) or a trusted peer (member, or trusted by the session), by certificate.
    case trusted
    /// As `.trusted`, and also the peer this server's session dealt with, after the session ended: the initiator
    /// we proved ourselves to may stop us before it confirmed us, and may read how our join ended (a failed join
    /// ends the session, and the reason must still reach the initiator).
    case sessionPeer
    /// The local CLI only.
    case local
}

/// One endpoint: who may call it and what answers. The table below is the only list of routes.
struct Route: Sendable {
    /// nil: any method (the service proxies pass every method on).
    let method: String?
    /// The path, or with `prefix` every path under it (the service proxies).
    let path: String
    var prefix = false
    let access: Access
    let handler: @Sendable (Daemon, HTTPRequest, RequestContext) async throws -> HTTPResponse

    func matches(_ request: HTTPRequest) -> Bool {
        let r = request.route
        guard prefix else { return method == request.method && r == path }
        return r == path || r.hasPrefix(path + "/")
    }
}

extension Daemon {
    static let routes: [Route] = [
        // `?services=recent` (the local CLI starting a session, which wants our name): services up to 10 s old.
        Route(method: "GET", path: "/1.0", access: .public) { d, r, c in
            .json(await d.serverInfo(recent: c.isLocal && r.query["services"] == "recent"))
        },
        Route(method: "GET", path: "/1.0/session/salt", access: .public) { d, _, _ in await d.sessionSalt() },
        Route(method: "POST", path: "/1.0/session/join", access: .passphrase) { d, r, c in await d.receiveIntent(r, c) },
        Route(method: "PUT", path: "/1.0/session/stop", access: .sessionPeer) { d, r, _ in
            try await d.peerStop(r.decode(SessionStop.self))
        },
        Route(method: "GET", path: "/1.0/inventory", access: .trusted) { d, _, _ in try await d.inventoryResponse() },
        Route(method: "PUT", path: "/1.0/services", access: .trusted) { d, r, _ in try await d.startJoin(r.decode(ServicesPut.self)) },
        Route(method: "GET", path: "/1.0/services/progress", access: .sessionPeer) { d, r, _ in await d.joinProgress(r) },
    ] + proxiedServices.map { kind in
        Route(method: nil, path: proxyPrefix(kind), prefix: true, access: .trusted) { d, r, _ in await d.proxy(kind, r) }
    } + [
        Route(method: "POST", path: "/1.0/session", access: .local) { d, r, _ in try await d.openSession(r.decode(SessionOpen.self)) },
        Route(method: "DELETE", path: "/1.0/session", access: .local) { d, r, _ in
            await d.abortSession(r.body.isEmpty ? SessionStop(reason: SessionWords.initiatorAborted) : try r.decode(SessionStop.self))
        },
        Route(method: "GET", path: "/1.0/session", access: .local) { d, _, _ in await d.sessionStatus() },
        Route(method: "GET", path: "/1.0/session/events", access: .local) { d, r, _ in await d.sessionEvents(r) },
        Route(method: "POST", path: "/1.0/session/confirm", access: .local) { d, r, _ in try await d.confirm(r.decode(SessionConfirm.self)) },
        Route(method: "GET", path: "/1.0/members", access: .local) { d, _, _ in .json(await d.members) },
        // Trusted, not only local: after a run the initiator tells every member the final membership.
        Route(method: "PUT", path: "/1.0/members", access: .trusted) { d, r, _ in
            try await d.recordMembers(try r.decode([Peer].self))
            await d.refreshAnnouncement()
            return .json(await d.members)
        },
    ]

    static func route(for request: HTTPRequest) -> Route? {
        Self.routes.first { $0.matches(request) }
    }

    public func handle(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        guard let route = Self.route(for: request) else {
            return .error(404, "Unknown endpoint \(request.method) \(request.route)")
        }
        switch route.access {
        case .public, .passphrase: break
        case .local:
            guard context.isLocal else { return .error(403, "This endpoint is only available on the local control socket") }
        case .sessionPeer:
            if await isSessionPeer(context) { break }
            guard await isTrusted(context) else { return .error(403, "Not authorized: certificate not trusted") }
        case .trusted:
            guard await isTrusted(context) else { return .error(403, "Not authorized: certificate not trusted") }
        }
        do {
            return try await route.handler(self, request, context)
        } catch let e as DecodingError {
            return .error(400, "Malformed request body: \(describe(e))")
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// The initiator this joiner proved itself to, or a peer its session trusted; whether or not the session still runs.
    private func isSessionPeer(_ context: RequestContext) async -> Bool {
        guard let s = session, let fp = context.peerFingerprint else { return false }
        if await s.initiator?.fingerprint.hex == fp { return true }
        return await s.trusted.contains(fp)
    }
}

private func describe(_ e: DecodingError) -> String {
    switch e {
    case .keyNotFound(let k, _): return "missing field \"\(k.stringValue)\""
    case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
        let path = c.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? c.debugDescription : "field \"\(path)\": \(c.debugDescription)"
    @unknown default: return "\(e)"
    }
}

/// Long-poll parameters shared by the event endpoints: `after` (cursor) and `wait` (seconds, at most 30).
func pollParameters(_ request: HTTPRequest) -> (after: Int, wait: Duration) {
    let after = Int(request.query["after"] ?? "") ?? 0
    let wait = min(30, max(0, Int(request.query["wait"] ?? "") ?? 0))
    return (after, .seconds(wait))
}
