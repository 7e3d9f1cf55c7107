import Dispatch

/// Where the daemon's key derivations run: one serial queue of their own, never the actor or the cooperative pool,
/// so a derivation cannot stall other requests, and one scrypt table (16 MiB) is in use at a time.
enum DerivationLane {
    private static let queue = DispatchQueue(label: "microcloud.key-derivation", qos: .utility)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            queue.async { done.resume(returning: work()) }
        }
    }
}
