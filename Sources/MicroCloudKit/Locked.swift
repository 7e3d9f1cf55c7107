#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a lock, for the few places that share mutable state between tasks or threads
/// (event-loop callbacks, effect tasks, caches). One mechanism for the whole project.
public final class Locked<Value>: @unchecked Sendable {
    // Invariant: `value` is read and written only while `mutex` is held. A pthread mutex, as NSLock is, without
    // linking Foundation into microcloudd; heap-allocated because a pthread_mutex_t must not move.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    public var current: Value { withLock { $0 } }

    public func set(_ new: Value) { withLock { $0 = new } }
}
