import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct DiskTests {
    /// A disk exactly as LXD 5.0 returns it in GET /1.0/resources.
    static let resourcesJSON = """
    {"cpu":{"architecture":"x86_64"},"memory":{"total":8589934592},
     "storage":{"disks":[
      {"id":"sda","device":"8:0","model":"QEMU HARDDISK","type":"scsi","read_only":false,"size":8589934592,
       "removable":false,"wwn":"","numa_node":0,"device_path":"pci-0000:00:05.0-scsi-0:0:0:0","block_size":512,
       "firmware_version":"2.5+","rpm":1,"serial":"lxd_root","device_id":"scsi-0QEMU_QEMU_HARDDISK_lxd_root",
       "partitions":[{"id":"sda1","device":"8:1","read_only":false,"size":1048576,"partition":1},
                     {"id":"sda2","device":"8:2","read_only":false,"size":8587837440,"partition":2}]},
      {"id":"sdb","device":"8:16","model":"QEMU HARDDISK","type":"scsi","read_only":false,"size":10737418240,
       "removable":false,"wwn":"","numa_node":0,"device_path":"pci-0000:00:05.0-scsi-0:0:0:1","block_size":512,
       "firmware_version":"2.5+","rpm":1,"serial":"lxd_disk1","device_id":"scsi-0QEMU_QEMU_HARDDISK_lxd_disk1",
       "partitions":[]},
      {"id":"vdb","device":"252:16","model":"","type":"virtio","read_only":true,"size":1073741824,
       "removable":false,"wwn":"","numa_node":0,"device_path":"","block_size":512,"firmware_version":"",
       "rpm":0,"serial":"","device_id":"","partitions":[]},
      {"id":"sr0","device":"11:0","model":"QEMU DVD-ROM","type":"cdrom","read_only":true,"size":0,
       "removable":true,"numa_node":0,"device_path":"pci-0000:00:01.1-ata-2","block_size":2048,"rpm":0,
       "device_id":"ata-QEMU_DVD-ROM_QM00003","partitions":[]}
     ],"total":4}}
    """

    @Test func decodesLXDResources() throws {
        let disks = try JSONDecoder().decode(LXDResources.self, from: Data(Self.resourcesJSON.utf8)).disks
        #expect(disks.map(\.id) == ["sda", "sdb", "vdb", "sr0"])
        let sdb = disks[1]
        #expect(sdb.size == 10_737_418_240 && sdb.model == "QEMU HARDDISK" && sdb.serial == "lxd_disk1")
        #expect(sdb.deviceID == "scsi-0QEMU_QEMU_HARDDISK_lxd_disk1" && sdb.blockSize == 512 && sdb.rpm == 1)
        #expect(disks[0].partitionCount == 2)
        #expect(disks[2].readOnly)
        #expect(sdb.capacity == "10.00GiB")
    }

    @Test func displayPathPrefersByIdThenByPathThenDev() throws {
        let disks = try JSONDecoder().decode(LXDResources.self, from: Data(Self.resourcesJSON.utf8)).disks
        #expect(disks[1].path == "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1")
        #expect(Disk(id: "sdx", devicePath: "pci-0000:00:05.0-scsi-0:0:0:9").path
                == "/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:0:9")
        #expect(disks[2].path == "/dev/vdb")
        #expect(disks[1].isNamed("/dev/sdb") && disks[1].isNamed("/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:0:1"))
    }

    @Test func availabilityExcludesPartitionedAndOptical() throws {
        let disks = try JSONDecoder().decode(LXDResources.self, from: Data(Self.resourcesJSON.utf8)).disks
        #expect(disks.map(\.isAvailable) == [false, true, false, false],
                "a read-only disk is not offered: the plan's disk rule (Disk.refusal) would refuse it")
    }

    @Test func encodesBackToTheSameDisk() throws {
        let disks = try JSONDecoder().decode(LXDResources.self, from: Data(Self.resourcesJSON.utf8)).disks
        let again = try JSONDecoder().decode([Disk].self, from: JSONEncoder().encode(disks))
        #expect(again == disks)
    }

    @Test(arguments: [(UInt64(0), "0B"), (512, "512B"), (1024, "1.00KiB"), (1536, "1.50KiB"),
                      (10 << 30, "10.00GiB"), (500_107_862_016, "465.76GiB"), (3 << 40, "3.00TiB")])
    func capacityInIECUnits(bytes: UInt64, text: String) {
        #expect(formatIEC(bytes) == text)
    }

    @Test(arguments: [("10GiB", UInt64(10) << 30), ("10GB", 10_000_000_000), ("512", 512), ("1kB", 1000),
                      ("1KiB", 1024), ("1.5GiB", 1_610_612_736), ("2TB", 2_000_000_000_000), ("1EiB", 1 << 60),
                      ("3 MiB", 3 << 20), ("7B", 7)])
    func parsesByteSizes(text: String, bytes: UInt64) {
        #expect(parseByteSize(text) == bytes)
    }

    @Test(arguments: ["", "GiB", "10XB", "ten", "1.2.3GB", "10 G", "-1GB", "20EiB"])
    func rejectsBadSizes(text: String) {
        #expect(parseByteSize(text) == nil)
    }
}

@Suite struct InterfaceTests {
    @Test func classesFollowAddressesTypeAndLink() {
        let plain = NetworkInterface(name: "eth1")
        #expect(plain.isUplinkCandidate && !plain.isDedicatedCandidate)
        let addressed = NetworkInterface(name: "eth0", addresses: ["10.0.0.11/24"])
        #expect(!addressed.isUplinkCandidate && addressed.isDedicatedCandidate)
        #expect(addressed.uplinkRefusal == "it has IP addresses and is not a bridge")
        let bridge = NetworkInterface(name: "br0", type: "bridge", addresses: ["10.0.0.11/24"])
        #expect(bridge.isUplinkCandidate && bridge.isDedicatedCandidate, "an addressed bridge is both")
        let down = NetworkInterface(name: "eth3", state: "down")
        #expect(!down.isUplinkCandidate && down.uplinkRefusal == "it is not up")
        let managed = NetworkInterface(name: "lxdbr0", type: "bridge", managed: true, addresses: ["10.79.0.1/24"])
        #expect(!managed.isUplinkCandidate && !managed.isDedicatedCandidate)
        let loop = NetworkInterface(name: "lo", type: "loopback", linkType: "loopback")
        #expect(!loop.isUplinkCandidate)
        for type in ["bond", "vlan"] { #expect(NetworkInterface(name: "x", type: type).isUplinkCandidate) }
        #expect(!NetworkInterface(name: "t", type: "macvlan").isUplinkCandidate)
    }

    /// Each refusal in the words the plan's message uses after "cannot be an OVN uplink:".
    @Test(arguments: [
        (NetworkInterface(name: "lxdbr0", type: "bridge", managed: true), "it is managed by LXD"),
        (NetworkInterface(name: "eth3", state: "down"), "it is not up"),
        (NetworkInterface(name: "lo", type: "loopback", linkType: "loopback"), "it is not a broadcast (Ethernet-like) link"),
        (NetworkInterface(name: "eth0", addresses: ["10.0.0.11/24"]), "it has IP addresses and is not a bridge"),
        (NetworkInterface(name: "bond0", type: "bond", addresses: ["10.0.0.11/24"]), "it has IP addresses and is not a bridge"),
        (NetworkInterface(name: "mv0", type: "macvlan"), "its type macvlan cannot carry an uplink"),
    ])
    func uplinkRefusals(_ iface: NetworkInterface, _ why: String) {
        #expect(!iface.isUplinkCandidate && iface.uplinkRefusal == why)
    }

    @Test func aServerWithoutCandidatesIsIneligibleForOVN() {
        var inv = Fixture.inventory(2, ovn: true)
        #expect(inv.ovnIneligibility == nil && inv.uplinkCandidates.map(\.name) == ["eth1"])
        inv.interfaces.removeAll { $0.name == "eth1" }
        #expect(inv.ovnIneligibility == "System \"micro02\" is ineligible for distributed networking. At least one "
            + "interface in state UP with no IPs assigned or a bridge is required")
        inv.interfaces.append(NetworkInterface(name: "br0", type: "bridge", addresses: ["10.0.0.12/24"]))
        #expect(inv.ovnIneligibility == nil, "an addressed bridge can still be an uplink")
    }

    @Test func builtFromLXDKeepsGlobalAddressesOnly() throws {
        let net = try JSONDecoder().decode(LXDNetwork.self, from: Data("""
        {"name":"eth0","type":"physical","managed":false,"description":"","status":"","used_by":[],"config":{}}
        """.utf8))
        let state = try JSONDecoder().decode(LXDNetworkState.self, from: Data("""
        {"addresses":[{"family":"inet","address":"10.0.0.11","netmask":"24","scope":"global"},
                      {"family":"inet6","address":"fe80::216:3eff:fe00:1","netmask":"64","scope":"link"},
                      {"family":"inet6","address":"fd42::11","netmask":"64","scope":"global"}],
         "counters":{"bytes_received":1},"hwaddr":"00:16:3e:00:00:01","mtu":1500,"state":"up","type":"broadcast"}
        """.utf8))
        let iface = NetworkInterface(network: net, state: state)
        #expect(iface.addresses == ["10.0.0.11/24", "fd42::11/64"])
        #expect(iface.isDedicatedCandidate && iface.linkType == "broadcast")
    }

    @Test func inventoryPicksAlphabeticalUplinkAndSubnetInterface() throws {
        var inv = Fixture.inventory(1)
        inv.interfaces.append(NetworkInterface(name: "enp9s0"))
        #expect(inv.uplinkCandidates.map(\.name) == ["enp9s0", "eth1"])
        let hit = try #require(inv.interface(in: CIDR("10.0.1.0/24")!))
        #expect(hit.interface.name == "eth2" && hit.address == "10.0.1.11/24")
        #expect(inv.availableDisks.map(\.id) == ["nvme0n1", "sdb", "sdc"])
    }
}

@Suite struct SmallModelTests {
    @Test func shortFingerprintIsTwelveLowerHex() {
        let s = Server(name: "micro01", address: "10.0.0.11", fingerprint: "AB:CD:EF:01:23:45:67:89:AB", version: "3.3")
        #expect(s.shortFingerprint == "abcdef012345")
        #expect(s.id == "micro01" && s.state == .discovered)
    }

    @Test func naturalOrderComparesNumbersByValue() {
        let names = ["micro10", "micro2", "micro1", "alpha", "micro02"]
        #expect(names.sorted(by: naturalLess) == ["alpha", "micro1", "micro02", "micro2", "micro10"])
    }

    @Test func servicesSortInBootstrapOrderAndEncodeAsKeys() throws {
        #expect([ServiceKind.microovn, .lxd, .microcloud, .microceph].sorted() == [.microcloud, .lxd, .microceph, .microovn])
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        let text = String(decoding: try enc.encode([ServiceKind.lxd: "5.0.2"]), as: UTF8.self)
        #expect(text == #"{"LXD":"5.0.2"}"#)
        let inv = Fixture.inventory(1, ceph: true)
        #expect(try JSONDecoder().decode(Inventory.self, from: enc.encode(inv)) == inv)
    }

    @Test func localPoolPlannerPrefersZFSThenBtrfsThenDir() {
        #expect(LocalPoolPlanner.choose(storageDrivers: ["dir", "btrfs", "zfs", "lvm"])?.driver == "zfs")
        let lab = LocalPoolPlanner.choose(storageDrivers: ["ceph", "btrfs", "dir", "lvm"])
        #expect(lab?.driver == "btrfs" && lab?.description == "Local storage on Btrfs" && lab?.name == "local")
        #expect(LocalPoolPlanner.choose(storageDrivers: ["dir"])?.description == "Local storage in a directory")
        #expect(LocalPoolPlanner.choose(storageDrivers: ["zfs"])?.description == "Local storage on ZFS")
        #expect(LocalPoolPlanner.choose(storageDrivers: ["lvm"]) == nil)
        let mixed = [Fixture.inventory(1, drivers: ["zfs", "btrfs"]), Fixture.inventory(2, drivers: ["btrfs", "dir"])]
        #expect(LocalPoolPlanner.choose(inventories: mixed)?.driver == "btrfs", "best driver every member offers")
    }

    @Test func decodesLXDServer() throws {
        let metadata = try JSONDecoder().decode(JSONValue.self, from: Data("""
        {"api_extensions":["clustering","storage_pool_source_wipe"],"api_status":"stable","api_version":"1.0",
         "auth":"trusted","config":{},"environment":{"server_name":"micro01","server_version":"5.0.2",
         "server_clustered":false,"certificate_fingerprint":"abc","storage":"",
         "storage_supported_drivers":[{"Name":"btrfs","Version":"6.2","Remote":false},
                                      {"Name":"dir","Version":"1","Remote":false},
                                      {"Name":"ceph","Version":"17.2.6","Remote":true}]}}
        """.utf8))
        let facts = LXDServer(metadata: metadata)
        #expect(facts.storageDrivers == ["btrfs", "dir", "ceph"] && facts.serverVersion == "5.0.2")
        #expect(facts.has(extension: "storage_pool_source_wipe") && !facts.clustered)
    }
}
