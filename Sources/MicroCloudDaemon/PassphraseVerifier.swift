import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// Checks the passphrase proofs of one trust session against the session's one key, bounded and off the actor.
///
/// A session has one salt, the initiator's: fresh when its session opens, served at `GET /1.0/session/salt` to a
/// joiner over its pinned connection (never announced: nothing about the exchange is taken from mDNS). So it has one key, K = scrypt(passphrase, salt) (`JoinKey`), derived once on each side:
/// by the initiator when its session opens, by a joiner once it has found the initiator. Every proof and every
/// confirmation of the session is then an HMAC under K, whatever the number of joiners. A proof made with any other
/// salt (another session's, or a guess's) is a mismatch found without work: nothing here derives for a caller.
///
/// Each check claims a failure slot *before* any work and gives it back only when the proof was right, so
/// concurrent guesses can never run more checks than the session has failures left: with 100 wrong intents sent
/// at once, at most `maxFailures` are checked and the rest are refused without work. The scrypt runs on the
/// daemon's one derivation lane (`DerivationLane`), never on the actor or the cooperative pool.
public final class PassphraseVerifier: Sendable {
    public enum Outcome: Equatable, Sendable {
        case valid
        /// A counted wrong passphrase; the session still accepts attempts.
        case wrong(attempt: Int)
        /// This wrong passphrase used the last attempt: the caller ends the session (and logs it) once.
        case lockedNow(attempts: Int)
        /// Every attempt left is being checked right now; no work was done for this one.
        case busy
        /// No attempts left; no work was done.
        case locked
        case malformed(String)
    }

    public let maxFailures: Int
    private struct Counts { var failures = 0; var inFlight = 0 }
    private struct SessionKey { let salt: [UInt8]; let key: Task<JoinKey, Error> }
    private let counts = Locked(Counts())
    private let sessionKey = Locked<SessionKey?>(nil)
    private let derived = Locked(0)

    public init(maxFailures: Int) { self.maxFailures = maxFailures }

    public var failures: Int { counts.current.failures }
    /// How many keys this verifier derived: one per session, once its salt is known.
    public var derivations: Int { derived.current }
    /// The session's salt, once known (an initiator's from its start, a joiner's once it found the initiator).
    public var salt: [UInt8]? { sessionKey.current?.salt }

    /// Starts deriving the session's key with `salt` on the derivation lane. Once per session: a later call gets
    /// the first key's derivation, whatever its salt.
    @discardableResult
    public func startKey(salt: [UInt8], passphrase: String) -> Task<JoinKey, Error> {
        sessionKey.withLock { current in
            if let current { return current.key }
            let key = Task { [derived] in
                try await DerivationLane.run {
                    derived.withLock { $0 += 1 }
                    return Result { try JoinKey.derive(passphrase: passphrase, salt: salt) }
                }.get()
            }
            current = SessionKey(salt: salt, key: key)
            return key
        }
    }

    /// The session's key, once derived (a proof that arrives during the derivation waits for it); nil while the
    /// salt is not known.
    public func key() async throws -> JoinKey? {
        try await sessionKey.current?.key.value
    }

    public func verify(header: String, body: [UInt8]) async -> Outcome {
        let claimed: Outcome? = counts.withLock { c in
            if c.failures >= maxFailures { return .locked }
            if c.failures + c.inFlight >= maxFailures { return .busy }
            c.inFlight += 1
            return nil
        }
        if let claimed { return claimed }
        let check: JoinSignatureCheck
        do {
            check = JoinSignature.verify(header: header, body: body, key: try await key())
        } catch {
            check = .malformed("key derivation failed")
        }
        return counts.withLock { c in
            c.inFlight -= 1
            switch check {
            case .valid: return .valid
            case .malformed(let why): return .malformed(why)
            case .wrongScheme: return .malformed("unknown scheme")
            case .mismatch:
                c.failures += 1
                return c.failures >= maxFailures ? .lockedNow(attempts: c.failures) : .wrong(attempt: c.failures)
            }
        }
    }
}
