import Dispatch
import MicroCloudKit

/// Where the daemon's key derivations run: one serial queue of their own, never the actor or the cooperative pool,
/// so a burst of proofs cannot stall other requests, and one scrypt table (16 MiB) is in use at a time.
///
/// Proofs and own keys go straight onto the queue. Keys prepared ahead of a proof (`PassphraseVerifier.prepare`)
/// go one at a time, so a proof that arrives waits behind at most one of them.
enum DerivationLane {
    private static let queue = DispatchQueue(label: "microcloud.key-derivation", qos: .utility)
    private struct Background { var waiting: [@Sendable () -> Void] = []; var busy = false }
    private static let background = Locked(Background())

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            queue.async { done.resume(returning: work()) }
        }
    }

    /// `work` once no other background work is queued or running.
    static func runInBackground<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            let job: @Sendable () -> Void = {
                done.resume(returning: work())
                next()
            }
            let startNow = background.withLock { b -> Bool in
                if b.busy { b.waiting.append(job); return false }
                b.busy = true
                return true
            }
            if startNow { queue.async(execute: job) }
        }
    }

    private static func next() {
        let job = background.withLock { b -> (@Sendable () -> Void)? in
            guard !b.waiting.isEmpty else { b.busy = false; return nil }
            return b.waiting.removeFirst()
        }
        if let job { queue.async(execute: job) }
    }
}
