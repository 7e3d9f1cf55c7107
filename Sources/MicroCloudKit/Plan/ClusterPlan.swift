/// A disk picked for local storage or Ceph.
public struct DiskChoice: Codable, Hashable, Sendable {
    public var path: String
    public var wipe: Bool
    public var encrypt: Bool

    public init(path: String, wipe: Bool = false, encrypt: Bool = false) {
        self.path = path
        self.wipe = wipe
        self.encrypt = encrypt
    }
}

/// What one server contributes and gets.
public struct MemberPlan: Codable, Hashable, Sendable {
    public var name: String
    public var address: String
    public var fingerprint: String
    public var localDisk: DiskChoice?
    public var cephDisks: [DiskChoice]
    public var uplinkInterface: String?
    public var underlayIP: String?

    public init(name: String, address: String, fingerprint: String = "", localDisk: DiskChoice? = nil,
                cephDisks: [DiskChoice] = [], uplinkInterface: String? = nil, underlayIP: String? = nil) {
        self.name = name
        self.address = address
        self.fingerprint = fingerprint
        self.localDisk = localDisk
        self.cephDisks = cephDisks
        self.uplinkInterface = uplinkInterface
        self.underlayIP = underlayIP
    }
}

/// The `local` pool: one per member, on the best driver LXD offers on every member.
public struct LocalPoolPlan: Codable, Hashable, Sendable {
    public var name: String
    /// "zfs", "btrfs" or "dir".
    public var driver: String
    /// Says what it really is: "Local storage on ZFS", "Local storage on Btrfs in a loop file",
    /// "Local storage in a directory".
    public var description: String
    /// When set ("5GiB"), LXD puts the pool in a loop file of this size on each member instead of a whole disk
    /// (LXD's `size` key): for test servers whose only disks must not be touched.
    public var loopSize: String?

    public init(driver: String, name: String = "local", loopSize: String? = nil) {
        self.name = name
        self.driver = driver
        self.loopSize = loopSize
        self.description = LocalPoolPlan.describe(driver, loop: loopSize != nil)
    }

    /// zfs and btrfs take a whole disk per member unless they live in a loop file; dir takes none.
    public var needsDisk: Bool { driver != "dir" && loopSize == nil }

    static func describe(_ driver: String, loop: Bool) -> String {
        let base: String
        switch driver {
        case "zfs": base = "Local storage on ZFS"
        case "btrfs": base = "Local storage on Btrfs"
        case "dir": return "Local storage in a directory"
        case "lvm": base = "Local storage on LVM"
        default: base = "Local storage on \(driver)"
        }
        return loop ? base + " in a loop file" : base
    }
}

public struct CephPlan: Codable, Hashable, Sendable {
    /// Encrypt all new OSDs (each `DiskChoice.encrypt` carries the per-disk answer; the wizard sets both).
    public var encrypt: Bool
    /// Also create the CephFS pool `remote-fs`.
    public var cephfs: Bool
    /// Ceph cluster network (network-form CIDR), always explicit: the plan builder writes the lookup subnet when
    /// nothing else was asked for, so every path sends MicroCeph the same bootstrap request for the same intent.
    public var internalNetwork: String
    /// Ceph public network, as explicit as the internal one.
    public var publicNetwork: String

    public init(encrypt: Bool = false, cephfs: Bool = false, internalNetwork: String, publicNetwork: String) {
        self.encrypt = encrypt
        self.cephfs = cephfs
        self.internalNetwork = internalNetwork
        self.publicNetwork = publicNetwork
    }
}

/// Settings of the `UPLINK` physical network under the `default` OVN network.
public struct OVNPlan: Codable, Hashable, Sendable {
    /// Host address with prefix, e.g. "192.0.2.1/24".
    public var ipv4Gateway: String?
    /// "first-last", inside the IPv4 gateway's subnet.
    public var ipv4Range: String?
    public var ipv6Gateway: String?
    public var dnsServers: [String]

    public init(ipv4Gateway: String? = nil, ipv4Range: String? = nil, ipv6Gateway: String? = nil,
                dnsServers: [String] = []) {
        self.ipv4Gateway = ipv4Gateway
        self.ipv4Range = ipv4Range
        self.ipv6Gateway = ipv6Gateway
        self.dnsServers = dnsServers
    }
}

/// A managed LXD bridge on every member, used when OVN is not (upstream falls back to a Fan bridge; this project
/// uses a plain bridge with an explicit subnet, never "auto", so LXD never probes the network for one).
public struct BridgePlan: Codable, Hashable, Sendable {
    public var name: String
    /// Bridge address with prefix, e.g. "10.79.0.1/24".
    public var ipv4: String
    /// "none" or an IPv6 address with prefix.
    public var ipv6: String
    public var description: String

    public init(name: String = "lxdbr0", ipv4: String, ipv6: String = "none",
                description: String = "Default bridge network") {
        self.name = name
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.description = description
    }

    /// The lab default: 10.79.0.1/24, no IPv6.
    public static let standard = BridgePlan(ipv4: "10.79.0.1/24")
}

/// The whole cloud to build, as data: what the wizard or a preseed file decided. Validated as a whole before any
/// change is made; printed on the review screen; written back as a preseed file.
public struct ClusterPlan: Codable, Hashable, Sendable {
    public var initiator: String
    /// Network form CIDR the members' MicroCloud addresses are in.
    public var lookupSubnet: String
    /// Sorted by name (natural order); the initiator is one of them.
    public var members: [MemberPlan]
    public var services: [ServiceKind]
    public var localPool: LocalPoolPlan?
    public var ceph: CephPlan?
    public var ovn: OVNPlan?
    public var fallbackBridge: BridgePlan?

    public init(initiator: String, lookupSubnet: String, members: [MemberPlan],
                services: [ServiceKind] = [.microcloud, .lxd], localPool: LocalPoolPlan? = nil,
                ceph: CephPlan? = nil, ovn: OVNPlan? = nil, fallbackBridge: BridgePlan? = nil) {
        self.initiator = initiator
        self.lookupSubnet = lookupSubnet
        self.members = members.sorted { naturalLess($0.name, $1.name) }
        self.services = services.sorted()
        self.localPool = localPool
        self.ceph = ceph
        self.ovn = ovn
        self.fallbackBridge = fallbackBridge
    }

    public var usesLocalStorage: Bool { localPool != nil }
    public var usesCeph: Bool { ceph != nil && members.contains { !$0.cephDisks.isEmpty } }
    public var usesOVN: Bool { ovn != nil }

    public func member(_ name: String) -> MemberPlan? { members.first { $0.name == name } }

    /// Members that will hold at least one OSD.
    public var osdHosts: [String] { members.filter { !$0.cephDisks.isEmpty }.map(\.name) }

    /// Network the default profile's eth0 uses: "default" with OVN, else the fallback bridge.
    public var profileNetwork: String? { usesOVN ? "default" : fallbackBridge?.name }

    /// Pool the default profile's root disk uses: "remote" with Ceph, else "local".
    public var profilePool: String? { usesCeph ? "remote" : (usesLocalStorage ? localPool?.name : nil) }
}
