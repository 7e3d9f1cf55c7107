import Foundation
import Testing

/// `microcloud preseed` with distributed networking on the lab's 3 servers: MicroOVN bootstrapped and joined
/// (real OVN behind the lab's MicroOVN), `UPLINK` and `default` on clustered LXD 5.0.2, and the fallback bridge
/// when a server has no uplink, with the reason printed.
extension LabSuite {
    @Suite("OVN by preseed: MicroOVN, UPLINK and default on the lab's servers")
    struct OVNPreseed {
        /// The uplink network's settings, in subnets of their own derived from the lab's (nothing routes them: LXD
        /// and OVN only store them).
        struct Uplink {
            let gateway4, first, last, gateway6, dns: String

            init() {
                let o = Lab.net.split(separator: ".").map { Int($0)! }
                let net4 = "\(o[0]).\(o[1] + 2).\(o[2])"
                let net6 = "fd42:\(o[1] + 2):\(o[2])"
                gateway4 = "\(net4).1/24"
                first = "\(net4).100"
                last = "\(net4).150"
                gateway6 = "\(net6)::1/64"
                dns = "\(net4).1,\(net6)::1"
            }
        }

        /// A lab of 3 whose servers have MicroOVN (`MCLAB_MICROOVN=1`: microcloudd is given the lab MicroOVN's socket).
        static func withMicroOVN(_ body: ([LabServer]) throws -> Void) throws {
            setenv("MCLAB_MICROOVN", "1", 1)
            defer { unsetenv("MCLAB_MICROOVN") }
            try Lab.with(servers: 3, body)
        }

        /// The underlay subnet's address of server `index` (1-based), e.g. 10.232.12.11 for MCLAB_NET 10.231.12.
        static func underlayAddress(_ index: Int) -> String {
            let o = Lab.net.split(separator: ".").map { Int($0)! }
            return "\(o[0]).\(o[1] + 1).\(o[2]).1\(index)"
        }

        /// A second addressed interface on the lab's wire (macvlan on eth0: this kernel has no dummy module), in a
        /// subnet of its own, as a dedicated underlay NIC would be.
        static func addUnderlayInterface(_ index: Int) throws {
            try Lab.exec(index, "ip", "link", "add", "underlay0", "link", "eth0", "type", "macvlan", "mode", "bridge")
            try Lab.exec(index, "ip", "addr", "add", "\(underlayAddress(index))/24", "dev", "underlay0")
            try Lab.exec(index, "ip", "link", "set", "underlay0", "up")
        }

        /// The lab's spare interface is a veth, which LXD types "unknown" (no device behind it), and only a physical
        /// NIC, bond, VLAN or bridge can be an uplink (upstream's cmd/microcloud/ask.go). So each server puts it in a bridge of its own, as an
        /// operator with a veth-fed host would; the bridge, unaddressed and up, is the uplink.
        static let uplinkBridge = "uplinkbr0"

        static func addUplinkBridge(_ index: Int, _ server: LabServer) throws {
            try Lab.exec(index, "ip", "link", "add", uplinkBridge, "type", "bridge")
            try Lab.exec(index, "ip", "link", "set", server.uplink, "master", uplinkBridge)
            try Lab.exec(index, "ip", "link", "set", uplinkBridge, "up")
        }

        static func file(_ servers: [LabServer], uplinks: Bool = true, underlay: Bool = false) -> String {
            let u = Uplink()
            var yaml = "initiator: \(servers[0].name)\nlookup_subnet: \(servers[0].subnet)\n"
                + "session_passphrase: lab ovn preseed words\nsystems:\n"
            for (i, s) in servers.enumerated() {
                yaml += "  - name: \(s.name)\n"
                if uplinks { yaml += "    ovn_uplink_interface: \(uplinkBridge)\n" }
                if underlay { yaml += "    ovn_underlay_ip: \(underlayAddress(i + 1))\n" }
            }
            yaml += "ovn:\n  ipv4_gateway: \(u.gateway4)\n  ipv4_range: \(u.first)-\(u.last)\n"
                + "  ipv6_gateway: \(u.gateway6)\n  dns_servers: \(u.dns)\n"
            return yaml
        }

        /// Runs the preseed everywhere and checks every server got through it; returns the initiator's output.
        static func run(_ servers: [LabServer], _ yaml: String) throws -> String {
            try LabSuite.Preseed.runFormingCloud(servers, yaml: yaml)
        }

        /// MicroOVN's members, asked on each server's own control socket.
        static func expectMicroOVNMembers(_ servers: [LabServer]) throws {
            for server in servers {
                let members = try OVNLabTests.call(server, "GET", "/core/1.0/cluster").list.compactMap { $0["name"] as? String }
                #expect(members.sorted() == servers.map(\.name), "MicroOVN members on \(server.name): \(members)")
            }
        }

        /// What the operator checks after an OVN run: chassis and encap addresses, LXD's networks and their keys,
        /// the default profile, and what LXD made in OVN's northbound database.
        static func expectOVNCloud(_ servers: [LabServer], encaps expected: [String: String]) throws {
            try expectMicroOVNMembers(servers)
            let registered = try OVNLabTests.eventually(15) { try OVNLabTests.encaps(2) == expected }
            let encaps = try OVNLabTests.encaps(2)
            #expect(registered, "chassis and encap addresses in SB: \(encaps), expected \(expected)")
            let chassis = try Lab.exec(1, "ovn-sbctl", "show").stdout
            print("ovn-sbctl show on \(servers[0].name):\n\(chassis)")
            #expect(chassis.components(separatedBy: "Chassis ").count - 1 == 3, "ovn-sbctl show:\n\(chassis)")
            for address in expected.values { #expect(chassis.contains("ip: \"\(address)\""), "encap \(address):\n\(chassis)") }

            let list = try Lab.exec(2, "lxc", "network", "list", "--format", "csv").stdout
            #expect(list.contains("UPLINK,physical,YES,") && list.contains("default,ovn,YES,"), "lxc network list:\n\(list)")
            for index in 1...3 {
                let descriptions = try Lab.networkDescriptions(index)
                #expect(descriptions["UPLINK"] == "Uplink for OVN networks" && descriptions["default"] == "Default OVN network",
                        "descriptions on server \(index): \(descriptions)")
            }
            let u = Uplink()
            let shown = try Lab.exec(3, "lxc", "network", "show", "UPLINK").stdout
            for key in ["ipv4.gateway: \(u.gateway4)", "ipv4.ovn.ranges: \(u.first)-\(u.last)",
                        "ipv6.gateway: \(u.gateway6)", "dns.nameservers: \(u.dns)"] {
                #expect(shown.contains(key), "lxc network show UPLINK has \(key):\n\(shown)")
            }
            for server in servers {
                let parent = try Lab.exec(1, "lxc", "network", "get", "UPLINK", "parent", "--target", server.name).stdout
                #expect(parent.trimmingCharacters(in: .whitespacesAndNewlines) == uplinkBridge, "\(server.name)'s parent")
            }
            let defaultNet = try Lab.exec(1, "lxc", "network", "show", "default").stdout
            #expect(defaultNet.contains("network: UPLINK") && defaultNet.contains("type: ovn"), "default:\n\(defaultNet)")
            let northbound = try Lab.exec(1, "lxc", "config", "get", "network.ovn.northbound_connection").stdout
            #expect(northbound.trimmingCharacters(in: .whitespacesAndNewlines)
                    == servers.map { "ssl:\($0.address):6641" }.joined(separator: ","), "northbound: \(northbound)")
            let profile = try Lab.exec(2, "lxc", "profile", "show", "default").stdout
            #expect(profile.contains("network: default") && profile.contains("type: nic"), "default profile:\n\(profile)")

            let nb = try OVNLabTests.northboundObjects(3)
            #expect(nb.routers.count == 1 && nb.switches.count == 2, "NB for default: routers \(nb.routers), switches \(nb.switches)")
            #expect(nb.snat.contains(u.first), "the router's SNAT uses the first address of ipv4.ovn.ranges: \(nb.snat)")
        }

        @Test("uplink per server, IPv4 gateway and range, IPv6 gateway, DNS: 3 chassis, UPLINK + default, OVN's router and switches")
        func uplinkPerServer() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Self.withMicroOVN { servers in
                for (i, server) in servers.enumerated() { try Self.addUplinkBridge(i + 1, server) }
                _ = try Self.run(servers, Self.file(servers))
                let encaps = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0.address) })
                try Self.expectOVNCloud(servers, encaps: encaps)
            }
        }

        @Test("a dedicated underlay subnet: the chassis' encap addresses are the underlay ones")
        func dedicatedUnderlay() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Self.withMicroOVN { servers in
                for (i, server) in servers.enumerated() {
                    try Self.addUplinkBridge(i + 1, server)
                    try Self.addUnderlayInterface(i + 1)
                }
                let output = try Self.run(servers, Self.file(servers, underlay: true))
                let encaps = Dictionary(uniqueKeysWithValues: servers.enumerated().map { ($1.name, Self.underlayAddress($0 + 1)) })
                #expect(!output.contains("! Warning: ovn"), "no OVN warning for a clean underlay plan:\n\(output)")
                try Self.expectOVNCloud(servers, encaps: encaps)
            }
        }

        @Test("without an eligible uplink on micro03: the fallback bridge, MicroOVN still clustered, and the reason printed")
        func fallbackBridge() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Self.withMicroOVN { servers in
                // micro01 and micro02 get their uplink bridge; micro03 keeps only its bare veth (type "unknown" to LXD)
                // and its addressed eth0: no interface there can be an uplink.
                for (i, server) in servers.prefix(2).enumerated() { try Self.addUplinkBridge(i + 1, server) }
                let output = try Self.run(servers, Self.file(servers, uplinks: false))
                #expect(output.contains("! Warning: ovn: System \"\(servers[2].name)\" is ineligible for distributed "
                    + "networking. At least one interface in state UP with no IPs assigned or a bridge is required; "
                    + "instances use the bridge lxdbr0 (10.79.0.1/24) instead."), "the reason, printed:\n\(output)")
                let list = try Lab.exec(1, "lxc", "network", "list", "--format", "csv").stdout
                #expect(list.contains("lxdbr0,bridge,YES") && !list.contains("UPLINK") && !list.contains("default,ovn"),
                        "lxc network list:\n\(list)")
                let profile = try Lab.exec(3, "lxc", "profile", "show", "default").stdout
                #expect(profile.contains("network: lxdbr0"), "default profile:\n\(profile)")
                // As upstream: declining distributed networking still clusters MicroOVN.
                try Self.expectMicroOVNMembers(servers)
            }
        }
    }
}
