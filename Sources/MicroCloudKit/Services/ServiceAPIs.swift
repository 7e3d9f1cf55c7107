import FoundationEssentials

/// The MicroCeph calls a bootstrap needs. Only the shape for now: the bootstrap
/// runs its Ceph steps through this when a plan includes MicroCeph; a REST client comes later.
public protocol CephAPI: Sendable {
    /// `POST /core/control` `{bootstrap, name, address "<ip>:7443", config {ClusterNet, PublicNet}}`, then wait
    /// until `GET /core/1.0/cluster` lists a member.
    func bootstrap(name: String, address: String, clusterNetwork: String?, publicNetwork: String?) async throws
    /// `POST /core/control/tokens` `{name, expire_after}` → the token string.
    func issueToken(for joiner: String) async throws -> String
    /// `DELETE /core/1.0/tokens/<name>`.
    func deleteToken(for joiner: String) async throws
    /// Names in `GET /core/1.0/cluster`.
    func memberNames() async throws -> [String]
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

/// The MicroOVN calls a bootstrap needs.
public protocol OVNAPI: Sendable {
    /// `POST /core/control` `{bootstrap, name, address "<ip>:6443", config {"ovn-encap-ip"}}`, then wait for a member.
    func bootstrap(name: String, address: String, encapIP: String?) async throws
    func issueToken(for joiner: String) async throws -> String
    func deleteToken(for joiner: String) async throws
    func memberNames() async throws -> [String]
    /// Addresses of the `central` services (`GET /1.0/services`), for LXD's `network.ovn.northbound_connection`.
    func centralAddresses() async throws -> [String]
}
