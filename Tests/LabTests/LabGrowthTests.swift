import Foundation
import Testing

extension LabSuite.ServerTests {
    /// Issue 18, item 6: `scripts/lab add K` brings pristine servers up beside running ones, with the same services;
    /// the running ones are not touched, and `down` (Lab.with's end, which compares the machine) still removes all.
    @Test("lab add 1 beside 2 running servers: micro03 is pristine, found by mDNS, and down removes all")
    func addAServerBesideRunningOnes() throws {
        try Lab.with(servers: 2) { servers in
            let lxdBefore = try Lab.exec(1, "lxc", "query", "/1.0").stdout
            let added = try Lab.run("add", "1")
            print("lab add 1:\n\(added.stdout)")
            let all = try Lab.status()
            #expect(all.map(\.name) == ["micro01", "micro02", "micro03"])
            #expect(all.prefix(2).map(\.address) == servers.map(\.address), "the running servers keep their addresses")
            let third = all[2]
            #expect(third.address == "\(Lab.net).13" && third.disks.count == 3 && third.lxdUp && third.avahiUp)
            let clustering = try Lab.exec(3, "lxc", "query", "/1.0/cluster").stdout
            #expect(clustering.contains("\"enabled\": false"), "micro03's LXD is pristine:\n\(clustering)")
            #expect(try Lab.exec(1, "lxc", "query", "/1.0").stdout == lxdBefore, "micro01's LXD is untouched")
            let found = try Lab.exec(1, "microcloud", "discover", "--timeout", "3").stdout
            #expect(found.contains("| micro03 | \(third.address) "), "micro01 finds micro03 by mDNS:\n\(found)")
        }
    }
}
