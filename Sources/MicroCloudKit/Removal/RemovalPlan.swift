import FoundationEssentials

/// What the cloud holds of the member being removed, read from the live services before anything changes.
public struct RemovalFacts: Sendable, Equatable {
    /// Members, services, units (mon, central …), OSDs and Ceph pools' sizes, as `microcloud status` reads them.
    public var cloud: CloudStatus
    /// Instances per LXD member ("project/name" outside the default project).
    public var instances: [String: [String]]
    /// Members whose daemon did not answer, with why: a server that is gone is removed without being contacted.
    public var unreachable: [String: String]
    public init(cloud: CloudStatus, instances: [String: [String]] = [:], unreachable: [String: String] = [:]) {
        self.cloud = cloud
        self.instances = instances
        self.unreachable = unreachable
    }
}

/// Taking one member out of the cloud, decided before anything changes and shown to the operator: the services it
/// leaves in order (LXD first, so a refusal there changes nothing; the cloud's membership last, so the cloud still
/// knows the member if a service fails), what it holds, and what the rest of the cloud becomes.
public struct RemovalPlan: Sendable, Equatable {
    public struct PoolSize: Sendable, Equatable {
        public var pool: String
        public var from: Int
        public var to: Int
    }

    public var member: String
    /// The services the member is in, in the order it leaves them.
    public var services: [ServiceKind]
    /// Its OSDs: drained one after the other (MicroCeph takes one disk operation at a time per server).
    public var osds: [CloudStatus.OSD]
    /// Its MicroCeph and MicroOVN units (mon, mgr, mds, central, chassis …).
    public var units: [CloudStatus.Unit]
    /// Instances left on it: only with `force`, which deletes them with the member.
    public var instances: [String]
    /// Ceph pools whose replication is lowered to what the remaining servers can hold (only with `force`).
    public var poolSizes: [PoolSize]
    /// The members that stay, in the cloud's order.
    public var remaining: [String]
    public var force: Bool
    /// The member does not answer: every service drops it without contacting it, and what only it could clean up
    /// (its OVN chassis record) is reported.
    public var gone = false

    /// The plan as the operator reads it before confirming (`--dry-run` prints this).
    public var summaryText: String {
        var lines = ["Remove \(member) from the cloud (\(services.map(\.rawValue).joined(separator: ", ")))."]
        if gone { lines.append("  \(member) does not answer: it is removed from each service without being contacted") }
        if !instances.isEmpty { lines.append("  Instances deleted with it: \(instances.joined(separator: ", "))") }
        if !osds.isEmpty {
            let list = osds.map { "osd.\($0.osd) (\($0.path))" }.joined(separator: ", ")
            lines.append("  Ceph: drain and remove \(list), one at a time; the data moves to the other servers first")
        }
        for p in poolSizes { lines.append("  Ceph pool \(p.pool): \(p.from) copies become \(p.to)") }
        let cephUnits = units.filter { $0.service == "mon" || $0.service == "mgr" || $0.service == "mds" }.map(\.service)
        if !cephUnits.isEmpty { lines.append("  MicroCeph: its \(cephUnits.joined(separator: ", ")) leave with it") }
        if units.contains(where: { $0.service == "central" }) {
            lines.append("  MicroOVN: its central databases leave; they keep running on the other central members")
        }
        lines.append("  Stay: \(remaining.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
