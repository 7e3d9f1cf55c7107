import MicroCloudKit

/// The certificates this daemon trusts now (members, and the current trust session's peers), readable off the
/// actor: the peer API decides a request's body limit on the event loop from its head, before any handler runs, so
/// a caller the daemon does not know can hold only the public routes' small bodies (two certificate-less
/// connections declaring 8 MiB bodies used to reserve the whole 16 MiB budget and make every join fail with 503).
/// Authorization stays with `Daemon.isTrusted`; this copy only decides how many bytes a caller may make us hold.
public final class KnownPeers: Sendable {
    private struct State {
        var members: Set<String> = []
        var session: ObjectIdentifier?
        var sessionPeers: Set<String> = []
    }
    private let state = Locked(State())

    public init() {}

    public func contains(_ fingerprint: String) -> Bool {
        state.withLock { $0.members.contains(fingerprint) || $0.sessionPeers.contains(fingerprint) }
    }

    func setMembers(_ peers: [Peer]) {
        state.withLock { $0.members = Set(peers.map(\.fingerprint.hex)) }
    }

    /// A new session replaces the last one's peers (kept until then: the initiator polls a joiner's progress
    /// after the session ended, as `Access.sessionPeer` allows).
    func begin(session: ObjectIdentifier) {
        state.withLock { $0.session = session; $0.sessionPeers = [] }
    }

    /// What `session` trusts now; ignored once a newer session began.
    func update(session: ObjectIdentifier, peers: Set<String>) {
        state.withLock { s in
            if s.session == session { s.sessionPeers = peers }
        }
    }
}
