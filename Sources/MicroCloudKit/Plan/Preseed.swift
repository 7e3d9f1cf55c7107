/// An upstream-compatible preseed file (`microcloud preseed < file.yaml`): the same file runs on every server.
/// Keys are upstream's (cmd/microcloud/preseed.go), spelled once in `PreseedKey`, the table the parser, the writer
/// and validation read; `local_pool_driver`, `local_pool_loop_size` and `fallback_bridge` are this implementation's
/// extensions (upstream ignores unknown keys, so files stay portable). No Codable: the file is read by hand
/// (`PreseedYAML`), so that unknown keys become warnings with their path.
public struct Preseed: Hashable, Sendable {
    public var initiator: String?
    public var initiatorAddress: String?
    public var lookupSubnet: String?
    /// Seconds; default 60.
    public var lookupTimeout: Int?
    public var sessionPassphrase: String?
    /// Seconds; default and maximum 3600.
    public var sessionTimeout: Int?
    public var systems: [System]
    public var ovn: OVN?
    public var ceph: Ceph?
    public var storage: Storage?
    /// Extension: force the `local` pool's driver ("zfs", "btrfs", "dir"); default is the best one offered.
    public var localPoolDriver: String?
    /// Extension: the bridge used when OVN is not.
    public var fallbackBridge: Bridge?
    /// Extension: put the `local` pool in a loop file of this size on every member ("5GiB") instead of a disk.
    public var localPoolLoopSize: String?

    public struct System: Hashable, Sendable {
        public var name: String
        public var address: String?
        public var ovnUplinkInterface: String?
        public var ovnUnderlayIP: String?
        public var storage: SystemStorage?

        public init(name: String, address: String? = nil, ovnUplinkInterface: String? = nil,
                    ovnUnderlayIP: String? = nil, storage: SystemStorage? = nil) {
            self.name = name
            self.address = address
            self.ovnUplinkInterface = ovnUplinkInterface
            self.ovnUnderlayIP = ovnUnderlayIP
            self.storage = storage
        }
    }

    public struct SystemStorage: Hashable, Sendable {
        public var local: DiskEntry?
        public var ceph: [DiskEntry]

        public init(local: DiskEntry? = nil, ceph: [DiskEntry] = []) {
            self.local = local
            self.ceph = ceph
        }
    }

    /// An explicit disk in the file: the same thing the plan holds.
    public typealias DiskEntry = DiskChoice

    public struct OVN: Hashable, Sendable {
        public var ipv4Gateway: String?
        public var ipv4Range: String?
        public var ipv6Gateway: String?
        /// Comma-separated, as upstream takes it.
        public var dnsServers: String?

        public init(ipv4Gateway: String? = nil, ipv4Range: String? = nil, ipv6Gateway: String? = nil,
                    dnsServers: String? = nil) {
            self.ipv4Gateway = ipv4Gateway
            self.ipv4Range = ipv4Range
            self.ipv6Gateway = ipv6Gateway
            self.dnsServers = dnsServers
        }

        /// The DNS list split on commas, blanks dropped.
        public var dnsServerList: [String] {
            (dnsServers ?? "").split(separator: ",").map { String($0).trimming(" ") }.filter { !$0.isEmpty }
        }
    }

    public struct Ceph: Hashable, Sendable {
        public var cephfs: Bool?
        public var internalNetwork: String?
        public var publicNetwork: String?

        public init(cephfs: Bool? = nil, internalNetwork: String? = nil, publicNetwork: String? = nil) {
            self.cephfs = cephfs
            self.internalNetwork = internalNetwork
            self.publicNetwork = publicNetwork
        }
    }

    public struct Storage: Hashable, Sendable {
        public var local: [DiskFilterEntry]
        public var ceph: [DiskFilterEntry]

        public init(local: [DiskFilterEntry] = [], ceph: [DiskFilterEntry] = []) {
            self.local = local
            self.ceph = ceph
        }
    }

    /// `find` picks disks by expression (`DiskFilter`); min/max bound how many it must find across all systems.
    public struct DiskFilterEntry: Hashable, Sendable {
        public var find: String
        public var findMin: Int?
        public var findMax: Int?
        public var wipe: Bool
        public var encrypt: Bool

        public init(find: String, findMin: Int? = nil, findMax: Int? = nil, wipe: Bool = false,
                    encrypt: Bool = false) {
            self.find = find
            self.findMin = findMin
            self.findMax = findMax
            self.wipe = wipe
            self.encrypt = encrypt
        }
    }

    public struct Bridge: Hashable, Sendable {
        public var name: String?
        public var ipv4Address: String?
        public var ipv6Address: String?
        /// `fallback_bridge: none`: plan no network at all.
        public var disabled: Bool

        public init(name: String? = nil, ipv4Address: String? = nil, ipv6Address: String? = nil,
                    disabled: Bool = false) {
            self.name = name
            self.ipv4Address = ipv4Address
            self.ipv6Address = ipv6Address
            self.disabled = disabled
        }
    }

    public init(initiator: String? = nil, initiatorAddress: String? = nil, lookupSubnet: String? = nil,
                lookupTimeout: Int? = nil, sessionPassphrase: String? = nil, sessionTimeout: Int? = nil,
                systems: [System] = [], ovn: OVN? = nil, ceph: Ceph? = nil, storage: Storage? = nil,
                localPoolDriver: String? = nil, fallbackBridge: Bridge? = nil, localPoolLoopSize: String? = nil) {
        self.initiator = initiator
        self.initiatorAddress = initiatorAddress
        self.lookupSubnet = lookupSubnet
        self.lookupTimeout = lookupTimeout
        self.sessionPassphrase = sessionPassphrase
        self.sessionTimeout = sessionTimeout
        self.systems = systems
        self.ovn = ovn
        self.ceph = ceph
        self.storage = storage
        self.localPoolDriver = localPoolDriver
        self.fallbackBridge = fallbackBridge
        self.localPoolLoopSize = localPoolLoopSize
    }


    /// Seconds to wait for joiners (default 60).
    public var effectiveLookupTimeout: Int { lookupTimeout ?? 60 }
    /// Trust session lifetime in seconds (default 3600).
    public var effectiveSessionTimeout: Int { sessionTimeout ?? 3600 }
}

/// A preseed file that cannot be read: YAML syntax, or a value of the wrong type. Names the key and the place.
public struct PreseedError: Error, CustomStringConvertible, Hashable, Sendable {
    /// Key path such as "systems[0].address"; nil for syntax errors.
    public var field: String?
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(field: String? = nil, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.field = field
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var where_ = ""
        if let line { where_ = "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " }
        return where_ + message
    }
}

// Printing a preseed (logs, debugging) must never show the passphrase: a summary instead of a field dump.
extension Preseed: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        var parts: [String] = []
        if let v = initiator { parts.append("initiator: \(v)") }
        if let v = initiatorAddress { parts.append("initiator_address: \(v)") }
        if let v = lookupSubnet { parts.append("lookup_subnet: \(v)") }
        if let p = sessionPassphrase, !p.isEmpty { parts.append("session_passphrase: <redacted>") }
        parts.append("systems: [\(systems.map(\.name).joined(separator: ", "))]")
        if ovn != nil { parts.append("ovn: set") }
        if ceph != nil { parts.append("ceph: set") }
        if let s = storage { parts.append("storage filters: \(s.local.count) local, \(s.ceph.count) ceph") }
        return "Preseed(" + parts.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }
}
