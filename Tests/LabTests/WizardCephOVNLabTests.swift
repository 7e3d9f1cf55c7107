import Foundation
import MicroCloudKit
import Testing

/// The whole wizard on the lab's real Ceph and OVN (behind MicroCeph's and MicroOVN's APIs), in tmux: servers →
/// a local disk each → Ceph disks picked per server, wipe toggled → Ceph networks (internal on the underlay subnet)
/// → an uplink per server → the OVN form with a wrong IPv4 gateway corrected in place → range, IPv6 gateway, DNS →
/// a dedicated underlay → review → progress (a line per disk) → the result tables. What is asserted is what exists
/// on the servers afterwards, not only what the screen said; then an instance launched on every member.
extension LabSuite.Wizard {
    /// A lab of 3 whose microcloudd is given the lab's MicroCeph and MicroOVN sockets (the servers "have the snaps"),
    /// each server with an uplink bridge and an addressed underlay interface, as the OVN preseed tests set them up.
    static func withCephAndOVN(_ body: ([LabServer]) throws -> Void) throws {
        setenv("MCLAB_MICROCEPH", "1", 1)
        setenv("MCLAB_MICROOVN", "1", 1)
        defer { unsetenv("MCLAB_MICROCEPH"); unsetenv("MCLAB_MICROOVN") }
        try Lab.with(servers: 3) { servers in
            for (i, server) in servers.enumerated() {
                try LabSuite.OVNPreseed.addUplinkBridge(i + 1, server)
                try LabSuite.OVNPreseed.addUnderlayInterface(i + 1)
            }
            try body(servers)
        }
    }

    /// The underlay's subnet (10.232.12.0/24 for MCLAB_NET 10.231.12).
    static var underlaySubnet: String {
        let address = LabSuite.OVNPreseed.underlayAddress(1)
        return address[..<address.lastIndex(of: ".")!] + ".0/24"
    }

    @Test("the wizard end to end with Ceph and OVN: disks per server with wipe, Ceph networks, uplinks, a wrong gateway corrected in place, underlay; OSDs up and in, remote pool, UPLINK and default, chassis on the underlay; an instance per member on local with an OVN address")
    func formsACloudWithCephAndOVN() throws {
        try #require(MicroCloudCLI.built, "build first: swift build")
        try #require(Tmux.available, "tmux is not installed")
        try Self.withCephAndOVN { servers in
            let tmux = Tmux(name: "wizard-ceph-ovn", width: 132, height: 43)
            defer { tmux.stop() }
            try Self.startWizard(tmux, servers[0])
            // Two addressed interfaces now (eth0 and the underlay): the wizard asks which one MicroCloud uses.
            _ = try tmux.wait(until: "both addresses listed", timeout: 60) {
                $0.contains("Select an address for MicroCloud's internal traffic") && $0.contains(servers[0].address + " ")
                    && $0.contains("underlay0")
            }
            tmux.keys("Space"); tmux.keys("Enter")               // eth0's, on the lab's subnet (sorted first)
            let joiners = try Self.startJoiners(servers)
            defer { joiners.forEach { $0.stop() } }
            _ = try tmux.wait(for: "2 found: 2 verified", timeout: 60)
            tmux.keys("Right"); tmux.keys("Enter")

            try Self.pickDisks(tmux, servers)
            try Self.cephNetworks(tmux)
            try Self.uplinks(tmux)
            try Self.underlay(tmux)

            let summary = try tmux.wait(for: "6 disks on 3 servers; encryption off; CephFS no", timeout: 20)
            #expect(summary.contains("Review the plan") && !summary.contains("not installed"),
                    "MicroCeph and MicroOVN are part of the plan:\n\(summary)")
            tmux.keys("Enter")
            try Self.watchProgress(tmux, servers)
            let results = try tmux.wait(for: "MicroCloud is ready|The setup failed", timeout: 900)
            #expect(results.contains("MicroCloud is ready"), "the setup succeeded:\n\(results)")
            tmux.keys("Right")                                   // the Storage pools tab
            _ = try tmux.wait(until: "the results' storage pools", timeout: 10) {
                $0.contains("| remote ") && $0.contains("| local ") && $0.contains("| ceph ")
            }
            tmux.keys("Right")                                   // the Networks tab
            _ = try tmux.wait(until: "the results' networks", timeout: 10) {
                $0.contains("| UPLINK ") && $0.contains("| default ") && $0.contains("| ovn ")
            }
            tmux.keys("q")
            _ = try tmux.wait(for: "WIZARD-EXITED 0", timeout: 30)
            for joiner in joiners { #expect(joiner.wait() == 0, "joiner: \(joiner.output)") }

            try Self.checkRecording(servers[0])
            try Self.expectWipes(servers)
            try Self.expectCeph(servers)
            let encaps = Dictionary(uniqueKeysWithValues: servers.enumerated().map {
                ($1.name, LabSuite.OVNPreseed.underlayAddress($0 + 1))
            })
            try LabSuite.OVNPreseed.expectOVNCloud(servers, encaps: encaps)

            // The cloud it formed runs something: an instance per member on `local`, addressed by OVN's DHCP.
            try Lab.run("image", "1")
            let addresses = try Instances.launchOnEveryMember(servers, pool: "local")
            #expect(addresses.count == 3, "an instance per member with an address: \(addresses)")
        }
    }

    /// Local disks (the first of each server's three), then Ceph: the other two of every server, the first server's
    /// first one marked for wiping, the second server's first one marked and unmarked again (Tab toggles).
    static func pickDisks(_ tmux: Tmux, _ servers: [LabServer]) throws {
        _ = try tmux.wait(for: "Select exactly one disk from each cluster member", timeout: 120)
        for key in ["Space", "Down", "Down", "Down", "Space", "Down", "Down", "Down", "Space"] { tmux.keys(key) }
        _ = try tmux.wait(for: "3 of 9 selected", timeout: 10)
        tmux.keys("Enter")

        _ = try tmux.wait(until: "the Ceph disks of every server", timeout: 30) { screen in
            screen.contains("Select from the available unpartitioned disks") && screen.contains("0 of 6 selected")
                && servers.allSatisfy { s in s.disks.dropFirst().allSatisfy { screen.contains(" \(($0 as NSString).lastPathComponent) ") } }
        }
        // Per server: Space on each of its two rows (rows are sorted by server).
        for _ in 0..<6 { tmux.keys("Space"); tmux.keys("Down") }
        let all = try tmux.wait(for: "6 of 6 selected", timeout: 10)
        #expect(!all.contains("fault tolerance"), "3 servers supply disks:\n\(all)")
        tmux.keys("Home")
        tmux.keys("Tab")                                        // micro01's first Ceph disk: wipe
        tmux.keys("Down"); tmux.keys("Down")
        tmux.keys("Tab")                                        // micro02's first: wipe …
        _ = try tmux.wait(for: "WIPE(.|\\n)*yes(.|\\n)*yes", timeout: 10)
        tmux.keys("Tab")                                        // … and not after all
        _ = try tmux.wait(until: "one disk marked for wiping", timeout: 10) { screen in
            screen.contains("6 of 6 selected") && screen.split(separator: "\n").filter { $0.contains("yes") }.count == 1
        }
        tmux.keys("Enter")
        _ = try tmux.wait(for: "encrypt the selected disks", timeout: 10)
        tmux.keys("Enter")                                      // no encryption (the lab has no dm_crypt)
    }

    /// The Ceph networks: a subnet with host bits first (the field's message names the fix), corrected in place to
    /// the underlay subnet; the public network follows it.
    static func cephNetworks(_ tmux: Tmux) throws {
        _ = try tmux.wait(until: "the Ceph networks form, with why CephFS is not asked on this LXD", timeout: 10) {
            $0.contains("Ceph internal traffic") && $0.contains("CephFS is not offered: LXD on")
        }
        let subnet = underlaySubnet
        let wrong = subnet.replacingOccurrences(of: ".0/24", with: ".1/24")
        tmux.type(wrong)
        _ = try tmux.wait(until: "host bits refused, the network address named", timeout: 10) {
            $0.contains("has host bits set") && $0.contains(subnet)
        }
        for key in ["Left", "Left", "Left", "BSpace"] { tmux.keys(key) }
        tmux.type("0")
        let fixed = try tmux.wait(for: "Internal subnet +\(NSRegularExpression.escapedPattern(for: subnet))", timeout: 10)
        #expect(!fixed.contains("host bits"), "the error is gone once corrected:\n\(fixed)")
        tmux.keys("Enter")                                      // on to the public subnet: its default follows
        _ = try tmux.wait(for: "Ceph public", timeout: 10)
        tmux.keys("Enter")
    }

    /// An uplink per server (its bridge), then the OVN form: a network address as the IPv4 gateway is refused with
    /// the fix named, corrected in place (cursor moved, one digit changed), then range, IPv6 gateway and DNS.
    static func uplinks(_ tmux: Tmux) throws {
        _ = try tmux.wait(until: "an uplink bridge per server offered", timeout: 20) { screen in
            screen.contains("Select an available interface per system")
                && screen.components(separatedBy: LabSuite.OVNPreseed.uplinkBridge).count - 1 == 3
        }
        tmux.keys("Right")
        _ = try tmux.wait(for: "3 of 3 selected", timeout: 10)
        tmux.keys("Enter")

        let u = LabSuite.OVNPreseed.Uplink()
        _ = try tmux.wait(for: "Specify the IPv4 gateway", timeout: 10)
        let network = u.gateway4.replacingOccurrences(of: ".1/24", with: ".0/24")
        tmux.type(network)
        // The message wraps under the field: its two halves name the field and the fix.
        _ = try tmux.wait(until: "the gateway refused, the field and the fix named", timeout: 10) {
            $0.contains("IPv4 gateway \(network) is a network address.") && $0.contains("e.g. \(u.gateway4).")
        }
        tmux.keys("Enter")                                      // refused: the focus stays on the gateway
        _ = try tmux.wait(for: "Specify the IPv4 gateway", timeout: 10)
        for key in ["Left", "Left", "Left", "BSpace"] { tmux.keys(key) }
        tmux.type("1")
        let fixed = try tmux.wait(for: "IPv4 gateway +\(NSRegularExpression.escapedPattern(for: u.gateway4))", timeout: 10)
        #expect(!fixed.contains("is a network address"), "the error is gone once corrected:\n\(fixed)")
        tmux.keys("Enter")
        _ = try tmux.wait(for: "first IPv4 address in the range", timeout: 10)
        tmux.type(u.first); tmux.keys("Enter")
        _ = try tmux.wait(for: "last IPv4 address in the range", timeout: 10)
        tmux.type(u.last); tmux.keys("Enter")
        _ = try tmux.wait(for: "Specify the IPv6 gateway", timeout: 10)
        tmux.type(u.gateway6); tmux.keys("Enter")
        _ = try tmux.wait(for: "Specify the DNS addresses", timeout: 10)
        tmux.type(u.dns)
        _ = try tmux.wait(for: "DNS servers +\(NSRegularExpression.escapedPattern(for: u.dns))", timeout: 10)
        tmux.keys("Enter")
    }

    /// The dedicated underlay: yes, then each server's underlay address (filtered by its subnet, one per server).
    static func underlay(_ tmux: Tmux) throws {
        _ = try tmux.wait(for: "Configure dedicated OVN underlay networking", timeout: 20)
        tmux.keys("y")
        _ = try tmux.wait(for: "Select exactly one network interface from each cluster member", timeout: 10)
        let prefix = String(underlaySubnet.dropLast("0/24".count))
        tmux.type(prefix)
        _ = try tmux.wait(for: "3 shown", timeout: 10)
        tmux.keys("Right")
        _ = try tmux.wait(until: "the underlay interfaces picked", timeout: 10) {
            $0.range(of: "3 of [0-9]+ selected", options: .regularExpression) != nil && $0.contains("underlay0")
        }
        tmux.keys("Enter")
    }

    /// The progress screen: one line per Ceph disk, live, under the phase's bar.
    static func watchProgress(_ tmux: Tmux, _ servers: [LabServer]) throws {
        // Each disk's line: its server, its path and a state, on the progress screen under the "Ceph disks" bar.
        _ = try tmux.wait(until: "a line per Ceph disk", timeout: 120) { screen in
            let lines = screen.split(separator: "\n")
            return screen.contains("Ceph disks [") && servers.allSatisfy { server in
                server.disks.dropFirst().allSatisfy { disk in
                    lines.contains { $0.contains(server.name) && $0.contains(disk + " ") }
                }
            }
        }
        // MicroCeph adds one disk at a time per server: a server's second disk waits for its turn, and says so.
        let turn = try tmux.wait(for: "waiting for its turn", timeout: 300)
        print("--- a disk waiting for its turn:\n\(turn)")
        let some = try tmux.wait(for: "(wiping and adding|adding|up and in)", timeout: 600)
        print("--- the progress screen with Ceph disks:\n\(some)")
    }

    /// The bootstrap's recording says which disk was wiped: exactly the one marked.
    static func expectWipes(_ servers: [LabServer]) throws {
        let server = servers[0]
        let events = try Command.read(URL(fileURLWithPath: server.stateDir + "/bootstrap.log")).split(separator: "\n").map {
            try JSONDecoder().decode(ProgressEvent.self, from: Data($0.utf8))
        }
        var words: [String: String] = [:]
        for s in servers {
            for disk in s.disks.dropFirst() {
                for e in events where e.stepID == .cephDisk(s.name, disk) {
                    // the first word after "queued" (every planned disk is queued as the run starts)
                    if case .progress(_, let message) = e.kind, message != CephDiskProgress.queuedWord,
                       words["\(s.name) \(disk)"] == nil { words["\(s.name) \(disk)"] = message }
                }
            }
        }
        #expect(words.count == 6 && words.values.filter { $0 == "wiping and adding" }.count == 1, "per disk: \(words)")
    }

    /// Ceph as its own tools see it: 3 monitors, 6 OSDs up and in, the internal network on the underlay subnet;
    /// LXD's pools on every server.
    static func expectCeph(_ servers: [LabServer]) throws {
        let status = try CephCLI.waitStatus(2, seconds: 60) {
            ($0["osdmap"] as? [String: Any])?["num_up_osds"] as? Int == 6
        }
        let osdmap = status["osdmap"] as? [String: Any]
        #expect(osdmap?["num_osds"] as? Int == 6 && osdmap?["num_up_osds"] as? Int == 6 && osdmap?["num_in_osds"] as? Int == 6,
                "6 OSDs up and in: \(osdmap ?? [:])")
        #expect(status["quorum_names"] as? [String] == servers.map(\.name), "3 monitors: \(status["quorum_names"] ?? "")")
        let network = try Lab.exec(1, "ceph", "config", "get", "osd", "cluster_network").stdout
        #expect(network.trimmingCharacters(in: .whitespacesAndNewlines) == underlaySubnet, "cluster_network: \(network)")
        for index in 1...3 {
            let pools = try Lab.exec(index, "lxc", "storage", "list", "--format", "csv").stdout
            #expect(pools.contains("local,") && pools.contains("remote,ceph"), "lxc storage list on \(index):\n\(pools)")
        }
        let profile = try Lab.exec(1, "lxc", "profile", "show", "default").stdout
        #expect(profile.contains("pool: remote"), "the default profile's root is on remote:\n\(profile)")
        let text = try Lab.exec(1, "microcloud", "status").stdout
        print("microcloud status:\n\(text)")
        #expect(text.contains("Ceph: HEALTHY, 6 OSDs on 3 members"), "microcloud status shows Ceph:\n\(text)")
        // The JSON status says the same as the text one, Ceph and OVN included.
        let json = try Lab.exec(2, "microcloud", "status", "--format", "json").stdout
        let document = try JSONDecoder().decode(StatusDocument.self, from: Data(json.utf8))
        #expect(document.ceph?.health == "HEALTHY" && document.ceph?.osds.count == 6, "status --format json: \(json)")
        #expect(Set(document.ceph?.osds.map(\.location) ?? []) == Set(servers.map(\.name)))
        #expect(document.ovn?.services["chassis"] == servers.map(\.name), "status --format json: \(json)")
        #expect(document.snapshot.pools.contains { $0.name == "remote" && $0.driver == "ceph" })
    }
}

extension Tmux {
    /// Waits until the screen satisfies `condition` (a whole frame: a capture may catch one half drawn); returns it.
    func wait(until what: String, timeout: Double, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw TmuxTimeout(pattern: what, screen: last)
    }

    /// Types text literally (no key names).
    func type(_ text: String) {
        _ = tmux(["send-keys", "-t", name, "-l", text])
        Thread.sleep(forTimeInterval: 0.2)
    }
}
