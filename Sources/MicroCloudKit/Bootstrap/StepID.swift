import FoundationEssentials

/// A bootstrap step's id. The bootstrap's ids are built only by the factories below and compared by value (the TUI
/// asks `id == .cephDisk(m, path)`, it never takes an id apart); the text ("join.micro02") is what events carry as JSON.
public struct StepID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }

    /// A service's own bootstrap on the initiator (MicroCeph, MicroOVN).
    public static func bootstrap(_ service: ServiceKind) -> StepID { StepID("\(service.pathName).bootstrap") }
    public static let lxdServerConfig: StepID = "lxd.server-config"
    public static let enableClustering: StepID = "lxd.enable-clustering"
    public static func token(_ service: ServiceKind, _ member: String) -> StepID { StepID("\(service.pathName).token.\(member)") }
    public static func join(_ member: String) -> StepID { StepID("join.\(member)") }
    /// One Ceph disk (one OSD) on a member: its own step, so each disk has its own events and duration.
    public static func cephDisk(_ member: String, _ path: String) -> StepID { StepID("microceph.disk.\(member).\(path)") }
    public static let cephReplication: StepID = "microceph.replication"
    public static func poolPending(_ pool: String, _ member: String) -> StepID { StepID("lxd.pool.\(pool).pending.\(member)") }
    public static func pool(_ pool: String) -> StepID { StepID("lxd.pool.\(pool)") }
    public static let ovnNorthbound: StepID = "lxd.ovn-northbound"
    public static func networkPending(_ network: String, _ member: String) -> StepID {
        StepID("lxd.network.\(network).pending.\(member)")
    }
    public static func network(_ network: String) -> StepID { StepID("lxd.network.\(network)") }
    public static let profile: StepID = "lxd.profile.default"
    public static func volumes(_ member: String) -> StepID { StepID("lxd.volumes.\(member)") }
    /// The report's stand-in when a run fails before any step (cancelled, or the graph could not be built).
    public static let wholeRun: StepID = "bootstrap"
}
