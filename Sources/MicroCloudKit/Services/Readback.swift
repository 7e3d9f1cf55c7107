import FoundationEssentials

/// What the cluster looks like, as its APIs tell it (not as the plan says): what the review screens show.
public struct ClusterSnapshot: Codable, Sendable, Equatable {
    public var members: [LXDClusterMember]
    public var pools: [LXDStoragePool]
    public var networks: [LXDNetwork]
    public var profile: LXDProfile

    public init(members: [LXDClusterMember], pools: [LXDStoragePool], networks: [LXDNetwork], profile: LXDProfile) {
        self.members = members; self.pools = pools; self.networks = networks; self.profile = profile
    }
}

public enum ClusterReadback {
    /// Reads members, pools, networks and the default profile from a cluster member's LXD, in parallel.
    public static func read(lxd: LXDClient) async throws -> ClusterSnapshot {
        async let members = lxd.clusterMembers()
        async let pools = lxd.storagePools()
        async let networks = lxd.networks()
        async let profile = lxd.profile("default")
        return try await ClusterSnapshot(members: members, pools: pools, networks: networks, profile: profile)
    }
}
