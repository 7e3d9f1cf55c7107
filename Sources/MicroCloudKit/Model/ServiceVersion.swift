/// A service's version as `Inventory.services` records it. A MicroCeph or MicroOVN on microcluster's API before the
/// `/core` rename (it answers `/cluster/1.0` only) is recorded with `olderAPIMark` after its version, so the
/// version gates can tell "older release" from "not installed" and name the version found.
public struct ServiceVersion: Hashable, Sendable {
    /// The version the service reports; empty when it told none.
    public var version: String
    /// It serves microcluster's `/cluster/1.0`, not `/core/1.0`, which MicroCloud speaks.
    public var olderAPI: Bool

    public static let olderAPIMark = " (/cluster/1.0)"

    public init(recorded: String) {
        olderAPI = recorded.hasSuffix(Self.olderAPIMark)
        version = olderAPI ? String(recorded.dropLast(Self.olderAPIMark.count)) : recorded
    }

    /// How the daemon records a release that answered only `/cluster/1.0`.
    public static func olderAPI(_ version: String) -> String { version + olderAPIMark }
}
