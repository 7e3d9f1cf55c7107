import Foundation
import Testing
@testable import MicroCloudKit

/// A stateful stand-in for a group of LXD 5.0.2 daemons (one per member), answering the REST calls the
/// bootstrap makes the way LXD does: sync/async/error envelopes, operations awaited on `/wait`, token
/// operations, pending (per-member) pools and networks. Tests read what it holds afterwards (`endState`); it
/// also records every request, for the client tests that are about the requests themselves.
/// It keeps the quirks the lab showed of Debian's LXD 5.0.2: the final create of a network defined per member
/// drops its description, and `/1.0/resources` lists no loop devices (only the system disk).
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
        case ("GET", "/1.0/resources"): return resources(target ?? member)
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
        if parts.count == 3, parts[1] == "storage-pools", request.method == "GET" { return getPool(parts[2], target: target) }
        if parts.count == 3, parts[1] == "storage-pools", request.method == "DELETE" { return deletePool(parts[2]) }
        if parts.count == 3, parts[1] == "networks" {
            switch request.method {
            case "GET": return getNetwork(parts[2], target: target)
            case "PUT", "PATCH": return updateNetwork(parts[2], body ?? .null, target: target, replace: request.method == "PUT")
            case "DELETE": return deleteNetwork(parts[2])
            default: break
            }
        }
        return .error(404, "not found")
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
