/// The services a MicroCloud is made of. Ordered as they bootstrap: MicroCloud first, LXD always, then the optional
/// storage and network services.
public enum ServiceKind: String, Codable, Sendable, CaseIterable, Comparable, CodingKeyRepresentable {
    case microcloud = "MicroCloud"
    case lxd = "LXD"
    case microceph = "MicroCeph"
    case microovn = "MicroOVN"

    /// MicroCeph and MicroOVN may be missing on a server; the cloud is then planned without them.
    public var isOptional: Bool { self == .microceph || self == .microovn }

    /// Lower-case name used in proxy paths (`/1.0/services/lxd/...`).
    public var pathName: String { rawValue.lowercased() }

    /// The port each service listens on for its own cluster traffic (upstream's defaults).
    public var port: Int {
        switch self {
        case .microcloud: 9443
        case .lxd: 8443
        case .microceph: 7443
        case .microovn: 6443
        }
    }

    public static func < (lhs: ServiceKind, rhs: ServiceKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
