/// Every key of a preseed file, spelled once: the parser reads by these, the writer writes them, and validation
/// names its issues by them. Upstream's keys (canonical/microcloud, cmd/microcloud/preseed.go) plus this
/// implementation's extensions (`local_pool_driver`, `local_pool_loop_size`, `fallback_bridge`).
public enum PreseedKey: String, CaseIterable, Sendable {
    case initiator, initiatorAddress = "initiator_address", lookupSubnet = "lookup_subnet"
    case lookupTimeout = "lookup_timeout", sessionPassphrase = "session_passphrase", sessionTimeout = "session_timeout"
    case systems, ovn, ceph, storage
    case localPoolDriver = "local_pool_driver", localPoolLoopSize = "local_pool_loop_size"
    case fallbackBridge = "fallback_bridge"
    case name, address, ovnUplinkInterface = "ovn_uplink_interface", ovnUnderlayIP = "ovn_underlay_ip"
    case local, path, wipe, encrypt, find, findMin = "find_min", findMax = "find_max"
    case ipv4Gateway = "ipv4_gateway", ipv4Range = "ipv4_range", ipv6Gateway = "ipv6_gateway"
    case dnsServers = "dns_servers"
    case cephfs, internalNetwork = "internal_network", publicNetwork = "public_network"
    case ipv4Address = "ipv4_address", ipv6Address = "ipv6_address"

    /// The keys each mapping of the file knows, in the order messages list them.
    public static let root: [PreseedKey] = [.initiator, .initiatorAddress, .lookupSubnet, .lookupTimeout,
                                            .sessionPassphrase, .sessionTimeout, .systems, .ovn, .ceph, .storage,
                                            .localPoolDriver, .localPoolLoopSize, .fallbackBridge]
    public static let system: [PreseedKey] = [.name, .address, .ovnUplinkInterface, .ovnUnderlayIP, .storage]
    /// `systems[].storage` and the top-level `storage` (filters) both hold these two lists.
    public static let storageKinds: [PreseedKey] = [.local, .ceph]
    public static let disk: [PreseedKey] = [.path, .wipe]
    public static let cephDisk: [PreseedKey] = disk + [.encrypt]
    public static let filter: [PreseedKey] = [.find, .findMin, .findMax, .wipe]
    public static let cephFilter: [PreseedKey] = filter + [.encrypt]
    public static let ovnSection: [PreseedKey] = [.ipv4Gateway, .ipv4Range, .ipv6Gateway, .dnsServers]
    public static let cephSection: [PreseedKey] = [.cephfs, .internalNetwork, .publicNetwork]
    public static let bridge: [PreseedKey] = [.name, .ipv4Address, .ipv6Address]
    /// Keys that mean something for Ceph disks only (a warning, not an unknown key, elsewhere).
    public static let cephOnly: [PreseedKey] = [.encrypt]

    /// `key` under `path` ("systems[0]" + .address → "systems[0].address"), as issues and errors name fields.
    public static func field(_ path: String, _ key: PreseedKey) -> String {
        path.isEmpty ? key.rawValue : "\(path).\(key.rawValue)"
    }
}

extension PlanIssue {
    /// An issue about a top-level preseed key.
    static func error(_ key: PreseedKey, member: String? = nil, _ message: String) -> PlanIssue {
        .error(key.rawValue, member: member, message)
    }

    static func warning(_ key: PreseedKey, member: String? = nil, _ message: String) -> PlanIssue {
        .warning(key.rawValue, member: member, message)
    }
}
