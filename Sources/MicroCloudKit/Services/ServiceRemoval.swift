import FoundationEssentials

/// The calls a removal makes, beside the ones that form a cloud: a member leaving LXD, microcluster (MicroCeph,
/// MicroOVN) and an OSD leaving Ceph.

extension LXDClient {
    /// `DELETE /1.0/cluster/members/NAME[?force=1]`: LXD refuses, without `force`, while instances or volumes
    /// remain on the member; with it, the member is dropped without being asked (it may be gone).
    public func removeClusterMember(_ name: String, force: Bool) async throws {
        try await call("DELETE", "/1.0/cluster/members/\(Self.escape(name))" + (force ? "?force=1" : ""))
    }

    /// Instances of every project per member: "name", or "project/name" outside the default project.
    public func instancesByMember() async throws -> [String: [String]] {
        struct Instance: Decodable { var name: String; var project: String?; var location: String? }
        let list: [Instance] = try await get("/1.0/instances?all-projects=true&recursion=1", as: [Instance].self)
        var byMember: [String: [String]] = [:]
        for i in list {
            let label = (i.project ?? "default") == "default" ? i.name : "\(i.project!)/\(i.name)"
            byMember[i.location ?? "", default: []].append(label)
        }
        return byMember.mapValues { $0.sorted() }
    }
}

extension MicroclusterClient {
    /// `DELETE /core/1.0/cluster/NAME[?force=1]`: the member leaves (microcluster tells it to reset); `force` drops
    /// a member that cannot be reached, and skips the service's own pre-removal checks.
    public func removeMember(_ name: String, force: Bool) async throws {
        try await call("DELETE", "/core/1.0/cluster/\(LXDClient.escape(name))" + (force ? "?force=1" : ""))
    }
}

extension MicroCephClient {
    /// `DELETE /1.0/disks/{osd}[?target=]` (microceph's `DisksDelete`): MicroCeph drains the OSD (weight 0), waits
    /// until it is ok to stop, takes it out and down, waits until it is safe to destroy (its data placed on the
    /// other OSDs), then purges it. `confirmDowngrade` accepts that fewer than 3 hosts move the automatic crush rule
    /// from per-host to per-OSD copies; `timeout` (seconds) bounds MicroCeph's waiting.
    public func removeDisk(osd: Int, target: String?, bypassSafety: Bool, confirmDowngrade: Bool, timeout: Int) async throws {
        struct Body: Encodable {
            var osdid: Int
            var bypass_safety: Bool
            var confirm_downgrade: Bool
            var prohibit_crush_scaledown = false
            var timeout: Int
        }
        try await core.call("DELETE", LXDClient.targeted("/1.0/disks/\(osd)", target),
                            body: Body(osdid: osd, bypass_safety: bypassSafety, confirm_downgrade: confirmDowngrade, timeout: timeout))
    }
}
