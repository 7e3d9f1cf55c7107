import FoundationEssentials

/// `microcloud status --format json`: the cluster's LXD objects at the top as before (members, pools, networks,
/// profile: still readable as a `ClusterSnapshot`), and beside them what the text status shows, taken from the same
/// `StatusReport` so the two never disagree: the overall status, its warnings, Ceph and OVN.
public struct StatusDocument: Codable, Sendable, Equatable {
    public struct Warning: Codable, Sendable, Equatable {
        /// "warning" or "error".
        public var level: String
        public var text: String
    }

    /// MicroCeph's cluster: its members' states, where its units run, the OSDs and the pools' replication.
    public struct Ceph: Codable, Sendable, Equatable {
        /// "HEALTHY", "WARNING" or "ERROR" (as the text's "Ceph:" line), or "NOT CLUSTERED".
        public var health: String
        public var members: [String: String]
        public var units: [CloudStatus.Unit]
        public var osds: [CloudStatus.OSD]
        public var pools: [String: Int]
    }

    /// MicroOVN's cluster: its members' states and where each service runs (central, chassis, switch …).
    public struct OVN: Codable, Sendable, Equatable {
        public var members: [String: String]
        public var services: [String: [String]]
    }

    public var snapshot: ClusterSnapshot
    /// "HEALTHY", "WARNING" or "ERROR": the text's headline.
    public var status: String
    public var warnings: [Warning]
    /// nil (null in JSON): MicroCeph is not installed.
    public var ceph: Ceph?
    /// nil (null in JSON): MicroOVN is not installed.
    public var ovn: OVN?

    public init(snapshot: ClusterSnapshot, report: StatusReport) {
        self.snapshot = snapshot
        status = report.headline
        warnings = report.warnings.map { Warning(level: $0.level == .error ? "error" : "warning", text: $0.text) }
        let s = report.status
        ceph = s.ceph.map { c in
            Ceph(health: report.cephHealth ?? "NOT CLUSTERED", members: c.members, units: c.units,
                 osds: s.osds.sorted { $0.osd < $1.osd }, pools: s.cephPools)
        }
        ovn = s.ovn.map { o in
            OVN(members: o.members, services: Dictionary(grouping: o.units, by: \.service).mapValues {
                Array(Set($0.map(\.location))).sorted(by: naturalLess)
            })
        }
    }

    enum CodingKeys: String, CodingKey { case status, warnings, ceph, ovn }

    public init(from decoder: Decoder) throws {
        snapshot = try ClusterSnapshot(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(String.self, forKey: .status)
        warnings = try c.decode([Warning].self, forKey: .warnings)
        ceph = try c.decodeIfPresent(Ceph.self, forKey: .ceph)
        ovn = try c.decodeIfPresent(OVN.self, forKey: .ovn)
    }

    public func encode(to encoder: Encoder) throws {
        try snapshot.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(ceph, forKey: .ceph)      // null when not installed, as the text says "not installed"
        try c.encode(ovn, forKey: .ovn)
    }
}
