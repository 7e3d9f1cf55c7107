/// Why a TXT record could not be read as a `ServiceAnnouncement`.
public enum TXTRecordError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingKey(String)
    case emptyValue(String)
    case badPort(Int)

    public var description: String {
        switch self {
        case .missingKey(let key): return "TXT record has no \"\(key)\" entry"
        case .emptyValue(let key): return "TXT entry \"\(key)\" is empty"
        case .badPort(let port): return "service port \(port) is outside 1...65535"
        }
    }
}

/// DNS-SD TXT codec: `key=value` strings, each at most 255 bytes (one length byte on the wire).
/// Keys are matched case-insensitively, the first occurrence of a key wins, unknown keys are ignored
/// (so newer peers can add keys), and entries over 255 bytes are treated as absent.
public enum TXTRecord {
    public static let maxEntryBytes = 255
    /// The TXT format version; bump when a key changes meaning.
    public static let formatVersion = "1"

    enum Key {
        static let txtvers = "txtvers", name = "name", address = "address", fingerprint = "fingerprint"
        static let version = "version", state = "state"
        /// Optional: the publisher's count of its records, so a browser holding an old and a new record of the same
        /// service (the old one lingers up to a second, or more) knows which is newer.
        static let sequence = "seq"
        static let required = [name, address, fingerprint, version, state]
    }

    /// Entries for `a`. A value too long for its entry is cut at a character boundary; `problems(with:)` tells
    /// the publisher beforehand so it can refuse instead.
    public static func encode(_ a: ServiceAnnouncement, sequence: UInt64? = nil) -> [String] {
        [
            entry(Key.txtvers, formatVersion),
            entry(Key.name, a.name),
            entry(Key.address, a.address),
            entry(Key.fingerprint, a.shortFingerprint),
            entry(Key.version, a.version),
            entry(Key.state, a.state),
        ] + (sequence.map { [entry(Key.sequence, String($0))] } ?? [])
    }

    /// The record's `seq` entry, nil when it has none (an older publisher) or it is not a number.
    public static func sequence(_ txt: [String]) -> UInt64? {
        let prefix = Key.sequence + "="
        guard let item = txt.first(where: { $0.lowercased().hasPrefix(prefix) }) else { return nil }
        return UInt64(item.dropFirst(prefix.count))
    }

    public static func decode(_ txt: [String], port: Int) -> ServiceAnnouncement? {
        try? parse(txt, port: port)
    }

    /// Like `decode`, with the reason when it fails.
    public static func parse(_ txt: [String], port: Int) throws(TXTRecordError) -> ServiceAnnouncement {
        var values: [String: String] = [:]
        for item in txt where item.utf8.count <= maxEntryBytes {
            guard let eq = item.firstIndex(of: "=") else { continue }  // boolean attribute: none of ours
            let key = item[..<eq].lowercased()
            if values[key] == nil { values[key] = String(item[item.index(after: eq)...]) }
        }
        for key in Key.required {
            guard let value = values[key] else { throw .missingKey(key) }
            guard !value.isEmpty else { throw .emptyValue(key) }
        }
        guard (1...65535).contains(port) else { throw .badPort(port) }
        return ServiceAnnouncement(name: values[Key.name]!, address: values[Key.address]!, port: port,
                                   shortFingerprint: values[Key.fingerprint]!, version: values[Key.version]!,
                                   state: values[Key.state]!)
    }

    /// Fields that would not survive the trip (too long, empty), named so the message says what to fix.
    public static func problems(with a: ServiceAnnouncement) -> [String] {
        let fields: [(String, String, String)] = [
            ("name", Key.name, a.name), ("address", Key.address, a.address),
            ("shortFingerprint", Key.fingerprint, a.shortFingerprint), ("version", Key.version, a.version),
            ("state", Key.state, a.state),
        ]
        var out: [String] = []
        for (field, key, value) in fields {
            if value.isEmpty { out.append("\(field) is empty") }
            let size = key.utf8.count + 1 + value.utf8.count
            if size > maxEntryBytes {
                out.append("\(field) is \(value.utf8.count) bytes; it must fit \(maxEntryBytes - key.utf8.count - 1) bytes in TXT")
            }
        }
        if !(1...65535).contains(a.port) { out.append("port \(a.port) is outside 1...65535") }
        return out
    }

    private static func entry(_ key: String, _ value: String) -> String {
        var text = key + "=" + value
        while text.utf8.count > maxEntryBytes { text.removeLast() }  // whole characters, so never broken UTF-8
        return text
    }
}
