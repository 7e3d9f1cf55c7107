import Foundation
import MicroCloudKit
import MicroCloudNet

extension Daemon {
    static let lxdPrefix = "/1.0/services/lxd"

    /// Forwards `/1.0/services/lxd/<rest>` to the local LXD's unix socket, so the initiator can drive every
    /// member's LXD over one authenticated channel before any cluster exists (as upstream's proxy does).
    func proxyLXD(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.route == Self.lxdPrefix || request.route.hasPrefix(Self.lxdPrefix + "/") else {
            return .error(404, "Unknown endpoint \(request.method) \(request.route)")
        }
        var forwarded = request
        forwarded.path = String(request.path.dropFirst(Self.lxdPrefix.count))
        if forwarded.path.isEmpty || forwarded.path.hasPrefix("?") { forwarded.path = "/" + forwarded.path }
        forwarded.headers = request.headers.filter { ["content-type", "accept"].contains($0.key.lowercased()) }
        do {
            return try await lxd.send(forwarded)
        } catch {
            return .error(502, "LXD on \(name) is not reachable: \(error)")
        }
    }
}
