import CAvahi
import MicroCloudKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An Avahi failure: the avahi error code, what we were doing, and avahi's own words for the code.
public struct AvahiError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var context: String
    public init(code: Int32, context: String) {
        self.code = code
        self.context = context
    }
    public var description: String {
        let reason = String(cString: avahi_strerror(code))
        if code == Int32(AVAHI_ERR_NO_DAEMON) {
            return "\(context): \(reason) (start avahi-daemon, or give the other servers' addresses instead of discovering them)"
        }
        return "\(context): \(reason)"
    }
}

/// Small conversions between Swift and libavahi types, shared by the browser and the publisher.
enum AvahiSupport {
    /// nil → all interfaces; otherwise the index of a named interface in this network namespace.
    static func interfaceIndex(_ name: String?) throws -> AvahiIfIndex {
        guard let name else { return AvahiIfIndex(AVAHI_IF_UNSPEC) }
        let index = if_nametoindex(name)
        guard index > 0 else {
            throw AvahiError(code: Int32(AVAHI_ERR_INVALID_INTERFACE), context: "no network interface named \"\(name)\"")
        }
        return AvahiIfIndex(index)
    }

    /// An AvahiStringList in the order given; the caller frees it with `avahi_string_list_free`.
    static func stringList(_ items: [String]) -> UnsafeMutablePointer<AvahiStringList>? {
        var list: UnsafeMutablePointer<AvahiStringList>? = nil
        for item in items.reversed() { list = avahi_string_list_add(list, item) }  // add() prepends
        return list
    }

    static func strings(_ list: UnsafeMutablePointer<AvahiStringList>?) -> [String] {
        var out: [String] = []
        var node = list
        while let current = node {
            let size = avahi_string_list_get_size(current)
            if let text = avahi_string_list_get_text(current) {
                out.append(VisibleBytes.text(UnsafeBufferPointer(start: text, count: size)))  // odd bytes shown, not replaced
            }
            node = avahi_string_list_get_next(current)
        }
        return out
    }

    /// The strings of a TXT record's raw data (as a record browser gives it), nil when it does not parse.
    static func txt(_ data: UnsafeRawPointer?, _ size: Int) -> [String]? {
        guard let data else { return nil }
        var list: UnsafeMutablePointer<AvahiStringList>?
        guard avahi_string_list_parse(data, size, &list) >= 0 else { return nil }
        defer { avahi_string_list_free(list) }
        return strings(list)
    }

    /// "micro01" → "micro01 #2" → "micro01 #3" …, as avahi proposes after a name clash.
    static func alternativeName(_ name: String) -> String {
        guard let alt = avahi_alternative_service_name(name) else { return name + " #2" }
        defer { avahi_free(alt) }
        return String(cString: alt)
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
