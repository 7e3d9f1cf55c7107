import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// The peer API's budgets (see `ServerLimits`): small bodies on the routes anyone may reach, so an unauthenticated
/// caller can hold only kilobytes per request; the large limit is for the LXD requests of peers whose certificate
/// the daemon knows (`KnownPeers`): a stranger on a trusted route gets the public limit, before any byte is kept.
extension Daemon {
    static let publicBodyLimit = 4 << 10
    /// A join intent is a name, an address, a certificate and service versions: a few kilobytes.
    static let passphraseBodyLimit = 64 << 10

    /// Time for a peer to deliver a whole request, handshake included (was 120 s: idle floods held descriptors).
    static let peerReadTimeout = Duration.seconds(15)

    @_spi(Fuzzing) public static func peerLimits(_ known: KnownPeers) -> ServerLimits {
        ServerLimits(requestReadTimeout: peerReadTimeout) { method, path, peer in
            switch Self.route(for: HTTPRequest(method: method, path: path))?.access {
            case .public?, nil, .local?: Self.publicBodyLimit
            case .passphrase?: Self.passphraseBodyLimit
            case .trusted?, .sessionPeer?: peer.map(known.contains) == true ? ServerLimits.maxBody : Self.publicBodyLimit
            }
        }
    }
}
