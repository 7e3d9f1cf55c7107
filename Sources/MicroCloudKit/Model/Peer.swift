/// A certificate's SHA-256 fingerprint, as lower-case hex without colons. Full (64 digits) when it was proven (a TLS
/// handshake, a join intent); short (the 12 digits mDNS announces and operators compare by eye) when it was only
/// announced, which proves nothing. As JSON it is the plain string.
public struct Fingerprint: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let hex: String

    public init(_ text: String) { hex = text.lowercased().filter { $0 != ":" } }
    public init(stringLiteral value: String) { self.init(value) }
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }

    /// A SHA-256 fingerprint in full; anything shorter is only an announcement's prefix.
    public var isFull: Bool { hex.count == 64 }
    public var isEmpty: Bool { hex.isEmpty }
    /// The 12 hex digits both operators compare by eye.
    public var short: String { String(hex.prefix(12)) }
    public var description: String { hex }

    /// Whether both can name the same certificate: equal, or one is a non-empty prefix (the short form) of the other.
    public func matches(_ other: Fingerprint) -> Bool {
        guard !hex.isEmpty, !other.hex.isEmpty else { return false }
        return hex.hasPrefix(other.hex) || other.hex.hasPrefix(hex)
    }
}

/// Who a peer is: its name, the address the cloud reaches it at, and its certificate's fingerprint. The one type
/// wherever these travel together: a member of the cloud, a proven joiner, a discovered server's identity.
public struct Peer: Codable, Hashable, Sendable {
    public var name: String
    public var address: String
    public var fingerprint: Fingerprint

    public init(name: String, address: String, fingerprint: Fingerprint) {
        self.name = name; self.address = address; self.fingerprint = fingerprint
    }
}
