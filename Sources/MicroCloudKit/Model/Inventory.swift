/// Everything the planner knows about one server: gathered once, before planning.
public struct Inventory: Codable, Hashable, Sendable {
    public var name: String
    /// The server's MicroCloud address (inside the lookup subnet).
    public var address: String
    public var fingerprint: String
    /// MicroCloud version.
    public var version: String
    public var disks: [Disk]
    public var interfaces: [NetworkInterface]
    /// Installed services and their versions.
    public var services: [ServiceKind: String]
    public var lxd: LXDServer

    public init(name: String, address: String, fingerprint: String = "", version: String = "",
                disks: [Disk] = [], interfaces: [NetworkInterface] = [],
                services: [ServiceKind: String] = [:], lxd: LXDServer = LXDServer()) {
        self.name = name
        self.address = address
        self.fingerprint = fingerprint
        self.version = version
        self.disks = disks
        self.interfaces = interfaces
        self.services = services
        self.lxd = lxd
    }

    /// Disks that may be offered for local storage or Ceph, in natural order of their path.
    public var availableDisks: [Disk] {
        disks.filter(\.isAvailable).sorted { naturalLess($0.path, $1.path) }
    }

    public func disk(named path: String) -> Disk? { disks.first { $0.isNamed(path) } }

    public func interface(named name: String) -> NetworkInterface? { interfaces.first { $0.name == name } }

    /// Uplink candidates in alphabetical order (the preseed default picks the first).
    public var uplinkCandidates: [NetworkInterface] {
        interfaces.filter(\.isUplinkCandidate).sorted { $0.name < $1.name }
    }

    /// Addressed interfaces, for Ceph networks and the OVN underlay.
    public var dedicatedInterfaces: [NetworkInterface] {
        interfaces.filter(\.isDedicatedCandidate).sorted { $0.name < $1.name }
    }

    /// The first interface with an address inside `subnet`, and that address.
    public func interface(in subnet: CIDR) -> (interface: NetworkInterface, address: String)? {
        for iface in dedicatedInterfaces {
            if let a = iface.address(in: subnet) { return (iface, a) }
        }
        return nil
    }

    /// Every global address of the server, with its prefix.
    public var allAddresses: [CIDR] { interfaces.flatMap(\.cidrs) }
}
