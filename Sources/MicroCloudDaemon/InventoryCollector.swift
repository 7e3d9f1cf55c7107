import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// Gathers this server's inventory from its own LXD (resources, networks and their state, server facts).
struct InventoryCollector {
    let lxd: any HTTPTransport
    let onlyDisks: [String]

    func collect(name: String, address: String, fingerprint: String, version: String,
                 services: [String: String]) async throws -> Inventory {
        var server = LXDServer(metadata: try await get("/1.0") as JSONValue)
        let resources: LXDResources = try await get("/1.0/resources")
        let pools: [String] = try await get("/1.0/storage-pools")
        let networks: [LXDNetwork] = try await get("/1.0/networks?recursion=1")
        server.storagePools = pools.map { lastComponent($0) }
        server.networks = networks.map(\.name)
        var interfaces: [NetworkInterface] = []
        for network in networks {
            let state: LXDNetworkState? = try? await get("/1.0/networks/\(network.name)/state")
            if let state { interfaces.append(NetworkInterface(network: network, state: state)) }
        }
        var kinds: [ServiceKind: String] = [:]
        for (key, value) in services { if let k = ServiceKind(rawValue: key) { kinds[k] = value } }
        return Inventory(name: name, address: address, fingerprint: fingerprint, version: version,
                         disks: ownDisks(resources.disks), interfaces: interfaces, services: kinds,
                         lxd: server)
    }

    /// With `--only-disk`, just those disks: LXD's own entry when it lists the device, else one read from sysfs
    /// (LXD skips loop devices, which is what the lab's disks are).
    func ownDisks(_ all: [Disk]) -> [Disk] {
        guard !onlyDisks.isEmpty else { return all }
        return onlyDisks.compactMap { path in
            all.first { $0.isNamed(path) } ?? SysfsDisk.read(path)
        }
    }

    private func get<T: Decodable>(_ path: String) async throws -> T {
        try await lxdMetadata(lxd, path)
    }
}

/// The `metadata` of a synchronous LXD answer to a GET, decoded; an error answer is thrown with LXD's message.
func lxdMetadata<T: Decodable>(_ lxd: any HTTPTransport, _ path: String) async throws -> T {
    let r = try await lxd.send(HTTPRequest(method: "GET", path: path))
    guard r.status == 200 else { throw DaemonError("LXD \(path): \(errorText(r))") }
    return try r.decode(MetadataEnvelope<T>.self).metadata
}

private struct MetadataEnvelope<T: Decodable>: Decodable { var metadata: T }

private func lastComponent(_ url: String) -> String {
    String(url.split(separator: "/").last ?? Substring(url))
}

/// A block device described from /sys/class/block, for devices LXD does not report.
enum SysfsDisk {
    static func read(_ path: String) -> Disk? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let id = URL(fileURLWithPath: resolved).lastPathComponent
        let sys = "/sys/class/block/\(id)"
        guard FileManager.default.fileExists(atPath: sys) else { return nil }
        func value(_ file: String) -> String {
            (try? String(contentsOfFile: "\(sys)/\(file)", encoding: .utf8))?.trimmedWhitespace ?? ""
        }
        let sectors = UInt64(value("size")) ?? 0
        let partitions = ((try? FileManager.default.contentsOfDirectory(atPath: sys)) ?? []).filter { $0.hasPrefix(id) }.count
        let backing = value("loop/backing_file")
        let byID = path.hasPrefix("/dev/disk/by-id/") ? String(path.dropFirst("/dev/disk/by-id/".count)) : ""
        return Disk(id: id, device: value("dev"), model: backing.isEmpty ? "Block device" : "Loop disk",
                    type: id.hasPrefix("loop") ? "loop" : "scsi", size: sectors * 512,
                    serial: backing.isEmpty ? "" : URL(fileURLWithPath: backing).lastPathComponent,
                    deviceID: byID, readOnly: value("ro") == "1", removable: value("removable") == "1",
                    partitionCount: partitions)
    }
}

extension Daemon {
    /// How old a collected inventory may be when it is asked for: a session's first request (the initiator's
    /// "Gathering system information", seconds after the session opened) takes the one collected at the opening.
    static let inventoryFreshness: Duration = .seconds(15)

    /// Starts collecting this server's inventory when a session opens: LXD's hardware scan then runs while the
    /// servers find each other and prove the passphrase, not after.
    func prefetchInventory() async {
        let collect = await inventoryCollection()
        inventoryPrefetch = (ContinuousClock.now, Task { try await collect() })
    }

    func inventoryResponse() async throws -> HTTPResponse {
        if let (at, task) = inventoryPrefetch {
            inventoryPrefetch = nil   // used once: a later request collects afresh
            if ContinuousClock.now - at < Self.inventoryFreshness, let inventory = try? await task.value { return .json(inventory) }
        }
        return .json(try await inventoryCollection()())
    }

    private func inventoryCollection() async -> @Sendable () async throws -> Inventory {
        let collector = InventoryCollector(lxd: lxd, onlyDisks: config.onlyDisks)
        let (name, address, fingerprint, version) = (name, address, identity.fingerprint, config.version)
        let services = await recentServices()
        let sockets = self.sockets
        return {
            var inventory = try await collector.collect(name: name, address: address, fingerprint: fingerprint,
                                                        version: version, services: services)
            // A disk that already is an OSD here is not offered again. A MicroCeph not yet clustered has no OSDs
            // (it answers 503): nothing to mark.
            if sockets.installed(.microceph) != nil,
               let osds = try? await MicroCephClient(transport: sockets.client(.microceph, timeout: .seconds(10))).disks() {
                // MicroCeph lists an OSD under the disk's stable path (/dev/disk/by-id/…: setStablePath in microceph's
                // ceph/osd.go); here, on the disk's own server, that link resolves to the device the inventory lists.
                let resolved = osds.filter { $0.location == name }.map { osd in
                    var o = osd
                    o.path = URL(fileURLWithPath: osd.path).resolvingSymlinksInPath().path
                    return o
                }
                inventory.markOSDs(osds + resolved)
            }
            return inventory
        }
    }
}
