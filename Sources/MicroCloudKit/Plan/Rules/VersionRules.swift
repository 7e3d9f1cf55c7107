// The version and capability gates, checked on the inventories before anything changes: the same MicroCloud (and the
// same release of each service) on every server, MicroCeph and MicroOVN releases MicroCloud can talk to, and the LXD
// API extensions each planned feature needs. Upstream gates by version only (`service/version.go` in
// canonical/microcloud: LXD 5.21, MicroCeph 19.2, MicroOVN 24.03); where this project can do better safely it gates
// by what it uses instead, and says what works and what does not (docs/compatibility.md).

public enum VersionRules {
    /// Upstream's floors (`lxdMinVersion`, `microCephMinVersion`, `microOVNMinVersion`).
    public static let upstreamLXD = [5, 21]
    public static let microCephMinimum = [19, 2]

    /// The LXD API extensions each feature of a plan needs: the bootstrap's requests use them unconditionally.
    public static func neededExtensions(_ plan: ClusterPlan) -> [(feature: String, extensions: [String])] {
        var out: [(String, [String])] = [("Forming the LXD cluster", ["clustering", "clustering_join_token"])]
        if plan.ceph != nil { out.append(("Distributed storage (the remote pool on Ceph)", ["storage_driver_ceph"])) }
        if plan.ovn != nil {
            out.append(("Distributed networking (the UPLINK and default networks)", ["network_type_physical", "network_type_ovn"]))
        }
        return out
    }

    /// Every gate's problem for this plan over these servers (the plan's members only), in a stable order.
    public static func issues(_ inventories: [Inventory], plan: ClusterPlan) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        if let why = microCloudMismatch(inventories) { issues.append(.error("services", why)) }
        for service in [ServiceKind.microceph, .microovn] where plan.services.contains(service) {
            let refused = inventories.compactMap { inv in unsupported(service, on: inv).map { (inv.name, $0) } }
            issues += refused.map { .error("services", member: $0.0, $0.1) }
            if refused.isEmpty, let why = mismatch(service, inventories) { issues.append(.error("services", why)) }
        }
        if let why = mismatch(.lxd, inventories) { issues.append(.error("services", why)) }
        for (feature, extensions) in neededExtensions(plan) {
            if let why = missingExtensions(feature, extensions, inventories) { issues.append(.error("services", why)) }
        }
        if let note = olderLXDNote(inventories) { issues.append(.warning("services", note)) }
        return issues
    }

    // MARK: - The gates, each with its words

    /// Servers that run different MicroCloud releases: the daemons' exchange is only tested against its own release.
    public static func microCloudMismatch(_ inventories: [Inventory]) -> String? {
        guard let groups = differing(inventories.map { ($0.name, $0.version) }) else { return nil }
        return "MicroCloud differs between servers: \(groups). Every server needs the same MicroCloud version: "
            + "install one release on all of them."
    }

    /// Servers whose releases of `service` differ (LXD's and microcluster's joins refuse other releases; upstream
    /// refuses them in the trust session).
    public static func mismatch(_ service: ServiceKind, _ inventories: [Inventory]) -> String? {
        let found = inventories.compactMap { inv in inv.services[service].map { (inv.name, $0) } }
        guard found.count == inventories.count, let groups = differing(found) else { return nil }
        return "\(service.rawValue) differs between servers: \(groups). Every server needs the same "
            + "\(service.rawValue) version: refresh them to one release."
    }

    /// Why MicroCloud cannot use this server's MicroCeph or MicroOVN, or nil: a release on microcluster's older API
    /// (`/cluster/1.0`), a MicroCeph older than 19.2, or one whose version names no release.
    public static func unsupported(_ service: ServiceKind, on inv: Inventory) -> String? {
        guard let recorded = inv.services[service] else { return nil }
        let found = ServiceVersion(recorded: recorded)
        let shown = found.version.isEmpty ? "" : " \(found.version)"
        let fix = "Refresh \(service.rawValue) on \(inv.name) (\(refresh(service))), or set up the cloud without it."
        if found.olderAPI {
            return "\(service.rawValue)\(shown) on \(inv.name) is an older release: it serves microcluster's "
                + "/cluster/1.0 API, not the /core/1.0 MicroCloud uses. MicroCloud needs \(service.rawValue) "
                + "\(needed(service)) or newer. \(fix)"
        }
        guard service == .microceph else { return nil }
        guard let release = releaseNumbers(found.version, parts: 3) else {
            return "MicroCeph on \(inv.name) reports the version \"\(found.version)\", which names no release "
                + "(x.y.z). MicroCloud needs MicroCeph \(needed(service)) or newer. \(fix)"
        }
        guard release.lexicographicallyPrecedes(microCephMinimum) else { return nil }
        return "MicroCeph\(shown) on \(inv.name) is older than \(needed(service)), the oldest release MicroCloud "
            + "supports. \(fix)"
    }

    /// A feature whose LXD API extensions some server lacks: the feature, the extensions and where.
    public static func missingExtensions(_ feature: String, _ extensions: [String], _ inventories: [Inventory]) -> String? {
        let lacking = inventories.compactMap { inv -> (String, [String])? in
            let missing = extensions.filter { !inv.lxd.has(extension: $0) }
            return missing.isEmpty ? nil : ("\(inv.lxd.serverVersion.isEmpty ? "LXD" : "LXD \(inv.lxd.serverVersion)") on \(inv.name)", missing)
        }
        guard !lacking.isEmpty else { return nil }
        let names = Array(Set(lacking.flatMap(\.1))).sorted()
        return "\(feature) needs LXD's \(sentenceList(names)) API extension\(names.count == 1 ? "" : "s"), which "
            + "\(sentenceList(lacking.map(\.0))) lack\(lacking.count == 1 ? "s" : ""). Upgrade LXD there."
    }

    /// Upstream refuses LXD older than 5.21; this project uses it by its API extensions (the lab runs Debian's
    /// 5.0.2) and says what such an LXD leaves out.
    public static func olderLXDNote(_ inventories: [Inventory]) -> String? {
        let old = inventories.filter { releaseNumbers($0.lxd.serverVersion, parts: 2).map { $0.lexicographicallyPrecedes(upstreamLXD) } ?? false }
        guard !old.isEmpty else { return nil }
        let versions = Set(old.map(\.lxd.serverVersion)).sorted().joined(separator: ", ")
        let lacks = [("instances_migration_stateful", "VM live migration stays off"),
                     ("storage_cephfs_create_missing", "no CephFS")]
            .filter { ext, _ in old.contains { !$0.lxd.has(extension: ext) } }
            .map { "\($0.0): \($0.1)" }
        return "LXD \(versions) on \(sentenceList(old.map(\.name))) is older than 5.21, the oldest release upstream "
            + "MicroCloud accepts. It is used by its API extensions"
            + (lacks.isEmpty ? "." : "; without \(lacks.joined(separator: "; without ")).")
    }

    // MARK: - Helpers

    /// "19.2 (Squid)" / "24.03".
    static func needed(_ service: ServiceKind) -> String { service == .microceph ? "19.2 (Squid)" : "24.03" }

    static func refresh(_ service: ServiceKind) -> String {
        service == .microceph ? "snap refresh microceph --channel squid/stable" : "snap refresh microovn --channel 24.03/stable"
    }

    /// "19.2.0 on micro01 and micro03, 19.2.1 on micro02" when the versions differ, nil when they are one.
    static func differing(_ found: [(name: String, version: String)]) -> String? {
        var order: [String] = []
        var names: [String: [String]] = [:]
        for (name, version) in found {
            if names[version] == nil { order.append(version) }
            names[version, default: []].append(name)
        }
        guard order.count > 1 else { return nil }
        return order.map { "\($0.isEmpty ? "no version" : $0) on \(sentenceList(names[$0]!))" }.joined(separator: ", ")
    }

    /// The first `parts` dot-separated numbers in `text` ("ceph-version: 19.2.0-0ubuntu…" → [19, 2, 0]), leading
    /// zeros dropped as upstream's `cleanVersion` does ("24.03" → [24, 3]); nil when there are none.
    static func releaseNumbers(_ text: String, parts: Int) -> [Int]? {
        var chars = Substring(text)
        while !chars.isEmpty {
            let run = chars.prefix { $0.isNumber || $0 == "." }
            let numbers = run.split(separator: ".", omittingEmptySubsequences: false).prefix(parts)
            let values = numbers.compactMap { Int($0) }
            if values.count == parts { return values }
            chars = chars.dropFirst(max(run.count, 1))
        }
        return nil
    }
}
