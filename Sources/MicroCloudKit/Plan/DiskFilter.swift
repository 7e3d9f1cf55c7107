/// The `find` expression language of preseed disk filters (upstream's cmd/microcloud/preseed.go), e.g.
/// `size > 10GiB && type == nvme`, `model == 'Samsung %'`, `device_id == *lxd_disk1`, `!(removable || read_only)`.
///
/// Fields are LXD's disk resource keys. Operators: `&&`, `||`, `!`, parentheses, and `==`, `!=`, `<`, `>`, `<=`,
/// `>=` between a field and a value. Values are bare words, or quoted with '…' or "…" (backslash escapes inside
/// double quotes) when they contain spaces. In `==`/`!=` on text, `*` and `%` match any run of characters. Sizes take
/// B, kB, MB, GB, TB, PB, EB (powers of 1000) and KiB … EiB (powers of 1024). A boolean field alone means
/// `field == true`. Text comparison is case-sensitive.
public struct DiskFilter: Sendable, CustomStringConvertible {
    public let expression: String
    let root: FilterExpr

    /// Throws `DiskFilterError` naming the position (1-based column) and what was expected there.
    public init(_ expression: String) throws {
        var parser = FilterParser(tokens: try FilterLexer.tokens(expression), end: expression.count + 1)
        self.expression = expression
        self.root = try parser.parseExpression()
    }

    public func matches(_ disk: Disk) -> Bool { root.evaluate(disk) }

    public var description: String { expression }

    /// The field names a filter may use.
    public static var fields: [String] { FilterField.allCases.map(\.rawValue) }
}

public struct DiskFilterError: Error, CustomStringConvertible, Hashable, Sendable {
    /// 1-based column in the expression.
    public var position: Int
    public var message: String

    public init(position: Int, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "at position \(position): \(message)" }
}

enum FilterField: String, CaseIterable, Sendable {
    case id, device, model, type, serial, wwn, rpm, size, mounted, removable
    case readOnly = "read_only", numaNode = "numa_node", devicePath = "device_path", blockSize = "block_size"
    case firmwareVersion = "firmware_version", deviceID = "device_id", pciAddress = "pci_address"
    case usedBy = "used_by"

    enum Kind { case text, number, flag }

    var kind: Kind {
        switch self {
        case .size, .rpm, .numaNode, .blockSize: return .number
        case .mounted, .removable, .readOnly: return .flag
        default: return .text
        }
    }

    func value(of d: Disk) -> FilterValue {
        switch self {
        case .id: return .text(d.id)
        case .device: return .text(d.device)
        case .model: return .text(d.model)
        case .type: return .text(d.type)
        case .serial: return .text(d.serial)
        case .wwn: return .text(d.wwn)
        case .devicePath: return .text(d.devicePath)
        case .firmwareVersion: return .text(d.firmwareVersion)
        case .deviceID: return .text(d.deviceID)
        case .pciAddress: return .text(d.pciAddress)
        case .usedBy: return .text(d.usedBy)
        case .size: return .number(d.size)
        case .rpm: return .number(d.rpm)
        case .numaNode: return .number(d.numaNode)
        case .blockSize: return .number(d.blockSize)
        case .mounted: return .flag(d.mounted)
        case .removable: return .flag(d.removable)
        case .readOnly: return .flag(d.readOnly)
        }
    }
}

enum FilterValue: Sendable, Equatable {
    case text(String), number(UInt64), flag(Bool)
}

enum FilterOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", gt = ">", le = "<=", ge = ">="
}

indirect enum FilterExpr: Sendable {
    case and(FilterExpr, FilterExpr)
    case or(FilterExpr, FilterExpr)
    case not(FilterExpr)
    case compare(FilterField, FilterOp, FilterValue)

    func evaluate(_ disk: Disk) -> Bool {
        switch self {
        case let .and(a, b): return a.evaluate(disk) && b.evaluate(disk)
        case let .or(a, b): return a.evaluate(disk) || b.evaluate(disk)
        case let .not(a): return !a.evaluate(disk)
        case let .compare(field, op, wanted):
            switch (field.value(of: disk), wanted) {
            case let (.number(have), .number(want)): return compare(have, op, want)
            case let (.flag(have), .flag(want)): return op == .eq ? have == want : have != want
            case let (.text(have), .text(want)):
                if op == .eq || op == .ne {
                    let hit = want.contains(where: { $0 == "*" || $0 == "%" }) ? globMatch(have, want) : have == want
                    return op == .eq ? hit : !hit
                }
                return compare(have, op, want)
            default: return false
            }
        }
    }

    private func compare<T: Comparable>(_ a: T, _ op: FilterOp, _ b: T) -> Bool {
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return a < b
        case .gt: return a > b
        case .le: return a <= b
        case .ge: return a >= b
        }
    }
}

/// `*` and `%` match any run of characters (including none); everything else literally.
func globMatch(_ text: String, _ pattern: String) -> Bool {
    let t = Array(text), p = Array(pattern)
    var ti = 0, pi = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count && p[pi] != "*" && p[pi] != "%" && p[pi] == t[ti] {
            ti += 1
            pi += 1
        } else if pi < p.count && (p[pi] == "*" || p[pi] == "%") {
            star = pi
            mark = ti
            pi += 1
        } else if star >= 0 {
            pi = star + 1
            mark += 1
            ti = mark
        } else {
            return false
        }
    }
    while pi < p.count && (p[pi] == "*" || p[pi] == "%") { pi += 1 }
    return pi == p.count
}
