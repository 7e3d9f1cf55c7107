import Foundation
import Testing

/// The whole cloud (local + Ceph + OVN, formed by one preseed) doing its job, checked in a row on one formed cloud
/// to keep CI short: an instance per member on `local` and `default` with an address from OVN's DHCP, the OVN router
/// and the other members' instances reachable across the geneve tunnels, objects written to Ceph from one member and
/// read back byte-identical from another, and an instance on `remote` failing only for want of krbd.
extension LabSuite {
    @Suite("The whole cloud in use: instances on every member, traffic across members, data on Ceph",
           .enabled(if: MicroCephAPI.unavailableReason == nil, Comment(rawValue: MicroCephAPI.unavailableReason ?? "")))
    struct CloudInUse {
        /// The preseed of the whole cloud: a local disk and two Ceph disks per server, an uplink bridge on each.
        static func file(_ servers: [LabServer]) -> String {
            let u = OVNPreseed.Uplink()
            return Preseed.file(servers: servers, passphrase: "lab whole cloud words",
                                systemKeys: "\n    ovn_uplink_interface: \(OVNPreseed.uplinkBridge)")
                + "\n  ceph:\n    - find: serial == disk2.img || serial == disk3.img\n      wipe: true\n"
                + "ovn:\n  ipv4_gateway: \(u.gateway4)\n  ipv4_range: \(u.first)-\(u.last)\n  dns_servers: \(u.dns)\n"
        }

        @Test("whole cloud by preseed, then: 3 instances on local/default with OVN DHCP addresses, the router and the other members pinged across geneve, 20 objects through Ceph byte-identical, remote fails at rbd map")
        func wholeCloudInUse() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            setenv("MCLAB_MICROCEPH", "1", 1)
            setenv("MCLAB_MICROOVN", "1", 1)
            defer { unsetenv("MCLAB_MICROCEPH"); unsetenv("MCLAB_MICROOVN") }
            try Lab.with(servers: 3) { servers in
                for (i, server) in servers.enumerated() { try OVNPreseed.addUplinkBridge(i + 1, server) }
                _ = try Preseed.runFormingCloud(servers, yaml: Self.file(servers))
                print(try Lab.run("tunnels").stdout)
                try Self.expectTunnelsUp(servers)
                try Lab.run("image")
                let addresses = try Instances.launchOnEveryMember(servers, pool: "local")
                try Self.expectOVNTraffic(servers, addresses)
                try Self.expectCephData(servers)
                try Self.expectRemoteNeedsKRBD(servers)
                try Self.expectCloudHealthy(servers)
            }
        }

        /// Every geneve port's BFD session up on every server (the tunnels carry packets both ways).
        static func expectTunnelsUp(_ servers: [LabServer]) throws {
            for index in 1...servers.count {
                let up = try OVNLabTests.eventually(30) {
                    let states = try Self.bfdStates(index)
                    return states.count == servers.count - 1 && states.allSatisfy { $0 == "up" }
                }
                let states = try Self.bfdStates(index)
                print("BFD on \(servers[index - 1].name)'s geneve ports: \(states)")
                #expect(up, "BFD up on \(servers[index - 1].name)'s geneve ports: \(states)")
            }
        }

        static func bfdStates(_ index: Int) throws -> [String] {
            let out = try Lab.exec(index, "ovs-vsctl", "--columns=bfd_status", "find", "interface", "type=geneve").stdout
            // e.g. bfd_status : {diagnostic="No Diagnostic", …, remote_state=up, state=up}: this side's state only
            return out.split(separator: "\n").compactMap { line in
                line.split(separator: " ").first { $0.hasPrefix("state=") }.map { String($0.dropFirst(6).prefix { $0.isLetter }) }
            }
        }

        /// Each instance has an address in `default`'s subnet, pings the OVN router, and the one on the first
        /// member pings the others (across the tunnels).
        static func expectOVNTraffic(_ servers: [LabServer], _ addresses: [String: String]) throws {
            let router = try Lab.exec(1, "lxc", "network", "get", "default", "ipv4.address").stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let prefix = router.split(separator: "/")[0].split(separator: ".").dropLast().joined(separator: ".") + "."
            let gateway = String(router.split(separator: "/")[0])
            for server in servers {
                let name = Instances.name(server)
                let address = addresses[name] ?? ""
                #expect(address.hasPrefix(prefix), "\(name)'s address \(address) is in default's subnet \(router)")
                let ping = Instances.ping(from: name, gateway)
                print("\(name) -> router \(gateway): \(ping.summary)")
                #expect(ping.ok, "\(name) pings the OVN router \(gateway):\n\(ping.output)")
            }
            let first = Instances.name(servers[0])
            for server in servers.dropFirst() {
                let target = addresses[Instances.name(server)] ?? "?"
                let ping = Instances.ping(from: first, target)
                print("\(first) -> \(Instances.name(server)) \(target) across geneve: \(ping.summary)")
                #expect(ping.ok, "\(first) pings \(Instances.name(server)) on \(server.name):\n\(ping.output)")
            }
        }

        /// 20 objects of random bytes put into `lxd_remote` with `rados` on the first member, read back on the last.
        static func expectCephData(_ servers: [LabServer]) throws {
            let dir = URL(fileURLWithPath: Lab.base).appendingPathComponent("objects")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            var written: [String: String] = [:]
            for n in 1...20 {
                let file = dir.appendingPathComponent("object-\(n)")
                try Data((0..<(4096 * n)).map { _ in UInt8.random(in: 0...255) }).write(to: file)
                try Lab.exec(1, "rados", "-p", "lxd_remote", "put", "lab-object-\(n)", file.path)
                written["lab-object-\(n)"] = try Self.sha256(file.path)
            }
            let last = servers.count
            let listed = try Lab.exec(last, "rados", "-p", "lxd_remote", "ls").stdout.split(separator: "\n")
            var identical = 0
            for (object, sum) in written.sorted(by: { $0.key < $1.key }) {
                let copy = dir.appendingPathComponent("\(object).read")
                try Lab.exec(last, "rados", "-p", "lxd_remote", "get", object, copy.path)
                if try Self.sha256(copy.path) == sum { identical += 1 }
            }
            print("ceph: 20 objects written on \(servers[0].name), \(identical) of 20 read back byte-identical "
                  + "(sha256) on \(servers[last - 1].name); rados ls there lists \(listed.filter { $0.hasPrefix("lab-object-") }.count)")
            #expect(identical == 20, "objects read back byte-identical on \(servers[last - 1].name): \(identical) of 20")
            for n in 1...20 { try Lab.exec(1, "rados", "-p", "lxd_remote", "rm", "lab-object-\(n)") }
        }

        static func sha256(_ path: String) throws -> String {
            String(try Command.check(["sha256sum", path]).stdout.prefix(64))
        }

        /// This kernel has no krbd: an instance on `remote` fails where LXD maps its volume, and for no other reason.
        static func expectRemoteNeedsKRBD(_ servers: [LabServer]) throws {
            let launch = try Command.run([Lab.script, "exec", "1", "lxc", "launch", Instances.image, "on-remote",
                                         "--target", servers[1].name, "-s", "remote"], environment: Lab.knobs)
            print("an instance on remote: exit \(launch.status): \(launch.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            #expect(launch.status != 0 && launch.stderr.contains("rbd: map failed"),
                    "on remote the launch fails at rbd map (no krbd here):\n\(launch.stderr)")
        }

        /// After all that (the addresses moved onto br-phy, instances running): the cluster, Ceph and microcloud well.
        static func expectCloudHealthy(_ servers: [LabServer]) throws {
            let members = try Lab.exec(2, "lxc", "cluster", "list", "--format", "csv").stdout
            #expect(members.split(separator: "\n").filter { $0.contains(",ONLINE,") }.count == servers.count,
                    "every LXD member online:\n\(members)")
            let health = ((try CephCLI.run(3, ["health"]) as? [String: Any])?["status"] as? String) ?? "?"
            print("ceph health at the end: \(health)")
            #expect(health != "HEALTH_ERR", "ceph health: \(health)")
            let status = try Lab.exec(1, "microcloud", "status").stdout
            for server in servers { #expect(status.contains(server.name), "microcloud status lists \(server.name):\n\(status)") }
        }
    }
}
