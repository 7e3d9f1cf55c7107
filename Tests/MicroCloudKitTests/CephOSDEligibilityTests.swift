import Foundation
import Testing
@testable import MicroCloudKit

/// A disk that already is an OSD of the server's Ceph cluster is never offered again, and says why.
struct CephOSDEligibilityTests {
    static func inventory() -> Inventory {
        Inventory(name: "micro02", address: "10.0.0.2",
                  disks: [Disk(id: "loop4", size: 1 << 30), Disk(id: "loop5", size: 1 << 30), Disk(id: "loop6", size: 1 << 30)])
    }

    @Test func onlyThisServersOSDsAreMarkedAndExcludedWithTheirNumber() {
        var inv = Self.inventory()
        inv.markOSDs([CephDisk(osd: 3, path: "/dev/loop5", location: "micro02"),
                      CephDisk(osd: 4, path: "/dev/loop6", location: "micro03")])
        #expect(inv.availableDisks.map(\.path) == ["/dev/loop4", "/dev/loop6"])
        #expect(inv.disk(named: "/dev/loop5")?.refusal
                == "is already osd.3 of this server's Ceph cluster (`microceph disk list`). Choose another disk.")
        #expect(inv.diskProblem("/dev/loop5", field: "systems[micro02].storage.ceph")?.message.hasPrefix(
            "Disk /dev/loop5 on \"micro02\" is already osd.3") == true)
    }

    @Test func theMarkTravelsWithTheInventoryAndAnUnmarkedDiskEncodesAsBefore() throws {
        var inv = Self.inventory()
        inv.markOSDs([CephDisk(osd: 0, path: "/dev/loop4", location: "micro02")])
        let data = try JSONEncoder().encode(inv)
        #expect(try JSONDecoder().decode(Inventory.self, from: data) == inv)
        let plain = String(decoding: try JSONEncoder().encode(Disk(id: "loop9")), as: UTF8.self)
        #expect(!plain.contains("microcloud_ceph_osd"))
    }
}
