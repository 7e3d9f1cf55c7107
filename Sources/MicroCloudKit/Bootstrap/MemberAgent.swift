import FoundationEssentials

/// One service a member is to join, with the token issued for it. Holds a secret: never printed whole.
public struct ServiceJoin: Codable, Sendable, Equatable, CustomStringConvertible {
    public var service: ServiceKind
    public var token: String
    /// LXD only: member-specific keys of existing pools/networks (`member_config`).
    public var lxdConfig: [LXDMemberConfig]
    /// MicroCeph only: disks the member adds as OSDs after joining.
    public var cephDisks: [DiskChoice]
    /// MicroOVN only: the Geneve encapsulation address.
    public var ovnEncapIP: String?

    public init(service: ServiceKind, token: String, lxdConfig: [LXDMemberConfig] = [],
                cephDisks: [DiskChoice] = [], ovnEncapIP: String? = nil) {
        self.service = service; self.token = token; self.lxdConfig = lxdConfig
        self.cephDisks = cephDisks; self.ovnEncapIP = ovnEncapIP
    }

    public var description: String { "\(service.rawValue) join (token hidden)" }
}

/// Makes one member join the services' clusters. The daemon's implementation calls the peer's
/// `PUT /1.0/services` and relays the events the peer streams back; `LocalLXDJoiner` does it in-process.
public protocol MemberAgent: Sendable {
    func join(services: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws
}

/// Joins one member's LXD to the cluster through an `LXDClient` on that member (its unix socket, or its
/// MicroCloud proxy). The cluster certificate is fetched over the network by an injected closure, because
/// the core does no networking of its own; it must match the fingerprint in the token.
public struct LocalLXDJoiner: MemberAgent {
    /// Fetches the TLS certificate a server presents at `host:port`: its PEM and SHA-256 fingerprint (hex).
    public typealias FetchCertificate = @Sendable (_ address: String) async throws -> (pem: String, fingerprint: String)

    public let name: String
    /// The member's own address (no port).
    public let address: String
    public let lxd: LXDClient
    public let fetchCertificate: FetchCertificate
    public let joinTimeout: Duration
    public let readyTimeout: Duration
    /// How long, and how often, the join is tried again through a link fault (`LinkFault`).
    public let retryWindow: Duration
    public let retryInterval: Duration

    public init(name: String, address: String, lxd: LXDClient, joinTimeout: Duration = .seconds(300),
                readyTimeout: Duration = .seconds(60), retryWindow: Duration = LinkFault.retryWindow,
                retryInterval: Duration = LinkFault.retryInterval, fetchCertificate: @escaping FetchCertificate) {
        self.name = name; self.address = address; self.lxd = lxd; self.fetchCertificate = fetchCertificate
        self.joinTimeout = joinTimeout; self.readyTimeout = readyTimeout
        self.retryWindow = retryWindow; self.retryInterval = retryInterval
    }

    public func join(services: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws {
        func say(_ message: String) { progress(ServicesJoiner.event(name, message)) }
        if let other = services.first(where: { $0.service != .lxd }) {
            throw BootstrapError("\(name): joining \(other.service.rawValue) needs the MicroCloud daemon on \(name); this in-process joiner only joins LXD")
        }
        guard let join = services.first else { return }
        let token: LXDJoinToken
        do { token = try LXDJoinToken.decode(join.token) } catch { throw BootstrapError("\(name): \(error)") }
        guard token.serverName == name else {
            throw BootstrapError("\(name): the LXD join token was issued for \"\(token.serverName)\", not for \"\(name)\"")
        }
        let server = try await lxd.server()
        if server.clustered {
            throw BootstrapError("LXD on \(name) is already part of a cluster; remove it from that cluster first")
        }

        say("Checking the cluster certificate")
        let own = hostPort(address, 8443)
        // Through a link fault (this server's cable out for a while) the join is tried again, for a bounded time.
        try await LinkFault.retrying(window: retryWindow, interval: retryInterval, waiting: { reason, left in
            say("The network to the cluster is down (\(reason)); trying again in \(retryInterval.secondsText), for up to \(left.secondsText)")
        }) {
            let (clusterAddress, certificate) = try await clusterCertificate(for: token)
            say("Joining the LXD cluster through \(clusterAddress)")
            do {
                try await lxd.joinCluster(serverName: name, serverAddress: own, clusterAddress: clusterAddress,
                                          clusterCertificate: certificate, token: join.token,
                                          memberConfig: join.lxdConfig, timeout: joinTimeout)
            } catch {
                // A join that went through but whose answer was lost is done: another try would fail on the used token.
                if (try? await lxd.server().clustered) == true { return }
                throw error
            }
        }
        // Listen on the member's own address, not on every address ([::]): lab servers share ports across namespaces.
        try await lxd.updateServerConfig(["core.https_address": own])
        say("Waiting for LXD to be ready")
        try await lxd.waitReady(timeout: readyTimeout)
    }

    /// The first member address from the token that presents the certificate the token names.
    private func clusterCertificate(for token: LXDJoinToken) async throws -> (address: String, pem: String) {
        func normal(_ fp: String) -> String { fp.lowercased().filter { $0 != ":" } }
        var problems: [String] = []
        for address in token.addresses {
            do {
                let (pem, fingerprint) = try await fetchCertificate(address)
                if normal(fingerprint) == normal(token.fingerprint) { return (address, pem) }
                problems.append("\(address) presents certificate \(normal(fingerprint).prefix(12)), the token expects \(normal(token.fingerprint).prefix(12))")
            } catch {
                problems.append("\(address): \(error)")
            }
        }
        let detail = problems.isEmpty ? "the token lists no addresses" : problems.joined(separator: "; ")
        throw BootstrapError("\(name): unable to connect to any of the cluster members specified in the join token (\(detail))")
    }
}
