// What a server can offer the plan: which optional services, which disks, whether it can take part in distributed
// networking, which subnets it has an address in. The wizard uses these to decide what to offer and why a step is
// passed over; the plan builder and the plan's validation use the same ones, with the same words.

extension Disk {
    /// Why this disk cannot hold local storage or an OSD (after "Disk … on …"), or nil when it can.
    public var refusal: String? {
        if let osd = cephOSD {
            return "is already osd.\(osd) of this server's Ceph cluster (`microceph disk list`). Choose another disk."
        }
        if type == "cdrom" { return "is an optical drive. Choose a hard disk or SSD." }
        if partitionCount > 0 {
            return "has \(partitionCount) partition(s); only unpartitioned disks can be used. Remove its partitions "
                + "or choose another disk."
        }
        if mounted { return "is mounted, so the system is using it. Choose a disk nothing uses." }
        if readOnly { return "is read-only. Choose a writable disk." }
        return nil
    }
}

extension Inventory {
    /// Marks the disks that already are OSDs of this server (`GET /1.0/disks`, filtered to this member): they are
    /// excluded from every offer, each with that reason.
    public mutating func markOSDs(_ osds: [CephDisk]) {
        for osd in osds where osd.location == name {
            if let i = disks.firstIndex(where: { $0.isNamed(osd.path) }) { disks[i].cephOSD = osd.osd }
        }
    }

    /// Why `path` cannot be used on this server (field `field`), or nil when it can.
    func diskProblem(_ path: String, field: String) -> PlanIssue? {
        guard let disk = disk(named: path) else {
            let offered = availableDisks.map(\.path)
            let hint = offered.isEmpty ? "It has no available disks." : "Choose one of: \(offered.joined(separator: ", "))."
            return .error(field, member: name, "Disk \(path) is not present on \"\(name)\". \(hint)")
        }
        return disk.refusal.map { .error(field, member: name, "Disk \(path) on \"\(name)\" \($0)") }
    }

    /// Why a pool of this name cannot be created on this server (it exists already), or nil.
    public func poolConflict(_ pool: String, skipping what: String) -> String? {
        guard lxd.storagePools.contains(pool) else { return nil }
        return "Storage pool \"\(pool)\" already exists in LXD on \"\(name)\". Delete it there or skip \(what)."
    }

    /// Why this server cannot take part in distributed networking (upstream's cmd/microcloud/ask.go), or nil.
    public var ovnIneligibility: String? {
        if lxd.networks.contains("UPLINK") || lxd.networks.contains("default") {
            return "System \"\(name)\" is ineligible for distributed networking. Make sure there aren't any "
                + "conflicting networks from previous installations"
        }
        if uplinkCandidates.isEmpty {
            return "System \"\(name)\" is ineligible for distributed networking. At least one interface in state UP "
                + "with no IPs assigned or a bridge is required"
        }
        return nil
    }
}

public enum ServiceRules {
    /// The services of a cloud on these servers: MicroCloud and LXD always; MicroCeph and MicroOVN when every
    /// server has them.
    public static func services(_ inventories: [Inventory]) -> [ServiceKind] {
        ServiceKind.allCases.filter { service in
            !service.isOptional || (!inventories.isEmpty && inventories.allSatisfy { $0.services[service] != nil })
        }
    }

    /// Why an optional service is left out (it is missing on some or all servers), or nil when every one has it.
    public static func missing(_ service: ServiceKind, _ inventories: [Inventory]) -> String? {
        let missing = inventories.filter { $0.services[service] == nil }.map(\.name)
        guard !missing.isEmpty else { return nil }
        let whereText = missing.count == inventories.count ? "" : " on \(sentenceList(missing))"
        let what = service == .microceph ? "distributed storage" : "distributed networking"
        return "\(service.rawValue) is not installed\(whereText), so \(what) is skipped."
    }
}

extension ServiceRules {
    /// The oldest MicroOVN upstream MicroCloud accepts.
    public static let upstreamMicroOVN = (major: 24, minor: 3)

    /// A note when MicroOVN is older than upstream's floor. Not an error: what a run needs of MicroOVN (microcluster's
    /// core API, `GET /1.0/services`) is in older releases too, and the client refuses an underlay address to a
    /// MicroOVN without `custom_encapsulation_ip` by that extension, not by its version.
    public static func microOVNVersionNote(_ inventories: [Inventory]) -> String? {
        let old = inventories.compactMap { inv -> (String, String)? in
            guard let v = inv.services[.microovn], !ServiceVersion(recorded: v).olderAPI, let mm = majorMinor(v) else { return nil }
            return mm < upstreamMicroOVN ? (inv.name, v) : nil
        }
        guard !old.isEmpty else { return nil }
        let versions = Set(old.map(\.1)).sorted().joined(separator: ", ")
        return "MicroOVN \(versions) on \(sentenceList(old.map(\.0))) is older than 24.03, the oldest release upstream "
            + "MicroCloud accepts. It is used: MicroCloud needs only its cluster API and services list (and "
            + "custom_encapsulation_ip for an underlay)."
    }

    /// "24.03.2+snap…" → (24, 3); nil when the text does not start with two numbers.
    static func majorMinor(_ version: String) -> (Int, Int)? {
        let parts = version.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        return parts.count == 2 && version.first?.isNumber == true ? (parts[0], parts[1]) : nil
    }
}

public enum CephNetworkRules {
    public enum Role: String, Sendable {
        case `internal`, `public`

        public var key: String { "ceph.\(rawValue)_network" }
    }

    /// What is wrong with a Ceph network: a network-form CIDR with room for hosts; outside the lookup subnet every
    /// member needs an address in it (upstream's cmd/microcloud/ask.go). Empty text is the default (the lookup subnet) and always fine.
    public static func problems(_ text: String, role: Role, lookupSubnet: CIDR?,
                                inventories: [Inventory]) -> [PlanIssue] {
        let value = text.trimming(" ")
        if value.isEmpty { return [] }
        let name = role.rawValue
        guard let cidr = CIDR(value) else {
            return [.error(role.key, "Ceph \(name) network \"\(value)\" is not a valid CIDR. Use a subnet such as "
                + "10.0.1.0/24.")]
        }
        if !cidr.isNetworkAddress {
            return [.error(role.key, "Ceph \(name) network \(value) has host bits set. Use its network address "
                + "\(cidr.network).")]
        }
        if cidr.hostBits == 0 {
            return [.error(role.key, "Ceph \(name) network \(value) holds a single address. Use a subnet with room "
                + "for every member.")]
        }
        // The lookup subnet is known to be present on every member; any other subnet must be checked.
        if let lookup = lookupSubnet, lookup.network == cidr { return [] }
        return inventories.filter { $0.interface(in: cidr) == nil }.map { inv in
            .error(role.key, member: inv.name, "Not enough network interfaces found with an IP within the given CIDR "
                + "subnet on \"\(inv.name)\". You need at least one interface per cluster member with an address "
                + "in \(cidr).")
        }
    }

    /// Why no dedicated Ceph network can be set (a server has no addressed interface), or nil (upstream's cmd/microcloud/ask.go).
    public static func unavailable(_ inventories: [Inventory]) -> String? {
        inventories.first { $0.dedicatedInterfaces.isEmpty }.map {
            "No network interfaces found with IPs on \"\($0.name)\" to set up a dedicated Ceph network. Skipping Ceph "
                + "network setup"
        }
    }
}

public enum UnderlayRules {
    /// What is wrong with one member's underlay IP: a plain address inside the subnet of one of its addressed
    /// interfaces (upstream's cmd/microcloud/ask.go). Without an inventory only the form is checked.
    public static func problem(_ text: String, member: String, inventory: Inventory?) -> String? {
        guard let ip = IPAddress(text.trimming(" ")) else {
            return "Invalid underlay IP \"\(text)\" for \"\(member)\". Give the plain address (no prefix) of one of "
                + "its interfaces."
        }
        if let inv = inventory, !inv.dedicatedInterfaces.contains(where: { $0.cidrs.contains { $0.contains(ip) } }) {
            return "No available interface found for OVN underlay IP \"\(ip)\" on \"\(member)\". Use an address "
                + "inside the subnet of one of its addressed interfaces."
        }
        return nil
    }

    /// Why no dedicated underlay can be set (a server has no addressed interface), or nil (upstream's cmd/microcloud/ask.go).
    public static func unavailable(_ inventories: [Inventory]) -> String? {
        inventories.first { $0.dedicatedInterfaces.isEmpty }.map {
            "Not enough interfaces available on \($0.name) to create an underlay network. Skipping configuration"
        }
    }

    /// Every member or none gets an underlay IP.
    public static func missing(_ member: String) -> String {
        "No underlay IP for \"\(member)\". Some systems are missing an underlay interface: give every member an "
            + "underlay IP, or none."
    }
}

/// "micro01", "micro01 and micro02", "micro01, micro02 and micro03".
public func sentenceList(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " and " + names.last!
}

extension LocalPoolPlan {
    /// What is wrong with a loop file size for this driver (dir takes none; at least 1GiB).
    public static func loopSizeProblems(_ size: String, driver: String?) -> [String] {
        if driver == "dir" { return ["The dir driver uses no loop file. Remove the loop size, or use Btrfs or ZFS."] }
        if (parseByteSize(size) ?? 0) < 1 << 30 {
            return ["Loop file size \"\(size)\" is not a size of at least 1GiB. Give one such as 5GiB."]
        }
        return []
    }
}

extension BridgePlan {
    static let autoAddressProblem = "The bridge's IPv4 address must be explicit, not \"auto\" (LXD would probe the "
        + "network for a free subnet). Give one such as 10.79.0.1/24."
}
