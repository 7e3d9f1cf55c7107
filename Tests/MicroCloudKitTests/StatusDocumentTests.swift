import Foundation
import Testing
@testable import MicroCloudKit

/// `microcloud status --format json`: the LXD objects as before, and Ceph and OVN as the text status shows them.
@Suite struct StatusDocumentTests {
    static let snapshot = ClusterSnapshot(
        members: StatusReportTests.names.map { LXDClusterMember(serverName: $0, url: "https://\($0):8443", status: "Online") },
        pools: [LXDStoragePool(name: "local", driver: "btrfs"), LXDStoragePool(name: "remote", driver: "ceph")],
        networks: [LXDNetwork(name: "UPLINK", type: "physical", managed: true), LXDNetwork(name: "default", type: "ovn", managed: true)],
        profile: LXDProfile(name: "default"))

    static func json(_ status: CloudStatus) throws -> [String: Any] {
        let data = try JSONEncoder().encode(StatusDocument(snapshot: snapshot, report: StatusReport(status)))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func cephAndOVNSitBesideTheLXDObjects() throws {
        let status = StatusReportTests.healthy()
        let json = try Self.json(status)
        #expect(json["status"] as? String == "HEALTHY")
        #expect((json["warnings"] as? [Any])?.isEmpty == true)
        let ceph = try #require(json["ceph"] as? [String: Any])
        #expect(ceph["health"] as? String == "HEALTHY")
        #expect((ceph["osds"] as? [[String: Any]])?.count == 6)
        #expect((ceph["osds"] as? [[String: Any]])?.first?["path"] as? String == "/dev/loop1")
        #expect(ceph["pools"] as? [String: Int] == [".mgr": 3, "lxd_remote": 3])
        #expect(ceph["members"] as? [String: String] == StatusReportTests.online)
        let ovn = try #require(json["ovn"] as? [String: Any])
        #expect(ovn["services"] as? [String: [String]] == ["central": StatusReportTests.names, "chassis": StatusReportTests.names,
                                                            "switch": StatusReportTests.names])

        // What earlier `--format json` printed is still there, and the whole decodes back.
        let data = try JSONEncoder().encode(StatusDocument(snapshot: Self.snapshot, report: StatusReport(status)))
        #expect(try JSONDecoder().decode(ClusterSnapshot.self, from: data) == Self.snapshot)
        let back = try JSONDecoder().decode(StatusDocument.self, from: data)
        #expect(back == StatusDocument(snapshot: Self.snapshot, report: StatusReport(status)))
    }

    @Test func healthAndWarningsAreTheTextStatusOnes() throws {
        var status = StatusReportTests.healthy()
        status.osds = [CloudStatus.OSD(osd: 0, path: "/dev/loop1", location: "micro01")]
        let report = StatusReport(status)
        let json = try Self.json(status)
        #expect(json["status"] as? String == report.headline)
        #expect((json["warnings"] as? [[String: String]])?.map { $0["text"] ?? "" } == report.warnings.map(\.text))
        #expect((json["warnings"] as? [[String: String]])?.first?["level"] == "warning")
        #expect((json["ceph"] as? [String: Any])?["health"] as? String == "WARNING")
        #expect(report.cephLines.first?.hasPrefix("Ceph: WARNING") == true)
    }

    @Test func aServiceNotInstalledIsNullAndOneNotClusteredSaysSo() throws {
        var status = StatusReportTests.healthy()
        status.ovn = nil
        status.ceph = CloudStatus.Cluster(members: [:])
        status.osds = []
        status.cephPools = [:]
        let json = try Self.json(status)
        #expect(json.keys.contains("ovn") && json["ovn"] is NSNull, "null, as the text's \"MicroOVN is not installed\"")
        #expect((json["ceph"] as? [String: Any])?["health"] as? String == "NOT CLUSTERED")
    }
}
