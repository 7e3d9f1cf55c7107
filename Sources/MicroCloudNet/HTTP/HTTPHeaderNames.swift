import NIOHTTP1

/// Header names in the canonical form Go's net/http uses ("Content-Type", "X-Microcloud-Auth"), so
/// handlers and callers can look headers up by one spelling whatever the other side sent.
func canonicalHeaderName(_ name: String) -> String {
    name.split(separator: "-", omittingEmptySubsequences: false)
        .map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }
        .joined(separator: "-")
}

/// NIO headers to the core's dictionary; repeated headers are joined with ", " as HTTP allows.
func headerDictionary(_ headers: HTTPHeaders) -> [String: String] {
    var out: [String: String] = [:]
    for (name, value) in headers {
        let key = canonicalHeaderName(name)
        if let existing = out[key] { out[key] = existing + ", " + value } else { out[key] = value }
    }
    return out
}

/// Headers the transport owns: a caller's or handler's values for these would contradict the framing we write.
func isFramingHeader(_ name: String) -> Bool {
    switch name.lowercased() {
    case "content-length", "transfer-encoding", "connection", "keep-alive", "host", "upgrade": return true
    default: return false
    }
}
