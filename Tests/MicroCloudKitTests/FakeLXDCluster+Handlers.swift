import Foundation
@testable import MicroCloudKit

/// What each call of the fake does to its state, as LXD 5.0.2 does it (quirks included, each with a comment).
extension FakeLXDCluster {
    // MARK: - Handlers

    func serverInfo(_ member: String) -> HTTPResponse {
        guard let d = daemons[member] else { return .error(404, "Cluster member not found") }
        let env: JSONValue = .object([
            "server_name": .string(d.name), "server_version": .string("5.0.2"),   // the hostname until it joins
            "server_clustered": .bool(d.clustered),
            "certificate": .string(d.clustered ? Self.clusterPEM : "-----BEGIN CERTIFICATE-----\nSERVER-\(d.name)\n-----END CERTIFICATE-----\n"),
            "certificate_fingerprint": .string(d.clustered ? Self.clusterFingerprint : "f00d\(d.name)"),
            "storage_supported_drivers": .array(["btrfs", "dir", "zfs"].map { .object(["Name": .string($0), "Version": .string("1"), "Remote": .bool(false)]) }),
            "addresses": .array(d.config["core.https_address"].map { [$0] } ?? []),
        ])
        return Self.sync(.object(["api_extensions": .array(extensions.map { .string($0) }), "api_version": .string("1.0"),
                                  "config": .object(d.config), "environment": env, "auth": .string("trusted")]))
    }

    func putCluster(_ member: String, _ body: JSONValue) -> HTTPResponse {
        guard body["enabled"]?.bool == true else { return .error(400, "disabling clustering is not supported by the fake") }
        let name = body["server_name"]?.string ?? ""
        if daemons[member]!.clustered { return .error(400, "This server is already clustered") }
        if let clusterAddress = body["cluster_address"]?.string {
            // LXD 5.0.2 reads the whole token from cluster_password; cluster_token is unknown to it.
            guard let text = body["cluster_password"]?.string, !text.isEmpty else {
                return operation(member, Op(id: "", opClass: "task", status: "Failure",
                                        err: "Failed to update cluster trust: failed to add server cert to cluster: not authorized"))
            }
            guard let token = try? LXDJoinToken.decode(text),
                  let op = ops.values.first(where: { $0.opClass == "token" && $0.metadata["secret"]?.string == token.secret }),
                  token.serverName == name else {
                return operation(member, Op(id: "", opClass: "task", status: "Failure", err: "No matching cluster join token found"))
            }
            guard body["cluster_certificate"]?.string == Self.clusterPEM,
                  members.contains(where: { hostPort(daemons[$0]!.address, 8443) == clusterAddress }) else {
                return operation(member, Op(id: "", opClass: "task", status: "Failure", err: "Certificate fingerprint mismatch between join token and cluster member"))
            }
            ops.removeValue(forKey: op.id)
            let server = body["server_address"]?.string ?? ""
            daemons[member]!.config["cluster.https_address"] = .string(server)
            if daemons[member]!.config["core.https_address"] == nil { daemons[member]!.config["core.https_address"] = .string(server) }
            daemons[member]!.config.removeValue(forKey: "core.trust_password")
            daemons[member]!.name = name
            daemons[member]!.clustered = true
            members.append(name)
            return operation(member, Op(id: "", opClass: "task", status: "Success"))
        }
        guard daemons[member]!.config["cluster.https_address"] != nil || daemons[member]!.config["core.https_address"] != nil else {
            return .error(400, "Can't bootstrap a cluster without a network address (set core.https_address)")
        }
        daemons[member]!.name = name
        daemons[member]!.clustered = true
        members = [name]
        return operation(member, Op(id: "", opClass: "task", status: "Success"))
    }

    func issueToken(_ member: String, _ joiner: String) -> HTTPResponse {
        guard daemons[member]!.clustered else { return .error(400, "This server is not clustered") }
        guard !members.contains(joiner) else { return .error(409, "The cluster already has a member with name: \(joiner)") }
        let meta: JSONValue = .object([
            "serverName": .string(joiner), "secret": .string("secret-for-\(joiner)"), "fingerprint": .string(Self.clusterFingerprint),
            "addresses": .array(members.map { .string(hostPort(daemons[$0]!.address, 8443)) }),
            "expiresAt": .string("2030-01-01T03:00:00Z"),
        ])
        return operation(member, Op(id: "", opClass: "token", status: "Running", metadata: meta))
    }

    /// Records an operation and answers 202 with it as LXD does (the op reads "Running" until waited on).
    func operation(_ member: String, _ op: Op) -> HTTPResponse {
        opCounter += 1
        var op = op
        op.id = "op-\(opCounter)"
        ops[op.id] = op
        var shown = op
        if shown.opClass != "token" { shown.status = "Running"; shown.err = "" }
        let body: JSONValue = .object(["type": .string("async"), "status": .string("Operation created"), "status_code": .number(100),
                                       "operation": .string("/1.0/operations/\(op.id)"), "error_code": .number(0),
                                       "error": .string(""), "metadata": shown.json])
        return HTTPResponse(status: 202, headers: ["Content-Type": "application/json"], body: Array(Self.canonical(body).utf8))
    }

    func waitOp(_ id: String) -> HTTPResponse {
        guard let op = ops[id] else { return .error(404, "Operation not found") }
        if op.opClass != "token" { ops.removeValue(forKey: id) }
        return Self.sync(op.json)
    }

    func createPool(_ body: JSONValue, target: String?) -> HTTPResponse {
        let name = body["name"]?.string ?? "", driver = body["driver"]?.string ?? ""
        let config = (try? body["config"]?.decode([String: String].self)) ?? [:]
        if let target {
            guard members.contains(target) else { return .error(404, "Cluster member not found") }
            var pool = pools[name] ?? Pool(driver: driver)
            if pool.created { return .error(409, "The storage pool already defined on member \"\(target)\"") }
            if pool.pending[target] != nil { return .error(409, "The storage pool already defined on member \"\(target)\"") }
            pool.pending[target] = config
            pools[name] = pool
            return Self.sync(.null)
        }
        guard var pool = pools[name] else { return .error(400, "Pool not pending on any node (use --target <node> first)") }
        let missing = members.filter { pool.pending[$0] == nil }
        if !missing.isEmpty { return .error(400, "Pool not defined on nodes: \(missing.joined(separator: ", "))") }
        pool.config = config
        pool.description = body["description"]?.string ?? ""
        pool.created = true
        pools[name] = pool
        return Self.sync(.null)
    }

    func poolJSON(_ name: String) -> JSONValue {
        let p = pools[name]!
        var config = p.config
        config["source"] = name
        if p.driver == "zfs" { config["zfs.pool_name"] = name }
        return .object(["name": .string(name), "driver": .string(p.driver), "description": .string(p.description),
                        "status": .string(p.created ? "Created" : "Pending"),
                        "config": .object(config.mapValues { .string($0) }),
                        "locations": .array(p.pending.keys.sorted().map { .string($0) }), "used_by": .array([])])
    }

    func deletePool(_ name: String) -> HTTPResponse {
        guard pools[name] != nil else { return .error(404, "Storage pool not found") }
        if volumes.contains(where: { $0.hasPrefix("\(name)/") }) || profile.devices.values.contains(where: { $0["pool"] == name }) {
            return .error(400, "The storage pool is currently in use")
        }
        pools.removeValue(forKey: name)
        return Self.sync(.null)
    }

    func createVolume(pool: String, name: String, target: String) -> HTTPResponse {
        guard pools[pool]?.created == true else { return .error(404, "Storage pool not found") }
        let key = "\(pool)/\(target)/\(name)"
        guard !volumes.contains(key) else { return .error(409, "Volume by that name already exists") }
        volumes.insert(key)
        return operation(target, Op(id: "", opClass: "task", status: "Success"))
    }

    func createNetwork(_ body: JSONValue, target: String?) -> HTTPResponse {
        let name = body["name"]?.string ?? "", type = body["type"]?.string ?? ""
        let config = (try? body["config"]?.decode([String: String].self)) ?? [:]
        if let target {
            guard members.contains(target) else { return .error(404, "Cluster member not found") }
            var net = networks[name] ?? Network(type: type)
            if net.created || net.pending[target] != nil { return .error(409, "The network already defined on member \"\(target)\"") }
            net.pending[target] = config
            networks[name] = net
            return Self.sync(.null)
        }
        if config["ipv4.address"] == "auto" { return .error(400, "the fake refuses ipv4.address=auto (network safety)") }
        // OVN networks live in OVN, not on members: LXD creates them in one go.
        let oneGo = type == "ovn" && networks[name] == nil
        if oneGo { networks[name] = Network(type: type, pending: Dictionary(uniqueKeysWithValues: members.map { ($0, [:]) })) }
        guard var net = networks[name] else { return .error(400, "Network not pending on any node (use --target <node> first)") }
        if net.created { return .error(409, "The network already exists") }
        let missing = members.filter { net.pending[$0] == nil }
        if !missing.isEmpty { return .error(400, "Network not defined on nodes: \(missing.joined(separator: ", "))") }
        net.config = config
        // LXD 5.0.2's quirk, seen in the lab: the final create of a network defined per member keeps its config
        // but not its description (`lxc network list` shows it empty).
        net.description = oneGo ? body["description"]?.string ?? "" : ""
        net.created = true
        networks[name] = net
        return Self.sync(.null)
    }

    func networkList() -> [JSONValue] {
        let unmanaged: JSONValue = .object(["name": .string("eth0"), "type": .string("physical"), "managed": .bool(false),
                                            "description": .string(""), "config": .object([:])])
        return [unmanaged] + networks.keys.sorted().map { name in
            let n = networks[name]!
            return .object(["name": .string(name), "type": .string(n.type), "managed": .bool(true),
                            "description": .string(n.description), "status": .string(n.created ? "Created" : "Pending"),
                            "config": .object(n.config.mapValues { .string($0) }),
                            "locations": .array(n.pending.keys.sorted().map { .string($0) })])
        }
    }

    /// Keys LXD 5.0.2 keeps per member (`db.NodeSpecificNetworkConfig`): only with `?target=`.
    static let memberNetworkKeys: Set = ["bgp.ipv4.nexthop", "bgp.ipv6.nexthop", "bridge.external_interfaces", "parent"]

    /// Untargeted: the cluster-wide config only; targeted: with that member's keys.
    func getNetwork(_ name: String, target: String?) -> HTTPResponse {
        guard let n = networks[name] else { return .error(404, "Network not found") }
        var config = n.config
        if let target {
            guard let own = n.pending[target] else { return .error(404, "Cluster member not found") }
            config.merge(own) { _, member in member }
        }
        return Self.sync(.object(["name": .string(name), "type": .string(n.type), "managed": .bool(true),
                                  "description": .string(n.description), "status": .string(n.created ? "Created" : "Pending"),
                                  "config": .object(config.mapValues { .string($0) }),
                                  "locations": .array(n.pending.keys.sorted().map { .string($0) })]))
    }

    /// PUT replaces, PATCH merges. Untargeted, member-specific keys are refused (and the members' own kept).
    func updateNetwork(_ name: String, _ body: JSONValue, target: String?, replace: Bool) -> HTTPResponse {
        guard var n = networks[name], n.created else { return .error(404, "Network not found") }
        let config = (try? body["config"]?.decode([String: String].self)) ?? [:]
        if let target {
            guard n.pending[target] != nil else { return .error(404, "Cluster member not found") }
            n.pending[target] = replace ? config : n.pending[target]!.merging(config) { _, new in new }
        } else {
            if let key = config.keys.sorted().first(where: Self.memberNetworkKeys.contains) {
                return .error(400, "Config key \"\(key)\" is cluster member specific")
            }
            n.config = replace ? config : n.config.merging(config) { _, new in new }
        }
        if let description = body["description"]?.string { n.description = description }
        else if replace { n.description = "" }
        networks[name] = n
        return Self.sync(.null)
    }

    /// A pool as LXD shows it; with `?target=`, with that member's own config (its `source`).
    func getPool(_ name: String, target: String?) -> HTTPResponse {
        guard pools[name] != nil else { return .error(404, "Storage pool not found") }
        var json = poolJSON(name)
        if let target {
            guard let own = pools[name]!.pending[target] else { return .error(404, "Cluster member not found") }
            var config = json["config"]?.object ?? [:]
            for (k, v) in own { config[k] = .string(v) }
            json = .object((json.object ?? [:]).merging(["config": .object(config)]) { _, new in new })
        }
        return Self.sync(json)
    }

    /// The member's hardware as LXD 5.0.2 sees it in the lab: the system disk only. Loop devices (the lab's
    /// disks) are not listed, which is why microcloudd reads /sys/class/block for them.
    func resources(_ member: String) -> HTTPResponse {
        guard daemons[member] != nil else { return .error(404, "Cluster member not found") }
        let vda: JSONValue = .object(["id": .string("vda"), "device": .string("252:0"), "model": .string(""), "type": .string("virtio"),
                                      "read_only": .bool(false), "size": .number(10_737_418_240), "removable": .bool(false),
                                      "device_path": .string("pci-0000:00:04.0"), "block_size": .number(512),
                                      "partitions": .array([.object(["id": .string("vda1"), "device": .string("252:1"),
                                                                     "size": .number(10_736_369_664), "partition": .number(1)])])])
        return Self.sync(.object(["cpu": .object(["architecture": .string("x86_64")]),
                                  "storage": .object(["disks": .array([vda]), "total": .number(1)])]))
    }

    func deleteNetwork(_ name: String) -> HTTPResponse {
        guard networks[name] != nil else { return .error(404, "Network not found") }
        if profile.devices.values.contains(where: { $0["network"] == name }) { return .error(400, "The network is currently in use") }
        networks.removeValue(forKey: name)
        return Self.sync(.null)
    }

    func profileJSON() -> JSONValue {
        .object(["name": .string(profile.name), "description": .string(profile.description),
                 "config": .object(profile.config.mapValues { .string($0) }),
                 "devices": .object(profile.devices.mapValues { .object($0.mapValues { .string($0) }) }), "used_by": .array([])])
    }
}
