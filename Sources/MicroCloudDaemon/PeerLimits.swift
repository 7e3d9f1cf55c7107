import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// The peer API's budgets (see `ServerLimits`): small bodies on the routes anyone may reach, so an unauthenticated
/// caller can hold only kilobytes per request; the large limit is for trusted peers' LXD requests.
extension Daemon {
    static let publicBodyLimit = 4 << 10
    /// A join intent is a name, an address, a certificate and service versions: a few kilobytes.
    static let passphraseBodyLimit = 64 << 10

    /// Time for a peer to deliver a whole request, handshake included (was 120 s: idle floods held descriptors).
    static let peerReadTimeout = Duration.seconds(15)

    @_spi(Fuzzing) public static var peerLimits: ServerLimits {
        ServerLimits(requestReadTimeout: peerReadTimeout) { method, path in
            switch Self.route(for: HTTPRequest(method: method, path: path))?.access {
            case .public?, nil: Self.publicBodyLimit
            case .passphrase?: Self.passphraseBodyLimit
            case .trusted?, .sessionPeer?, .local?: ServerLimits.maxBody
            }
        }
    }
}
