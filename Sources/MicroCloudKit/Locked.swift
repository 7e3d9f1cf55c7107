import Foundation

/// A value guarded by a lock, for the few places that share mutable state between tasks or threads
/// (event-loop callbacks, effect tasks, caches). One mechanism for the whole project.
public final class Locked<Value>: @unchecked Sendable {
    // Invariant: `value` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    public var current: Value { withLock { $0 } }

    public func set(_ new: Value) { withLock { $0 = new } }
}
