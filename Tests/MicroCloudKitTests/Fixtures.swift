@testable import MicroCloudKit

/// Three servers micro01…03 like the lab's: MicroCloud addresses 10.0.0.11–13/24 on eth0, an unaddressed eth1
/// (uplink candidate), eth2 on 10.0.1.0/24 (a second network for Ceph or the underlay), three empty disks, a
/// partitioned system disk and a CD drive.
enum Fixture {
    static let diskPrefix = "scsi-0QEMU_QEMU_HARDDISK_lxd_disk"

    static func disks() -> [Disk] {
        [
            Disk(id: "sda", device: "8:0", model: "QEMU HARDDISK", type: "scsi", size: 8 << 30,
                 deviceID: "scsi-0QEMU_QEMU_HARDDISK_root", devicePath: "pci-0000:00:05.0-scsi-0:0:0:0",
                 partitionCount: 2),
            Disk(id: "sdb", device: "8:16", model: "QEMU HARDDISK", type: "scsi", size: 10 << 30,
                 deviceID: diskPrefix + "1", devicePath: "pci-0000:00:05.0-scsi-0:0:0:1"),
            Disk(id: "sdc", device: "8:32", model: "QEMU HARDDISK", type: "scsi", size: 20 << 30,
                 deviceID: diskPrefix + "2", devicePath: "pci-0000:00:05.0-scsi-0:0:0:2"),
            Disk(id: "nvme0n1", device: "259:0", model: "Samsung SSD 980", type: "nvme", size: 500 << 30,
                 wwn: "eui.0025385", deviceID: "nvme-Samsung_SSD_980_S1", devicePath: "pci-0000:00:06.0-nvme-1"),
            Disk(id: "sr0", device: "11:0", model: "QEMU DVD-ROM", type: "cdrom", size: 1 << 20, removable: true),
        ]
    }

    /// The LXD API extensions the version gates ask of the features a plan uses (`VersionRules.neededExtensions`).
    static let gatedExtensions = ["clustering", "clustering_join_token", "storage_driver_ceph", "network_type_physical", "network_type_ovn"]

    static func path(_ n: Int) -> String { "/dev/disk/by-id/\(diskPrefix)\(n)" }
    static let nvme = "/dev/disk/by-id/nvme-Samsung_SSD_980_S1"

    static func inventory(_ n: Int, drivers: [String] = ["btrfs", "dir"], ceph: Bool = false, ovn: Bool = false,
                          lxdVersion: String = "5.21.3") -> Inventory {
        var services: [ServiceKind: String] = [.microcloud: "3.3", .lxd: lxdVersion]
        if ceph { services[.microceph] = "19.2.0" }
        if ovn { services[.microovn] = "24.03" }
        return Inventory(
            name: "micro0\(n)", address: "10.0.0.1\(n)", fingerprint: "ab12cd34ef56\(n)0",
            version: "3.3", disks: disks(),
            interfaces: [
                NetworkInterface(name: "eth0", addresses: ["10.0.0.1\(n)/24"]),
                NetworkInterface(name: "eth1"),
                NetworkInterface(name: "eth2", addresses: ["10.0.1.1\(n)/24"]),
                NetworkInterface(name: "lo", type: "loopback", linkType: "loopback"),
            ],
            services: services,
            lxd: LXDServer(serverVersion: lxdVersion, apiExtensions: ["storage_pool_source_wipe"] + gatedExtensions,
                          storageDrivers: drivers, networks: ["eth0", "eth1", "eth2", "lo"]))
    }

    /// The lab: Btrfs and dir only, no MicroCeph or MicroOVN.
    static var lab: [Inventory] { (1...3).map { inventory($0) } }
    /// Everything installed, ZFS offered.
    static var full: [Inventory] { (1...3).map { inventory($0, drivers: ["zfs", "btrfs", "dir"], ceph: true, ovn: true) } }

    static func byName(_ list: [Inventory]) -> [String: Inventory] {
        Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }

    /// A lab plan that passes validation without any issue.
    static var labPlan: ClusterPlan {
        ClusterPlan(initiator: "micro01", lookupSubnet: "10.0.0.0/24",
                    members: (1...3).map { n in
                        MemberPlan(name: "micro0\(n)", address: "10.0.0.1\(n)", fingerprint: "ab12cd34ef56\(n)0",
                                   localDisk: DiskChoice(path: path(1), wipe: true))
                    },
                    services: [.microcloud, .lxd], localPool: LocalPoolPlan(driver: "btrfs"),
                    fallbackBridge: .standard)
    }

    /// A full plan (ZFS + Ceph + OVN) that passes validation without any issue.
    static var fullPlan: ClusterPlan {
        ClusterPlan(initiator: "micro01", lookupSubnet: "10.0.0.0/24",
                    members: (1...3).map { n in
                        MemberPlan(name: "micro0\(n)", address: "10.0.0.1\(n)", fingerprint: "ab12cd34ef56\(n)0",
                                   localDisk: DiskChoice(path: path(1), wipe: true),
                                   cephDisks: [DiskChoice(path: path(2), wipe: true)], uplinkInterface: "eth1")
                    },
                    services: [.microcloud, .lxd, .microceph, .microovn], localPool: LocalPoolPlan(driver: "zfs"),
                    ceph: CephPlan(cephfs: true, internalNetwork: "10.0.0.0/24", publicNetwork: "10.0.0.0/24"),
                    ovn: OVNPlan(ipv4Gateway: "10.0.0.1/24", ipv4Range: "10.0.0.100-10.0.0.200",
                                 ipv6Gateway: "fd42::1/64", dnsServers: ["10.0.0.1"]))
    }
}

extension ClusterPlan {
    /// Changes one member in place.
    mutating func edit(_ name: String, _ change: (inout MemberPlan) -> Void) {
        if let i = members.firstIndex(where: { $0.name == name }) { change(&members[i]) }
    }

    /// Changes every member.
    mutating func editAll(_ change: (inout MemberPlan) -> Void) {
        for i in members.indices { change(&members[i]) }
    }
}
