import Foundation
import Testing
@testable import MicroCloudKit
import PreseedYAML

/// The example files in assets/preseed parse without warnings and resolve into clean plans.
@Suite struct ExamplePreseedTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("assets/preseed")

    func load(_ name: String) throws -> Preseed {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        let (p, warnings) = try Preseed.parse(text)
        #expect(warnings == [])
        #expect(p.validate() == [])
        return p
    }

    /// The fixture servers moved to the lab's 10.231.0.0/24, their first disk backed by disk1.img as in the lab.
    var labInventories: [Inventory] {
        Fixture.lab.map { inv in
            var i = inv
            i.address = inv.address.replacingOccurrences(of: "10.0.0.", with: "10.231.0.")
            i.interfaces = inv.interfaces.map { n in
                var n = n
                n.addresses = n.addresses.map { $0.replacingOccurrences(of: "10.0.0.", with: "10.231.0.") }
                return n
            }
            if let first = i.disks.firstIndex(where: \.isAvailable) { i.disks[first].serial = "disk1.img" }
            return i
        }
    }

    @Test func labExample() throws {
        let (plan, issues) = try load("lab.yaml").resolve(inventories: labInventories, localName: "micro01")
        #expect(issues == [])
        let p = try #require(plan)
        #expect(p.services == [.microcloud, .lxd])
        #expect(p.localPool?.driver == "btrfs")
        #expect(p.members.allSatisfy { $0.localDisk?.wipe == true }, "each server's disk1.img disk, wiped")
        #expect(p.fallbackBridge == .standard && p.ceph == nil && p.ovn == nil)
    }

    @Test func labLoopExample() throws {
        let (plan, issues) = try load("lab-loop.yaml").resolve(inventories: labInventories, localName: "micro01")
        #expect(issues == [])
        let p = try #require(plan)
        #expect(p.services == [.microcloud, .lxd])
        #expect(p.localPool == LocalPoolPlan(driver: "btrfs", loopSize: "2GiB"))
        #expect(p.members.allSatisfy { $0.localDisk == nil && $0.cephDisks.isEmpty }, "no disk is ever touched")
        #expect(p.fallbackBridge == .standard && p.ceph == nil && p.ovn == nil)
    }

    @Test func labUnicastExample() throws {
        let (plan, issues) = try load("lab-unicast.yaml").resolve(inventories: labInventories, localName: "micro01")
        #expect(issues == [])
        #expect(plan?.lookupSubnet == "10.231.0.0/24")
        #expect(plan?.members.map(\.address) == ["10.231.0.11", "10.231.0.12", "10.231.0.13"])
        #expect(plan?.localPool?.description == "Local storage on Btrfs in a loop file")
        #expect(plan?.members.allSatisfy { $0.localDisk == nil } == true)
    }

    @Test func fullExample() throws {
        let (plan, issues) = try load("full.yaml").resolve(inventories: Fixture.full, localName: "micro01")
        #expect(issues == [])
        let p = try #require(plan)
        #expect(p.localPool?.driver == "zfs" && p.usesCeph && p.usesOVN && p.ceph?.cephfs == true)
        #expect(p.members.map { $0.cephDisks.count } == [1, 2, 2])
        #expect(p.ovn?.dnsServers == ["192.0.2.1", "2001:db8:d:200::1"])
        #expect(p.profilePool == "remote" && p.profileNetwork == "default")
    }
}
