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

/// Walks the node tree. Every accessor takes the key path for messages.
struct PreseedReader {
    var warnings: [PlanIssue] = []

    static let rootKeys = ["initiator", "initiator_address", "lookup_subnet", "lookup_timeout", "session_passphrase",
                           "session_timeout", "systems", "ovn", "ceph", "storage", "local_pool_driver",
                           "local_pool_loop_size", "fallback_bridge"]

    mutating func readRoot(_ node: Node) throws -> Preseed {
        let m = try mapping(node, path: "", known: Self.rootKeys)
        var p = Preseed()
        p.initiator = try string(m["initiator"], "initiator")
        p.initiatorAddress = try string(m["initiator_address"], "initiator_address")
        p.lookupSubnet = try string(m["lookup_subnet"], "lookup_subnet")
        p.lookupTimeout = try int(m["lookup_timeout"], "lookup_timeout")
        p.sessionPassphrase = try string(m["session_passphrase"], "session_passphrase")
        p.sessionTimeout = try int(m["session_timeout"], "session_timeout")
        p.localPoolDriver = try string(m["local_pool_driver"], "local_pool_driver")
        p.localPoolLoopSize = try string(m["local_pool_loop_size"], "local_pool_loop_size")
        for (i, item) in try list(m["systems"], "systems").enumerated() {
            p.systems.append(try readSystem(item, path: "systems[\(i)]"))
        }
        if let n = m["ovn"], n.null == nil {
            let o = try mapping(n, path: "ovn", known: ["ipv4_gateway", "ipv4_range", "ipv6_gateway", "dns_servers"])
            p.ovn = Preseed.OVN(ipv4Gateway: try string(o["ipv4_gateway"], "ovn.ipv4_gateway"),
                                ipv4Range: try string(o["ipv4_range"], "ovn.ipv4_range"),
                                ipv6Gateway: try string(o["ipv6_gateway"], "ovn.ipv6_gateway"),
                                dnsServers: try stringOrList(o["dns_servers"], "ovn.dns_servers"))
        }
        if let n = m["ceph"], n.null == nil {
            let c = try mapping(n, path: "ceph", known: ["cephfs", "internal_network", "public_network"])
            p.ceph = Preseed.Ceph(cephfs: try bool(c["cephfs"], "ceph.cephfs"),
                                  internalNetwork: try string(c["internal_network"], "ceph.internal_network"),
                                  publicNetwork: try string(c["public_network"], "ceph.public_network"))
        }
        if let n = m["storage"], n.null == nil {
            let s = try mapping(n, path: "storage", known: ["local", "ceph"])
            var storage = Preseed.Storage()
            for (i, f) in try list(s["local"], "storage.local").enumerated() {
                storage.local.append(try readFilter(f, path: "storage.local[\(i)]", ceph: false))
            }
            for (i, f) in try list(s["ceph"], "storage.ceph").enumerated() {
                storage.ceph.append(try readFilter(f, path: "storage.ceph[\(i)]", ceph: true))
            }
            p.storage = storage
        }
        if let n = m["fallback_bridge"], n.null == nil {
            if case .scalar = n, n.string == "none" {
                p.fallbackBridge = Preseed.Bridge(disabled: true)
            } else {
                let b = try mapping(n, path: "fallback_bridge", known: ["name", "ipv4_address", "ipv6_address"])
                p.fallbackBridge = Preseed.Bridge(name: try string(b["name"], "fallback_bridge.name"),
                                                  ipv4Address: try string(b["ipv4_address"],
                                                                          "fallback_bridge.ipv4_address"),
                                                  ipv6Address: try string(b["ipv6_address"],
                                                                          "fallback_bridge.ipv6_address"))
            }
        }
        return p
    }

    mutating func readSystem(_ node: Node, path: String) throws -> Preseed.System {
        let m = try mapping(node, path: path,
                            known: ["name", "address", "ovn_uplink_interface", "ovn_underlay_ip", "storage"])
        var s = Preseed.System(name: try string(m["name"], "\(path).name") ?? "")
        s.address = try string(m["address"], "\(path).address")
        s.ovnUplinkInterface = try string(m["ovn_uplink_interface"], "\(path).ovn_uplink_interface")
        s.ovnUnderlayIP = try string(m["ovn_underlay_ip"], "\(path).ovn_underlay_ip")
        if let n = m["storage"], n.null == nil {
            let st = try mapping(n, path: "\(path).storage", known: ["local", "ceph"])
            var storage = Preseed.SystemStorage()
            if let l = st["local"], l.null == nil {
                storage.local = try readDisk(l, path: "\(path).storage.local", ceph: false)
            }
            for (i, d) in try list(st["ceph"], "\(path).storage.ceph").enumerated() {
                storage.ceph.append(try readDisk(d, path: "\(path).storage.ceph[\(i)]", ceph: true))
            }
            s.storage = storage
        }
        return s
    }

    mutating func readDisk(_ node: Node, path: String, ceph: Bool) throws -> Preseed.DiskEntry {
        let m = try mapping(node, path: path, known: ceph ? ["path", "wipe", "encrypt"] : ["path", "wipe"],
                            cephOnly: ["encrypt"])
        return Preseed.DiskEntry(path: try string(m["path"], "\(path).path") ?? "",
                                 wipe: try bool(m["wipe"], "\(path).wipe") ?? false,
                                 encrypt: ceph ? (try bool(m["encrypt"], "\(path).encrypt") ?? false) : false)
    }

    mutating func readFilter(_ node: Node, path: String, ceph: Bool) throws -> Preseed.DiskFilterEntry {
        let keys = ["find", "find_min", "find_max", "wipe"] + (ceph ? ["encrypt"] : [])
        let m = try mapping(node, path: path, known: keys, cephOnly: ["encrypt"])
        return Preseed.DiskFilterEntry(find: try string(m["find"], "\(path).find") ?? "",
                                       findMin: try int(m["find_min"], "\(path).find_min"),
                                       findMax: try int(m["find_max"], "\(path).find_max"),
                                       wipe: try bool(m["wipe"], "\(path).wipe") ?? false,
                                       encrypt: ceph ? (try bool(m["encrypt"], "\(path).encrypt") ?? false) : false)
    }

    // MARK: typed accessors

    /// The mapping's values by key; unknown keys become warnings (with a suggestion when one is close).
    mutating func mapping(_ node: Node, path: String, known: [String],
                          cephOnly: [String] = []) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw typeError(node, path.isEmpty ? "The preseed file" : path, "a mapping of keys to values")
        }
        var out: [String: Node] = [:]
        for (k, v) in mapping {
            guard let key = k.string, case .scalar = k else {
                throw typeError(k, path.isEmpty ? "A key" : "A key in \(path)", "a plain key name")
            }
            let full = path.isEmpty ? key : "\(path).\(key)"
            if known.contains(key) {
                out[key] = v
            } else if cephOnly.contains(key) {
                warnings.append(.warning(full, "\(key) applies to Ceph disks only; it is ignored for local storage."))
            } else {
                let hint = closest(key, in: known).map { " Did you mean \"\($0)\"?" } ?? ""
                warnings.append(.warning(full, "Unknown key \"\(key)\" is ignored.\(hint)"
                    + " Known keys here: \(known.joined(separator: ", "))."))
            }
        }
        return out
    }

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
