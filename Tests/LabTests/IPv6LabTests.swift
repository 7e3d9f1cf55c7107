import Foundation
import Testing

/// The lab on an IPv6-only wire (`MCLAB_IPV6=1`: a ULA /64, no IPv4 address on any server, the blackhole guard for
/// the /64): discovery over avahi's IPv6 and the LXD-only cloud formed by preseed and by the wizard on IPv6
/// addresses. MicroCeph and MicroOVN are not started there (their lab stand-ins bind IPv4 sockets).
extension LabSuite {
    @Suite("An IPv6-only lab: discovery and the LXD-only cloud on ULA addresses")
    struct IPv6Only {
        @Test("discover lists the servers with their IPv6 addresses; the LXD-only preseed forms a cluster whose members' URLs are IPv6")
        func discoverAndPreseed() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            setenv("MCLAB_IPV6", "1", 1)
            defer { unsetenv("MCLAB_IPV6") }
            try Lab.with(servers: 3) { servers in
                #expect(servers.allSatisfy { $0.address.contains(":") && $0.subnet.hasSuffix("::/64") },
                        "IPv6 addresses: \(servers.map(\.address)), subnet \(servers[0].subnet)")
                let discovery = Discovery()
                let rows = try discovery.discover(from: 1, servers[0])
                print("discover on \(servers[0].name): \(rows.map { "\($0.name) \($0.address)" })")
                #expect(rows.map(\.name) == ["micro02", "micro03"], "discover lists the other servers: \(rows)")
                for (row, server) in zip(rows, servers.dropFirst()) { #expect(row.address == server.address) }

                _ = try Preseed.runFormingCloud(servers, yaml: Preseed.file(servers: servers))
                let members = try Lab.exec(2, "lxc", "cluster", "list", "--format", "csv").stdout
                print("lxc cluster list:\n\(members)")
                for server in servers {
                    #expect(members.contains("\(server.name),https://[\(server.address)]:8443,") && members.contains(",ONLINE,"),
                            "\(server.name)'s URL is on IPv6:\n\(members)")
                }
            }
        }

        @Test("the LXD-only wizard forms the cloud on IPv6: every member's URL https://[ULA]:8443")
        func wizard() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try #require(Tmux.available, "tmux is not installed")
            setenv("MCLAB_IPV6", "1", 1)
            defer { unsetenv("MCLAB_IPV6") }
            try Lab.with(servers: 3) { servers in
                try Wizard.formCloud(servers)
                let members = try Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout
                for server in servers {
                    #expect(members.contains("\(server.name),https://[\(server.address)]:8443,"), "\(server.name)'s URL:\n\(members)")
                }
            }
        }
    }
}
