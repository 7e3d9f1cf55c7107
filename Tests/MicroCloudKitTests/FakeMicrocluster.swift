import Foundation
@testable import MicroCloudKit

/// One member of a microcluster service (MicroCeph, MicroOVN) as its core API behaves, in memory: bootstrap or
/// join once, tokens, members; with microcluster's envelope and error texts. MicroCeph's `/1.0/disks` answers
/// from `diskErrors` (path → MicroCeph's error) so a failing disk can be staged. Tests read what it holds afterwards.
final class FakeMicrocluster: HTTPTransport, @unchecked Sendable {
    struct State {
        var members: [String] = []
        /// The address and config this member bootstrapped or joined with.
        var address = ""
        var config: [String: String]?
        var joinedWithToken: String?
        /// Token name → expire_after (ns).
        var tokens: [String: Int64] = [:]
        var osds: [(path: String, location: String)] = []
        var diskErrors: [String: String] = [:]
    }

    let member: String
    let version: String
    let state = Locked(State())
    /// Called for every request, before it is answered (tests record the order of calls across services).
    var onRequest: @Sendable (HTTPRequest) -> Void = { _ in }

    init(member: String, version: String = "19.2.0") {
        self.member = member
        self.version = version
    }

    /// Plays a release on microcluster before its `/cluster` → `/core` rename: `/core/…` is unknown (404) and the
    /// same endpoints answer under `/cluster/…`.
    var olderAPI = false

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        onRequest(request)
        var request = request
        if olderAPI {
            if request.path.hasPrefix("/core/") { return Self.error(404, "not found") }
            if request.path.hasPrefix("/cluster/") { request.path = "/core/" + request.path.dropFirst("/cluster/".count) }
        }
        let body = (try? JSONDecoder().decode(JSONValue.self, from: Data(request.body))) ?? .null
        return state.withLock { s in Self.answer(request, body, &s, member: member, version: version) }
    }

    private static func answer(_ r: HTTPRequest, _ body: JSONValue, _ s: inout State, member: String,
                               version: String) -> HTTPResponse {
        switch (r.method, r.route) {
        case ("GET", "/core/1.0"):
            return sync(.object(["name": .string(member), "address": .string(s.address), "version": .string(version),
                                 "ready": .bool(!s.members.isEmpty),
                                 "extensions": .array([.string("custom_encapsulation_ip")])]))
        case ("GET", "/core/1.0/ready"):
            return sync(.null)
        case ("POST", "/core/control"):
            guard s.members.isEmpty else { return error(500, "Unable to initialize cluster: Database is online") }
            s.address = body["address"]?.string ?? ""
            s.config = body["config"]?.object?.compactMapValues(\.string)
            if let token = body["join_token"]?.string {
                s.joinedWithToken = token
                s.members = ["micro01", member]
            } else if body["bootstrap"]?.bool == true {
                s.members = [member]
            } else {
                return error(400, "Invalid options - neither bootstrap flag nor join token")
            }
            return sync(.null)
        case ("POST", "/core/control/tokens"):
            let name = body["name"]?.string ?? ""
            if s.tokens[name] != nil { return error(409, "This \"core_token_records\" entry already exists") }
            s.tokens[name] = Int64(body["expire_after"]?.int ?? 0)
            return sync(.string(Data("{\"secret\":\"s-\(name)\"}".utf8).base64EncodedString()))
        case ("DELETE", let path) where path.hasPrefix("/core/1.0/tokens/"):
            let name = String(path.dropFirst("/core/1.0/tokens/".count))
            guard s.tokens.removeValue(forKey: name) != nil else { return error(404, "CoreTokenRecord not found") }
            return sync(.null)
        case ("GET", "/core/1.0/cluster"):
            return sync(.array(s.members.map { .object(["name": .string($0), "address": .string(""), "role": .string("voter"),
                                                        "status": .string("ONLINE")]) }))
        case ("POST", "/1.0/disks"):
            let target = r.query["target"] ?? member
            let reports: [JSONValue] = (body["path"]?.array ?? []).compactMap(\.string).map { path in
                if let e = s.diskErrors[path] {
                    return .object(["path": .string(path), "report": .string("Failure"), "error": .string(e)])
                }
                s.osds.append((path, target))
                return .object(["path": .string(path), "report": .string("Success"), "error": .string("")])
            }
            return sync(.object(["validation_error": .string(""), "report": .array(reports)]))
        case ("GET", "/1.0/disks"):
            return sync(.array(s.osds.enumerated().map { n, d in
                .object(["osd": .number(Double(n)), "path": .string(d.path), "location": .string(d.location)])
            }))
        default:
            return error(404, "not found")
        }
    }

    static func sync(_ metadata: JSONValue) -> HTTPResponse {
        .json(JSONValue.object(["type": .string("sync"), "status": .string("Success"), "status_code": .number(200),
                                "error_code": .number(0), "error": .string(""), "metadata": metadata]))
    }

    static func error(_ code: Int, _ message: String) -> HTTPResponse {
        .json(JSONValue.object(["type": .string("error"), "error_code": .number(Double(code)), "error": .string(message),
                                "metadata": .null]), status: code)
    }
}
