import Foundation
import Testing

/// The lab's MicroOVN: requests as MicroCloud's client code sends them (microcluster's
/// NewCluster/NewJoinToken/JoinCluster, MicroOVN's services), answered by real OVN on 3 servers, and
/// Debian's LXD building `UPLINK` and `default` on it.
extension LabSuite {
    @Suite("MicroOVN in the lab: real OVN behind MicroOVN's API")
    struct OVNLabTests {
        /// `POST /core/control` as microcluster's client marshals `types.Control`.
        static func control(bootstrap: Bool, name: String, address: String, token: String = "",
                            config: [String: String]? = nil) -> String {
            let configJSON = config.map { c in
                "{" + c.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
            } ?? "null"
            return "{\"bootstrap\":\(bootstrap),\"config\":\(configJSON),\"join_token\":\"\(token)\","
                + "\"address\":\"\(address):6443\",\"name\":\"\(name)\"}"
        }

        static let hour: Int64 = 3_600_000_000_000  // MicroCloud's token lifetime, as a Go time.Duration

        static func socket(_ server: LabServer) -> String { "\(server.directory)/microovn/control.socket" }

        static func call(_ server: LabServer, _ method: String, _ path: String, _ body: String? = nil) throws -> ControlAnswer {
            try ControlSocket.request(socket(server), method, path, body: body)
        }

        /// Polls `check` every 0.2 s for up to `seconds`; returns its last result.
        static func eventually(_ seconds: Double, _ check: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try check() { return true }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return try check()
        }

        @discardableResult
        static func timed<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
            let clock = ContinuousClock(), start = clock.now
            let result = try body()
            print("ovn timing: \(label): \(clock.now - start)")
            return result
        }

        /// `chassis,encap ip` rows from the southbound database, seen from server `index`.
        static func encaps(_ index: Int) throws -> [String: String] {
            let csv = try Lab.exec(index, "ovn-sbctl", "--format=csv", "--data=bare", "--no-headings",
                                   "--columns=chassis_name,ip", "list", "Encap").stdout
            return Dictionary(csv.split(separator: "\n").map { line in
                let cells = line.split(separator: ",").map(String.init)
                return (cells.first ?? "", cells.last ?? "")
            }, uniquingKeysWith: { first, _ in first })
        }

        /// Servers listed by `cluster/status` of a raft database on server `index`.
        static func raftServers(_ index: Int, _ db: String, _ name: String) throws -> Int {
            let status = try Lab.exec(index, "ovs-appctl", "-t", "/run/ovn/ovn\(db)_db.ctl", "cluster/status", name).stdout
            guard let servers = status.range(of: "Servers:\n") else { return 0 }
            return status[servers.upperBound...].split(separator: "\n").filter { $0.contains(" at tcp:") }.count
        }

        @Test("bootstrap, tokens and 2 joins (one with a dedicated underlay) give 3 chassis, raft of 3, and LXD's UPLINK + default")
        func bootstrapJoinAndLXDNetworks() throws {
            try Lab.with(servers: 3) { servers in
                let status = try Lab.run("status", "--json").stdout
                let described = try #require(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [[String: Any]])
                #expect(described.map { $0["microovnSocket"] as? String } == servers.map { Self.socket($0) },
                        "status --json names each server's MicroOVN control socket")

                // Before init: ready, not initialized, member-only endpoints refuse.
                for server in servers {
                    #expect(try Self.call(server, "GET", "/core/1.0/ready").status == 200)
                    let info = try Self.call(server, "GET", "/core/1.0")
                    #expect((info.metadata as? [String: Any])?["ready"] as? Bool == false)
                    #expect(((info.metadata as? [String: Any])?["extensions"] as? [String])?.contains("custom_encapsulation_ip") == true)
                }
                let early = try Self.call(servers[1], "POST", "/core/control/tokens", "{\"name\":\"micro03\",\"expire_after\":0}")
                #expect(early.status == 503 && early.error == "Database is not yet initialized")

                // micro03 gets a dedicated underlay address: a second interface on the lab's wire (macvlan on
                // eth0; this kernel has no dummy module), in a subnet of its own.
                let octets = Lab.net.split(separator: ".")
                let underlay = "\(octets[0]).\(Int(octets[1])! + 1).\(octets[2]).13"
                try Lab.exec(3, "ip", "link", "add", "underlay0", "link", "eth0", "type", "macvlan", "mode", "bridge")
                try Lab.exec(3, "ip", "addr", "add", "\(underlay)/24", "dev", "underlay0")
                try Lab.exec(3, "ip", "link", "set", "underlay0", "up")

                let boot = try Self.timed("bootstrap micro01") {
                    try Self.call(servers[0], "POST", "/core/control",
                                  Self.control(bootstrap: true, name: servers[0].name, address: servers[0].address))
                }
                #expect(boot.status == 200, "bootstrap: \(boot.error)")
                let again = try Self.call(servers[0], "POST", "/core/control",
                                          Self.control(bootstrap: true, name: servers[0].name, address: servers[0].address))
                #expect(again.status == 500 && again.error == "Unable to initialize cluster: Database is online")

                // Tokens: issue, list, delete (MicroCloud's cleanup of an unused token).
                let spare = try Self.call(servers[0], "POST", "/core/control/tokens", "{\"name\":\"micro09\",\"expire_after\":\(Self.hour)}")
                #expect(spare.status == 200)
                #expect(try Self.call(servers[0], "DELETE", "/core/1.0/tokens/micro09").status == 200)
                var tokens: [String: String] = [:]
                for joiner in servers.dropFirst() {
                    let answer = try Self.call(servers[0], "POST", "/core/control/tokens",
                                               "{\"name\":\"\(joiner.name)\",\"expire_after\":\(Self.hour)}")
                    tokens[joiner.name] = try #require(answer.metadata as? String, "token: \(answer.error)")
                }
                let listed = try Self.call(servers[0], "GET", "/core/control/tokens").list.compactMap { $0["name"] as? String }
                #expect(listed.sorted() == ["micro02", "micro03"], "tokens listed: \(listed)")
                let decoded = try #require(Data(base64Encoded: tokens["micro02"]!))
                let token = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: Any])
                #expect(token["join_addresses"] as? [String] == ["\(servers[0].address):6443"] && token["secret"] is String
                        && (token["fingerprint"] as? String)?.count == 64)

                let join2 = try Self.timed("join micro02") {
                    try Self.call(servers[1], "POST", "/core/control",
                                  Self.control(bootstrap: false, name: "micro02", address: servers[1].address, token: tokens["micro02"]!))
                }
                #expect(join2.status == 200, "join micro02: \(join2.error)")
                let join3 = try Self.timed("join micro03 (underlay \(underlay))") {
                    try Self.call(servers[2], "POST", "/core/control",
                                  Self.control(bootstrap: false, name: "micro03", address: servers[2].address,
                                               token: tokens["micro03"]!, config: ["ovn-encap-ip": underlay]))
                }
                #expect(join3.status == 200, "join micro03: \(join3.error)")

                // MicroOVN's view: 3 members on every server, central + chassis + switch everywhere.
                for server in servers {
                    let members = try Self.call(server, "GET", "/core/1.0/cluster").list
                    #expect(members.compactMap { $0["name"] as? String } == ["micro01", "micro02", "micro03"])
                    #expect(members.allSatisfy { $0["status"] as? String == "ONLINE" }, "\(server.name): \(members)")
                }
                let services = try Self.call(servers[2], "GET", "/1.0/services").list
                for kind in ["central", "chassis", "switch"] {
                    #expect(Set(services.filter { $0["service"] as? String == kind }.compactMap { $0["location"] as? String })
                            == ["micro01", "micro02", "micro03"], "\(kind) runs on all 3: \(services)")
                }

                // Real OVN: 3 chassis with the expected encap addresses, raft clusters of 3, CLI on any server.
                let expected = ["micro01": servers[0].address, "micro02": servers[1].address, "micro03": underlay]
                let registered = try Self.eventually(15) { try Self.encaps(2) == expected }
                let encaps = try Self.encaps(2)
                #expect(registered, "chassis and encap addresses in SB: \(encaps)")
                for index in 1...3 {
                    #expect(try Self.raftServers(index, "nb", "OVN_Northbound") == 3)
                    #expect(try Self.raftServers(index, "sb", "OVN_Southbound") == 3)
                    let chassis = try Lab.exec(index, "ovn-sbctl", "show").stdout
                    #expect(chassis.components(separatedBy: "Chassis ").count - 1 == 3, "ovn-sbctl show on \(index):\n\(chassis)")
                    _ = try Lab.exec(index, "ovn-nbctl", "show")
                    #expect(try Lab.exec(index, "ovs-vsctl", "show").stdout.contains("Bridge br-int"))
                }

                try Self.lxdNetworks(servers, services: services)
            }
        }

        /// Debian's LXD 5.0.2, clustered, builds `UPLINK` (physical) and `default` (ovn) on the lab's OVN,
        /// with MicroCloud's keys: pending per member, then final.
        static func lxdNetworks(_ servers: [LabServer], services: [[String: Any]]) throws {
            try timed("LXD cluster of 3") {
                try Lab.exec(1, "lxc", "config", "set", "core.https_address", "\(servers[0].address):8443")
                try Lab.exec(1, "lxc", "cluster", "enable", servers[0].name)
                for (offset, joiner) in servers.enumerated().dropFirst() {
                    let token = try Lab.exec(1, "lxc", "cluster", "add", joiner.name, "--quiet").stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    let preseed = "cluster:\n  enabled: true\n  server_name: \(joiner.name)\n"
                        + "  server_address: \(joiner.address):8443\n  cluster_token: \(token)\n"
                    let file = Command.temporaryFile("lxd-join").appendingPathExtension("yaml")
                    try preseed.write(to: file, atomically: true, encoding: .utf8)
                    defer { try? FileManager.default.removeItem(at: file) }
                    try Lab.exec(offset + 1, "sh", "-c", "lxd init --preseed < \(file.path)")
                }
            }
            // network.ovn.northbound_connection from where MicroOVN's central services run (LXD 5.0.2 lacks
            // ovn_dynamic_northbound_connection).
            let address = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0.address) })
            let northbound = services.filter { $0["service"] as? String == "central" }
                .compactMap { ($0["location"] as? String).flatMap { address[$0] } }
                .map { "ssl:\($0):6641" }.joined(separator: ",")
            try Lab.exec(1, "lxc", "config", "set", "network.ovn.northbound_connection", northbound)

            let uplink = "{\"name\":\"UPLINK\",\"type\":\"physical\",\"description\":\"Uplink for OVN networks\",\"config\":{"
                + "\"ipv4.gateway\":\"10.233.15.1/24\",\"ipv4.ovn.ranges\":\"10.233.15.100-10.233.15.150\","
                + "\"ipv6.gateway\":\"fd42:233:15::1/64\",\"dns.nameservers\":\"10.233.15.1,fd42:233:15::1\"}}"
            try timed("LXD UPLINK (3 pending + final)") {
                for server in servers {
                    try Lab.exec(1, "lxc", "query", "-X", "POST", "/1.0/networks?target=\(server.name)", "--data",
                                 "{\"name\":\"UPLINK\",\"type\":\"physical\",\"config\":{\"parent\":\"\(server.uplink)\"}}")
                }
                try Lab.exec(1, "lxc", "query", "-X", "POST", "/1.0/networks", "--data", uplink)
            }
            try timed("LXD default (ovn)") {
                try Lab.exec(1, "lxc", "query", "-X", "POST", "/1.0/networks", "--data",
                             "{\"name\":\"default\",\"type\":\"ovn\",\"description\":\"Default OVN network\",\"config\":{\"network\":\"UPLINK\"}}")
            }

            // Debian's LXD 5.0.2 drops `description` from a cluster-wide POST /1.0/networks (both networks come
            // out with ""); a PATCH afterwards keeps it.
            for (name, description) in [("UPLINK", "Uplink for OVN networks"), ("default", "Default OVN network")] {
                let dropped = try #require(try Lab.lxdQuery(1, "/1.0/networks/\(name)") as? [String: Any])
                #expect(dropped["description"] as? String == "", "LXD 5.0.2 still drops \(name)'s description on create")
                try Lab.exec(1, "lxc", "query", "-X", "PATCH", "/1.0/networks/\(name)", "--data", "{\"description\":\"\(description)\"}")
                let patched = try #require(try Lab.lxdQuery(3, "/1.0/networks/\(name)") as? [String: Any])
                #expect(patched["description"] as? String == description)
            }

            let list = try Lab.exec(2, "lxc", "network", "list", "--format", "csv").stdout
            #expect(list.contains("UPLINK,physical,YES,") && list.contains("default,ovn,YES,"), "lxc network list:\n\(list)")
            let rows = list.split(separator: "\n").filter { $0.hasPrefix("UPLINK,") || $0.hasPrefix("default,") }
            #expect(rows.count == 2 && rows.allSatisfy { $0.hasSuffix(",CREATED") }, "lxc network list:\n\(list)")
            let shown = try Lab.exec(3, "lxc", "network", "show", "UPLINK").stdout
            for key in ["ipv4.gateway: 10.233.15.1/24", "ipv4.ovn.ranges: 10.233.15.100-10.233.15.150",
                        "ipv6.gateway: fd42:233:15::1/64", "dns.nameservers: 10.233.15.1,fd42:233:15::1",
                        "description: Uplink for OVN networks"] {
                #expect(shown.contains(key), "lxc network show UPLINK has \(key):\n\(shown)")
            }
            for (offset, server) in servers.enumerated() {
                let parent = try Lab.exec(offset + 1, "lxc", "network", "get", "UPLINK", "parent", "--target", server.name)
                #expect(parent.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == server.uplink)
                let mappings = try Lab.exec(offset + 1, "ovs-vsctl", "get", "open_vswitch", ".", "external_ids:ovn-bridge-mappings").stdout
                #expect(mappings.contains("UPLINK:"), "\(server.name) maps UPLINK to an OVS bridge: \(mappings)")
            }

            // MicroCloud's default profile NIC on the new network.
            try Lab.exec(1, "lxc", "profile", "device", "add", "default", "eth0", "nic", "network=default", "name=eth0")
            let profile = try Lab.exec(2, "lxc", "profile", "show", "default").stdout
            #expect(profile.contains("network: default") && profile.contains("type: nic"), "default profile:\n\(profile)")

            // What LXD made in OVN's northbound database for `default`.
            let nb = try northboundObjects(3)
            #expect(nb.routers.count == 1 && nb.switches.count == 2, "router and switches for default: \(nb)")
            #expect(nb.snat.contains("10.233.15.100"), "the router's SNAT uses the first address of ipv4.ovn.ranges:\n\(nb.snat)")
        }

        /// LXD's objects for an ovn network in OVN's northbound database, seen from server `index`: its logical
        /// router `lxd-net<N>-lr`, the switches `lxd-net<N>-ls-int` / `-ls-ext` next to it, and the router's NAT list.
        static func northboundObjects(_ index: Int) throws -> (routers: [String], switches: [String], snat: String) {
            func names(_ table: String) throws -> [String] {
                try Lab.exec(index, "ovn-nbctl", "--format=csv", "--data=bare", "--no-headings", "--columns=name", "list", table)
                    .stdout.split(separator: "\n").map(String.init)
            }
            let routers = try names("Logical_Router").filter { $0.hasPrefix("lxd-net") && $0.hasSuffix("-lr") }
            let prefixes = routers.map { String($0.dropLast("-lr".count)) }
            let switches = try names("Logical_Switch").filter { name in
                prefixes.contains { name == "\($0)-ls-int" || name == "\($0)-ls-ext" }
            }
            let snat = try routers.map { try Lab.exec(index, "ovn-nbctl", "lr-nat-list", $0).stdout }.joined(separator: "\n")
            return (routers, switches, snat)
        }
    }
}
