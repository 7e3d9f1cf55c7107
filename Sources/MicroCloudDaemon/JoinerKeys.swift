import Logging
import MicroCloudNet

extension Daemon {
    /// Initiator: while the session is open, derives the key of each joiner that announces the salt of its coming
    /// proof (state `joining`, TXT `salt`), so the proof costs an HMAC when it arrives instead of an scrypt then.
    /// Bounded by `PassphraseVerifier.maxPrepared`; a joiner that announces no salt is checked as before.
    static func prepareJoinerKeys(_ s: TrustSession, interface: String?, log: Logger) async {
        let events: AsyncStream<DiscoveryEvent>
        do {
            events = try Discovery.browse(interface: interface)
        } catch {
            log.info("not preparing joiners' keys: \(error)")
            return
        }
        for await event in events {
            guard await s.isActive else { return }
            switch event {
            case .appeared(let a), .updated(let a):
                guard a.state == "joining", let hex = a.joinSalt, let salt = bytes(fromHex: hex) else { continue }
                s.verifier.prepare(salt: salt, passphrase: s.passphrase)
            case .gone:
                continue
            }
        }
    }
}
