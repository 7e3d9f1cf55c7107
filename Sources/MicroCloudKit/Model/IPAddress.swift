/// An IPv4 or IPv6 address (no zone). Parsing is strict: dotted quads without leading zeros, IPv6 in any RFC 4291
/// text form including `::` and an embedded IPv4 tail. Printed in canonical form (RFC 5952 for IPv6).
public struct IPAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    public var isIPv6: Bool { bytes.count == 16 }
    /// 32 or 128.
    public var bitWidth: Int { bytes.count * 8 }

    public init?(_ text: String) {
        if let v4 = IPAddress.parseV4(Substring(text)) {
            bytes = v4
        } else if let v6 = IPAddress.parseV6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// From raw bytes; nil unless there are 4 or 16 of them.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address with every bit after the first `prefix` bits cleared (or set, for `fill: true`).
    public func masked(_ prefix: Int, fill: Bool = false) -> IPAddress {
        var out = bytes
        for i in 0..<out.count {
            let keep = max(0, min(8, prefix - i * 8))
            let mask: UInt8 = keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            out[i] = fill ? (out[i] | ~mask) : (out[i] & mask)
        }
        return IPAddress(uncheckedBytes: out)
    }

    private init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [Int] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(Int(bytes[i]) << 8 | Int(bytes[i + 1])) }
        // IPv4-mapped addresses keep their dotted tail, as RFC 5952 §5 recommends.
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        // Longest run of two or more zero groups (the first one on a tie) becomes "::".
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLen { bestStart = i; bestLen = j - i }
                i = j
            } else {
                i += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        if bestLen < 2 { return hex.joined(separator: ":") }
        let head = hex[0..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLen)...].joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ip = IPAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\"\(text)\" is not an IP address"))
        }
        self = ip
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    // MARK: parsing

    static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if part.count > 1 && part.first == "0" { return nil }
            guard let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), !text.contains(":::") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String, allowV4Tail: Bool) -> [UInt16]? {
            if s.isEmpty { return [] }
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt16] = []
            for (n, part) in parts.enumerated() {
                if allowV4Tail && n == parts.count - 1 && part.contains(".") {
                    guard let v4 = parseV4(part) else { return nil }
                    out.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    out.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(part.count), part.allSatisfy({ $0.isHexDigit }),
                      let value = UInt16(part, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowV4Tail: false),
                  let tail = groups(halves[1], allowV4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let g = groups(text, allowV4Tail: true), g.count == 8 else { return nil }
            all = g
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
