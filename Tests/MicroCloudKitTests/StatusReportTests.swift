import Foundation
import Testing
@testable import MicroCloudKit

/// `microcloud status` rendered from the services' own lists (upstream's cmd/microcloud/status.go): OSDs per member, Ceph's health, the
/// MicroCeph and MicroOVN units per member, and upstream's warnings with their levels.
@Suite struct StatusReportTests {
    static let names = ["micro01", "micro02", "micro03"]
    static let online = Dictionary(uniqueKeysWithValues: names.map { ($0, "ONLINE") })

    static func healthy() -> CloudStatus {
        let members = names.enumerated().map { CloudStatus.Member(name: $0.element, address: "10.231.0.1\($0.offset + 1)") }
        let cephUnits = names.prefix(3).flatMap { n in ["mon", "mgr", "mds"].map { CloudStatus.Unit(service: $0, location: n) } }
        let ovnUnits = names.flatMap { n in ["switch", "chassis", "central"].map { CloudStatus.Unit(service: $0, location: n) } }
        let osds = names.enumerated().flatMap { i, n in
            (1...2).map { CloudStatus.OSD(osd: i * 2 + $0 - 1, path: "/dev/loop\($0)", location: n) }
        }
        return CloudStatus(members: members, lxd: .init(members: online), ceph: .init(members: online, units: cephUnits),
                           ovn: .init(members: online, units: ovnUnits), osds: osds,
                           cephPools: [".mgr": 3, "lxd_remote": 3])
    }

    @Test func aHealthyCloudShowsOSDsAndUnitsPerMember() {
        let report = StatusReport(Self.healthy())
        #expect(report.warnings.isEmpty)
        #expect(report.text == """
         Status: HEALTHY  (3 of 3 members online)

        +---------+-------------+------+-----------------+------------------------+--------+
        |  NAME   |   ADDRESS   | OSDS | MICROCEPH UNITS |     MICROOVN UNITS     | STATUS |
        +---------+-------------+------+-----------------+------------------------+--------+
        | micro01 | 10.231.0.11 | 2    | mon,mgr,mds     | central,chassis,switch | ONLINE |
        +---------+-------------+------+-----------------+------------------------+--------+
        | micro02 | 10.231.0.12 | 2    | mon,mgr,mds     | central,chassis,switch | ONLINE |
        +---------+-------------+------+-----------------+------------------------+--------+
        | micro03 | 10.231.0.13 | 2    | mon,mgr,mds     | central,chassis,switch | ONLINE |
        +---------+-------------+------+-----------------+------------------------+--------+

        Ceph: HEALTHY, 6 OSDs on 3 members, 3 in the MicroCeph cluster
          micro01: osd.0 /dev/loop1, osd.1 /dev/loop2
          micro02: osd.2 /dev/loop1, osd.3 /dev/loop2
          micro03: osd.4 /dev/loop1, osd.5 /dev/loop2
          pools: .mgr (size 3), lxd_remote (size 3)
        OVN: 3 in the MicroOVN cluster
          central: micro01, micro02, micro03
          chassis: micro01, micro02, micro03
          switch: micro01, micro02, micro03
        """)
    }

    @Test func fewOSDsAndLowReplicationAreWarningsOfCephsHealth() {
        var s = Self.healthy()
        s.osds = [CloudStatus.OSD(osd: 0, path: "/dev/loop1", location: "micro01")]
        s.cephPools = ["lxd_remote": 1]
        var report = StatusReport(s)
        #expect(report.warnings.map(\.text) == [
            "Data loss risk: MicroCeph OSD replication recommends at least 3 disks across 3 systems"])
        #expect(report.headline == "WARNING")
        #expect(report.cephLines.first == "Ceph: WARNING, 1 OSD on 1 member, 3 in the MicroCeph cluster")
        #expect(report.table.rows.map { $0[2] } == ["1", "0", "0"])
        s.cephPools = [".mgr": 1]
        s.osds += [CloudStatus.OSD(osd: 1, path: "/dev/loop1", location: "micro02"),
                   CloudStatus.OSD(osd: 2, path: "/dev/loop1", location: "micro03")]
        report = StatusReport(s)
        #expect(report.warnings.map(\.text) == ["Ceph pools replicated fewer than 3 times: .mgr (1)"])
    }

    @Test func aMemberMissingFromAServiceOrNotOnlineIsAnErrorListedFirst() {
        var s = Self.healthy()
        s.members = Array(s.members.prefix(2))
        s.ceph?.members["micro02"] = "OFFLINE"
        s.ovn?.members["micro01"] = nil
        let report = StatusReport(s)
        #expect(report.headline == "ERROR")
        #expect(report.warnings.map(\.text) == [
            "MicroCloud members not found in MicroOVN: micro01",
            "MicroCeph is not available on micro02",
            "Reliability risk: 3 systems are required for effective fault tolerance",
            "Found MicroCeph systems not managed by MicroCloud: micro03",
            "Found MicroOVN systems not managed by MicroCloud: micro03",
        ])
        #expect(report.table.rows.map { $0[5] } == ["ONLINE", "OFFLINE"])
        #expect(report.text.contains(" ┃ ⨯ MicroCeph is not available on micro02"))
    }

    @Test func servicesNotInstalledOrNotClusteredReadAsSuch() {
        var s = Self.healthy()
        s.ceph = nil
        s.osds = []
        s.cephPools = [:]
        s.ovn = CloudStatus.Cluster(members: [:])
        let report = StatusReport(s)
        #expect(report.table.rows.map { Array($0[2...4]) } == Array(repeating: ["-", "-", "-"], count: 3))
        #expect(report.cephLines == ["Ceph: MicroCeph is not installed"])
        #expect(report.ovnLines == ["OVN: MicroOVN is installed but not clustered"])
        #expect(report.warnings.map(\.text) == [
            "MicroCloud members not found in MicroOVN: micro01, micro02, micro03",
        ], "a service not installed here is left out, as upstream does")
    }

    @Test func clusteredCephWithoutOSDsSaysSo() {
        var s = Self.healthy()
        s.osds = []
        s.cephPools = [:]
        #expect(StatusReport(s).warnings.map(\.text) == ["No MicroCeph OSDs configured"])
        #expect(StatusReport(s).table.rows.map { $0[2] } == ["0", "0", "0"])
    }
}
