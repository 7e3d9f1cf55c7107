import Foundation
import MicroCloudKit
import MicroCloudNet

/// Who may call a route. Every route that changes state needs more than `.public`.
enum Access {
    /// Anyone (reads what mDNS already announces).
    case `public`
    /// Anyone who proves the session passphrase (HMAC over the body).
    case passphrase
    /// The local CLI (control socket) or a trusted peer (member, or trusted by the session), by certificate.
    case trusted
    /// The local CLI only.
    case local
}

extension Daemon {
    nonisolated func access(for request: HTTPRequest) -> Access? {
        let r = request.route
        switch (request.method, r) {
        case ("GET", "/1.0"): return .public
        case ("POST", "/1.0/session/join"): return .passphrase
        case ("PUT", "/1.0/session/stop"): return .trusted
        case ("GET", "/1.0/inventory"), ("PUT", "/1.0/services"), ("GET", "/1.0/services/progress"): return .trusted
        case (_, _) where r.hasPrefix("/1.0/services/lxd/") || r == "/1.0/services/lxd": return .trusted
        case ("POST", "/1.0/session"), ("DELETE", "/1.0/session"), ("GET", "/1.0/session/events"),
             ("POST", "/1.0/session/confirm"), ("GET", "/1.0/members"), ("PUT", "/1.0/members"):
            return .local
        default: return nil
        }
    }

    public func handle(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        guard let access = access(for: request) else {
            return .error(404, "Unknown endpoint \(request.method) \(request.route)")
        }
        switch access {
        case .public, .passphrase: break
        case .local:
            guard context.isLocal else { return .error(403, "This endpoint is only available on the local control socket") }
        case .trusted:
            // Stop requests are also accepted from the initiator we proved ourselves to, before it confirmed us.
            if request.route == "/1.0/session/stop", let s = session, let fp = context.peerFingerprint,
               await s.initiator?.fingerprint == fp {
                break
            }
            guard await isTrusted(context) else { return .error(403, "Not authorized: certificate not trusted") }
        }
        do {
            return try await dispatch(request, context)
        } catch let e as DecodingError {
            return .error(400, "Malformed request body: \(describe(e))")
        } catch {
            return .error(500, "\(error)")
        }
    }

    private func dispatch(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        switch (request.method, request.route) {
        case ("GET", "/1.0"): return .json(await serverInfo())
        case ("POST", "/1.0/session"): return try await openSession(request.decode(SessionOpen.self))
        case ("DELETE", "/1.0/session"): return await abortSession(request.body.isEmpty ? SessionStop(reason: "Initiator aborted the setup") : try request.decode(SessionStop.self))
        case ("GET", "/1.0/session/events"): return await sessionEvents(request)
        case ("POST", "/1.0/session/confirm"): return try await confirm(request.decode(SessionConfirm.self))
        case ("POST", "/1.0/session/join"): return await receiveIntent(request, context)
        case ("PUT", "/1.0/session/stop"): return try await peerStop(request.decode(SessionStop.self))
        case ("GET", "/1.0/members"): return .json(members)
        case ("PUT", "/1.0/members"):
            try recordMembers(try request.decode([MemberRecord].self))
            await refreshAnnouncement()
            return .json(members)
        case ("GET", "/1.0/inventory"): return try await inventoryResponse()
        case ("PUT", "/1.0/services"): return try await startJoin(request.decode(ServicesPut.self))
        case ("GET", "/1.0/services/progress"): return await joinProgress(request)
        default:
            return await proxyLXD(request)
        }
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
