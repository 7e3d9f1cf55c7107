/// `host:port`, with IPv6 addresses in brackets.
public func hostPort(_ host: String, _ port: Int) -> String {
    host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
}

/// "10.0.0.1:8443" / "[fd00::1]:8443" / "10.0.0.1" → host and port.
public func splitHostPort(_ text: String, defaultPort: Int) -> (String, Int) {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
        let host = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? defaultPort : defaultPort)
    }
    let parts = text.split(separator: ":")
    if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
    return (text, defaultPort)
}
