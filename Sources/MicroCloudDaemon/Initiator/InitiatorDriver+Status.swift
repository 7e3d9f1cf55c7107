import FoundationEssentials
import MicroCloudKit

extension InitiatorDriver {
    /// What `microcloud status` shows (spec §9.1), read through this member's daemon: the MicroCloud members, LXD's
    /// members from the snapshot, and MicroCeph's and MicroOVN's own member lists, units, OSDs and pools. A service
    /// whose daemon does not answer `GET /core/1.0` counts as not installed; one that answers but lists nobody as
    /// not clustered. MicroCeph and MicroOVN are asked in parallel; nothing here changes anything.
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
