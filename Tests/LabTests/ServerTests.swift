import Foundation
import Testing

extension LabSuite {
    @Suite("each lab server is a pristine machine of its own")
    struct ServerTests {
        @Test("status --json describes each server")
        func statusDescribesEachServer() throws {
            try Lab.with(servers: 3) { servers in
                #expect(servers.map(\.name) == ["micro01", "micro02", "micro03"])
                for (offset, server) in servers.enumerated() {
                    let index = offset + 1
                    #expect(server.netns == Lab.netns(index))
                    #expect(server.address == "\(Lab.net).\(10 + index)")
                    #expect(server.subnet == Lab.testSubnet)
                    #expect(server.uplink == "uplink0")
                    #expect(server.disks.count == 3)
                    #expect(server.lxdUp, "LXD of \(server.name) answers")
                    #expect(server.avahiUp, "avahi of \(server.name) runs")
                    var isDirectory: ObjCBool = false
                    #expect(FileManager.default.fileExists(atPath: server.lxdDir, isDirectory: &isDirectory) && isDirectory.boolValue)
                    #expect(FileManager.default.fileExists(atPath: server.stateDir))
                    #expect(FileManager.default.fileExists(atPath: server.dbusSocket))
                    #expect(server.stateDir.hasPrefix(server.directory + "/") && server.lxdDir.hasPrefix(server.directory + "/"))
                }
            }
        }

        @Test("LXD on each server is up, pristine and not clustered")
        func lxdIsPristine() throws {
            try Lab.with(servers: 3) { servers in
                for (offset, server) in servers.enumerated() {
                    let info = try #require(try Lab.lxdQuery(offset + 1, "/1.0") as? [String: Any])
                    let environment = try #require(info["environment"] as? [String: Any])
                    #expect(environment["server_clustered"] as? Bool == false, "\(server.name) is not clustered")
                    #expect(environment["server_name"] as? String == server.name, "LXD sees the server's hostname")
                    #expect((info["config"] as? [String: Any])?.isEmpty == true, "no server config")
                    let pools = try #require(try Lab.lxdQuery(offset + 1, "/1.0/storage-pools") as? [Any])
                    #expect(pools.isEmpty, "no storage pool on \(server.name)")
                    let networks = try #require(try Lab.lxdQuery(offset + 1, "/1.0/networks?recursion=1") as? [[String: Any]])
                    #expect(networks.allSatisfy { $0["managed"] as? Bool == false }, "no managed network on \(server.name)")
                    let cluster = try Lab.exec(offset + 1, "lxc", "query", "/1.0/cluster")
                    #expect(cluster.stdout.contains("\"enabled\": false"))
                }
            }
        }

        @Test("servers find each other by mDNS, each through its own avahi")
        func mdnsAcrossServers() throws {
            try Lab.with(servers: 3) { servers in
                let resolved = try Lab.exec(1, "avahi-resolve", "-4", "-n", "micro03.local").stdout
                #expect(resolved.contains(servers[2].address), "micro01 resolves micro03.local: \(resolved)")
                let name = try Lab.exec(2, "hostname").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(name == "micro02")
            }
        }

        @Test("each server has its own three disks, and only those")
        func eachServerHasItsOwnDisks() throws {
            try Lab.with(servers: 3) { servers in
                let all = servers.flatMap(\.disks)
                #expect(Set(all).count == all.count, "no disk belongs to two servers: \(all)")
                for (offset, server) in servers.enumerated() {
                    for disk in server.disks {
                        try Lab.exec(offset + 1, "test", "-b", disk)
                        let backing = try Command.check(["losetup", "--noheadings", "--output", "BACK-FILE", disk])
                            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                        #expect(backing.hasPrefix(server.directory + "/"), "\(disk) is backed by a file of \(server.name): \(backing)")
                    }
                }
            }
        }

        @Test("uplink0 is UP without an address; eth0 has the server's address; no default route")
        func networkOfEachServer() throws {
            try Lab.with(servers: 3) { servers in
                for (offset, server) in servers.enumerated() {
                    let index = offset + 1
                    let uplink = try Lab.exec(index, "ip", "-o", "link", "show", "dev", server.uplink).stdout
                    #expect(uplink.contains("state UP"), "\(server.uplink) of \(server.name) is UP: \(uplink)")
                    let uplinkAddresses = try Lab.exec(index, "ip", "-o", "addr", "show", "dev", server.uplink).stdout
                    #expect(uplinkAddresses.isEmpty, "\(server.uplink) of \(server.name) has no address: \(uplinkAddresses)")
                    let eth0 = try Lab.exec(index, "ip", "-o", "-4", "addr", "show", "dev", "eth0").stdout
                    #expect(eth0.contains("inet \(server.address)/24"))
                    let defaultRoute = try Lab.exec(index, "ip", "route", "show", "default").stdout
                    #expect(defaultRoute.isEmpty, "\(server.name) has no default route: \(defaultRoute)")
                    let links = try Lab.exec(index, "ls", "/sys/class/net").stdout.split(separator: "\n").sorted()
                    #expect(links == ["eth0", "lo", "uplink0"], "sysfs shows the server's own links")
                }
            }
        }

        @Test("a btrfs storage pool on one of a server's disks works; its /dev/disk/by-uuid link goes with the lab")
        func btrfsPoolOnLabDisk() throws {
            let uuid = try Lab.with(servers: 1) { servers -> String in
                let disk = try #require(servers.first?.disks.first)
                let clock = ContinuousClock()
                let start = clock.now
                try Lab.exec(1, "lxc", "storage", "create", "local", "btrfs", "source=\(disk)")
                print("btrfs pool on \(disk): \(clock.now - start)")
                let pools = try Lab.exec(1, "lxc", "storage", "list", "--format", "csv").stdout
                #expect(pools.contains("local,btrfs,"), "pool listed: \(pools)")
                #expect(pools.contains("CREATED"))
                let inServer = try Lab.exec(1, "findmnt", "-rn", "-S", disk).stdout
                #expect(inServer.contains("storage-pools/local"), "the pool is mounted on \(servers[0].name): \(inServer)")
                let inRoot = try Command.run(["findmnt", "-rn", "-S", disk]).stdout  // exits 1 when nothing is found
                #expect(inRoot.isEmpty, "the pool is not mounted in the root namespace: \(inRoot)")
                // with the lab's udev stand-in LXD finds the by-uuid link and records the pool by UUID
                let source = try Lab.exec(1, "lxc", "storage", "get", "local", "source").stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/dev/disk/by-uuid/\(source)") == disk)
                try Lab.exec(1, "lxc", "storage", "delete", "local")
                return source
            }
            let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/dev/disk/by-uuid/\(uuid)")
            #expect(link == nil, "lab down removed the link it made: \(link ?? "")")
        }
    }
}
