import FoundationEssentials

/// LXD's `remote-fs` pool (CephFS), after `remote`: Ceph sets up its crush rules with the first pool. It is an
/// extra: when LXD cannot create it (an LXD without `storage_cephfs_create_missing` cannot make the CephFS volume;
/// a kernel without CephFS cannot mount it) the run goes on, its definitions are removed, and the setback says how
/// to finish it by hand with the very configuration the run used.
extension BootstrapSteps {
    static let cephFSVolume = "lxd_cephfs"

    mutating func addCephFSPool() {
        let lxd = self.lxd
        let volume = Self.cephFSVolume
        addPool("remote-fs", driver: "cephfs", description: "Distributed file-system storage using CephFS",
                after: [.cephReplication, .pool("remote")],
                survivable: PoolSetback(
                    standing: "Fix what LXD says, then define remote-fs on every member and create it (`lxc storage "
                        + "create remote-fs cephfs --target <member>`, then `lxc storage create remote-fs cephfs`)",
                    explain: { error in
                        let lxdMakesVolumes = (try? await lxd.extensions().contains("storage_cephfs_create_missing")) ?? false
                        return CephFSSetback.explain("\(error)", lxdMakesVolumes: lxdMakesVolumes, volume: volume)
                    }),
                pending: { _, _ in
                    try await lxd.extensions().contains("storage_remote_drop_source") ? [:] : ["source": volume]
                },
                final: {
                    // Without the extension LXD 5.0 rejects these keys and can only use a volume that already exists.
                    guard try await lxd.extensions().contains("storage_cephfs_create_missing") else { return [:] }
                    return ["cephfs.create_missing": "true", "cephfs.meta_pool": "\(volume)_meta",
                            "cephfs.data_pool": "\(volume)_data", "cephfs.path": volume]
                })
    }
}

/// How a survivable pool's failure is reported: the standing advice, and a way to explain a given error.
struct PoolSetback: Sendable {
    let standing: String
    /// A cause the operator can act on, with its fix, or nil when LXD's words are all there is.
    let explain: @Sendable (any Error) async -> (cause: String, fix: String)?

    /// The setback for a failed create: LXD's words, what became of the definitions, and the commands that finish
    /// the pool by hand with the configuration the run used.
    func setback(_ error: any Error, pool name: String, driver: String, removed: String?,
                 pending: [String: [String: String]], members: [String], final: [String: String]) async -> StepSetback {
        let explained = await explain(error)
        var message = "\(error)"
        if let cause = explained?.cause { message += " (\(cause))" }
        if let removed { message += "; \(removed)" }
        let settings = { (config: [String: String]) in config.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined() }
        let perMember = members.map { "`lxc storage create \(name) \(driver)\(settings(pending[$0] ?? pending.values.first ?? [:])) --target \($0)`" }
        let commands = "define it on every member (" + perMember.joined(separator: ", ") + "), then create it: "
            + "`lxc storage create \(name) \(driver)\(settings(final))`"
        let advice = (explained.map { $0.fix + "; then " } ?? "Fix what LXD says; then ") + commands
        return StepSetback(message, advice: advice)
    }
}

/// What LXD's words about a CephFS pool mean here, and what fixes it.
enum CephFSSetback {
    static func explain(_ lxdSays: String, lxdMakesVolumes: Bool, volume: String) -> (cause: String, fix: String)? {
        if lxdSays.contains("no such device") {
            return ("this kernel cannot mount CephFS: it has no ceph file system module",
                    "Load the kernel's CephFS module on every member (`modprobe ceph`; a kernel built without CONFIG_CEPH_FS cannot)")
        }
        if !lxdMakesVolumes {
            return ("this LXD cannot create a CephFS volume: it lacks the storage_cephfs_create_missing API extension",
                    "Create the volume with `ceph fs volume create \(volume)` on a member (`microceph.ceph fs volume create "
                        + "\(volume)` with MicroCeph's snap) and wait until `ceph fs ls` lists it")
        }
        return nil
    }
}
