import FoundationEssentials

/// An append-only list of events that readers long-poll by cursor: `wait(after:)` returns at once when there is
/// something new, otherwise when something arrives or the wait ends. Many readers may follow the same log.
public actor EventLog<Event: Sendable> {
    private var events: [Event] = []
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var closed = false

    public init() {}

    public func append(_ event: Event) {
        events.append(event)
        wakeAll()
    }

    /// No more events will come: readers stop waiting.
    public func close() {
        closed = true
        wakeAll()
    }

    public var isClosed: Bool { closed }
    public var count: Int { events.count }
    public var all: [Event] { events }

    /// Events after cursor `after` (0 = from the start) and the next cursor. Waits up to `timeout` for the first one.
    public func wait(after: Int, timeout: Duration) async -> (events: [Event], next: Int) {
        let start = max(0, min(after, events.count))
        if start < events.count || closed { return (Array(events[start...]), events.count) }
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.wake(id)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in waiters[id] = c }
        timer.cancel()
        let from = max(0, min(after, events.count))
        return (Array(events[from...]), events.count)
    }

    private func wake(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }

    private func wakeAll() {
        let all = waiters.values
        waiters.removeAll()
        for c in all { c.resume() }
    }
}
