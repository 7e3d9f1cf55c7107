import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("fd42::1", "fd42::1"), ("FD42:0:0:0:0:0:0:1", "fd42::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("::ffff:192.0.2.1", "::ffff:192.0.2.1"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let ip = try #require(IPAddress(input))
        #expect(ip.description == canonical)
    }

    @Test(arguments: ["", "10.0.0", "10.0.0.256", "10.0.0.01", "10.0.0.1.2", "1.2.3.-4", ":::", "1::2::3",
                      "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0", "gggg::", "10.0.0.1/24",
                      "::1.2.3", " 10.0.0.1", "1:2:3:4:5:6:7:8::"])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil, "\(input) should not parse")
    }

    @Test func familiesAndOrder() throws {
        let v4 = try #require(IPAddress("10.0.0.9")), v4b = try #require(IPAddress("10.0.0.10"))
        let v6 = try #require(IPAddress("::1"))
        #expect(v4.isIPv4 && !v6.isIPv4)
        #expect(v4 < v4b)
        #expect(v4b < v6, "IPv4 sorts before IPv6")
        #expect(v4.advanced(by: 247).description == "10.0.1.0")
    }

    @Test func codableAsString() throws {
        let ip = try #require(IPAddress("fd42::1"))
        let data = try JSONEncoder().encode([ip])
        #expect(String(decoding: data, as: UTF8.self) == #"["fd42::1"]"#)
        #expect(try JSONDecoder().decode([IPAddress].self, from: data) == [ip])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([IPAddress].self, from: Data(#"["nope"]"#.utf8)) }
    }
}

@Suite struct CIDRTests {
    @Test func hostVersusNetworkAddress() throws {
        let host = try #require(CIDR("10.0.0.1/24"))
        #expect(!host.isNetworkAddress)
        #expect(host.network.description == "10.0.0.0/24")
        #expect(host.network.isNetworkAddress)
        #expect(host.lastAddress.description == "10.0.0.255")
        #expect(host.addressCount == 256)
    }

    @Test func slash32And128HoldOneAddress() throws {
        let one = try #require(CIDR("10.0.0.5/32"))
        #expect(one.isNetworkAddress && one.hostBits == 0 && one.addressCount == 1)
        #expect(one.contains(IPAddress("10.0.0.5")!))
        #expect(!one.contains(IPAddress("10.0.0.6")!))
        let v6 = try #require(CIDR("fd42::5/128"))
        #expect(v6.hostBits == 0 && v6.addressCount == 1)
    }

    @Test func ipv6Subnets() throws {
        let c = try #require(CIDR("fd42:1:2:3::1/64"))
        #expect(!c.isIPv4)
        #expect(c.network.description == "fd42:1:2:3::/64")
        #expect(c.contains(IPAddress("fd42:1:2:3:ffff::9")!))
        #expect(!c.contains(IPAddress("fd42:1:2:4::1")!))
        #expect(!c.contains(IPAddress("10.0.0.1")!), "never across families")
        #expect(c.addressCount == UInt64.max, "2^64 saturates")
        #expect(CIDR("::/0")!.contains(IPAddress("2001:db8::1")!))
    }

    @Test func oddPrefixes() throws {
        let c = try #require(CIDR("10.1.2.3/20"))
        #expect(c.network.description == "10.1.0.0/20")
        #expect(c.lastAddress.description == "10.1.15.255")
        #expect(CIDR("0.0.0.0/0")!.contains(IPAddress("203.0.113.9")!))
        #expect(CIDR("10.0.0.0/8")!.overlaps(CIDR("10.79.0.1/24")!))
        #expect(!CIDR("10.0.0.0/24")!.overlaps(CIDR("10.0.1.0/24")!))
    }

    @Test(arguments: ["10.0.0.0", "10.0.0.0/33", "fd42::/129", "10.0.0.0/-1", "10.0.0.0/024", "10.0.0.0/", "/24",
                      "10.0.0.0/24/1", "auto", "10.0.0.0/2a"])
    func rejectsMalformed(input: String) {
        #expect(CIDR(input) == nil, "\(input) should not parse")
    }
}

@Suite struct IPRangeTests {
    @Test func parsesAndContains() throws {
        let r = try #require(IPRange("10.0.0.100-10.0.0.200"))
        #expect(r.isAscending && r.isIPv4)
        #expect(r.contains(IPAddress("10.0.0.100")!) && r.contains(IPAddress("10.0.0.200")!))
        #expect(!r.contains(IPAddress("10.0.0.201")!) && !r.contains(IPAddress("10.0.0.99")!))
        #expect(!r.contains(IPAddress("::1")!))
        #expect(r.description == "10.0.0.100-10.0.0.200")
    }

    @Test func reversedRangeParsesButIsNotAscending() throws {
        let r = try #require(IPRange("10.0.0.200-10.0.0.100"))
        #expect(!r.isAscending)
        #expect(!r.contains(IPAddress("10.0.0.150")!))
    }

    @Test func ipv6RangeAndSingleAddress() throws {
        let r = try #require(IPRange("fd42::10-fd42::20"))
        #expect(!r.isIPv4 && r.contains(IPAddress("fd42::1a")!))
        #expect(IPRange("10.0.0.5-10.0.0.5")!.contains(IPAddress("10.0.0.5")!))
    }

    @Test(arguments: ["10.0.0.1", "10.0.0.1-", "-10.0.0.1", "10.0.0.1-fd42::1", "10.0.0.1-10.0.0.2-10.0.0.3", "a-b",
                      "10.0.0.0/24-10.0.0.9"])
    func rejectsMalformed(input: String) {
        #expect(IPRange(input) == nil, "\(input) should not parse")
    }
}
