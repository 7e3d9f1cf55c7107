import MicroCloudKit
import MicroCloudNet

/// A failure the daemon or its client reports in words (what `microcloud` prints).
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// The message of an error answer (`{"error": "..."}`, as LXD and microcluster answer), else its status.
public func errorText(_ r: HTTPResponse) -> String {
    struct E: Decodable { var error: String? }
    if let e = try? r.decode(E.self), let m = e.error, !m.isEmpty { return m }
    return "HTTP \(r.status)"
}

extension ServiceKind {
    /// Where a daemon proxies this service (`/1.0/services/<service>/…`, upstream's proxy paths).
    public var proxyPrefix: String { "/1.0/services/\(pathName)" }
}
