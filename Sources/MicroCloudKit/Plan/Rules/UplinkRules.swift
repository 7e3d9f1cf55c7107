// The UPLINK network's settings (gateways, range, DNS) as answered, and their rules. The wizard's OVN form checks
// each field with these while the operator types; a preseed file's `ovn` keys and a finished plan are checked with
// the same function, so a bad value gets the same message on every path.

/// The uplink settings as typed: the wizard's form fields, or a preseed file's `ovn` keys (the range split in two).
public struct UplinkAnswers: Hashable, Sendable {
    /// The fields, in the order the wizard asks them (as upstream's cmd/microcloud/ask.go does).
    public enum Field: CaseIterable, Hashable, Sendable {
        case ipv4Gateway, ipv4First, ipv4Last, ipv6Gateway, dnsServers

        /// The preseed key the field is written as.
        public var key: String {
            switch self {
            case .ipv4Gateway: "ovn.ipv4_gateway"
            case .ipv4First, .ipv4Last: "ovn.ipv4_range"
            case .ipv6Gateway: "ovn.ipv6_gateway"
            case .dnsServers: "ovn.dns_servers"
            }
        }
    }

    public var ipv4Gateway = ""
    public var ipv4First = ""
    public var ipv4Last = ""
    public var ipv6Gateway = ""
    /// Comma-separated, as upstream takes it.
    public var dnsServers = ""
    /// A range given as one text that is not `<ip>-<ip>` (only a file can say that).
    var malformedRange: String?

    public init(ipv4Gateway: String = "", ipv4First: String = "", ipv4Last: String = "", ipv6Gateway: String = "",
                dnsServers: String = "") {
        self.ipv4Gateway = ipv4Gateway
        self.ipv4First = ipv4First
        self.ipv4Last = ipv4Last
        self.ipv6Gateway = ipv6Gateway
        self.dnsServers = dnsServers
    }

    /// From text keys: the range as `<first>-<last>`, DNS comma-separated.
    public init(ipv4Gateway: String?, ipv4Range: String?, ipv6Gateway: String?, dnsServers: String?) {
        self.init(ipv4Gateway: ipv4Gateway ?? "", ipv6Gateway: ipv6Gateway ?? "", dnsServers: dnsServers ?? "")
        let range = (ipv4Range ?? "").trimming(" ")
        if range.isEmpty { return }
        let parts = range.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimming(" ") }
        if parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty {
            (ipv4First, ipv4Last) = (parts[0], parts[1])
        } else {
            malformedRange = range
        }
    }

    /// A plan's settings, to check them with the same rules.
    public init(_ plan: OVNPlan) {
        self.init(ipv4Gateway: plan.ipv4Gateway, ipv4Range: plan.ipv4Range, ipv6Gateway: plan.ipv6Gateway,
                  dnsServers: plan.dnsServers.joined(separator: ","))
    }

    public subscript(field: Field) -> String {
        get {
            switch field {
            case .ipv4Gateway: ipv4Gateway
            case .ipv4First: ipv4First
            case .ipv4Last: ipv4Last
            case .ipv6Gateway: ipv6Gateway
            case .dnsServers: dnsServers
            }
        }
        set {
            switch field {
            case .ipv4Gateway: ipv4Gateway = newValue
            case .ipv4First: ipv4First = newValue
            case .ipv4Last: ipv4Last = newValue
            case .ipv6Gateway: ipv6Gateway = newValue
            case .dnsServers: dnsServers = newValue
            }
        }
    }

    func trimmed(_ field: Field) -> String { self[field].trimming(" ") }

    /// The DNS list split on commas, blanks dropped.
    public var dnsList: [String] {
        dnsServers.split(separator: ",").map { String($0).trimming(" ") }.filter { !$0.isEmpty }
    }

    /// The settings as the plan holds them (empty fields left out).
    public var plan: OVNPlan {
        func given(_ f: Field) -> String? { trimmed(f).isEmpty ? nil : trimmed(f) }
        let range = given(.ipv4First).flatMap { a in given(.ipv4Last).map { "\(a)-\($0)" } } ?? malformedRange
        return OVNPlan(ipv4Gateway: given(.ipv4Gateway), ipv4Range: range, ipv6Gateway: given(.ipv6Gateway),
                       dnsServers: dnsList)
    }

    /// The default DNS servers: the valid gateways' addresses, IPv4 first (upstream's cmd/microcloud/ask.go).
    public var defaultDNS: String {
        [(Field.ipv4Gateway, true), (.ipv6Gateway, false)].compactMap { field, ipv4 -> String? in
            let t = trimmed(field)
            guard !t.isEmpty, UplinkRules.gatewayProblem(t, ipv4: ipv4) == nil else { return nil }
            return CIDR(t)?.address.description
        }.joined(separator: ",")
    }
}

/// One problem of the uplink settings: the field it belongs to (nil: the settings as a whole).
public struct UplinkProblem: Hashable, Sendable {
    public var field: UplinkAnswers.Field?
    public var member: String?
    public var message: String

    public var issue: PlanIssue { .error(field?.key ?? "ovn", member: member, message) }
}

public enum UplinkRules {
    /// Every problem of the settings, field by field. `complete`: the answers are final (a file, a plan, or Enter
    /// on the form's last field), so required values that are still empty count as problems too.
    public static func problems(_ a: UplinkAnswers, members: [(name: String, address: String)],
                                complete: Bool) -> [UplinkProblem] {
        var out: [UplinkProblem] = []
        func add(_ field: UplinkAnswers.Field?, _ message: String?, member: String? = nil) {
            if let message { out.append(UplinkProblem(field: field, member: member, message: message)) }
        }
        let gw4Text = a.trimmed(.ipv4Gateway), gw6Text = a.trimmed(.ipv6Gateway)
        if complete && gw4Text.isEmpty && gw6Text.isEmpty {
            add(nil, "Either the IPv4 or IPv6 gateway has to be set on the uplink network. Give the router's address "
                + "on the uplink with its prefix, e.g. 192.0.2.1/24.")
        }
        var gateway: CIDR?
        if !gw4Text.isEmpty {
            let problem = gatewayProblem(gw4Text, ipv4: true)
            add(.ipv4Gateway, problem)
            if problem == nil { gateway = CIDR(gw4Text) }
        }
        if !gw6Text.isEmpty { add(.ipv6Gateway, gatewayProblem(gw6Text, ipv4: false)) }
        if let text = a.malformedRange {
            add(.ipv4First, "Invalid IPv4 range \"\(text)\" (must be of the form <ip>-<ip>).")
        } else {
            out += rangeProblems(a, gateway: gateway, members: members, complete: complete)
        }
        for server in a.dnsList where IPAddress(server) == nil {
            add(.dnsServers, "DNS server \"\(server)\" is not an IP address. List plain addresses, comma-separated, "
                + "without prefixes.")
        }
        return out
    }

    /// What is wrong with an UPLINK gateway (host address with prefix, right family), or nil.
    public static func gatewayProblem(_ text: String, ipv4: Bool) -> String? {
        let family = ipv4 ? "IPv4" : "IPv6"
        let example = ipv4 ? "192.0.2.1/24" : "2001:db8::1/64"
        guard let c = CIDR(text), c.isIPv4 == ipv4 else {
            return "\(family) gateway \"\(text)\" is not an \(family) address with a prefix. Use the router's "
                + "address on the uplink, e.g. \(example)."
        }
        if c.hostBits < 2 {
            return "\(family) gateway \(text) leaves no room for other addresses. Use the uplink's real prefix, "
                + "e.g. \(example)."
        }
        if c.isNetworkAddress {
            return "\(family) gateway \(text) is a network address. Use the router's host address, e.g. "
                + "\(c.firstAddress.advanced(by: 1))/\(c.prefix)."
        }
        if ipv4 && c.address == c.lastAddress {
            return "IPv4 gateway \(text) is the broadcast address of its subnet. Use the router's host address."
        }
        return nil
    }

    /// The range's ends one by one (an IPv4 address inside the gateway's subnet), then the range as a whole
    /// (order, gateway and members' addresses left out). Whole-range problems belong to the last field.
    static func rangeProblems(_ a: UplinkAnswers, gateway: CIDR?, members: [(name: String, address: String)],
                              complete: Bool) -> [UplinkProblem] {
        var out: [UplinkProblem] = []
        let gatewayGiven = !a.trimmed(.ipv4Gateway).isEmpty
        let ends: [(UplinkAnswers.Field, String)] = [(.ipv4First, "start"), (.ipv4Last, "end")]
        let typed = ends.filter { !a.trimmed($0.0).isEmpty }
        if typed.isEmpty {
            if complete && gatewayGiven {
                let inside = gateway.map { "\($0.network)" } ?? "the gateway's subnet"
                out.append(UplinkProblem(field: .ipv4First, message: "An IPv4 gateway needs an IPv4 range for OVN "
                    + "to use. Give its first and last address inside \(inside)."))
            }
            return out
        }
        if !gatewayGiven {
            return [UplinkProblem(field: typed[0].0, message: "Cannot specify an IPv4 range without an IPv4 gateway. "
                + "Give the IPv4 gateway or remove the range.")]
        }
        var addresses: [IPAddress] = []
        for (field, end) in ends {
            let text = a.trimmed(field)
            if text.isEmpty {
                if complete {
                    out.append(UplinkProblem(field: field, message: "The IPv4 range has no \(end) address. Give "
                        + "both the first and the last address of the range."))
                }
                continue
            }
            guard let ip = IPAddress(text), ip.isIPv4 else {
                out.append(UplinkProblem(field: field, message: "IPv4 range \(end) \"\(text)\" is not an IPv4 "
                    + "address. Give one such as 192.0.2.100."))
                continue
            }
            if let gw = gateway, !gw.contains(ip) {
                out.append(UplinkProblem(field: field, message: "IPv4 range \(end) \(ip) is not inside the "
                    + "gateway's subnet \(gw.network). Pick addresses from that subnet."))
                continue
            }
            addresses.append(ip)
        }
        guard addresses.count == 2, let range = IPRange(first: addresses[0], last: addresses[1]) else { return out }
        if !range.isAscending {
            out.append(UplinkProblem(field: .ipv4Last, message: "IPv4 range \(range) starts after it ends. Put the "
                + "lower address first: \(range.last)-\(range.first)."))
            return out
        }
        if let gw = gateway, range.contains(gw.address) {
            out.append(UplinkProblem(field: .ipv4Last, message: "IPv4 range \(range) includes the gateway address "
                + "\(gw.address). Leave the gateway out of the range."))
        }
        for m in members {
            if let ip = IPAddress(m.address), range.contains(ip) {
                out.append(UplinkProblem(field: .ipv4Last, member: m.name, message: "UPLINK ipv4.ovn.ranges must "
                    + "not include system address \"\(ip)\" (of \"\(m.name)\"). Shrink the range to leave it out."))
            }
        }
        return out
    }
}

extension IPAddress {
    /// This address plus `n`, wrapping within its family.
    public func advanced(by n: UInt) -> IPAddress {
        var out = bytes
        var carry = n
        var i = out.count - 1
        while carry != 0 && i >= 0 {
            let sum = UInt(out[i]) + (carry & 0xFF)
            out[i] = UInt8(sum & 0xFF)
            carry = (carry >> 8) + (sum >> 8)
            i -= 1
        }
        return IPAddress(bytes: out)!
    }
}
