import Foundation
import Testing

/// Issue 19: `microcloud remove` on a 4-server whole cloud (local + 2 Ceph disks each, OVN), formed by preseed: the
/// member leaves LXD, Ceph (its OSDs drained first), MicroOVN and the membership, and the data written before reads
/// back the same. The same cloud, now 3 servers with pools of 3 copies, then refuses what would cost data.
extension LabSuite {
    @Suite("Remove a member from a whole cloud", .serialized,
           .enabled(if: MicroCephAPI.unavailableReason == nil, Comment(rawValue: MicroCephAPI.unavailableReason ?? "")))
    struct Removal {
        static func wholeCloud(_ servers: [LabServer]) -> String {
            let ovn = OVNPreseed.file(servers)
            let ovnKeys = ovn[ovn.range(of: "ovn:\n")!.lowerBound...]
            var yaml = CephPreseed.file(servers)
            for s in servers {   // each system's uplink, under its own entry
                yaml = yaml.replacingOccurrences(of: "  - name: \(s.name)\n",
                                                 with: "  - name: \(s.name)\n    ovn_uplink_interface: \(OVNPreseed.uplinkBridge)\n")
            }
            return yaml + ovnKeys
        }

        /// `microcloud remove …` on server 1, as an operator types it (no terminal: no question).
        static func remove(_ arguments: String...) throws -> CommandResult {
            try Command.run([Lab.script, "exec", "1", "microcloud", "remove"] + arguments, environment: Lab.knobs)
        }

        /// 20 objects of random bytes in `lxd_remote`, written on server 1; returns name -> sha256.
        static func writeObjects() throws -> [String: String] {
            let script = "set -e; d=$(mktemp -d); cd $d; for i in $(seq -w 1 20); do head -c 262144 /dev/urandom > obj$i; "
                + "rados -p lxd_remote put obj$i obj$i; done; sha256sum obj*; rm -rf $d"
            return try hashes(Lab.exec(1, "bash", "-c", script).stdout)
        }

        static func readObjects(on index: Int) throws -> [String: String] {
            let script = "set -e; d=$(mktemp -d); cd $d; for i in $(seq -w 1 20); do rados -p lxd_remote get obj$i obj$i; done; "
                + "sha256sum obj*; rm -rf $d"
            return try hashes(Lab.exec(index, "bash", "-c", script).stdout)
        }

        static func hashes(_ text: String) -> [String: String] {
            Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                return parts.count == 2 ? (String(parts[1]), String(parts[0])) : nil
            }, uniquingKeysWith: { a, _ in a })
        }

        static func lxdMembers() throws -> [String] {
            try Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout.split(separator: "\n")
                .map { String($0.split(separator: ",")[0]) }.sorted()
        }

        /// What an operator checks once micro04 is out: 3 members in LXD, MicroCeph, MicroOVN and the cloud's own
        /// membership, no OSD of micro04 in `ceph osd tree`, HEALTH_OK (recovery done), and the objects intact.
        static func expectThreeStay(_ servers: [LabServer], objects before: [String: String]) throws {
            let names = servers.prefix(3).map(\.name)
            #expect(try lxdMembers() == names, "lxc cluster list")
            let cephMembers = try ControlSocket.request("\(servers[0].directory)/microceph/control.socket", "GET", "/core/1.0/cluster")
                .list.compactMap { $0["name"] as? String }.sorted()
            #expect(cephMembers == names, "MicroCeph members: \(cephMembers)")
            let ovnMembers = try OVNLabTests.call(servers[0], "GET", "/core/1.0/cluster").list.compactMap { $0["name"] as? String }.sorted()
            #expect(ovnMembers == names, "MicroOVN members: \(ovnMembers)")
            let tree = try CephCLI.osdsPerHost(1)
            #expect((tree["micro04"] ?? 0) == 0 && tree.values.reduce(0, +) == 6, "ceph osd tree after: \(tree)")
            let health = try CephCLI.waitStatus(1, seconds: 240) {
                (($0["health"] as? [String: Any])?["status"] as? String) == "HEALTH_OK"
            }
            #expect((health["health"] as? [String: Any])?["status"] as? String == "HEALTH_OK", "ceph status: \(health)")
            for index in 1...3 {
                let members = try Lab.exec(index, "microcloud", "status", "--format", "json").stdout
                #expect(members.contains("\"micro03\"") && !members.contains("\"micro04\""), "membership on micro0\(index)")
            }
            let services = try Lab.exec(2, "microcloud", "service", "list").stdout
            for service in ["MicroCloud", "LXD", "MicroCeph", "MicroOVN"] { #expect(services.contains("\(service):\n+--")) }
            #expect(services.components(separatedBy: "| micro03 ").count - 1 == 4 && !services.contains("micro04"),
                    "microcloud service list:\n\(services)")
            let after = try readObjects(on: 3)
            #expect(after == before, "the 20 objects read back from micro03 with the same sha256")
            print("removal: \(after.filter { before[$0.key] == $0.value }.count) of 20 objects identical; ceph osd tree \(tree)")
        }

        /// A 4-server whole cloud formed by preseed, with 20 objects written to `lxd_remote` (name -> sha256).
        static func withWholeCloudOfFour(_ body: ([LabServer], [String: String]) throws -> Void) throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            setenv("MCLAB_MICROCEPH", "1", 1)
            setenv("MCLAB_MICROOVN", "1", 1)
            defer { unsetenv("MCLAB_MICROCEPH"); unsetenv("MCLAB_MICROOVN") }
            try Lab.with(servers: 4) { servers in
                for (i, s) in servers.enumerated() { try OVNPreseed.addUplinkBridge(i + 1, s) }
                _ = try Preseed.runFormingCloud(servers, yaml: wholeCloud(servers))
                try body(servers, try writeObjects())
            }
        }

        @Test("remove micro04 from a 4-server whole cloud: 3 members everywhere, its OSDs drained and gone, HEALTH_OK, 3 chassis, objects intact; then refusals on the 3-server cloud")
        func removeTheFourthServer() throws {
            try Self.withWholeCloudOfFour { servers, before in
                try #require(before.count == 20, "20 objects written: \(before)")
                let osdsBefore = try CephCLI.osdsPerHost(1)
                #expect(osdsBefore["micro04"] == 2, "ceph osd tree before: \(osdsBefore)")

                let dry = try Self.remove("micro04", "--dry-run")
                print("remove --dry-run:\n\(dry.stdout)\(dry.stderr)")
                #expect(dry.status == 0 && dry.stdout.contains("Remove micro04 from the cloud (LXD, MicroCeph, MicroOVN, MicroCloud)."))
                #expect(try Self.lxdMembers().count == 4, "a dry run changes nothing")

                let run = try Self.remove("micro04")
                print("remove micro04 (exit \(run.status)):\n\(run.stdout)\(run.stderr)")
                #expect(run.status == 0 && run.stdout.contains("micro04 was removed; 3 members stay: micro01, micro02, micro03."))

                let names = servers.prefix(3).map(\.name)
                try Self.expectThreeStay(servers, objects: before)
                let chassis = try Lab.exec(1, "ovn-sbctl", "show").stdout
                #expect(chassis.components(separatedBy: "Chassis ").count - 1 == 3 && !chassis.contains("micro04"), "ovn-sbctl show:\n\(chassis)")
                let uplink = try Lab.exec(1, "lxd", "sql", "global", "SELECT networks_config.key FROM networks_config "
                                          + "JOIN nodes ON nodes.id = networks_config.node_id WHERE nodes.name = 'micro04'").stdout
                #expect(!uplink.contains("parent"), "UPLINK keeps no parent for micro04:\n\(uplink)")
                let left = try Lab.exec(4, "curl", "-s", "--unix-socket", "\(servers[3].stateDir)/control.socket",
                                        "http://microcloud/1.0/members").stdout
                #expect(left == "[]", "micro04's daemon forgot the cloud: \(left)")

                // Now 3 servers with pools of 3 copies: refused before anything changes, with the reason.
                let pools = try Self.remove("micro03")
                #expect(pools.status == 2 && pools.stderr.contains("Without micro03 only 2 servers would hold OSDs, fewer than the copies of"),
                        "\(pools.stdout)\(pools.stderr)")
                let unknown = try Self.remove("micro09")
                #expect(unknown.status == 2 && unknown.stderr.contains("Cluster member \"micro09\" not found on any service"))
                let itself = try Self.remove("micro01")
                #expect(itself.status == 2 && itself.stderr.contains("This command runs on micro01"))
                // Another removal under way on micro01 holds its operation lock.
                let holder = try Background([Lab.script, "exec", "1", "flock", "\(servers[0].stateDir)/operation.lock",
                                             "sleep", "60"], tag: "lock")
                Thread.sleep(forTimeInterval: 1)
                let busy = try Self.remove("micro03")
                holder.stop()
                #expect(busy.status == 2 && busy.stderr.contains("Another `microcloud remove` is running on this server"), "\(busy.stderr)")
                #expect(try Self.lxdMembers() == names, "the refusals changed nothing")
            }
        }

        @Test("micro04 gone (its cable out): remove without --force says it does not answer; with --force every service drops it, its OSDs are purged and rebuilt elsewhere, the report lists what stays (its OVN chassis, its daemon not told); the objects read back the same")
        func removeAServerThatIsGone() throws {
            try Self.withWholeCloudOfFour { servers, before in
                try Command.check(["ip", "link", "set", "\(Lab.netns(4))-e", "down"])   // micro04 is gone
                let offline = OVNLabTests.eventually(90) {
                    ((try? Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout) ?? "").contains("micro04,https://") == true
                        && ((try? Lab.exec(1, "lxc", "cluster", "list", "--format", "csv").stdout) ?? "").contains("OFFLINE")
                }
                #expect(offline, "LXD sees micro04 offline")

                let refused = try Self.remove("micro04")
                #expect(refused.status == 2 && refused.stderr.contains("micro04 does not answer ("), "\(refused.stdout)\(refused.stderr)")
                #expect(try Self.lxdMembers().count == 4, "the refusal changed nothing")

                let run = try Self.remove("micro04", "--force")
                print("remove micro04 --force (exit \(run.status)):\n\(run.stdout)\(run.stderr)")
                #expect(run.status == 3, "removed with setbacks")
                #expect(run.stdout.contains("Not done: OVN's chassis record of micro04 on micro04: micro04's chassis stays in OVN's southbound database"))
                #expect(run.stdout.contains("micro04 left the cloud, but its own daemon was not told (it does not answer)"))
                #expect(run.stdout.contains("micro04 was removed with 2 setbacks; 3 members stay: micro01, micro02, micro03."))

                try Self.expectThreeStay(servers, objects: before)
                // micro04 comes back: it still believes in the cloud until it is reset.
                try Command.check(["ip", "link", "set", "\(Lab.netns(4))-e", "up"])
                let reset = try Lab.exec(4, "microcloud", "reset", "--force").stdout
                #expect(reset.contains("micro04 forgot its cloud of 4 members"), "\(reset)")
                let left = try Lab.exec(4, "curl", "-s", "--unix-socket", "\(servers[3].stateDir)/control.socket",
                                        "http://microcloud/1.0/members").stdout
                #expect(left == "[]", "micro04's daemon forgot the cloud: \(left)")
            }
        }
    }
}
