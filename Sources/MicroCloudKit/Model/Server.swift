/// Where a server stands in the trust session, as the live servers table shows it.
public enum ServerState: String, Codable, Sendable {
    case discovered, verified, lost, joining, joined, failed
}

/// A server seen on the network (or typed in), before or during joining: its identity, version and state.
/// Discovered rows carry the short fingerprint mDNS announced; verified rows the full one their intent proved.
public struct Server: Codable, Hashable, Sendable, Identifiable {
    public var peer: Peer
    public var version: String
    public var state: ServerState

    public var id: String { peer.name }
    public var name: String {
        get { peer.name }
        set { peer.name = newValue }
    }
    public var address: String {
        get { peer.address }
        set { peer.address = newValue }
    }
    public var fingerprint: Fingerprint {
        get { peer.fingerprint }
        set { peer.fingerprint = newValue }
    }

    public init(peer: Peer, version: String, state: ServerState = .discovered) {
        self.peer = peer
        self.version = version
        self.state = state
    }

    public init(name: String, address: String, fingerprint: Fingerprint, version: String, state: ServerState = .discovered) {
        self.init(peer: Peer(name: name, address: address, fingerprint: fingerprint), version: version, state: state)
    }

    /// The 12 hex digits both operators compare by eye.
    public var shortFingerprint: String { fingerprint.short }
}
