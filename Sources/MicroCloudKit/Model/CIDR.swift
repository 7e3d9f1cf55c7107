/// An address with a prefix length, "10.0.0.1/24" or "fd42::1/64". The address may be a host address (a gateway)
/// or the network address; `isNetworkAddress` tells which.
public struct CIDR: Hashable, Sendable, Codable, CustomStringConvertible {
    public let address: IPAddress
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = IPAddress(String(parts[0])) else { return nil }
        let p = parts[1]
        guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
              !(p.count > 1 && p.first == "0"), let n = Int(p) else { return nil }
        self.init(address: ip, prefix: n)
    }

    public init?(address: IPAddress, prefix: Int) {
        guard prefix >= 0 && prefix <= address.bitWidth else { return nil }
        self.address = address
        self.prefix = prefix
    }

    public var isIPv4: Bool { address.isIPv4 }

    /// The same prefix with the host bits cleared.
    public var network: CIDR { CIDR(address: address.masked(prefix), prefix: prefix)! }

    public var isNetworkAddress: Bool { address == address.masked(prefix) }

    /// Lowest and highest address of the subnet.
    public var firstAddress: IPAddress { address.masked(prefix) }
    public var lastAddress: IPAddress { address.masked(prefix, fill: true) }

    /// Bits left for hosts: 0 for a /32 or /128.
    public var hostBits: Int { address.bitWidth - prefix }

    /// Number of addresses in the subnet, saturating at `UInt64.max` for huge IPv6 subnets.
    public var addressCount: UInt64 { hostBits >= 64 ? UInt64.max : (UInt64(1) << UInt64(hostBits)) }

    public func contains(_ ip: IPAddress) -> Bool {
        ip.bytes.count == address.bytes.count && ip.masked(prefix) == address.masked(prefix)
    }

    /// True when the two subnets share at least one address.
    public func overlaps(_ other: CIDR) -> Bool {
        guard other.isIPv4 == isIPv4 else { return false }
        let p = min(prefix, other.prefix)
        return address.masked(p) == other.address.masked(p)
    }

    public var description: String { "\(address)/\(prefix)" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let c = CIDR(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\"\(text)\" is not a CIDR"))
        }
        self = c
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An inclusive address range written "first-last", as LXD's `ipv4.ovn.ranges` takes it. A reversed range parses
/// (so validation can say what is wrong with it); `isAscending` tells.
public struct IPRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public let first: IPAddress
    public let last: IPAddress

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let a = IPAddress(String(parts[0]).trimming(" ")), let b = IPAddress(String(parts[1]).trimming(" ")),
              a.isIPv4 == b.isIPv4 else { return nil }
        first = a
        last = b
    }

    public init?(first: IPAddress, last: IPAddress) {
        guard first.isIPv4 == last.isIPv4 else { return nil }
        self.first = first
        self.last = last
    }

    public var isIPv4: Bool { first.isIPv4 }
    public var isAscending: Bool { first <= last }

    public func contains(_ ip: IPAddress) -> Bool {
        ip.isIPv4 == isIPv4 && first <= ip && ip <= last
    }

    public var description: String { "\(first)-\(last)" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let r = IPRange(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\"\(text)\" is not an address range"))
        }
        self = r
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
