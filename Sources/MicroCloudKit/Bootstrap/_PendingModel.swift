// Temporary stand-ins for the model types the `kit` branch provides (Model/, Plan/).
// Only the members the bootstrap code uses. Delete this file once `kit` is merged into main.
import Foundation

public enum ServiceKind: String, Codable, Sendable, CaseIterable {
    case microcloud = "MicroCloud"
    case lxd = "LXD"
    case microceph = "MicroCeph"
    case microovn = "MicroOVN"
}

public struct DiskChoice: Codable, Sendable, Equatable {
    public var path: String
    public var wipe: Bool
    public var encrypt: Bool
    public init(path: String, wipe: Bool = false, encrypt: Bool = false) {
        self.path = path; self.wipe = wipe; self.encrypt = encrypt
    }
}

public struct MemberPlan: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var fingerprint: String
    public var localDisk: DiskChoice?
    public var cephDisks: [DiskChoice]
    public var uplinkInterface: String?
    public var underlayIP: String?
    public init(name: String, address: String, fingerprint: String = "", localDisk: DiskChoice? = nil,
                cephDisks: [DiskChoice] = [], uplinkInterface: String? = nil, underlayIP: String? = nil) {
        self.name = name; self.address = address; self.fingerprint = fingerprint; self.localDisk = localDisk
        self.cephDisks = cephDisks; self.uplinkInterface = uplinkInterface; self.underlayIP = underlayIP
    }
}

public struct LocalPoolPlan: Codable, Sendable, Equatable {
    public var driver: String
    public var description: String
    public init(driver: String = "zfs", description: String = "Local storage on ZFS") {
        self.driver = driver; self.description = description
    }
}

public struct CephPlan: Codable, Sendable, Equatable {
    public init() {}
}

public struct OVNPlan: Codable, Sendable, Equatable {
    public var ipv4Gateway: String?
    public var ipv4Range: String?
    public var ipv6Gateway: String?
    public var dnsServers: [String]
    public init(ipv4Gateway: String? = nil, ipv4Range: String? = nil, ipv6Gateway: String? = nil, dnsServers: [String] = []) {
        self.ipv4Gateway = ipv4Gateway; self.ipv4Range = ipv4Range; self.ipv6Gateway = ipv6Gateway; self.dnsServers = dnsServers
    }
}

public struct BridgePlan: Codable, Sendable, Equatable {
    public var name: String
    public var ipv4: String?
    public var ipv6: String?
    public init(name: String, ipv4: String?, ipv6: String? = nil) { self.name = name; self.ipv4 = ipv4; self.ipv6 = ipv6 }
}

public struct ClusterPlan: Codable, Sendable, Equatable {
    public var initiator: String
    public var lookupSubnet: String
    public var members: [MemberPlan]
    public var services: [ServiceKind]
    public var localPool: LocalPoolPlan?
    public var ceph: CephPlan?
    public var ovn: OVNPlan?
    public var fallbackBridge: BridgePlan?
    public init(initiator: String, lookupSubnet: String, members: [MemberPlan], services: [ServiceKind],
                localPool: LocalPoolPlan? = nil, ceph: CephPlan? = nil, ovn: OVNPlan? = nil, fallbackBridge: BridgePlan? = nil) {
        self.initiator = initiator; self.lookupSubnet = lookupSubnet; self.members = members; self.services = services
        self.localPool = localPool; self.ceph = ceph; self.ovn = ovn; self.fallbackBridge = fallbackBridge
    }
    public var usesLocalStorage: Bool { localPool != nil }
    public var usesCeph: Bool { ceph != nil && services.contains(.microceph) }
    public var usesOVN: Bool { ovn != nil && services.contains(.microovn) }
}

public struct LXDClusterMember: Codable, Sendable, Equatable {
    public var serverName: String
    public var url: String
    public var status: String
    public var message: String
    public var roles: [String]
    enum CodingKeys: String, CodingKey { case serverName = "server_name", url, status, message, roles }
}

public struct LXDStoragePool: Codable, Sendable, Equatable {
    public var name: String
    public var driver: String
    public var description: String
    public var status: String
    public var config: [String: String]
    public var locations: [String]?
}

public struct LXDNetwork: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    public var description: String
    public var managed: Bool
    public var status: String?
    public var config: [String: String]
    public var locations: [String]?
}

public struct LXDProfile: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var config: [String: String]
    public var devices: [String: [String: String]]
    public init(name: String, description: String = "", config: [String: String] = [:], devices: [String: [String: String]] = [:]) {
        self.name = name; self.description = description; self.config = config; self.devices = devices
    }
}
