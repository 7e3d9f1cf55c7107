import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

extension Daemon {
    /// The services reachable through `/1.0/services/<service>/…` (upstream's proxy paths).
    static let proxiedServices: [ServiceKind] = [.lxd, .microceph, .microovn]

    static func proxyPrefix(_ kind: ServiceKind) -> String { kind.proxyPrefix }

    /// Forwards `/1.0/services/<service>/<rest>` to that service's local socket, so the initiator drives every
    /// member's LXD, MicroCeph and MicroOVN over one authenticated channel before any cluster exists (as
    /// upstream's proxy does). The service's answer passes through unchanged.
    func proxy(_ kind: ServiceKind, _ request: HTTPRequest) async -> HTTPResponse {
        let prefix = Self.proxyPrefix(kind)
        guard request.route == prefix || request.route.hasPrefix(prefix + "/") else {
            return .error(404, "Unknown endpoint \(request.method) \(request.route)")
        }
        guard sockets.installed(kind) != nil else {
            return .error(503, "\(kind.rawValue) is not installed on \(name) (no socket at \(sockets.path(kind)))")
        }
        var forwarded = request
        forwarded.path = String(request.path.dropFirst(prefix.count))
        if forwarded.path.isEmpty || forwarded.path.hasPrefix("?") { forwarded.path = "/" + forwarded.path }
        forwarded.headers = request.headers.filter { ["content-type", "accept"].contains($0.key.lowercased()) }
        do {
            return try await sockets.client(kind).send(forwarded)
        } catch {
            return .error(502, "\(kind.rawValue) on \(name) is not reachable: \(error)")
        }
    }
}
