// libFuzzer target: a preseed file as `microcloud preseed` reads it (bytes → text → parse → validate), then as the
// initiator resolves it against three servers, and the plan written back as YAML. A clean error is fine; a crash,
// a hang (-timeout) or a memory blow-up (-rss_limit_mb) is a finding.
import CFuzzerDriver
import Glibc
import MicroCloudKit

@main enum FuzzPreseed {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzPreseed(data!, size) })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPreseed(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let (preseed, _) = try? Preseed.parse(yaml) else { return 0 }
    _ = preseed.validate()
    _ = preseed.role(localName: "micro01", localAddresses: ["10.0.0.11/24"])
    let (plan, _) = preseed.resolve(inventories: servers, localName: preseed.initiator ?? "micro01")
    if let plan {
        _ = plan.summaryText
        _ = try? Preseed.parse(plan.preseedYAML(passphrase: preseed.sessionPassphrase))
    }
    return 0
}

/// Three servers like the lab's, with every service, ZFS, an uplink candidate and a second network.
let servers: [Inventory] = (1...3).map { n in
    return Inventory(
        name: "micro0\(n)", address: "10.0.0.1\(n)", fingerprint: "ab12cd34ef56\(n)0", version: "3.3",
        disks: [
            Disk(id: "sda", device: "8:0", model: "QEMU HARDDISK", type: "scsi", size: 8 << 30,
                 deviceID: "scsi-0QEMU_QEMU_HARDDISK_root", devicePath: "pci-0000:00:05.0-scsi-0:0:0:0",
                 partitionCount: 2),
            Disk(id: "sdb", device: "8:16", model: "QEMU HARDDISK", type: "scsi", size: 10 << 30,
                 deviceID: "scsi-0QEMU_QEMU_HARDDISK_lxd_disk1", devicePath: "pci-0000:00:05.0-scsi-0:0:0:1"),
            Disk(id: "sdc", device: "8:32", model: "QEMU HARDDISK", type: "scsi", size: 20 << 30,
                 deviceID: "scsi-0QEMU_QEMU_HARDDISK_lxd_disk2", devicePath: "pci-0000:00:05.0-scsi-0:0:0:2"),
            Disk(id: "nvme0n1", device: "259:0", model: "Samsung SSD 980", type: "nvme", size: 500 << 30,
                 wwn: "eui.0025385", deviceID: "nvme-Samsung_SSD_980_S1", devicePath: "pci-0000:00:06.0-nvme-1"),
            Disk(id: "sr0", device: "11:0", model: "QEMU DVD-ROM", type: "cdrom", size: 1 << 20, removable: true),
        ],
        interfaces: [
            NetworkInterface(name: "eth0", addresses: ["10.0.0.1\(n)/24"]),
            NetworkInterface(name: "eth1"),
            NetworkInterface(name: "eth2", addresses: ["10.0.1.1\(n)/24"]),
            NetworkInterface(name: "lo", type: "loopback", linkType: "loopback"),
        ],
        services: [.microcloud: "3.3", .lxd: "5.0.2", .microceph: "19.2.0", .microovn: "24.03"],
        lxd: LXDServer(serverVersion: "5.0.2", apiExtensions: ["storage_pool_source_wipe"],
                       storageDrivers: ["zfs", "btrfs", "dir"], networks: ["eth0", "eth1", "eth2", "lo"]))
}
