import Testing
@testable import MicroCloudKit

/// The uplink rules field by field, as the wizard's form calls them while the operator types (`complete: false`)
/// and as a file or a plan is checked (`complete: true`). Each case names the field and the exact message.
@Suite struct UplinkRulesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var answers: UplinkAnswers
        var complete = false
        var field: UplinkAnswers.Field?
        var message: String
        var testDescription: String { name }
    }

    static let members: [(name: String, address: String)] = [("micro01", "10.0.0.1"), ("micro02", "10.0.0.2")]

    static let cases: [Case] = [
        Case(name: "gateway being typed", answers: UplinkAnswers(ipv4Gateway: "192.0"), field: .ipv4Gateway,
             message: "IPv4 gateway \"192.0\" is not an IPv4 address with a prefix. Use the router's address on the "
                + "uplink, e.g. 192.0.2.1/24."),
        Case(name: "IPv6 address as the IPv4 gateway", answers: UplinkAnswers(ipv4Gateway: "2001:db8::1/64"),
             field: .ipv4Gateway, message: "IPv4 gateway \"2001:db8::1/64\" is not an IPv4 address with a prefix. Use "
                + "the router's address on the uplink, e.g. 192.0.2.1/24."),
        Case(name: "a range end before the gateway", answers: UplinkAnswers(ipv4First: "192.0.2.100"),
             field: .ipv4First, message: "Cannot specify an IPv4 range without an IPv4 gateway. Give the IPv4 "
                + "gateway or remove the range."),
        Case(name: "first address outside the gateway's subnet",
             answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "10.1.1.1"), field: .ipv4First,
             message: "IPv4 range start 10.1.1.1 is not inside the gateway's subnet 192.0.2.0/24. Pick addresses "
                + "from that subnet."),
        Case(name: "last address not an address",
             answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.10", ipv4Last: "192.0.2"),
             field: .ipv4Last, message: "IPv4 range end \"192.0.2\" is not an IPv4 address. Give one such as "
                + "192.0.2.100."),
        Case(name: "range reversed",
             answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.20", ipv4Last: "192.0.2.19"),
             field: .ipv4Last, message: "IPv4 range 192.0.2.20-192.0.2.19 starts after it ends. Put the lower address "
                + "first: 192.0.2.19-192.0.2.20."),
        Case(name: "range holds the gateway",
             answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.0", ipv4Last: "192.0.2.10"),
             field: .ipv4Last, message: "IPv4 range 192.0.2.0-192.0.2.10 includes the gateway address 192.0.2.1. "
                + "Leave the gateway out of the range."),
        Case(name: "range holds a member",
             answers: UplinkAnswers(ipv4Gateway: "10.0.0.254/24", ipv4First: "10.0.0.1", ipv4Last: "10.0.0.10"),
             field: .ipv4Last, message: "UPLINK ipv4.ovn.ranges must not include system address \"10.0.0.1\" (of "
                + "\"micro01\"). Shrink the range to leave it out."),
        Case(name: "the range's end missing once complete",
             answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.10"), complete: true,
             field: .ipv4Last, message: "The IPv4 range has no end address. Give both the first and the last "
                + "address of the range."),
        Case(name: "no range once complete", answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24"), complete: true,
             field: .ipv4First, message: "An IPv4 gateway needs an IPv4 range for OVN to use. Give its first and last "
                + "address inside 192.0.2.0/24."),
        Case(name: "no gateway once complete", answers: UplinkAnswers(), complete: true, field: nil,
             message: "Either the IPv4 or IPv6 gateway has to be set on the uplink network. Give the router's address "
                + "on the uplink with its prefix, e.g. 192.0.2.1/24."),
        Case(name: "DNS server with a prefix", answers: UplinkAnswers(ipv6Gateway: "2001:db8::1/64",
                                                                       dnsServers: "2001:db8::53, 10.0.0.1/24"),
             field: .dnsServers, message: "DNS server \"10.0.0.1/24\" is not an IP address. List plain addresses, "
                + "comma-separated, without prefixes."),
        Case(name: "IPv6 gateway without room", answers: UplinkAnswers(ipv6Gateway: "2001:db8::1/128"),
             field: .ipv6Gateway, message: "IPv6 gateway 2001:db8::1/128 leaves no room for other addresses. Use the "
                + "uplink's real prefix, e.g. 2001:db8::1/64."),
        Case(name: "IPv6 gateway is the network", answers: UplinkAnswers(ipv6Gateway: "2001:db8::/64"),
             field: .ipv6Gateway, message: "IPv6 gateway 2001:db8::/64 is a network address. Use the router's host "
                + "address, e.g. 2001:db8::1/64."),
        Case(name: "IPv4 address as the IPv6 gateway", answers: UplinkAnswers(ipv6Gateway: "192.0.2.1/24"),
             field: .ipv6Gateway, message: "IPv6 gateway \"192.0.2.1/24\" is not an IPv6 address with a prefix. Use "
                + "the router's address on the uplink, e.g. 2001:db8::1/64."),
        Case(name: "DNS server that is a name", answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.10",
                                                                       ipv4Last: "192.0.2.20", dnsServers: "ns1.example"),
             complete: true, field: .dnsServers, message: "DNS server \"ns1.example\" is not an IP address. List plain "
                + "addresses, comma-separated, without prefixes."),
        Case(name: "range text that is not two addresses",
             answers: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.10..192.0.2.20",
                                    ipv6Gateway: nil, dnsServers: nil),
             field: .ipv4First, message: "Invalid IPv4 range \"192.0.2.10..192.0.2.20\" (must be of the form "
                + "<ip>-<ip>)."),
    ]

    @Test(arguments: cases)
    func eachFieldGetsItsMessage(_ c: Case) {
        let problems = UplinkRules.problems(c.answers, members: Self.members, complete: c.complete)
        #expect(problems.contains { $0.field == c.field && $0.message == c.message },
                "got: \(problems.map { "\($0.field.map { "\($0)" } ?? "form"): \($0.message)" })")
    }

    @Test func whileTypingNothingIsRequiredYet() {
        #expect(UplinkRules.problems(UplinkAnswers(ipv4Gateway: "192.0.2.1/24"), members: Self.members,
                                     complete: false).isEmpty)
        #expect(UplinkRules.problems(UplinkAnswers(), members: Self.members, complete: false).isEmpty)
    }

    @Test func defaultDNSIsTheValidGatewaysIPv4First() {
        #expect(UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv6Gateway: "2001:db8::1/64").defaultDNS
                == "192.0.2.1,2001:db8::1")
        #expect(UplinkAnswers(ipv4Gateway: "192.0.2.0/24", ipv6Gateway: "2001:db8::1/64").defaultDNS == "2001:db8::1")
    }

    @Test func thePlanHoldsTheRangeAsOneText() {
        let a = UplinkAnswers(ipv4Gateway: " 192.0.2.1/24", ipv4First: "192.0.2.10", ipv4Last: "192.0.2.20 ",
                              dnsServers: "192.0.2.1, ,2001:db8::1")
        #expect(a.plan == OVNPlan(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.10-192.0.2.20",
                                  dnsServers: ["192.0.2.1", "2001:db8::1"]))
        #expect(UplinkAnswers(a.plan).plan == a.plan)
    }

    @Test func aMixedFamilyPlanWithDNSOfBothIsClean() {
        let a = UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.10", ipv4Last: "192.0.2.20",
                              ipv6Gateway: "2001:db8::1/64", dnsServers: "192.0.2.1,2001:db8::1")
        #expect(UplinkRules.problems(a, members: Self.members, complete: true).isEmpty)
        #expect(UplinkRules.problems(UplinkAnswers(ipv6Gateway: "2001:db8::1/64"), members: Self.members,
                                     complete: true).isEmpty, "IPv6 only needs no range (LXD allocates)")
    }
}
