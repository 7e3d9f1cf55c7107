import FoundationEssentials

/// What MicroCloud asks of any microcluster service (MicroCeph and MicroOVN alike): join tokens and the member
/// list. The bootstrap's token and join steps are written once against this.
public protocol MicroclusterAPI: Sendable {
    /// `POST /core/control/tokens` `{name, expire_after}` → the token string.
    func issueToken(for joiner: String) async throws -> String
    /// `DELETE /core/1.0/tokens/<name>`.
    func deleteToken(for joiner: String) async throws
    /// Names in `GET /core/1.0/cluster`.
    func memberNames() async throws -> [String]
}

/// A client of one microcluster service: the shared calls go to microcluster's core, the service adds its own.
public protocol MicroclusterService: MicroclusterAPI {
    var core: MicroclusterClient { get }
}

extension MicroclusterService {
    /// Names the service and member in errors, e.g. "MicroCeph on micro01".
    public var name: String { core.name }
    public func issueToken(for joiner: String) async throws -> String { try await core.issueToken(for: joiner) }
    public func deleteToken(for joiner: String) async throws { try await core.deleteToken(for: joiner) }
    public func memberNames() async throws -> [String] { try await core.members().map(\.name) }
}

/// The MicroCeph calls a bootstrap needs, beside microcluster's.
public protocol CephAPI: MicroclusterAPI {
    /// `POST /core/control` `{bootstrap, name, address "<ip>:7443", config {ClusterNet, PublicNet}}`, then wait
    /// until `GET /core/1.0/cluster` lists a member.
    func bootstrap(name: String, address: String, clusterNetwork: String?, publicNetwork: String?) async throws
    /// `POST /1.0/disks[?target=]` `{path:[p], wipe, encrypt}`; fails with the report's errors.
    func addDisk(_ disk: DiskChoice, target: String?) async throws
    /// Every OSD of the cluster with its path and member (`GET /1.0/disks`): the cluster's own view.
    func disks() async throws -> [CephDisk]
    /// Replication size of each pool (`GET /1.0/pools`).
    func poolSizes() async throws -> [String: Int]
    /// `PUT /1.0/pools-op` `{pools, size}`; `[""]` sets Ceph's default.
    func setPoolSize(_ pools: [String], size: Int) async throws
}

extension CephAPI {
    /// Number of OSDs (`GET /1.0/disks`).
    public func diskCount() async throws -> Int { try await disks().count }
}

/// The MicroOVN calls a bootstrap needs, beside microcluster's.
public protocol OVNAPI: MicroclusterAPI {
    /// `POST /core/control` `{bootstrap, name, address "<ip>:6443", config {"ovn-encap-ip"}}`, then wait for a member.
    func bootstrap(name: String, address: String, encapIP: String?) async throws
    /// Addresses of the `central` services (`GET /1.0/services`), for LXD's `network.ovn.northbound_connection`.
    func centralAddresses() async throws -> [String]
}
