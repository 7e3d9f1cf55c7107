import Foundation
import Testing

/// `microcloud demo` (what `scripts/demo` runs after building) in a real terminal, with its default: servers that
/// have LXD, MicroCeph and MicroOVN, so the operator goes through the Ceph disk screens and the OVN uplink forms.
/// Asserted is what exists on the servers while the results screen is up, the instances the demo launched on every
/// member afterwards (its `lxc list`), then that the demo took its lab down.
extension LabSuite {
    @Suite struct Demo {
        @Test("the demo in tmux, its default: Ceph disks, Ceph networks, an uplink per server and its addresses; 3 monitors, 6 OSDs up, remote pool, UPLINK and default; an instance per member in its lxc list; the lab down afterwards")
        func formsTheWholeCloud() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try #require(Tmux.available, "tmux is not installed")
            try Lab.around {
                let tmux = Tmux(name: "demo", width: 132, height: 43)
                defer { tmux.stop() }
                let knobs = Lab.knobs.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
                try tmux.start("env \(knobs) TERM=xterm-256color \(MicroCloudCLI.path) demo; echo DEMO-EXITED $?; sleep 300")
                // `lab up` with MicroCeph and MicroOVN, then the joiners: the live table with both verified.
                _ = try tmux.wait(for: "2 found: 2 verified", timeout: 240)
                let servers = try Lab.status()
                tmux.keys("Right"); tmux.keys("Enter")

                try Wizard.pickDisks(tmux, servers)
                _ = try tmux.wait(until: "the Ceph networks form, its default the lab's subnet", timeout: 10) {
                    $0.contains("Ceph internal traffic") && $0.contains(servers[0].subnet)
                }
                tmux.keys("Enter")
                _ = try tmux.wait(for: "Ceph public", timeout: 10)
                tmux.keys("Enter")
                try Wizard.uplinks(tmux)                          // the demo's uplinkbr0 on each server

                _ = try tmux.wait(for: "Configure dedicated OVN underlay networking", timeout: 20)
                tmux.keys("n")                                    // OVN's traffic on the lab's own subnet
                let summary = try tmux.wait(for: "Review the plan", timeout: 20)
                #expect(!summary.contains("not installed") && summary.contains("6 disks on 3 servers"),
                        "MicroCeph and MicroOVN are part of the plan:\n\(summary)")
                tmux.keys("Enter")
                let results = try tmux.wait(for: "MicroCloud is ready|The setup failed", timeout: 900)
                #expect(results.contains("MicroCloud is ready"), "the setup succeeded:\n\(results)")

                try Self.expectWholeCloud(servers)
                tmux.keys("q")
                let after = try tmux.wait(for: "DEMO-EXITED [0-9]+", timeout: 120)
                #expect(after.contains("DEMO-EXITED 0"), "the demo ended well:\n\(tmux.history())")
                // The cloud in use: `lxc list` with an instance running on every member, each with an address.
                let history = tmux.history()
                for server in servers {
                    let row = history.split(separator: "\n").first { $0.contains("| c-\(server.name) ") } ?? ""
                    #expect(row.contains("RUNNING") && row.contains("| \(server.name) ") && row.contains("(eth0)"),
                            "the demo's lxc list shows c-\(server.name) running on \(server.name) with an address:\n\(history)")
                }
                // The answers the demo suggested before the wizard opened are the ones typed here, which worked.
                let u = LabSuite.OVNPreseed.Uplink()
                let printed = tmux.history().replacingOccurrences(of: "\n", with: "")
                #expect(printed.contains("IPv4 gateway \(u.gateway4), range \(u.first) to \(u.last)"),
                        "the demo's guide names working OVN answers:\n\(tmux.history())")
                let status = try Lab.run("status").stdout
                #expect(status.contains("lab is down"), "the demo took its lab down:\n\(status)")
            }
        }

        /// Ceph as its own tools see it (3 monitors in quorum, 6 OSDs up and in), LXD's pools and networks on every
        /// server, and the OVN side as the OVN preseed tests check it.
        static func expectWholeCloud(_ servers: [LabServer]) throws {
            let ceph = try CephCLI.waitStatus(1, seconds: 60) {
                ($0["osdmap"] as? [String: Any])?["num_up_osds"] as? Int == 6
            }
            let osdmap = ceph["osdmap"] as? [String: Any]
            #expect(osdmap?["num_osds"] as? Int == 6 && osdmap?["num_up_osds"] as? Int == 6
                    && osdmap?["num_in_osds"] as? Int == 6, "6 OSDs up and in: \(osdmap ?? [:])")
            #expect(ceph["quorum_names"] as? [String] == servers.map(\.name), "3 monitors: \(ceph["quorum_names"] ?? "")")
            print("ceph -s on \(servers[0].name):\n\(try Lab.exec(1, "ceph", "-s").stdout)")
            for index in 1...3 {
                let pools = try Lab.exec(index, "lxc", "storage", "list", "--format", "csv").stdout
                #expect(pools.contains("local,") && pools.contains("remote,ceph"), "lxc storage list on \(index):\n\(pools)")
                let networks = try Lab.exec(index, "lxc", "network", "list", "--format", "csv").stdout
                #expect(networks.contains("UPLINK,physical,YES,") && networks.contains("default,ovn,YES,"),
                        "lxc network list on \(index):\n\(networks)")
            }
            let profile = try Lab.exec(1, "lxc", "profile", "show", "default").stdout
            #expect(profile.contains("pool: remote") && profile.contains("network: default"),
                    "the default profile: root on remote, its NIC on default:\n\(profile)")
            let encaps = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0.address) })
            try LabSuite.OVNPreseed.expectOVNCloud(servers, encaps: encaps)
        }
    }
}
