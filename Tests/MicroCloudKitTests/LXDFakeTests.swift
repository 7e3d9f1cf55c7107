import Foundation
import Testing
@testable import MicroCloudKit

/// A scripted stand-in for a group of LXD 5.0.2 daemons (one per member), answering the REST calls the
/// bootstrap makes the way LXD does: sync/async/error envelopes, operations awaited on `/wait`, token
/// operations, pending (per-member) pools and networks. It records every request.
actor FakeLXDCluster {
    struct Recorded: Sendable, CustomStringConvertible {
        var member: String
        var method: String
        var path: String
        var body: String
        var description: String { "\(member) \(method) \(path)\(body.isEmpty ? "" : " " + body)" }
    }

    struct Daemon {
        var name: String
        var address: String
        var config: [String: JSONValue]
        var clustered = false
    }

    struct Pool {
        var driver: String
        var description = ""
        var config: [String: String] = [:]
        var pending: [String: [String: String]] = [:]
        var created = false
        var failedCreate = false
    }

    struct Network {
        var type: String
        var description = ""
        var config: [String: String] = [:]
        var pending: [String: [String: String]] = [:]
        var created = false
    }

    struct Op {
        var id: String
        var opClass: String
        var status: String
        var err = ""
        var metadata: JSONValue = .null
        var json: JSONValue {
            .object(["id": .string(id), "class": .string(opClass), "description": .string(opClass == "token" ? "Requesting a join token" : "Task"),
                     "status": .string(status), "status_code": .number(status == "Running" ? 103 : status == "Success" ? 200 : 400),
                     "err": .string(err), "metadata": metadata, "location": .string(""), "may_cancel": .bool(opClass == "token")])
        }
    }

    static let clusterFingerprint = "5ee1b7e4f2c0a0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5"
    static let clusterPEM = "-----BEGIN CERTIFICATE-----\nFAKECLUSTERCERT\n-----END CERTIFICATE-----\n"

    var extensions: [String]
    var daemons: [String: Daemon] = [:]
    var members: [String] = []
    var pools: [String: Pool] = [:]
    var networks: [String: Network] = [:]
    var volumes: Set<String> = []   // "pool/member/name"
    var profile = LXDProfile(name: "default", description: "Default LXD profile")
    var ops: [String: Op] = [:]
    var opCounter = 0
    var log: [Recorded] = []
    /// Answers to inject: the first rule matching (member, "METHOD path") answers instead of the fake.
    var faults: [(match: @Sendable (String, String) -> Bool, response: HTTPResponse)] = []

    init(members: [(String, String)], extensions: [String] = FakeLXDCluster.lxd502Extensions) {
        self.extensions = extensions
        for (name, address) in members {
            // A fresh LXD with a trust password set: LXD shows it as `true`, never as the secret.
            daemons[name] = Daemon(name: name, address: address, config: ["core.trust_password": .bool(true)])
        }
    }

    /// A sample of the 318 extensions of Debian's LXD 5.0.2: what decides request shapes is what is absent.
    static let lxd502Extensions = ["clustering", "clustering_join", "clustering_join_token", "cluster_join_token_expiry",
                                   "init_preseed", "resources_disk_id"]

    nonisolated func transport(_ member: String, prefix: String = "") -> FakeLXDTransport {
        FakeLXDTransport(cluster: self, member: member, prefix: prefix)
    }

    func inject(_ response: HTTPResponse, when match: @escaping @Sendable (String, String) -> Bool) {
        faults.append((match, response))
    }

    /// Answers with `response` only the `n`th time a request matches.
    func injectNth(_ response: HTTPResponse, n: Int, when match: @escaping @Sendable (String, String) -> Bool) {
        let seen = Locked(0)
        faults.append(({ member, call in
            guard match(member, call) else { return false }
            return seen.withLock { $0 += 1; return $0 == n }
        }, response))
    }

    var requests: [String] { log.map(\.description) }
    var runningTokens: [String] { ops.values.filter { $0.opClass == "token" && $0.status == "Running" }.compactMap { $0.metadata["serverName"]?.string }.sorted() }
    func config(of member: String) -> [String: JSONValue] { daemons[member]?.config ?? [:] }
    func isClustered(_ member: String) -> Bool { daemons[member]?.clustered ?? false }

    // MARK: - Dispatch

    func handle(_ member: String, _ request: HTTPRequest, prefix: String) -> HTTPResponse {
        var path = request.path
        if !prefix.isEmpty {
            guard path.hasPrefix(prefix) else { return .error(404, "not found (missing proxy prefix)") }
            path.removeFirst(prefix.count)
        }
        let body = request.body.isEmpty ? nil : try? JSONDecoder().decode(JSONValue.self, from: Data(request.body))
        log.append(Recorded(member: member, method: request.method, path: path,
                            body: body.map { Self.canonical($0) } ?? ""))
        if let fault = faults.first(where: { $0.match(member, "\(request.method) \(path)") }) { return fault.response }
        let route = String(path.split(separator: "?", maxSplits: 1).first ?? "")
        let target = HTTPRequest(method: "GET", path: path).query["target"]
        let parts = route.split(separator: "/").map(String.init)
        switch (request.method, route) {
        case ("GET", "/1.0"): return serverInfo(target ?? member)
        case ("PUT", "/1.0"):
            daemons[target ?? member]?.config = body?["config"]?.object ?? [:]
            return Self.sync(.null)
        case ("GET", "/1.0/cluster"):
            return Self.sync(.object(["server_name": .string(member), "enabled": .bool(daemons[member]!.clustered)]))
        case ("PUT", "/1.0/cluster"): return putCluster(member, body ?? .null)
        case ("GET", "/1.0/cluster/members"):
            return Self.sync(.array(members.map { m in
                .object(["server_name": .string(m), "url": .string("https://\(hostPort(daemons[m]!.address, 8443))"),
                         "status": .string("Online"), "message": .string("Fully operational"),
                         "roles": .array(m == members.first ? [.string("database")] : [])])
            }))
        case ("POST", "/1.0/cluster/members"): return issueToken(member, body?["server_name"]?.string ?? "")
        case ("GET", "/1.0/operations"):
            var groups: [String: [JSONValue]] = [:]
            for op in ops.values.sorted(by: { $0.id < $1.id }) { groups[op.status.lowercased(), default: []].append(op.json) }
            return Self.sync(.object(groups.mapValues { .array($0) }))
        case ("GET", "/internal/ready"): return Self.sync(.null)
        case ("GET", "/1.0/storage-pools"): return Self.sync(.array(pools.keys.sorted().map { poolJSON($0) }))
        case ("POST", "/1.0/storage-pools"): return createPool(body ?? .null, target: target)
        case ("GET", "/1.0/networks"): return Self.sync(.array(networkList()))
        case ("POST", "/1.0/networks"): return createNetwork(body ?? .null, target: target)
        case ("GET", "/1.0/profiles/default"): return Self.sync(profileJSON())
        case ("PUT", "/1.0/profiles/default"):
            profile.description = body?["description"]?.string ?? ""
            profile.config = (try? body?["config"]?.decode([String: String].self)) ?? [:]
            profile.devices = (try? body?["devices"]?.decode([String: [String: String]].self)) ?? [:]
            return Self.sync(.null)
        default: break
        }
        if request.method == "GET", parts.count == 4, parts[1] == "operations", parts[3] == "wait" { return waitOp(parts[2]) }
        if request.method == "DELETE", parts.count == 3, parts[1] == "operations" {
            guard ops.removeValue(forKey: parts[2]) != nil else { return .error(404, "Operation not found") }
            return Self.sync(.null)
        }
        if parts.count == 5, parts[1] == "storage-pools", parts[3] == "volumes", parts[4] == "custom", request.method == "POST" {
            return createVolume(pool: parts[2], name: body?["name"]?.string ?? "", target: target ?? member)
        }
        if parts.count == 6, parts[1] == "storage-pools", parts[4] == "custom", request.method == "DELETE" {
            guard volumes.remove("\(parts[2])/\(target ?? member)/\(parts[5])") != nil else {
                return .error(404, "Storage volume not found")
            }
            return Self.sync(.null)
        }
        if parts.count == 3, parts[1] == "storage-pools", request.method == "DELETE" { return deletePool(parts[2]) }
        if parts.count == 3, parts[1] == "networks", request.method == "DELETE" { return deleteNetwork(parts[2]) }
        return .error(404, "not found")
    }

    // MARK: - Handlers

    func serverInfo(_ member: String) -> HTTPResponse {
        guard let d = daemons[member] else { return .error(404, "Cluster member not found") }
        let env: JSONValue = .object([
            "server_name": .string(d.clustered ? d.name : "none"), "server_version": .string("5.0.2"),
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
        if type == "ovn", networks[name] == nil { networks[name] = Network(type: type, pending: Dictionary(uniqueKeysWithValues: members.map { ($0, [:]) })) }
        guard var net = networks[name] else { return .error(400, "Network not pending on any node (use --target <node> first)") }
        let missing = members.filter { net.pending[$0] == nil }
        if !missing.isEmpty { return .error(400, "Network not defined on nodes: \(missing.joined(separator: ", "))") }
        net.config = config
        net.description = body["description"]?.string ?? ""
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

    // MARK: - Envelopes

    static func sync(_ metadata: JSONValue) -> HTTPResponse {
        let body: JSONValue = .object(["type": .string("sync"), "status": .string("Success"), "status_code": .number(200),
                                       "operation": .string(""), "error_code": .number(0), "error": .string(""), "metadata": metadata])
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(canonical(body).utf8))
    }

    static func canonical(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}

struct FakeLXDTransport: HTTPTransport {
    let cluster: FakeLXDCluster
    let member: String
    let prefix: String
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        await cluster.handle(member, request, prefix: prefix)
    }
}

@Suite struct LXDFakeTests {
    @Test func fakeAnswersLikeLXDWithEnvelopes() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1")])
        let t = fake.transport("m1")
        let r = try await t.send(HTTPRequest(method: "GET", path: "/1.0"))
        let env = try r.decode(JSONValue.self)
        #expect(env["type"]?.string == "sync")
        #expect(env["metadata"]?["environment"]?["server_version"]?.string == "5.0.2")
        let e = try await t.send(HTTPRequest(method: "GET", path: "/1.0/nothing"))
        #expect(e.status == 404)
        #expect(try e.decode(JSONValue.self)["type"]?.string == "error")
    }
}
