import Foundation
import Dispatch
import MicroCloudKit
import MicroCloudNet

/// Checks the passphrase proofs of one trust session, bounded and off the daemon's actor.
///
/// Each check claims a failure slot *before* the scrypt work and gives it back only when the proof was right, so
/// concurrent guesses can never run more checks than the session has failures left: with 100 wrong intents sent
/// at once, at most `maxFailures` are verified and the rest are refused without work. The scrypt itself runs on
/// at most two serial dispatch queues (one per core on a small server), never on the actor or the cooperative pool,
/// so a burst cannot stall other requests, and the intents of many joiners arriving together are checked two at a
/// time.
///
/// It also keeps the keys of the salts this session signed with or proved valid (`JoinKey`): checking a proof
/// made with such a salt is an HMAC, not an scrypt. A joiner's confirmation comes signed with the salt of the
/// joiner's own intent, so after the initiator's one check per joiner the trust exchange costs no more key
/// derivations. Only this session's own salts and proven ones are kept, so a guess never makes a cheap entry; a
/// check from a kept key still claims a failure slot first, so the lockout counts it like any other.
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
    private let counts = Locked(Counts())
    private let keys = Locked<[JoinKey]>([])
    private static let keptKeys = 64
    /// At most this many key derivations at once for the whole daemon: a burst queues here, on threads of its own.
    private static let lanes = (0..<min(2, max(1, ProcessInfo.processInfo.activeProcessorCount))).map {
        DispatchQueue(label: "microcloud.passphrase-verifier.\($0)", qos: .utility)
    }
    private static let nextLane = Locked(0)

    public init(maxFailures: Int) { self.maxFailures = maxFailures }

    public var failures: Int { counts.current.failures }

    public func verify(header: String, body: [UInt8], passphrase: String) async -> Outcome {
        let claimed: Outcome? = counts.withLock { c in
            if c.failures >= maxFailures { return .locked }
            if c.failures + c.inFlight >= maxFailures { return .busy }
            c.inFlight += 1
            return nil
        }
        if let claimed { return claimed }
        let known = keys.current
        let (check, key) = await Self.onQueue { JoinSignature.verify(header: header, body: body, passphrase: passphrase, known: known) }
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

    /// A fresh key for this session's own signatures, derived on the verifier's queues and kept for checking the
    /// answers signed with it.
    public func ownKey(passphrase: String) async throws -> JoinKey {
        let key = try await Self.onQueue { Result { try JoinKey.derive(passphrase: passphrase) } }.get()
        keep(key)
        return key
    }

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

    private static func onQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            let lane = nextLane.withLock { n -> Int in
                defer { n = (n + 1) % lanes.count }
                return n
            }
            lanes[lane].async { done.resume(returning: work()) }
        }
    }
}
