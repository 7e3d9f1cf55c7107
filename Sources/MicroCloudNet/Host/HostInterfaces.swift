#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A network interface of this host (in the current network namespace).
public struct HostInterface: Sendable, Hashable {
    public var name: String
    public var index: Int
    public var isUp: Bool
    /// Global-scope addresses in CIDR form ("10.0.0.5/24", "fd00::5/64"); loopback and link-local are left out.
    public var addresses: [String]

    public init(name: String, index: Int, isUp: Bool, addresses: [String]) {
        self.name = name
        self.index = index
        self.isUp = isUp
        self.addresses = addresses
    }
}

public enum HostInterfaces {
    /// Every interface, ordered by index, from getifaddrs.
    public static func list() -> [HostInterface] {
        scan().map(\.interface)
    }

    /// The interface that has `address` assigned ("10.0.0.5" or "10.0.0.5/24"; any scope, so 127.0.0.1 → lo).
    public static func owning(address: String) -> HostInterface? {
        guard let wanted = IPAddress(String(address.split(separator: "/").first ?? "")) else { return nil }
        return scan().first { $0.allAddresses.contains(wanted) }?.interface
    }

    private struct Scanned {
        var interface: HostInterface
        var allAddresses: [IPAddress]
    }

    private static func scan() -> [Scanned] {
        var head: UnsafeMutablePointer<ifaddrs>? = nil
        guard getifaddrs(&head) == 0 else { return [] }
        defer { freeifaddrs(head) }
        var byName: [String: Scanned] = [:]
        var node = head
        while let entry = node?.pointee {
            defer { node = entry.ifa_next }
            let name = String(cString: entry.ifa_name)
            var item = byName[name] ?? Scanned(
                interface: HostInterface(name: name, index: Int(if_nametoindex(entry.ifa_name)), isUp: false, addresses: []),
                allAddresses: [])
            item.interface.isUp = item.interface.isUp || (entry.ifa_flags & UInt32(IFF_UP)) != 0
            if let address = IPAddress(sockaddr: entry.ifa_addr) {
                item.allAddresses.append(address)
                if address.isGlobal {
                    let prefix = IPAddress(sockaddr: entry.ifa_netmask)?.prefixLength ?? address.bytes.count * 8
                    item.interface.addresses.append("\(address.text)/\(prefix)")
                }
            }
            byName[name] = item
        }
        return byName.values.sorted { ($0.interface.index, $0.interface.name) < ($1.interface.index, $1.interface.name) }
    }
}

/// An IPv4 or IPv6 address as bytes, with the checks interface listing needs.
struct IPAddress: Hashable {
    var bytes: [UInt8]  // 4 or 16

    init?(_ text: String) {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init?(sockaddr pointer: UnsafeMutablePointer<sockaddr>?) {
        guard let pointer else { return nil }
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            bytes = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            bytes = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
            }
        default:
            return nil
        }
    }

    var isV4: Bool { bytes.count == 4 }

    /// Not loopback, link-local, unspecified or multicast.
    var isGlobal: Bool {
        if isV4 {
            return bytes[0] != 127 && !(bytes[0] == 169 && bytes[1] == 254) && bytes != [0, 0, 0, 0] && bytes[0] < 224
        }
        let loopback = bytes == [UInt8](repeating: 0, count: 15) + [1]
        let unspecified = bytes.allSatisfy { $0 == 0 }
        let linkLocal = bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80
        return !loopback && !unspecified && !linkLocal && bytes[0] != 0xFF
    }

    /// For a netmask: the number of leading one bits.
    var prefixLength: Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }

    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { raw in
            _ = inet_ntop(isV4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
    }
}
