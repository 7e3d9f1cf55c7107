import FoundationEssentials

/// A network fault between two servers that may pass on its own (a cable pulled and put back, a switch restarting),
/// as opposed to a refusal. A member's join tries again through such a fault for a bounded time, on both sides: the
/// joiner's LXD join and the initiator's wait for it.
public enum LinkFault {
    /// How long a join keeps trying through link faults: a switch's restart and then some, well inside the join
    /// step's 300 s budget, so a link that stays down is still reported within that budget.
    public static let retryWindow: Duration = .seconds(120)
    /// The pause between two tries: a neighbour (ARP) entry that failed while the link was down is probed again
    /// within a few seconds of the link returning.
    public static let retryInterval: Duration = .seconds(5)

    /// Whether a failure reads as the path to the other server being down (in our words, the C library's or Go's,
    /// which LXD uses), not as the other side refusing: "connection refused" means the host is up and the service
    /// is not, which waiting does not mend.
    public static func isTransient(_ message: String) -> Bool { mentions(transientPhrases, message) }

    static let transientPhrases = [
        "host unreachable", "no route to host", "network unreachable", "network is unreachable", "host is down",
        "timed out connecting", "connection timed out", "i/o timeout",
        // Connected, then silence: the cable went out between the SYN and the handshake (a TLS server answers a
        // ClientHello at once, so a handshake that never ends is the path, not the peer's choice).
        "waiting for the tls handshake",
    ]

    /// Whether an error reads as a link fault.
    public static func isTransient(_ error: any Error) -> Bool { isTransient("\(error)") }

    /// Whether an exchange broke on a connection that had been made: after a link fault the far side may have given
    /// up on it (a long poll answered into the void, then closed). Ambiguous on its own (a killed daemon closes its
    /// connections too), so only a request that is safe to repeat is tried again on it, and the next try tells
    /// the two apart: "connection refused" ends it, "host unreachable" waits for the link.
    public static func isBrokenExchange(_ message: String) -> Bool { mentions(brokenPhrases, message) }

    private static func mentions(_ phrases: [String], _ message: String) -> Bool {
        let text = message.lowercased()
        return phrases.contains { text.contains($0) }
    }

    static let brokenPhrases = [
        "connection closed during tls", "connection closed before a complete response", "connection reset by peer",
        "connection closed by peer", "eof during handshake",
    ]

    /// What a request that is safe to repeat (a read, a cursor-based poll) is tried again on.
    public static func isTransientOrBroken(_ error: any Error) -> Bool {
        let text = "\(error)"
        return isTransient(text) || isBrokenExchange(text)
    }

    /// Runs `attempt` until it succeeds, fails in a way `retry` does not accept (by default: not a link fault), or
    /// `window` has passed since the first failure; `waiting` is told the reason and the time left before each pause.
    /// The last error is thrown.
    public static func retrying<T: Sendable>(if retry: (any Error) -> Bool = { LinkFault.isTransient($0) },
                                             window: Duration = LinkFault.retryWindow,
                                             interval: Duration = LinkFault.retryInterval,
                                             waiting: (_ reason: String, _ left: Duration) -> Void = { _, _ in },
                                             _ attempt: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        var deadline: ContinuousClock.Instant?
        while true {
            do {
                return try await attempt()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let reason = "\(error)"
                let end = deadline ?? clock.now + window
                deadline = end
                let left = end - clock.now
                guard retry(error), left > interval else { throw error }
                waiting(reason, .seconds(left.components.seconds))
                try await Task.sleep(for: interval)
            }
        }
    }
}

extension Duration {
    /// "60 s", "0.5 s": how timeouts and budgets read in messages.
    public var secondsText: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds) s" }
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return "\(Double(millis) / 1000) s"
    }
}
