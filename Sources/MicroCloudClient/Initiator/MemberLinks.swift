import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// How the initiator reaches each member: itself through its daemon's control socket, peers over mTLS pinned to
/// the fingerprint they proved in the trust session. Every service is reached through the member's daemon.
public struct MemberLinks: Sendable {
    public let local: Peer
    public let stateDir: String
    public let credentials: TLSCredentials
    public let port: Int

    public init(local: Peer, stateDir: String, credentials: TLSCredentials, port: Int = 9443) {
        self.local = local
        self.stateDir = stateDir
        self.credentials = credentials
        self.port = port
    }

    /// The member's daemon API.
    public func daemon(_ member: Peer, timeout: Duration = .seconds(300)) -> any HTTPTransport {
        if member.fingerprint == local.fingerprint {
            return HTTPClient.unix(path: stateDir + "/control.socket", timeout: timeout)
        }
        return HTTPClient.tls(host: member.address, port: port, credentials: credentials,
                              pin: .fingerprint(member.fingerprint.hex), timeout: timeout)
    }

    /// The member's LXD, through its daemon's proxy.
    public func lxd(_ member: Peer) -> any HTTPTransport { service(.lxd, member) }

    /// One of the member's services (LXD, MicroCeph, MicroOVN), through its daemon's proxy.
    public func service(_ kind: ServiceKind, _ member: Peer) -> any HTTPTransport {
        PrefixedTransport(base: daemon(member), prefix: kind.proxyPrefix)
    }
}

/// Puts a path prefix in front of every request (a daemon's service proxy).
public struct PrefixedTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let prefix: String

    public init(base: any HTTPTransport, prefix: String) {
        self.base = base
        self.prefix = prefix
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var r = request
        r.path = prefix + request.path
        return try await base.send(r)
    }
}
