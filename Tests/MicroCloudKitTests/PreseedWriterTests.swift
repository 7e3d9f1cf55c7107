import Testing
@testable import MicroCloudKit
import PreseedYAML
import Yams

@Suite struct PreseedWriterTests {
    func roundTrip(_ plan: ClusterPlan, _ inventories: [Inventory]) throws -> ClusterPlan? {
        let yaml = plan.preseedYAML(passphrase: "correct horse battery staple")
        let (preseed, warnings) = try Preseed.parse(yaml)
        #expect(warnings == [])
        let (again, issues) = preseed.resolve(inventories: inventories, localName: plan.initiator)
        #expect(issues.errors == [], "\(issues)")
        return again
    }

    @Test func labPlanRoundTrips() throws {
        #expect(try roundTrip(Fixture.labPlan, Fixture.lab) == Fixture.labPlan)
    }

    @Test func fullPlanRoundTrips() throws {
        var plan = Fixture.fullPlan
        plan.editAll { $0.underlayIP = "10.0.1.1" + $0.name.suffix(1) }
        plan.ceph = CephPlan(encrypt: true, cephfs: true, internalNetwork: "10.0.1.0/24", publicNetwork: "10.0.0.0/24")
        plan.editAll { m in m.cephDisks = m.cephDisks.map { DiskChoice(path: $0.path, wipe: $0.wipe, encrypt: true) } }
        plan.edit("micro02") { $0.cephDisks.append(DiskChoice(path: Fixture.nvme, encrypt: true)) }
        plan.ovn?.dnsServers = ["10.0.0.1", "fd42::1"]
        #expect(plan.validate(inventories: Fixture.byName(Fixture.full)) == [])
        #expect(try roundTrip(plan, Fixture.full) == plan)
    }

    @Test func dirPlanAndNoNetworkRoundTrip() throws {
        var plan = Fixture.labPlan
        plan.localPool = LocalPoolPlan(driver: "dir")
        plan.editAll { $0.localDisk = nil }
        plan.fallbackBridge = nil
        #expect(try roundTrip(plan, Fixture.lab) == plan)
    }

    @Test func loopFilePlanRoundTrips() throws {
        var plan = Fixture.labPlan
        plan.localPool = LocalPoolPlan(driver: "btrfs", loopSize: "2GiB")
        plan.editAll { $0.localDisk = nil }
        #expect(plan.preseedYAML(passphrase: nil).contains("local_pool_loop_size: 2GiB\n"))
        #expect(try roundTrip(plan, Fixture.lab) == plan)
    }

    @Test func labPlanText() {
        let expected = """
        # MicroCloud preseed, written from a reviewed plan.
        # Run `microcloud preseed < this-file` on every server listed under systems.
        lookup_subnet: 10.0.0.0/24
        initiator: micro01
        session_passphrase: "yes"
        systems:
          - name: micro01
            storage:
              local:
                path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
                wipe: true
          - name: micro02
            storage:
              local:
                path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
                wipe: true
          - name: micro03
            storage:
              local:
                path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
                wipe: true
        # Extensions of this implementation (upstream MicroCloud ignores these keys):
        local_pool_driver: btrfs
        fallback_bridge:
          name: lxdbr0
          ipv4_address: 10.79.0.1/24
          ipv6_address: none

        """
        #expect(Fixture.labPlan.preseedYAML(passphrase: "yes") == expected)
    }

    @Test func withoutPassphraseLeavesAPlaceholderNotASecret() throws {
        let yaml = Fixture.labPlan.preseedYAML(passphrase: nil)
        #expect(yaml.contains("# session_passphrase: <the same passphrase on every server>\n"))
        let (p, _) = try Preseed.parse(yaml)
        #expect(p.sessionPassphrase == nil)
        #expect(p.validate().map(\.field) == ["session_passphrase"])
    }

    @Test(arguments: [("plain", "plain"), ("yes", "\"yes\""), ("123", "\"123\""), ("1.5", "\"1.5\""), ("", "\"\""),
                      ("null", "\"null\""), ("a: b", "\"a: b\""), ("# x", "\"# x\""), (" lead", "\" lead\""),
                      ("quote\"d", "quote\"d"), ("'x'", "\"'x'\""), ("line\nbreak", "\"line\\nbreak\""),
                      ("::1", "\"::1\""), ("fd42::1/64", "fd42::1/64"), ("10.0.0.1/24", "10.0.0.1/24"),
                      ("*lxd", "\"*lxd\""), ("~", "\"~\""), ("correct horse battery staple", "correct horse battery staple")])
    func scalarsAreQuotedOnlyWhenYAMLWouldMisreadThem(text: String, yaml: String) throws {
        #expect(yamlScalar(text) == yaml)
        let (p, _) = try Preseed.parse("session_passphrase: \(yamlScalar(text))\n")
        #expect(p.sessionPassphrase == (text.isEmpty ? "" : text))
    }

    /// The writer's resolver rules (pure Swift, so that the core links no Yams) agree with Yams' own, which the
    /// reader applies.
    @Test(arguments: ["yes", "No", "ON", "off", "y", "n", "true", "FALSE", "tRue", "0b101", "-0o17", "017", "09", "0x1F",
                      "0x", "1_000", "1:30", "+12", "-0", "1.5", "1e3", "1.e-3", ".5", "5.", "-.inf", ".NaN", ".nan",
                      "1:30.5", "1:60", "<<", "~", "null", "NULL", "Null", "nuLL", "", "=", "==", "2001-12-14",
                      "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-1-2 1:02:03", "2001-1-2",
                      "2001-12-14T21:59", "10.0.0.1", "10.0.0.1/24", "fd42::1/64", "::1", "micro01", "1.2.3", "1e",
                      "yes\u{2028}", "12\u{85}", "1\r\n", "-", "+", ".", "1__0", "0b", "１２", "1\u{301}", "correct horse"])
    func plainScalarRulesAgreeWithYams(text: String) {
        #expect(resolvesAsNonString(text) == (Yams.Resolver.default.resolveTag(of: Yams.Node(text)) != .str))
    }
}

@Suite struct PlanSummaryTests {
    @Test func labSummary() {
        #expect(Fixture.labPlan.summaryLines == [
            "Using local storage on Btrfs for the local pool",
            "Using \(Fixture.path(1)) on micro01 for local storage pool",
            "Using \(Fixture.path(1)) on micro02 for local storage pool",
            "Using \(Fixture.path(1)) on micro03 for local storage pool",
            "Using a lxdbr0 bridge (10.79.0.1/24) on every member for instance networking",
        ])
    }

    @Test func fullSummaryInQuestionOrder() {
        var plan = Fixture.fullPlan
        plan.edit("micro01") { $0.underlayIP = "10.0.1.11" }
        let lines = plan.summaryLines
        #expect(lines.count == 14)
        #expect(lines[4] == "Using 1 disk(s) on micro01 for remote storage pool")
        #expect(lines[7...9] == ["Using CephFS for the remote-fs pool", "Using 10.0.0.0/24 for Ceph internal traffic",
                                 "Using 10.0.0.0/24 for Ceph public traffic"])
        #expect(lines.last == "Using 10.0.1.11 on micro01 for OVN underlay traffic")
    }
}
