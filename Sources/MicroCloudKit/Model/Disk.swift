/// A whole disk of a server, as LXD reports it in `GET /1.0/resources` → `storage.disks`. Decodes LXD's JSON keys;
/// encodes them back (partitions as placeholders that keep the count).
public struct Disk: Codable, Hashable, Sendable {
    public var id: String
    public var device: String
    public var model: String
    public var type: String
    public var serial: String
    public var wwn: String
    public var deviceID: String
    public var devicePath: String
    public var size: UInt64
    public var readOnly: Bool
    public var removable: Bool
    public var mounted: Bool
    public var partitionCount: Int
    public var numaNode: UInt64
    public var blockSize: UInt64
    public var firmwareVersion: String
    public var rpm: UInt64
    public var pciAddress: String
    public var usedBy: String
    /// The OSD this disk already is in this server's Ceph cluster (MicroCeph's `GET /1.0/disks`), not LXD's.
    public var cephOSD: Int? = nil

    public init(id: String, device: String = "", model: String = "", type: String = "scsi", size: UInt64 = 0,
                serial: String = "", wwn: String = "", deviceID: String = "", devicePath: String = "",
                readOnly: Bool = false, removable: Bool = false, mounted: Bool = false, partitionCount: Int = 0,
                numaNode: UInt64 = 0, blockSize: UInt64 = 512, firmwareVersion: String = "", rpm: UInt64 = 0,
                pciAddress: String = "", usedBy: String = "") {
        self.id = id
        self.device = device
        self.model = model
        self.type = type
        self.size = size
        self.serial = serial
        self.wwn = wwn
        self.deviceID = deviceID
        self.devicePath = devicePath
        self.readOnly = readOnly
        self.removable = removable
        self.mounted = mounted
        self.partitionCount = partitionCount
        self.numaNode = numaNode
        self.blockSize = blockSize
        self.firmwareVersion = firmwareVersion
        self.rpm = rpm
        self.pciAddress = pciAddress
        self.usedBy = usedBy
    }

    /// The stable path shown and handed to LXD/MicroCeph: by-id if the disk has one, else by-path, else /dev/<id>.
    public var path: String {
        if !deviceID.isEmpty { return "/dev/disk/by-id/\(deviceID)" }
        if !devicePath.isEmpty { return "/dev/disk/by-path/\(devicePath)" }
        return "/dev/\(id)"
    }

    /// Every path that names this disk, so an operator may write any of them.
    public var aliases: [String] {
        var out = [path, "/dev/\(id)"]
        if !deviceID.isEmpty { out.append("/dev/disk/by-id/\(deviceID)") }
        if !devicePath.isEmpty { out.append("/dev/disk/by-path/\(devicePath)") }
        return out
    }

    public func isNamed(_ path: String) -> Bool { aliases.contains(path) }

    /// Local storage or an OSD may take it (the rule is `refusal`, in Plan/Rules). Existing OSDs are removed by the
    /// caller, which knows them.
    public var isAvailable: Bool { refusal == nil }

    /// "10.00GiB", as the disk tables show capacity.
    public var capacity: String { formatIEC(size) }

    enum CodingKeys: String, CodingKey {
        case id, device, model, type, serial, wwn, size, removable, mounted, rpm, partitions
        case cephOSD = "microcloud_ceph_osd"
        case deviceID = "device_id", devicePath = "device_path", readOnly = "read_only", numaNode = "numa_node"
        case blockSize = "block_size", firmwareVersion = "firmware_version", pciAddress = "pci_address"
        case usedBy = "used_by"
    }

    private struct Partition: Codable { var partition: Int }
    private struct AnyJSON: Decodable {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        device = try c.decodeIfPresent(String.self, forKey: .device) ?? ""
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? ""
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
        serial = try c.decodeIfPresent(String.self, forKey: .serial) ?? ""
        wwn = try c.decodeIfPresent(String.self, forKey: .wwn) ?? ""
        deviceID = try c.decodeIfPresent(String.self, forKey: .deviceID) ?? ""
        devicePath = try c.decodeIfPresent(String.self, forKey: .devicePath) ?? ""
        size = try c.decodeIfPresent(UInt64.self, forKey: .size) ?? 0
        readOnly = try c.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
        removable = try c.decodeIfPresent(Bool.self, forKey: .removable) ?? false
        mounted = try c.decodeIfPresent(Bool.self, forKey: .mounted) ?? false
        partitionCount = try c.decodeIfPresent([AnyJSON].self, forKey: .partitions)?.count ?? 0
        numaNode = try c.decodeIfPresent(UInt64.self, forKey: .numaNode) ?? 0
        blockSize = try c.decodeIfPresent(UInt64.self, forKey: .blockSize) ?? 0
        firmwareVersion = try c.decodeIfPresent(String.self, forKey: .firmwareVersion) ?? ""
        rpm = try c.decodeIfPresent(UInt64.self, forKey: .rpm) ?? 0
        pciAddress = try c.decodeIfPresent(String.self, forKey: .pciAddress) ?? ""
        // Newer LXD reports a string here; tolerate a list too.
        if let s = try? c.decodeIfPresent(String.self, forKey: .usedBy) {
            usedBy = s
        } else if let list = try? c.decodeIfPresent([String].self, forKey: .usedBy) {
            usedBy = list.joined(separator: ",")
        } else {
            usedBy = ""
        }
        cephOSD = try c.decodeIfPresent(Int.self, forKey: .cephOSD)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(device, forKey: .device)
        try c.encode(model, forKey: .model)
        try c.encode(type, forKey: .type)
        try c.encode(serial, forKey: .serial)
        try c.encode(wwn, forKey: .wwn)
        try c.encode(deviceID, forKey: .deviceID)
        try c.encode(devicePath, forKey: .devicePath)
        try c.encode(size, forKey: .size)
        try c.encode(readOnly, forKey: .readOnly)
        try c.encode(removable, forKey: .removable)
        try c.encode(mounted, forKey: .mounted)
        try c.encode((0..<partitionCount).map { Partition(partition: $0 + 1) }, forKey: .partitions)
        try c.encode(numaNode, forKey: .numaNode)
        try c.encode(blockSize, forKey: .blockSize)
        try c.encode(firmwareVersion, forKey: .firmwareVersion)
        try c.encode(rpm, forKey: .rpm)
        try c.encode(pciAddress, forKey: .pciAddress)
        try c.encode(usedBy, forKey: .usedBy)
        try c.encodeIfPresent(cephOSD, forKey: .cephOSD)
    }
}

/// The part of LXD's `GET /1.0/resources` answer the planner needs.
public struct LXDResources: Decodable, Sendable {
    public var disks: [Disk]

    private struct Storage: Decodable { var disks: [Disk]? }
    private enum CodingKeys: String, CodingKey { case storage }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        disks = try c.decodeIfPresent(Storage.self, forKey: .storage)?.disks ?? []
    }
}

/// Bytes in IEC units with two decimals ("10.00GiB"); plain bytes below 1 KiB ("512B").
public func formatIEC(_ bytes: UInt64) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    if bytes < 1024 { return "\(bytes)B" }
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    // Two decimals, rounded half up, without Foundation's locale-dependent formatting.
    let hundredths = Int((value * 100).rounded())
    let frac = hundredths % 100
    return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)\(units[unit])"
}

/// Parses a byte count with an optional unit: B, kB/KB, MB, GB, TB, PB, EB (powers of 1000) or KiB, MiB, GiB, TiB,
/// PiB, EiB (powers of 1024). Decimal fractions are allowed ("1.5GiB"). Nil when it is not such a size.
public func parseByteSize(_ text: String) -> UInt64? {
    let t = text.trimming(" ")
    let split = t.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) ?? t.endIndex
    let number = String(t[..<split])
    let unit = String(t[split...]).trimming(" ")
    guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != "." else {
        return nil
    }
    let multipliers: [String: Double] = [
        "": 1, "B": 1,
        "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15, "EB": 1e18,
        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
        "PiB": 1_125_899_906_842_624, "EiB": 1_152_921_504_606_846_976,
    ]
    guard let m = multipliers[unit] else { return nil }
    if !number.contains("."), let whole = UInt64(number) {
        let (product, overflow) = whole.multipliedReportingOverflow(by: UInt64(m))
        return overflow ? nil : product
    }
    guard let value = Double(number) else { return nil }
    let bytes = (value * m).rounded()
    return bytes < 1.8446744073709552e19 ? UInt64(bytes) : nil
}

extension String {
    /// The string without leading and trailing copies of `ch`.
    func trimming(_ ch: Character) -> String {
        String(drop { $0 == ch }.reversed().drop { $0 == ch }.reversed())
    }
}
