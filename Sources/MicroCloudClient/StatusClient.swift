import FoundationEssentials
import MicroCloudKit
import MicroCloudNet
import MicroCloudWire

/// What `microcloud status` reads, through this member's daemon and nothing else: the MicroCloud members, LXD's
/// cluster tables, and MicroCeph's and MicroOVN's own member lists, units, OSDs and pools. Read-only: it opens no
/// session and changes nothing (the initiator driver is for forming a cloud).
public struct StatusClient: Sendable {
    public let control: ControlClient
    let local: Peer
    let links: MemberLinks

    public init(control: ControlClient) async throws {
        let info = try await control.info(recentServices: true)
        let identity = try control.identity()
        self.control = control
        self.local = Peer(name: info.name, address: info.address, fingerprint: Fingerprint(identity.fingerprint))
        self.links = MemberLinks(local: local, stateDir: control.stateDir, credentials: identity.credentials)
    }

    /// The cluster's tables as LXD describes them.
    public func snapshot() async throws -> ClusterSnapshot {
        try await ClusterReadback.read(lxd: LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)"))
    }

    /// A service whose daemon does not answer `GET /core/1.0` counts as not installed; one that answers but lists
    /// nobody as not clustered. MicroCeph and MicroOVN are asked in parallel.
    public func status(members: [Peer], snapshot: ClusterSnapshot) async -> CloudStatus {
        let lxd = CloudStatus.Cluster(members: Dictionary(snapshot.members.map { ($0.serverName, $0.status.uppercased()) },
                                                          uniquingKeysWith: { a, _ in a }))
        let ceph = MicroCephClient(transport: links.service(.microceph, local), name: "MicroCeph on \(local.name)")
        let ovn = MicroclusterClient(transport: links.service(.microovn, local), name: "MicroOVN on \(local.name)")
        async let cephCluster = Self.cluster(ceph.core)
        async let ovnCluster = Self.cluster(ovn)
        var status = CloudStatus(members: members.map { .init(name: $0.name, address: $0.address) }, lxd: lxd,
                                 ceph: await cephCluster, ovn: await ovnCluster)
        if status.ceph.map({ !$0.members.isEmpty }) == true {
            status.osds = ((try? await ceph.disks()) ?? []).map { CloudStatus.OSD(osd: $0.osd, path: $0.path, location: $0.location) }
            status.cephPools = (try? await ceph.poolSizes()) ?? [:]
        }
        return status
    }

    /// A microcluster service's members with their states and where its units run (`GET /1.0/services`, the same
    /// shape in MicroCeph and MicroOVN); nil when it does not answer at all.
    static func cluster(_ client: MicroclusterClient) async -> CloudStatus.Cluster? {
        guard (try? await client.server()) != nil else { return nil }
        let members = (try? await client.members()) ?? []
        let units: [CloudStatus.Unit] = members.isEmpty ? [] : ((try? await client.get("/1.0/services")) ?? [])
        return CloudStatus.Cluster(members: Dictionary(members.map { ($0.name, $0.status.uppercased()) }, uniquingKeysWith: { a, _ in a }),
                                   units: units)
    }
}
