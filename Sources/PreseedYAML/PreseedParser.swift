import MicroCloudKit
import Yams

// Reading a preseed file: YAML → node tree (Yams) → Preseed, walking the tree by hand so that unknown keys become
// warnings naming their path, and wrong types become errors naming the key, its line and what was expected.

extension Preseed {
    /// Parses preseed YAML. Unknown keys come back as warnings; a syntax error or a wrongly typed value throws a
    /// `PreseedError` with the line and column. Call `validate()` (or `resolve`) afterwards for the rules.
    public static func parse(_ yaml: String) throws -> (Preseed, warnings: [PlanIssue]) {
        try PreseedShape.check(yaml)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PreseedError(yamlError: error)
        }
        guard let root, root.null == nil else {
            throw PreseedError("The preseed file is empty. It needs at least systems and initiator (or "
                + "initiator_address).")
        }
        var reader = PreseedReader()
        let preseed = try reader.readRoot(root)
        return (preseed, reader.warnings)
    }
}

extension PreseedError {
    init(yamlError: YamlError) {
        switch yamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            self.init(line: mark.line, column: mark.column, "YAML syntax error: \(problem)\(ctx)")
        case let .duplicatedKeysInMapping(duplicates, context):
            self.init(line: context.mark.line, column: context.mark.column,
                      "Duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) in a mapping. "
                      + "Give each key once.")
        case let .reader(problem, _, _, _):
            self.init("The preseed file cannot be read: \(problem)")
        default:
            self.init("The preseed file cannot be read: \(yamlError)")
        }
    }
}

/// Walks the node tree. Every accessor takes the key path for messages; keys come from `PreseedKey`.
struct PreseedReader {
    var warnings: [PlanIssue] = []

    /// A mapping's known values by key, and where it sits in the file.
    struct Fields {
        let path: String
        let nodes: [PreseedKey: Node]
        subscript(_ key: PreseedKey) -> Node? { nodes[key] }
        func field(_ key: PreseedKey) -> String { PreseedKey.field(path, key) }
        /// The value under `key`, unless it is absent or null.
        func present(_ key: PreseedKey) -> Node? { nodes[key].flatMap { $0.null == nil ? $0 : nil } }
    }

    mutating func readRoot(_ node: Node) throws -> Preseed {
        let m = try mapping(node, path: "", known: PreseedKey.root)
        var p = Preseed()
        p.initiator = try string(m, .initiator)
        p.initiatorAddress = try string(m, .initiatorAddress)
        p.lookupSubnet = try string(m, .lookupSubnet)
        p.lookupTimeout = try int(m, .lookupTimeout)
        p.sessionPassphrase = try string(m, .sessionPassphrase)
        p.sessionTimeout = try int(m, .sessionTimeout)
        p.localPoolDriver = try string(m, .localPoolDriver)
        p.localPoolLoopSize = try string(m, .localPoolLoopSize)
        for (i, item) in try list(m, .systems).enumerated() {
            p.systems.append(try readSystem(item, path: "\(m.field(.systems))[\(i)]"))
        }
        if let n = m.present(.ovn) {
            let o = try mapping(n, path: m.field(.ovn), known: PreseedKey.ovnSection)
            p.ovn = Preseed.OVN(ipv4Gateway: try string(o, .ipv4Gateway), ipv4Range: try string(o, .ipv4Range),
                                ipv6Gateway: try string(o, .ipv6Gateway), dnsServers: try stringOrList(o, .dnsServers))
        }
        if let n = m.present(.ceph) {
            let c = try mapping(n, path: m.field(.ceph), known: PreseedKey.cephSection)
            p.ceph = Preseed.Ceph(cephfs: try bool(c, .cephfs), internalNetwork: try string(c, .internalNetwork),
                                  publicNetwork: try string(c, .publicNetwork))
        }
        if let n = m.present(.storage) {
            let s = try mapping(n, path: m.field(.storage), known: PreseedKey.storageKinds)
            var storage = Preseed.Storage()
            for (i, f) in try list(s, .local).enumerated() {
                storage.local.append(try readFilter(f, path: "\(s.field(.local))[\(i)]", ceph: false))
            }
            for (i, f) in try list(s, .ceph).enumerated() {
                storage.ceph.append(try readFilter(f, path: "\(s.field(.ceph))[\(i)]", ceph: true))
            }
            p.storage = storage
        }
        if let n = m.present(.fallbackBridge) {
            if case .scalar = n, n.string == "none" {
                p.fallbackBridge = Preseed.Bridge(disabled: true)
            } else {
                let b = try mapping(n, path: m.field(.fallbackBridge), known: PreseedKey.bridge)
                p.fallbackBridge = Preseed.Bridge(name: try string(b, .name), ipv4Address: try string(b, .ipv4Address),
                                                  ipv6Address: try string(b, .ipv6Address))
            }
        }
        return p
    }

    mutating func readSystem(_ node: Node, path: String) throws -> Preseed.System {
        let m = try mapping(node, path: path, known: PreseedKey.system)
        var s = Preseed.System(name: try string(m, .name) ?? "")
        s.address = try string(m, .address)
        s.ovnUplinkInterface = try string(m, .ovnUplinkInterface)
        s.ovnUnderlayIP = try string(m, .ovnUnderlayIP)
        if let n = m.present(.storage) {
            let st = try mapping(n, path: m.field(.storage), known: PreseedKey.storageKinds)
            var storage = Preseed.SystemStorage()
            if let l = st.present(.local) {
                storage.local = try readDisk(l, path: st.field(.local), ceph: false)
            }
            for (i, d) in try list(st, .ceph).enumerated() {
                storage.ceph.append(try readDisk(d, path: "\(st.field(.ceph))[\(i)]", ceph: true))
            }
            s.storage = storage
        }
        return s
    }

    mutating func readDisk(_ node: Node, path: String, ceph: Bool) throws -> Preseed.DiskEntry {
        let m = try mapping(node, path: path, known: ceph ? PreseedKey.cephDisk : PreseedKey.disk,
                            cephOnly: PreseedKey.cephOnly)
        return Preseed.DiskEntry(path: try string(m, .path) ?? "", wipe: try bool(m, .wipe) ?? false,
                                 encrypt: ceph ? (try bool(m, .encrypt) ?? false) : false)
    }

    mutating func readFilter(_ node: Node, path: String, ceph: Bool) throws -> Preseed.DiskFilterEntry {
        let m = try mapping(node, path: path, known: ceph ? PreseedKey.cephFilter : PreseedKey.filter,
                            cephOnly: PreseedKey.cephOnly)
        return Preseed.DiskFilterEntry(find: try string(m, .find) ?? "", findMin: try int(m, .findMin),
                                       findMax: try int(m, .findMax), wipe: try bool(m, .wipe) ?? false,
                                       encrypt: ceph ? (try bool(m, .encrypt) ?? false) : false)
    }

    // MARK: typed accessors

    /// The mapping's values by key; unknown keys become warnings (with a suggestion when one is close).
    mutating func mapping(_ node: Node, path: String, known: [PreseedKey],
                          cephOnly: [PreseedKey] = []) throws -> Fields {
        guard case .mapping(let mapping) = node else {
            throw typeError(node, path.isEmpty ? "The preseed file" : path, "a mapping of keys to values")
        }
        var out: [PreseedKey: Node] = [:]
        let names = known.map(\.rawValue)
        for (k, v) in mapping {
            guard let name = k.string, case .scalar = k else {
                throw typeError(k, path.isEmpty ? "A key" : "A key in \(path)", "a plain key name")
            }
            let full = path.isEmpty ? name : "\(path).\(name)"
            if let key = PreseedKey(rawValue: name), known.contains(key) {
                out[key] = v
            } else if let key = PreseedKey(rawValue: name), cephOnly.contains(key) {
                warnings.append(.warning(full, "\(name) applies to Ceph disks only; it is ignored for local storage."))
            } else {
                let hint = closest(name, in: names).map { " Did you mean \"\($0)\"?" } ?? ""
                warnings.append(.warning(full, "Unknown key \"\(name)\" is ignored.\(hint)"
                    + " Known keys here: \(names.joined(separator: ", "))."))
            }
        }
        return Fields(path: path, nodes: out)
    }

    func string(_ m: Fields, _ key: PreseedKey) throws -> String? { try string(m[key], m.field(key)) }
    func int(_ m: Fields, _ key: PreseedKey) throws -> Int? { try int(m[key], m.field(key)) }
    func bool(_ m: Fields, _ key: PreseedKey) throws -> Bool? { try bool(m[key], m.field(key)) }
    func list(_ m: Fields, _ key: PreseedKey) throws -> [Node] { try list(m[key], m.field(key)) }
    func stringOrList(_ m: Fields, _ key: PreseedKey) throws -> String? { try stringOrList(m[key], m.field(key)) }

    func string(_ node: Node?, _ path: String) throws -> String? {
        guard let node, node.null == nil else { return nil }
        guard case .scalar(let s) = node else { throw typeError(node, path, "a string") }
        return s.string
    }

    /// Upstream takes a comma-separated string; a YAML list is accepted too.
    func stringOrList(_ node: Node?, _ path: String) throws -> String? {
        guard let node, node.null == nil else { return nil }
        if case .sequence(let seq) = node {
            return try seq.enumerated().compactMap { try string($0.element, "\(path)[\($0.offset)]") }
                .joined(separator: ",")
        }
        return try string(node, path)
    }

    func int(_ node: Node?, _ path: String) throws -> Int? {
        guard let node, node.null == nil else { return nil }
        guard case .scalar(let s) = node else { throw typeError(node, path, "a whole number") }
        switch PreseedScalar.wholeNumber(s.string, path) {
        case .success(let value): return value
        case .failure(var error):
            (error.line, error.column) = (node.mark?.line, node.mark?.column)
            throw error
        }
    }

    func bool(_ node: Node?, _ path: String) throws -> Bool? {
        guard let node, node.null == nil else { return nil }
        guard case .scalar(let s) = node, let value = PreseedScalar.bool(s.string) else {
            throw typeError(node, path, "true or false")
        }
        return value
    }

    func list(_ node: Node?, _ path: String) throws -> [Node] {
        guard let node, node.null == nil else { return [] }
        guard case .sequence(let seq) = node else { throw typeError(node, path, "a list") }
        return Array(seq)
    }

    func typeError(_ node: Node, _ path: String, _ expected: String) -> PreseedError {
        let found: String
        switch node {
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        case .alias: found = "an alias"
        case .scalar(let s): found = "\"\(s.string)\""
        }
        return PreseedError(field: path, line: node.mark?.line, column: node.mark?.column,
                            "\(path) must be \(expected), not \(found).")
    }
}
