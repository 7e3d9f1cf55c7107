import FoundationEssentials

/// `microcloud status` as text (upstream's cmd/microcloud/status.go): the overall state, one line per warning, a row per member
/// with its OSDs and its MicroCeph and MicroOVN units, then Ceph's health and where OVN's services run.
public struct StatusReport: Sendable, Equatable {
    public enum Level: Int, Sendable, Comparable {
        case warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public struct Warning: Sendable, Equatable {
        public var level: Level
        public var text: String
        public init(_ level: Level, _ text: String) { self.level = level; self.text = text }
    }

    public let status: CloudStatus

    public init(_ status: CloudStatus) { self.status = status }

    static let optional: [ServiceKind] = [.microceph, .microovn]
    static let unitOrder = ["mon", "mgr", "osd", "mds", "rgw", "rbd-mirror", "cephfs-mirror", "nfs",
                            "central", "chassis", "switch"]

    var names: [String] { status.members.map(\.name).sorted(by: naturalLess) }

    private func list(_ names: some Sequence<String>) -> String { names.sorted(by: naturalLess).joined(separator: ", ") }

    /// Every warning upstream's status gives, worst first, then in the order upstream checks them.
    public var warnings: [Warning] {
        var out: [Warning] = []
        let members = Set(names)
        if members.count < 3 {
            out.append(Warning(.warning, "Reliability risk: 3 systems are required for effective fault tolerance"))
        }
        if !status.osds.isEmpty, status.osds.count < 3 {
            out.append(Warning(.warning, "Data loss risk: MicroCeph OSD replication recommends at least 3 disks across 3 systems"))
        }
        if let lxd = status.lxd {
            let missing = members.subtracting(lxd.members.keys)
            if !missing.isEmpty { out.append(Warning(.error, "LXD is not found on \(list(missing))")) }
        } else {
            out.append(Warning(.error, "LXD is not found on \(list(members))"))
        }
        for kind in Self.optional {
            // Not installed here: upstream's status leaves the service out, and so does this one (a line says so).
            guard let c = status.cluster(kind) else { continue }
            let missing = members.subtracting(c.members.keys)
            if !missing.isEmpty { out.append(Warning(.error, "MicroCloud members not found in \(kind.rawValue): \(list(missing))")) }
            let strangers = Set(c.members.keys).subtracting(members)
            if !strangers.isEmpty {
                out.append(Warning(.warning, "Found \(kind.rawValue) systems not managed by MicroCloud: \(list(strangers))"))
            }
        }
        if status.ceph.map({ !$0.members.isEmpty }) == true, status.osds.isEmpty {
            out.append(Warning(.warning, "No MicroCeph OSDs configured"))
        }
        let want = min(status.osds.count, 3)
        let low = status.cephPools.filter { $0.value < want }
        if !low.isEmpty {
            out.append(Warning(.warning, "Ceph pools replicated fewer than \(want) times: "
                               + low.keys.sorted().map { "\($0) (\(low[$0]!))" }.joined(separator: ", ")))
        }
        for name in names {
            let down = [ServiceKind.lxd] + Self.optional
            let off = down.filter { kind in
                guard let s = status.cluster(kind)?.members[name] else { return false }
                return s.uppercased() != "ONLINE" && !s.uppercased().contains("UPGRAD")
            }
            if !off.isEmpty { out.append(Warning(.error, "\(off.map(\.rawValue).joined(separator: ", ")) is not available on \(name)")) }
        }
        for kind in [ServiceKind.lxd] + Self.optional
        where status.cluster(kind)?.members.values.contains(where: { $0.uppercased() == "UPGRADING" }) == true {
            out.append(Warning(.warning, "\(kind.rawValue) upgrade in progress"))
        }
        return out.enumerated().sorted { ($1.element.level, $0.offset) < ($0.element.level, $1.offset) }.map(\.element)
    }

    public var headline: String {
        switch warnings.map(\.level).max() {
        case .error: "ERROR"
        case .warning: "WARNING"
        case nil: "HEALTHY"
        }
    }

    private func units(_ c: CloudStatus.Cluster?, on name: String) -> String {
        guard let c, !c.members.isEmpty else { return "-" }
        var seen: [String] = []
        for u in c.units where u.location == name && !seen.contains(u.service) { seen.append(u.service) }
        let rank = { (s: String) in Self.unitOrder.firstIndex(of: s) ?? Self.unitOrder.count }
        seen.sort { (rank($0), $0) < (rank($1), $1) }
        return seen.isEmpty ? "-" : seen.joined(separator: ",")
    }

    /// The member's state: the first service that does not call it ONLINE names it, else ONLINE.
    private func state(of name: String) -> String {
        for kind in [ServiceKind.lxd] + Self.optional {
            if let s = status.cluster(kind)?.members[name], s.uppercased() != "ONLINE" { return s.uppercased() }
        }
        return status.lxd?.members[name] == nil ? "NOT IN LXD" : "ONLINE"
    }

    /// One row per MicroCloud member (natural name order), members that did not answer included.
    public var table: TextTable {
        let cephClustered = status.ceph.map { !$0.members.isEmpty } ?? false
        let rows = status.members.sorted { naturalLess($0.name, $1.name) }.map { m -> [String] in
            let osds = cephClustered ? String(status.osds.filter { $0.location == m.name }.count) : "-"
            return [m.name, m.address, osds, units(status.ceph, on: m.name), units(status.ovn, on: m.name), state(of: m.name)]
        }
        return TextTable(headers: ["NAME", "ADDRESS", "OSDS", "MICROCEPH UNITS", "MICROOVN UNITS", "STATUS"], rows: rows)
    }

    /// "HEALTHY", "WARNING" or "ERROR" from the warnings about Ceph; nil when MicroCeph is not installed or not clustered.
    public var cephHealth: String? {
        guard let ceph = status.ceph, !ceph.members.isEmpty else { return nil }
        let cephWarnings = warnings.filter { w in ["OSD", "Ceph", "MicroCeph"].contains { w.text.contains($0) } }
        return cephWarnings.map(\.level).max().map { $0 == .error ? "ERROR" : "WARNING" } ?? "HEALTHY"
    }

    /// Ceph's health from MicroCeph's own lists: OSDs per member, pools and their replication.
    public var cephLines: [String] {
        guard let ceph = status.ceph else { return ["Ceph: MicroCeph is not installed"] }
        guard !ceph.members.isEmpty else { return ["Ceph: MicroCeph is installed but not clustered"] }
        let level = cephHealth ?? "HEALTHY"
        let hosts = Set(status.osds.map(\.location)).count
        var out = ["Ceph: \(level), \(status.osds.count) OSD\(status.osds.count == 1 ? "" : "s") on \(hosts) member\(hosts == 1 ? "" : "s")"
                   + ", \(ceph.members.count) in the MicroCeph cluster"]
        for name in names {
            let paths = status.osds.filter { $0.location == name }.sorted { $0.osd < $1.osd }.map { "osd.\($0.osd) \($0.path)" }
            if !paths.isEmpty { out.append("  \(name): " + paths.joined(separator: ", ")) }
        }
        if !status.cephPools.isEmpty {
            out.append("  pools: " + status.cephPools.keys.sorted().map { "\($0) (size \(status.cephPools[$0]!))" }.joined(separator: ", "))
        }
        return out
    }

    /// Where OVN's services run: "central on micro01, micro02, micro03".
    public var ovnLines: [String] {
        guard let ovn = status.ovn else { return ["OVN: MicroOVN is not installed"] }
        guard !ovn.members.isEmpty else { return ["OVN: MicroOVN is installed but not clustered"] }
        var out = ["OVN: \(ovn.members.count) in the MicroOVN cluster"]
        for service in ["central", "chassis", "switch"] + Set(ovn.units.map(\.service)).subtracting(["central", "chassis", "switch"]).sorted() {
            let at = Set(ovn.units.filter { $0.service == service }.map(\.location))
            if !at.isEmpty || ["central", "chassis", "switch"].contains(service) {
                out.append("  \(service): " + (at.isEmpty ? "nowhere" : list(at)))
            }
        }
        return out
    }

    /// The whole report as `microcloud status` prints it.
    public var text: String {
        let online = names.filter { status.lxd?.members[$0]?.uppercased() == "ONLINE" }.count
        var out = [" Status: \(headline)  (\(online) of \(names.count) members online)", ""]
        let symbols: [Level: String] = [.warning: "!", .error: "⨯"]
        if !warnings.isEmpty {
            out += warnings.map { " ┃ \(symbols[$0.level]!) \($0.text)" }
            out.append("")
        }
        var table = table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while table.last == "" { table.removeLast() }
        out += table
        out.append("")
        out += cephLines
        out += ovnLines
        return out.joined(separator: "\n")
    }
}
