import FoundationEssentials

/// What `microcloud status` reads from the live services (as upstream's cmd/microcloud/status.go shows them): the MicroCloud members, each
/// service's own member list with states, MicroCeph's OSDs, pools and units, MicroOVN's units. Plain data, so the
/// rendering (`StatusReport`) is a pure function and `--format json` prints the same facts.
public struct CloudStatus: Codable, Sendable, Equatable {
    public struct Member: Codable, Sendable, Equatable {
        public var name: String
        public var address: String
        public init(name: String, address: String) { self.name = name; self.address = address }
    }

    /// One service's cluster as that service lists it: member name → status ("ONLINE", "UPGRADING" …).
    /// `nil` service: not installed here; an empty `members`: installed but not clustered.
    public struct Cluster: Codable, Sendable, Equatable {
        public var members: [String: String]
        /// Where each unit runs: MicroCeph's mon/mgr/mds…, MicroOVN's central/chassis/switch.
        public var units: [Unit]
        public init(members: [String: String], units: [Unit] = []) { self.members = members; self.units = units }
    }

    public struct Unit: Codable, Sendable, Equatable {
        public var service: String
        public var location: String
        public init(service: String, location: String) { self.service = service; self.location = location }
    }

    /// One OSD as MicroCeph's `GET /1.0/disks` lists it.
    public struct OSD: Codable, Sendable, Equatable {
        public var osd: Int
        public var path: String
        public var location: String
        public init(osd: Int, path: String, location: String) { self.osd = osd; self.path = path; self.location = location }
    }

    public var members: [Member]
    public var lxd: Cluster?
    public var ceph: Cluster?
    public var ovn: Cluster?
    public var osds: [OSD]
    /// Replication size per Ceph pool (`GET /1.0/pools`).
    public var cephPools: [String: Int]

    public init(members: [Member], lxd: Cluster?, ceph: Cluster? = nil, ovn: Cluster? = nil, osds: [OSD] = [],
                cephPools: [String: Int] = [:]) {
        self.members = members; self.lxd = lxd; self.ceph = ceph; self.ovn = ovn; self.osds = osds
        self.cephPools = cephPools
    }

    public func cluster(_ kind: ServiceKind) -> Cluster? {
        switch kind {
        case .microcloud: Cluster(members: Dictionary(uniqueKeysWithValues: members.map { ($0.name, "ONLINE") }))
        case .lxd: lxd
        case .microceph: ceph
        case .microovn: ovn
        }
    }
}
