import Foundation
@testable import MicroCloudKit
@testable import MicroCloudTUI

/// Drives the pure wizard in tests: messages in, state and effects collected, screens drawn on demand.
struct WizardDriver {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let small = Size(width: 80, height: 24)
    static let large = Size(width: 132, height: 43)

    var state: WizardState
    var effects: [WizardEffect] = []

    init(size: Size = WizardDriver.small) {
        state = Wizard.start(now: Self.t0, size: size)
    }

    @discardableResult
    mutating func send(_ message: WizardMessage) -> [WizardEffect] {
        let (next, fx) = Wizard.update(state, message)
        state = next
        effects += fx
        return fx
    }

    @discardableResult
    mutating func key(_ keys: Key...) -> [WizardEffect] {
        keys.flatMap { send(.key($0)) }
    }

    mutating func type(_ text: String) {
        for c in text { send(.key(.char(c))) }
    }

    func screen(_ size: Size? = nil) -> Screen { Wizard.view(state, size ?? state.size) }
    var text: String { screen().plainText }
    /// The screen's words with line breaks and column padding folded into single spaces, so a check does not depend
    /// on where a long line wrapped.
    var flat: String {
        screen().lines.map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Servers, disks and interfaces for a three-server cloud with everything installed, and for the lab (LXD only).
enum Fixtures {
    static let addresses = [HostAddress(interface: "enp5s0", cidr: "10.0.0.1/24"),
                            HostAddress(interface: "enp7s0", cidr: "fd42:0:0:1::1/64")]

    static func server(_ n: Int, state: ServerState = .discovered) -> Server {
        Server(name: "micro0\(n)", address: "10.0.0.\(n)", fingerprint: Fingerprint(String(repeating: "\(n)", count: 8) + "abcdef0123456789"),
               version: "2.1.0", state: state)
    }

    static func disks(_ n: Int) -> [Disk] {
        [Disk(id: "sdb", model: "QEMU HARDDISK", size: 10 * 1_073_741_824, deviceID: "scsi-0QEMU_disk\(n)b"),
         Disk(id: "sdc", model: "QEMU HARDDISK", size: 20 * 1_073_741_824, deviceID: "scsi-0QEMU_disk\(n)c"),
         Disk(id: "sdd", model: "Samsung SSD 870", type: "nvme", size: 500 * 1_073_741_824, deviceID: "nvme-disk\(n)d"),
         Disk(id: "sda", model: "QEMU HARDDISK", size: 40 * 1_073_741_824, deviceID: "scsi-0QEMU_root\(n)",
              partitionCount: 2)]
    }

    /// micro02 offers no ZFS: the local pool is Btrfs.
    static func inventory(_ n: Int, full: Bool = true) -> Inventory {
        var services: [ServiceKind: String] = [.microcloud: "2.1.0", .lxd: "5.21.3"]
        if full {
            services[.microceph] = "19.2.0"
            services[.microovn] = "24.03.2"
        }
        return Inventory(
            name: "micro0\(n)", address: "10.0.0.\(n)", fingerprint: server(n).fingerprint.hex, version: "2.1.0",
            disks: disks(n),
            interfaces: [NetworkInterface(name: "enp5s0", addresses: ["10.0.0.\(n)/24"]),
                         NetworkInterface(name: "enp6s0"),
                         NetworkInterface(name: "enp8s0", addresses: ["10.0.1.\(n)/24"])],
            services: services,
            lxd: LXDServer(serverVersion: "5.21.3", apiExtensions: ["storage_pool_source_wipe", "storage_cephfs_create_missing"] + LXDServer.fixtureExtensions,
                          storageDrivers: n == 2 ? ["btrfs", "dir"] : ["zfs", "btrfs", "dir"]))
    }

    static func inventories(_ count: Int = 3, full: Bool = true) -> [Inventory] {
        (1...count).map { inventory($0, full: full) }
    }

    /// Address picked, session open, micro02 and micro03 verified, micro04 only discovered.
    static func atServers(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = WizardDriver(size: size)
        d.send(.addresses(addresses))
        d.key(.char(" "), .enter)
        d.send(.sessionOpened(passphrase: "pilot orbit canvas ember", expiresAt: WizardDriver.t0.addingTimeInterval(3541),
                              localName: "micro01", localFingerprint: "0a1b2c3d4e5f60718293a4b5c6d7e8f9"))
        for n in 2...4 { d.send(.discovery(server(n))) }
        d.send(.intent(server(2)))
        d.send(.intent(server(3)))
        return d
    }

    /// Servers confirmed and inventories in: the wizard is on its first question.
    static func atQuestions(_ size: Size = WizardDriver.small, full: Bool = true) -> WizardDriver {
        var d = atServers(size)
        d.key(.right, .enter)
        d.send(.inventories(inventories(full: full), problems: []))
        return d
    }

    /// Local disks: the first disk on every server, micro01's marked for wiping.
    static func afterLocal(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = atQuestions(size)
        d.key(.right, .tab, .enter)
        return d
    }

    /// Ceph: sdc on micro01 and micro02, no encryption, CephFS.
    static func afterCeph(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = afterLocal(size)
        d.key(.char(" "), .down, .down, .char(" "), .enter)  // micro01 sdb, micro02 sdb
        d.key(.enter, .enter)  // encrypt: no (default), CephFS: yes (default)
        return d
    }

    static func afterCephNetworks(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = afterCeph(size)
        d.key(.enter, .enter)
        return d
    }

    static func afterUplinks(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = afterCephNetworks(size)
        d.key(.right, .enter)
        return d
    }

    /// Uplink addresses answered: at the question about a dedicated underlay.
    static func atUnderlay(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = afterUplinks(size)
        d.type("192.0.2.1/24")
        d.key(.tab)
        d.type("192.0.2.100")
        d.key(.tab)
        d.type("192.0.2.254")
        d.key(.enter, .enter, .enter)
        return d
    }

    /// The whole plan answered: at the summary.
    static func atSummary(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = atUnderlay(size)
        d.key(.enter)  // no dedicated underlay (the default)
        return d
    }

    /// The lab's plan (LXD only, a local disk each) confirmed: the wizard on its progress screen.
    static func labRun(_ size: Size = WizardDriver.small) -> WizardDriver {
        var d = atQuestions(size, full: false)
        d.key(.right, .enter)   // a local disk each: the summary
        d.key(.end, .enter)     // set up the cloud
        return d
    }

    /// The full plan's first steps, in an order its step graph allows (the lab cannot run MicroCeph or MicroOVN
    /// yet, so there is no recording of it): joins one after another, each Ceph disk its own step once its member joined.
    static let disk1 = "/dev/disk/by-id/scsi-0QEMU_disk1b", disk2 = "/dev/disk/by-id/scsi-0QEMU_disk2b"

    static let fullRunEvents: [WizardMessage] = [
        event("microceph.bootstrap", "micro01", "Bootstrap MicroCeph on micro01", .started(budget: 120), at: 0),
        event("microceph.bootstrap", "micro01", "Bootstrap MicroCeph on micro01", .succeeded(elapsed: 12), at: 12),
        event("lxd.enable-clustering", "micro01", "Enable LXD clustering on micro01", .started(budget: 120), at: 12),
        event("lxd.enable-clustering", "micro01", "Enable LXD clustering on micro01", .succeeded(elapsed: 6), at: 18),
        event("lxd.token.micro02", "micro02", "Issue LXD join token for micro02", .started(budget: 60), at: 18),
        event("lxd.token.micro03", "micro03", "Issue LXD join token for micro03", .started(budget: 60), at: 18),
        event("lxd.token.micro02", "micro02", "Issue LXD join token for micro02", .succeeded(elapsed: 1), at: 19),
        event("lxd.token.micro03", "micro03", "Issue LXD join token for micro03", .succeeded(elapsed: 1), at: 19),
        event("join.micro02", "micro02", "Join micro02", .started(budget: 300), at: 19),
        event("join.micro02", "micro02", "Join micro02", .progress(fraction: nil, message: "Joining LXD"), at: 20),
        event("join.micro02", "micro02", "Join micro02", .succeeded(elapsed: 21), at: 40),
        event("join.micro03", "micro03", "Join micro03", .started(budget: 300), at: 40),
        event("join.micro03", "micro03", "Join micro03", .progress(fraction: nil, message: "Joining LXD"), at: 41),
        // Each Ceph disk is its own step, started as soon as its member is a MicroCeph member.
        event(.cephDisk("micro02", disk2), "micro02", "Add Ceph disk on micro02", .started(budget: 600), at: 41),
        event(.cephDisk("micro02", disk2), "micro02", "Add Ceph disk on micro02", .progress(fraction: nil, message: "wiping"), at: 42),
        event(.cephDisk("micro02", disk2), "micro02", "Add Ceph disk on micro02", .succeeded(elapsed: 5), at: 46),
    ]

    /// How the full run ends when micro03's join is refused: the engine's report for it.
    static var fullRunFailure: BootstrapReport {
        var r = BootstrapReport()
        let join = BootstrapReport.StepRecord(id: "join.micro03", member: "micro03", title: "Join micro03", seconds: 10)
        r.failure = BootstrapReport.Failure(step: join, message: "micro03: LXD refused the join: certificate mismatch")
        r.undone = [.init(id: "lxd.token.micro03", member: "micro03", title: "Issue LXD join token for micro03")]
        r.notRun = (1...9).map { .init(id: StepID("s\($0)"), member: nil, title: "Step \($0)") }
        r.remains = ["LXD on micro02 is now a cluster member; to start over, remove it with `lxc cluster remove micro02 --force`"]
        return r
    }

    static func event(_ id: StepID, _ member: String?, _ title: String, _ kind: ProgressEvent.Kind, at seconds: Double)
        -> WizardMessage {
        .progress(ProgressEvent(stepID: id, member: member, title: title, kind: kind,
                                time: WizardDriver.t0.addingTimeInterval(seconds)))
    }

    static func snapshot() -> ClusterSnapshot {
        ClusterSnapshot(
            members: (1...3).map {
                LXDClusterMember(serverName: "micro0\($0)", url: "https://10.0.0.\($0):8443",
                                 roles: $0 == 1 ? ["database-leader", "database"] : ["database"])
            },
            pools: [LXDStoragePool(name: "local", driver: "btrfs", description: "Local storage on Btrfs", usedBy: ["/1.0/profiles/default"]),
                    LXDStoragePool(name: "remote", driver: "ceph", description: "Distributed storage on Ceph")],
            networks: [LXDNetwork(name: "UPLINK", type: "physical", managed: true, description: "", status: "Created"),
                       LXDNetwork(name: "default", type: "ovn", managed: true, description: "Default OVN network",
                                  status: "Created", config: ["ipv4.address": "10.182.21.1/24"]),
                       LXDNetwork(name: "enp5s0", type: "physical")],
            profile: LXDProfile(name: "default", description: "Default LXD profile",
                                devices: ["root": ["type": "disk", "path": "/", "pool": "remote"],
                                          "eth0": ["type": "nic", "name": "eth0", "network": "default"]]))
    }
}

/// What real lab bootstraps recorded (Golden/recorded-*): events as the wizard writes them to bootstrap.log
/// (`LabSuite.Wizard` keeps a copy of its run's; `LabSuite.RealLXD` of its failed run, with the report), moved
/// onto the test clock so the first event is at `WizardDriver.t0`, and the cluster `microcloud status --format
/// json` read back afterwards.
enum Recorded {
    static let labBootstrap = events("recorded-lab-bootstrap.jsonl")
    static let labFailure = events("recorded-lab-failure.jsonl")
    static let labFailureReport: BootstrapReport = decode("recorded-lab-failure-report.json")
    static let labSnapshot: ClusterSnapshot = decode("recorded-lab-snapshot.json")

    static func data(_ name: String) -> Data {
        (try? Data(contentsOf: Golden.directory.appendingPathComponent(name))) ?? Data()
    }

    static func decode<T: Decodable>(_ name: String) -> T {
        try! JSONDecoder().decode(T.self, from: data(name))
    }

    static func events(_ name: String) -> [ProgressEvent] {
        let lines = String(decoding: data(name), as: UTF8.self).split(separator: "\n")
        let events = lines.map { try! JSONDecoder().decode(ProgressEvent.self, from: Data($0.utf8)) }
        guard let first = events.first?.time else { return [] }
        return events.map { e in
            var moved = e
            moved.time = WizardDriver.t0.addingTimeInterval(e.time.timeIntervalSince(first))
            return moved
        }
    }
}

extension LXDServer {
    /// The LXD API extensions the version gates ask of the features a plan uses (`VersionRules.neededExtensions`).
    static let fixtureExtensions = ["clustering", "clustering_join_token", "storage_driver_ceph", "network_type_physical", "network_type_ovn"]
}
