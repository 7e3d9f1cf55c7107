import MicroCloudKit

/// Problems of a form: one per field (nil when fine) and one for the form as a whole.
public struct FormProblems: Sendable, Equatable {
    public var fields: [String?]
    public var form: String?
    public var isValid: Bool { form == nil && fields.allSatisfy { $0 == nil } }
}

/// The inline checks of the Ceph network and OVN uplink forms, run while the operator types. Each message names
/// the problem and, where it can, the fix. The plan's own validation (`ClusterPlan.validate`) runs again on the
/// summary; these say the same things earlier, in a line under the field.
public enum WizardRules {
    /// A Ceph subnet: network form CIDR with room for hosts; outside the lookup subnet every member needs an address in it.
    public static func cephSubnetProblem(_ text: String, lookup: CIDR?, inventories: [Inventory]) -> String? {
        let t = text.trimmingSpaces
        if t.isEmpty { return nil }
        guard let c = CIDR(t) else { return "not a subnet in CIDR notation, e.g. 10.0.1.0/24" }
        if c.hostBits == 0 { return "a /\(c.prefix) holds a single address; use a subnet with room for every member" }
        if !c.isNetworkAddress { return "host bits are set; use the network address \(c.network)" }
        if let lookup, lookup.network == c { return nil }
        if let inv = inventories.first(where: { $0.interface(in: c) == nil }) {
            return "Not enough network interfaces found with an IP within the given CIDR subnet on \"\(inv.name)\". "
                + "You need at least one interface per cluster member."
        }
        return nil
    }

    /// An uplink gateway: the router's host address with the uplink's prefix, of the right family.
    public static func gatewayProblem(_ text: String, ipv4: Bool) -> String? {
        let t = text.trimmingSpaces
        let example = ipv4 ? "192.0.2.1/24" : "2001:db8::1/64"
        guard let c = CIDR(t) else {
            if let ip = IPAddress(t) {
                return ip.isIPv4 == ipv4 ? "add the prefix length, e.g. \(t)/\(ipv4 ? 24 : 64)"
                    : wrongFamily(ipv4)
            }
            return "not an IPv\(ipv4 ? 4 : 6) address with a prefix, e.g. \(example)"
        }
        if c.isIPv4 != ipv4 { return wrongFamily(ipv4) }
        if c.hostBits < 2 { return "a /\(c.prefix) leaves no room for other addresses; use the uplink's real prefix" }
        if c.isNetworkAddress {
            return "gateway must be a host address, not the network address \(c.address); "
                + "e.g. \(c.firstAddress.advanced(by: 1))/\(c.prefix)"
        }
        if ipv4 && c.address == c.lastAddress {
            return "gateway must be a host address, not the broadcast address \(c.address)"
        }
        return nil
    }

    private static func wrongFamily(_ ipv4: Bool) -> String {
        ipv4 ? "this is an IPv6 address; give it as the IPv6 gateway" : "this is an IPv4 address; give it as the IPv4 gateway"
    }

    /// One end of the IPv4 range, against the gateway (when it is valid).
    public static func rangeAddressProblem(_ text: String, gatewayText: String, gateway: CIDR?) -> String? {
        let t = text.trimmingSpaces
        guard let ip = IPAddress(t) else { return "not an IP address, e.g. 192.0.2.100" }
        guard ip.isIPv4 else { return "not an IPv4 address" }
        if gatewayText.trimmingSpaces.isEmpty { return "a range needs the IPv4 gateway above" }
        guard let gw = gateway else { return nil }
        if !gw.contains(ip) { return "not inside the gateway's subnet \(gw.network)" }
        if ip == gw.address { return "this is the gateway address; the range must not contain it" }
        return nil
    }

    /// The range as a whole: order, the gateway inside it, a member's address inside it.
    public static func rangeProblem(first: IPAddress, last: IPAddress, gateway: CIDR?,
                                    members: [(name: String, address: String)]) -> String? {
        if last < first { return "the last address is before the first (\(first))" }
        guard let range = IPRange(first: first, last: last) else { return nil }
        if let gw = gateway, range.contains(gw.address) { return "the range must not contain the gateway \(gw.address)" }
        for m in members {
            if let ip = IPAddress(m.address), range.contains(ip) {
                return "the range must not include system address \"\(ip)\" (\(m.name))"
            }
        }
        return nil
    }

    /// DNS servers: comma-separated plain addresses.
    public static func dnsProblem(_ text: String) -> String? {
        for part in text.split(separator: ",").map({ String($0).trimmingSpaces }) where !part.isEmpty {
            if IPAddress(part) == nil {
                return part.contains("/") ? "\"\(part)\": give plain addresses, without a prefix"
                    : "\"\(part)\" is not an IP address"
            }
        }
        return nil
    }

    /// The OVN uplink form: [IPv4 gateway, first, last, IPv6 gateway, DNS]. `attempted` (after an Enter on the last
    /// field) also reports missing required values.
    public static func ovnProblems(_ values: [String], members: [(name: String, address: String)],
                                   attempted: Bool) -> FormProblems {
        let v = (values + Array(repeating: "", count: 5)).prefix(5).map(\.trimmingSpaces)
        var p: [String?] = Array(repeating: nil, count: 5)
        if !v[0].isEmpty { p[0] = gatewayProblem(v[0], ipv4: true) }
        let gw4 = !v[0].isEmpty && p[0] == nil ? CIDR(v[0]) : nil
        for i in [1, 2] {
            if v[i].isEmpty {
                if attempted && !v[0].isEmpty { p[i] = "required with an IPv4 gateway" }
            } else {
                p[i] = rangeAddressProblem(v[i], gatewayText: v[0], gateway: gw4)
            }
        }
        if p[1] == nil, p[2] == nil, let a = IPAddress(v[1]), let b = IPAddress(v[2]) {
            p[2] = rangeProblem(first: a, last: b, gateway: gw4, members: members)
        }
        if !v[3].isEmpty { p[3] = gatewayProblem(v[3], ipv4: false) }
        p[4] = dnsProblem(v[4])
        var form: String?
        if attempted && v[0].isEmpty && v[3].isEmpty {
            form = "Either the IPv4 or IPv6 gateway has to be set on the uplink network"
        }
        return FormProblems(fields: p, form: form)
    }

    /// The default DNS servers: the gateways' addresses, IPv4 first.
    public static func defaultDNS(ipv4Gateway: String, ipv6Gateway: String) -> String {
        [(ipv4Gateway, true), (ipv6Gateway, false)].compactMap { text, ipv4 -> String? in
            let t = text.trimmingSpaces
            guard !t.isEmpty, gatewayProblem(t, ipv4: ipv4) == nil, let c = CIDR(t) else { return nil }
            return c.address.description
        }.joined(separator: ",")
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
