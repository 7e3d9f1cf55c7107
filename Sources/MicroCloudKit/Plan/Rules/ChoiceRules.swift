// Rules about what was picked per member (one local disk each, one uplink each, OSDs on at least three), with the
// words the wizard shows under its tables and the plan's validation reports.

public enum ChoiceRules {
    public static func missingLocalDisk(_ member: String) -> String {
        "No local disk chosen for \"\(member)\". Select exactly one disk on every member for local storage, or skip "
            + "local storage."
    }

    public static func missingUplink(_ member: String) -> String {
        "No uplink interface chosen for \"\(member)\". Select one interface on every member to provide external "
            + "connectivity for OVN."
    }

    /// The HA warning of upstream's cmd/microcloud/ask.go when 1 or 2 members hold OSDs, else nil.
    public static func faultToleranceWarning(osdHosts: Int) -> String? {
        guard osdHosts > 0 && osdHosts < 3 else { return nil }
        return "Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply "
            + "disks (\(osdHosts) currently supplying). Continuing with this configuration will inhibit MicroCloud's "
            + "ability to retain data on system failure"
    }

    /// Why CephFS is not offered (upstream's cmd/microcloud/ask.go: only when LXD can create the file system itself, with the
    /// `storage_cephfs_create_missing` extension on every member), or nil when it is. Upstream only logs this.
    public static func cephFSUnavailable(_ inventories: [Inventory]) -> String? {
        let lacking = inventories.filter { !$0.lxd.has(extension: "storage_cephfs_create_missing") }.map(\.name)
        guard !lacking.isEmpty else { return nil }
        return "CephFS is not offered: LXD on \(sentenceList(lacking)) lacks the storage_cephfs_create_missing "
            + "extension, which creating the remote-fs pool needs. Upgrade LXD to set up CephFS."
    }

    /// No storage driver for the `local` pool is offered by every member.
    public static let noCommonDriver = "LXD offers none of the zfs, btrfs or dir storage drivers on every server. "
        + "Install ZFS or Btrfs support for local storage."
}
