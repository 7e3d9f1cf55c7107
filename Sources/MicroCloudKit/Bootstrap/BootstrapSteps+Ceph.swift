import FoundationEssentials

/// MicroCeph's long phase (done per disk): every chosen disk is its own step. A server's first disk starts
/// as soon as the server is a MicroCeph member — the initiator's right after MicroCeph's bootstrap, a joiner's right
/// after its join — so servers add their disks at the same time; a server's next disk starts when the one before it
/// has finished, because MicroCeph adds one disk at a time per server (its `POST /1.0/disks` holds a process-wide
/// lock: microceph/api/disks.go). A disk waiting for its turn so holds no place in the graph and spends none of its
/// budget. A disk that fails is reported with its server and MicroCeph's words and the others go on (a tolerated
/// failure); replication and the pools follow once every disk has finished, whatever the outcome.
extension BootstrapSteps {
    mutating func addCeph() {
        let ceph = env.ceph, confirm = budgets.joinConfirm
        var diskSteps: [StepID] = []
        for m in allMembers {
            let member = m.name
            var turn: StepID = member == initiator.name ? .bootstrap(.microceph) : .join(member)
            for disk in m.cephDisks {
                let id = StepID.cephDisk(member, disk.path)
                diskSteps.append(id)
                add(Step(id: id, member: member, title: "Add Ceph disk \(disk.path) on \(member)",
                         phase: BootstrapPhase.storage, budget: budgets.cephDisks, dependsOn: [turn],
                         skipReason: cephPlanned ? nil : "MicroCeph not installed",
                         remains: "\(disk.path) on \(member) is a Ceph OSD; to use it again, remove it from Ceph "
                            + "(`microceph disk remove` on \(member)) and wipe it",
                         tolerated: "Check that \(disk.path) exists on \(member), is not in use and is not an OSD yet, then "
                            + "add it there with `microceph disk add \(disk.path)\(disk.wipe ? " --wipe" : "")`",
                         run: { ctx in
                             guard let ceph else { throw BootstrapError("no MicroCeph API is available") }
                             do {
                                 try await CephDiskAddition(ceph: ceph, member: member, disk: disk, confirmWithin: confirm).run(ctx)
                             } catch {
                                 throw CephDiskAddition.setback(error, member: member, path: disk.path) ?? error
                             }
                         }))
                turn = id
            }
        }
        add(Step(id: .cephReplication, member: nil, title: "Set Ceph replication",
                 phase: BootstrapPhase.storage, budget: budgets.replication,
                 dependsOn: [.bootstrap(.microceph)] + joinIDs + diskSteps,
                 skipReason: cephPlanned ? nil : "MicroCeph not installed",
                 run: { _ in
                     guard let ceph else { throw BootstrapError("no MicroCeph API is available") }
                     let osds = try await ceph.disks().count
                     guard osds > 0 else { throw StepSkipped("no OSDs yet") }
                     let size = min(osds, 3)
                     let ours: Set = [".mgr", "lxd_remote", "lxd_cephfs", "lxd_cephfs_data", "lxd_cephfs_meta"]
                     let low = try await ceph.poolSizes().filter { ours.contains($0.key) && $0.value < size }.keys.sorted()
                     try await ceph.setPoolSize(low.isEmpty ? [""] : low, size: size)
                 }))
    }
}

/// One disk becoming an OSD, with the events an operator watches: wiping and adding (one MicroCeph call), then the
/// OSD confirmed from the cluster's own list (`GET /1.0/disks`), not only from the call's return.
struct CephDiskAddition: Sendable {
    let ceph: any CephAPI
    let member: String
    let disk: DiskChoice
    let confirmWithin: Duration

    /// MicroCeph's words for a refusal the operator can fix, with that fix; nil for any other failure (the step's
    /// standing advice holds).
    static func setback(_ error: any Error, member: String, path: String) -> StepSetback? {
        let says = "\(error)"
        let fix: String
        if says.contains("use --wipe to override") {
            fix = "\(path) on \(member) holds data. If it may be erased, add it with `microceph disk add \(path) --wipe` on \(member)"
        } else if says.contains("currently mounted") {
            fix = "\(path) is mounted on \(member): unmount it (and remove it from /etc/fstab), then add it with "
                + "`microceph disk add \(path) --wipe` on \(member)"
        } else if says.contains("entry already exists") {
            fix = "\(path) on \(member) is already an OSD of this cluster: nothing to add (`microceph disk list` shows it)"
        } else {
            return nil
        }
        return StepSetback(says, advice: fix)
    }

    func run(_ ctx: StepContext) async throws {
        let path = disk.path
        let before = Set(try await ceph.disks().filter { $0.location == member }.map(\.osd))
        // The words are CephDiskProgress's states: the wizard and the preseed output show them per disk.
        ctx.progress(disk.wipe ? "wiping and adding" : "adding", fraction: 0)
        try await ceph.addDisk(disk, target: member)
        ctx.progress("waiting until up and in", fraction: 0.8)
        let found = Locked<CephDisk?>(nil)
        try await waitUntil(within: confirmWithin, what: "MicroCeph to list \(path) on \(member) as an OSD") {
            let osd = Self.confirmed(path, on: member, before: before, listed: try await ceph.disks())
            found.withLock { $0 = osd }
            return osd != nil
        }
        ctx.progress("osd.\(found.current?.osd ?? -1) listed by the cluster", fraction: 1)
    }

    /// The OSD a disk became, from the cluster's list: MicroCeph records it under the device's stable name
    /// (`/dev/disk/by-id/…`, else `/dev/disk/by-path/…`: setStablePath in microceph's ceph/osd.go), so `/dev/sdb` comes
    /// back as another string for the same device. A member's disks go to MicroCeph one at a time (and it adds one at
    /// a time), so the OSD new on that member since this disk's turn began is this disk's; the path sent, if MicroCeph
    /// kept it, settles it when more than one is new (an operator adding a disk by hand meanwhile).
    static func confirmed(_ path: String, on member: String, before: Set<Int>, listed: [CephDisk]) -> CephDisk? {
        let fresh = listed.filter { $0.location == member && !before.contains($0.osd) }
        if let same = fresh.first(where: { $0.path == path }) { return same }
        return fresh.count == 1 ? fresh[0] : nil
    }
}
