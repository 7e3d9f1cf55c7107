import Foundation
import MicroCloudKit
import PreseedYAML
import Testing
@testable import MicroCloudTUI

/// The wizard and a preseed file are two front ends of one plan builder: the same choices make the same plan (and
/// the same preseed YAML, byte for byte), and the same bad value gets the same message on both.
@Suite struct OnePathTests {
    /// What `Fixtures.atSummary` answers, written by hand as an operator would write the file.
    static let preseed = """
        lookup_subnet: 10.0.0.0/24
        initiator: micro01
        session_passphrase: pilot orbit canvas ember
        systems:
          - name: micro01
            ovn_uplink_interface: enp6s0
            storage:
              local: {path: /dev/disk/by-id/nvme-disk1d, wipe: true}
              ceph: [{path: /dev/disk/by-id/scsi-0QEMU_disk1b}]
          - name: micro02
            ovn_uplink_interface: enp6s0
            storage:
              local: {path: /dev/disk/by-id/nvme-disk2d}
              ceph: [{path: /dev/disk/by-id/scsi-0QEMU_disk2b}]
          - name: micro03
            ovn_uplink_interface: enp6s0
            storage:
              local: {path: /dev/disk/by-id/nvme-disk3d}
        ovn:
          ipv4_gateway: 192.0.2.1/24
          ipv4_range: 192.0.2.100-192.0.2.254
          dns_servers: 192.0.2.1
        ceph:
          cephfs: true

        """

    static func resolve(_ yaml: String) throws -> (plan: ClusterPlan?, issues: [PlanIssue]) {
        let (preseed, _) = try Preseed.parse(yaml)
        return preseed.resolve(inventories: Fixtures.inventories(), localName: "micro01")
    }

    @Test func theSameChoicesMakeTheSamePlanAndTheSameFile() throws {
        let wizard = WizardPlanner.plan(from: Fixtures.atSummary().state)
        let (preseed, issues) = try Self.resolve(Self.preseed)
        #expect(!issues.hasErrors, "\(issues)")
        let plan = try #require(preseed)
        #expect(wizard == plan)
        #expect(wizard.ceph?.internalNetwork == "10.0.0.0/24", "the default Ceph network is written out on both paths")
        #expect(wizard.preseedYAML(passphrase: "x") == plan.preseedYAML(passphrase: "x"))
        // And the file the wizard saves makes that plan again.
        let (again, _) = try Self.resolve(wizard.preseedYAML(passphrase: "pilot orbit canvas ember"))
        #expect(again == wizard)
    }

    @Test func customCephNetworksMakeTheSamePlan() throws {
        var d = Fixtures.afterCeph()
        d.type("10.0.1.0/24")
        d.key(.enter, .enter)  // the public subnet follows the internal one
        d.key(.right, .enter)
        d.type("192.0.2.1/24")
        d.key(.tab)
        d.type("192.0.2.100")
        d.key(.tab)
        d.type("192.0.2.254")
        d.key(.enter, .enter, .enter, .enter)
        #expect(d.state.step == .summary)
        let yaml = Self.preseed + "  internal_network: 10.0.1.0/24\n  public_network: 10.0.1.0/24\n"
        let plan = try #require(try Self.resolve(yaml).plan)
        let wizard = WizardPlanner.plan(from: d.state)
        #expect(wizard == plan)
        #expect(wizard.preseedYAML(passphrase: nil) == plan.preseedYAML(passphrase: nil))
    }

    /// One bad value typed into the wizard's OVN form, and the same value in the file.
    struct UplinkCase: Sendable, CustomTestStringConvertible {
        var name: String
        var field: UplinkAnswers.Field
        /// What is typed, field by field (the rest left empty).
        var typed: [UplinkAnswers.Field: String]
        /// The file's `ovn` section with the same values.
        var ovn: String
        var testDescription: String { name }
    }

    static let uplinkCases: [UplinkCase] = [
        UplinkCase(name: "gateway is a network address", field: .ipv4Gateway,
                   typed: [.ipv4Gateway: "192.0.2.0/24", .ipv4First: "192.0.2.100", .ipv4Last: "192.0.2.254"],
                   ovn: "ipv4_gateway: 192.0.2.0/24\n  ipv4_range: 192.0.2.100-192.0.2.254"),
        UplinkCase(name: "gateway without prefix", field: .ipv4Gateway,
                   typed: [.ipv4Gateway: "192.0.2.1", .ipv4First: "192.0.2.100", .ipv4Last: "192.0.2.254"],
                   ovn: "ipv4_gateway: 192.0.2.1\n  ipv4_range: 192.0.2.100-192.0.2.254"),
        UplinkCase(name: "IPv6 gateway of the wrong family", field: .ipv6Gateway,
                   typed: [.ipv6Gateway: "192.0.2.1/24"], ovn: "ipv6_gateway: 192.0.2.1/24"),
        UplinkCase(name: "range outside the gateway's subnet", field: .ipv4First,
                   typed: [.ipv4Gateway: "192.0.2.1/24", .ipv4First: "198.51.100.10", .ipv4Last: "192.0.2.254"],
                   ovn: "ipv4_gateway: 192.0.2.1/24\n  ipv4_range: 198.51.100.10-192.0.2.254"),
        UplinkCase(name: "range includes the gateway", field: .ipv4Last,
                   typed: [.ipv4Gateway: "192.0.2.1/24", .ipv4First: "192.0.2.1", .ipv4Last: "192.0.2.50"],
                   ovn: "ipv4_gateway: 192.0.2.1/24\n  ipv4_range: 192.0.2.1-192.0.2.50"),
        UplinkCase(name: "range reversed", field: .ipv4Last,
                   typed: [.ipv4Gateway: "192.0.2.1/24", .ipv4First: "192.0.2.200", .ipv4Last: "192.0.2.100"],
                   ovn: "ipv4_gateway: 192.0.2.1/24\n  ipv4_range: 192.0.2.200-192.0.2.100"),
        UplinkCase(name: "range includes a server", field: .ipv4Last,
                   typed: [.ipv4Gateway: "10.0.0.254/24", .ipv4First: "10.0.0.1", .ipv4Last: "10.0.0.10"],
                   ovn: "ipv4_gateway: 10.0.0.254/24\n  ipv4_range: 10.0.0.1-10.0.0.10"),
        UplinkCase(name: "range without a gateway", field: .ipv4First,
                   typed: [.ipv6Gateway: "2001:db8::1/64", .ipv4First: "192.0.2.100", .ipv4Last: "192.0.2.254"],
                   ovn: "ipv6_gateway: 2001:db8::1/64\n  ipv4_range: 192.0.2.100-192.0.2.254"),
        UplinkCase(name: "DNS server with a prefix", field: .dnsServers,
                   typed: [.ipv4Gateway: "192.0.2.1/24", .ipv4First: "192.0.2.100", .ipv4Last: "192.0.2.254",
                           .dnsServers: "192.0.2.53, 192.0.2.1/24"],
                   ovn: "ipv4_gateway: 192.0.2.1/24\n  ipv4_range: 192.0.2.100-192.0.2.254\n"
                       + "  dns_servers: 192.0.2.53, 192.0.2.1/24"),
    ]

    @Test(arguments: uplinkCases)
    func aBadUplinkValueGetsTheSameMessage(_ c: UplinkCase) throws {
        var d = Fixtures.afterUplinks()
        for field in UplinkAnswers.Field.allCases {
            d.type(c.typed[field] ?? "")
            d.key(.tab)
        }
        let shown = try #require(d.state.uplinkProblems().fields[c.field], "no message under \(c.field)")
        #expect(d.flat.contains(shown), "the message is on the screen")

        let yaml = Self.preseed.replacingOccurrences(
            of: "  ipv4_gateway: 192.0.2.1/24\n  ipv4_range: 192.0.2.100-192.0.2.254\n  dns_servers: 192.0.2.1\n",
            with: "  " + c.ovn + "\n")
        let issues = try Self.resolve(yaml).issues.filter { $0.field == c.field.key }
        #expect(issues.map(\.message).contains(shown), "preseed said: \(issues.map(\.message))")
    }

    struct CephCase: Sendable, CustomTestStringConvertible {
        var name: String
        var typed: String
        var testDescription: String { name }
    }

    static let cephCases: [CephCase] = [
        CephCase(name: "not a CIDR", typed: "10.0.1.0"),
        CephCase(name: "host bits set", typed: "10.0.1.5/24"),
        CephCase(name: "a single address", typed: "10.0.1.5/32"),
        CephCase(name: "on no member's interface", typed: "10.0.9.0/24"),
    ]

    @Test(arguments: cephCases)
    func aBadCephNetworkGetsTheSameMessage(_ c: CephCase) throws {
        var d = Fixtures.afterCeph()
        d.type(c.typed)
        let shown = try #require(d.state.cephNetworkProblems().fields[.internal])
        #expect(d.flat.contains(shown), "the message is on the screen")
        let issues = try Self.resolve(Self.preseed + "  internal_network: \(c.typed)\n").issues
            .filter { $0.field == "ceph.internal_network" }
        #expect(issues.first?.message == shown, "preseed said: \(issues.map(\.message))")
    }

    @Test func anUnderlayOnSomeServersOnlyGetsTheSameMessage() throws {
        var d = Fixtures.atUnderlay()
        #expect(d.flat.contains("Configure dedicated OVN underlay networking? (yes/no) [default=no]"))
        d.key(.char("y"))
        #expect(d.flat.contains("Select exactly one network interface from each cluster member:"))
        d.key(.char(" "), .enter)  // 10.0.0.1 on micro01 only
        let shown = try #require(d.state.notice?.text)
        #expect(d.flat.contains(shown))
        let yaml = Self.preseed.replacingOccurrences(of: "  - name: micro01\n",
                                                     with: "  - name: micro01\n    ovn_underlay_ip: 10.0.0.1\n")
        let issues = try Self.resolve(yaml).issues.filter { $0.field == "systems[micro02].ovn_underlay_ip" }
        #expect(issues.map(\.message) == [shown])
    }

    @Test func anUnderlayOnEveryServerMakesTheSamePlan() throws {
        var d = Fixtures.atUnderlay()
        d.key(.char("y"), .right, .enter)
        #expect(d.state.step == .summary)
        var yaml = Self.preseed
        for n in 1...3 {
            yaml = yaml.replacingOccurrences(of: "  - name: micro0\(n)\n",
                                             with: "  - name: micro0\(n)\n    ovn_underlay_ip: 10.0.0.\(n)\n")
        }
        let plan = try #require(try Self.resolve(yaml).plan)
        let wizard = WizardPlanner.plan(from: d.state)
        #expect(wizard.members.map(\.underlayIP) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(wizard == plan)
        #expect(wizard.preseedYAML(passphrase: nil) == plan.preseedYAML(passphrase: nil))
    }

    @Test func aServerLeftWithoutALocalDiskGetsTheSameMessage() throws {
        var d = Fixtures.atQuestions()
        d.key(.char(" "), .enter)  // micro01 only
        let shown = try #require(d.state.notice?.text)
        #expect(d.flat.contains(shown))
        let yaml = Self.preseed
            .replacingOccurrences(of: "      local: {path: /dev/disk/by-id/nvme-disk2d}\n", with: "")
            .replacingOccurrences(of: "    storage:\n      local: {path: /dev/disk/by-id/nvme-disk3d}\n", with: "")
        let issues = try Self.resolve(yaml).issues.filter { $0.field == "systems[micro02].storage.local" }
        #expect(issues.map(\.message) == [shown])
    }

    @Test func aServerLeftWithoutAnUplinkGetsTheSameMessage() throws {
        var d = Fixtures.afterCephNetworks()
        d.key(.char(" "), .enter)  // micro01 only
        let shown = try #require(d.state.notice?.text)
        #expect(d.flat.contains(shown))
        var yaml = Self.preseed
        for n in 2...3 {
            yaml = yaml.replacingOccurrences(of: "  - name: micro0\(n)\n    ovn_uplink_interface: enp6s0\n",
                                             with: "  - name: micro0\(n)\n")
        }
        let issues = try Self.resolve(yaml).issues.filter { $0.field == "systems[micro02].ovn_uplink_interface" }
        #expect(issues.map(\.message) == [shown])
    }
}
