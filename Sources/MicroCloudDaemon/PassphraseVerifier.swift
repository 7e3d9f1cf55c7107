import MicroCloudKit
import MicroCloudNet

/// Checks the passphrase proofs of one trust session, bounded and off the daemon's actor.
///
/// Each check claims a failure slot *before* the scrypt work and gives it back only when the proof was right, so
/// concurrent guesses can never run more checks than the session has failures left: with 100 wrong intents sent
/// at once, at most `maxFailures` are verified and the rest are refused without work. The scrypt itself runs on
/// the daemon's one derivation lane (`DerivationLane`), never on the actor or the cooperative pool.
///
/// It also keeps the keys of the salts this session signed with or proved valid (`JoinKey`): checking a proof
/// made with such a salt is an HMAC, not an scrypt. A joiner's confirmation comes signed with the salt of the
/// joiner's own intent, so after the initiator's one derivation per joiner the trust exchange costs no more.
/// Only this session's own salts and proven ones are kept, so a guess never makes a cheap entry; a check from a
/// kept key still claims a failure slot first, so the lockout counts it like any other.
///
/// An initiator derives a joiner's key before its proof arrives when the joiner announces the salt it proves
/// with (`prepare`): the derivation runs while the joiner still looks for the initiator, and the proof costs an
/// HMAC. The salt stays the joiner's fresh choice, public from its session's start instead of from its intent.
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
    /// Keys prepared from announcements per session: an announcement proves nothing, so a flood of them costs at
    /// most this many derivations, each behind any proof waiting for the lane.
    public static let maxPrepared = 32
    private struct Counts { var failures = 0; var inFlight = 0 }
    private struct Prepared { var keys: [[UInt8]: Task<JoinKey?, Never>] = [:]; var closed = false }
    private let counts = Locked(Counts())
    private let keys = Locked<[JoinKey]>([])
    private let prepared = Locked(Prepared())
    private let derived = Locked(0)
    private static let keptKeys = 64

    public init(maxFailures: Int) { self.maxFailures = maxFailures }

    public var failures: Int { counts.current.failures }
    /// How many keys this verifier derived (proofs checked with an unknown salt, own keys, prepared keys).
    public var derivations: Int { derived.current }

    public func verify(header: String, body: [UInt8], passphrase: String) async -> Outcome {
        let claimed: Outcome? = counts.withLock { c in
            if c.failures >= maxFailures { return .locked }
            if c.failures + c.inFlight >= maxFailures { return .busy }
            c.inFlight += 1
            return nil
        }
        if let claimed { return claimed }
        var known = keys.current
        let salt = JoinSignature.salt(of: header)
        if let salt, !known.contains(where: { $0.salt == salt }),
           let pending = prepared.withLock({ $0.keys[salt] }), let key = await pending.value {
            known.append(key)
        }
        let check: JoinSignatureCheck, key: JoinKey?
        if let salt, !known.contains(where: { $0.salt == salt }) {
            (check, key) = await DerivationLane.run { [derived, known] in
                derived.withLock { $0 += 1 }
                return JoinSignature.verify(header: header, body: body, passphrase: passphrase, known: known)
            }
        } else {
            // A known salt (an HMAC) or a malformed header (no work): no need for the lane.
            (check, key) = JoinSignature.verify(header: header, body: body, passphrase: passphrase, known: known)
        }
        if check == .valid, let key { keep(key) }
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

    /// This session's own key: with `salt` (a joiner's announced one), else a fresh random salt. Derived on the
    /// lane and kept for checking the answers signed with it.
    public func ownKey(passphrase: String, salt: [UInt8]? = nil) async throws -> JoinKey {
        let key = try await DerivationLane.run { [derived] in
            derived.withLock { $0 += 1 }
            return Result { try salt.map { try JoinKey.derive(passphrase: passphrase, salt: $0) } ?? JoinKey.derive(passphrase: passphrase) }
        }.get()
        keep(key)
        return key
    }

    /// Initiator: starts deriving the key of `salt`, which a joiner announced it will prove with, so its proof
    /// costs an HMAC when it comes. At most `maxPrepared` per session, one at a time behind any proof; nothing
    /// after `close()`. Returns whether it started one.
    @discardableResult
    public func prepare(salt: [UInt8], passphrase: String) -> Bool {
        guard salt.count == JoinSignature.saltLength else { return false }
        return prepared.withLock { p in
            guard !p.closed, p.keys[salt] == nil, p.keys.count < Self.maxPrepared else { return false }
            p.keys[salt] = Task { [prepared, derived] in
                await DerivationLane.runInBackground {
                    guard !prepared.current.closed else { return nil }
                    derived.withLock { $0 += 1 }
                    return try? JoinKey.derive(passphrase: passphrase, salt: salt)
                }
            }
            return true
        }
    }

    /// The session ended: prepared derivations not yet started are skipped.
    public func close() { prepared.withLock { $0.closed = true } }

    /// The kept key with the salt of `header` (a proof this session checked as valid, or signed), if any.
    public func keptKey(saltOf header: String) -> JoinKey? {
        guard let salt = JoinSignature.salt(of: header) else { return nil }
        return keys.current.first { $0.salt == salt }
    }

    private func keep(_ key: JoinKey) {
        keys.withLock { kept in
            guard !kept.contains(key) else { return }
            kept.append(key)
            if kept.count > Self.keptKeys { kept.removeFirst() }
        }
    }
}
