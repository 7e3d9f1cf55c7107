// What the fuzz inputs run against: three servers, the joiner's certificate the seed intents carry, the peer.
import MicroCloudKit
@_spi(Fuzzing) import MicroCloudNet
import NIOCore

public enum FuzzFixtures {
    /// Three servers like the lab's, with every service, ZFS, an uplink candidate and a second network.
    public static let servers: [Inventory] = (1...3).map { n in
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
            lxd: LXDServer(serverVersion: "5.0.2", apiExtensions: ["storage_pool_source_wipe", "clustering", "clustering_join_token", "storage_driver_ceph", "network_type_physical", "network_type_ovn"],
                           storageDrivers: ["zfs", "btrfs", "dir"], networks: ["eth0", "eth1", "eth2", "lo"]))
    }

    /// The session's key. scrypt's cost is the point in the product (a guess costs a fraction of a second) and would
    /// hold the fuzzer to a few inputs a second; the key derivation is the one thing replaced here, by HMAC of the
    /// salt under the passphrase.
    public static let key = JoinKey(salt: salt, key: Crypto.hmacSHA256(key: Array("fuzz passphrase".utf8), data: salt))
    public static let salt: [UInt8] = Array(repeating: 0x5a, count: 16)

    public static let initiatorServices = ["microcloud": "3.3", "lxd": "5.0.2", "microceph": "19.2.0", "microovn": "24.03"]

    /// The joiner's certificate, which the seed intents carry: the TLS client is the server that signed the intent.
    public static let clientCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBrDCCAVOgAwIBAgIUNzNANlZDa42NPabOY0fkEY27ODAwCgYIKoZIzj0EAwIw
        KzETMBEGA1UECgwKbWljcm9jbG91ZDEUMBIGA1UEAwwLZnV6ei1qb2luZXIwIBcN
        MjYxMjAyMDEyMjA5WhgPMjEyNjExMDgwMTIyMDlaMCsxEzARBgNVBAoMCm1pY3Jv
        Y2xvdWQxFDASBgNVBAMMC2Z1enotam9pbmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0D
        AQcDQgAEjgD18Sba9BPXzgH9BThk+8Ovvn9HZxcod+o/gSCtAEuSX2w0GXEK0XKg
        9xRLSNFO5QpHto3O/SIhF88kbyamsKNTMFEwHQYDVR0OBBYEFIh2KpXI/L9YX9cS
        sEeQ7d6te1KZMB8GA1UdIwQYMBaAFIh2KpXI/L9YX9cSsEeQ7d6te1KZMA8GA1Ud
        EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgDHTAsL4LVgTxCtU+/HeE0Kq3
        O4hl7HWFAE1F0OSKfBICIEbC9aDfQ7jIsatkL2/Pueuso+n7n1sZIRVGspm1UJ6d
        -----END CERTIFICATE-----

        """
    public static let clientFingerprint = try! Identity.fingerprint(ofPEM: clientCertificate)

    /// The TCP peer of the peer-request connections, and of the join intents (the seed intents' own address).
    public static let peer = try! SocketAddress(ipAddress: "10.0.0.12", port: 40000)
    public static let peerAddress = "10.0.0.12:40000"
}
