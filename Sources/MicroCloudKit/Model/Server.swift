/// Where a server stands in the trust session, as the live servers table shows it.
public enum ServerState: String, Codable, Sendable {
    case discovered, verified, lost, joining, joined, failed
}

/// A server seen on the network (or typed in), before or during joining.
public struct Server: Codable, Hashable, Sendable, Identifiable {
    public var name: String
    public var address: String
    public var fingerprint: String
    public var version: String
    public var state: ServerState

    public var id: String { name }

    public init(name: String, address: String, fingerprint: String, version: String, state: ServerState = .discovered) {
        self.name = name
        self.address = address
        self.fingerprint = fingerprint
        self.version = version
        self.state = state
    }

    /// The 12 hex digits both operators compare by eye (colons dropped, lower case).
    public var shortFingerprint: String {
        String(fingerprint.lowercased().filter { $0 != ":" }.prefix(12))
    }
}
