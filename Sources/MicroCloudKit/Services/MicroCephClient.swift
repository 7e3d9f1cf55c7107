import FoundationEssentials

/// MicroCeph's REST API (microcluster's core plus `/1.0/disks`, pools, services, configs) over any transport: its
/// control socket, or a member's `/1.0/services/microceph` proxy. Errors name the member and carry MicroCeph's text.
public struct MicroCephClient: CephAPI, MicroclusterService {
    public let core: MicroclusterClient
    /// How long bootstrap may take to list the first member.
    public let bootstrapWait: Duration

    public init(transport: any HTTPTransport, name: String = "MicroCeph", bootstrapWait: Duration = .seconds(60)) {
        self.core = MicroclusterClient(transport: transport, name: name)
        self.bootstrapWait = bootstrapWait
    }

    // MARK: - Core (microcluster)

    public func bootstrap(name: String, address: String, clusterNetwork: String?, publicNetwork: String?) async throws {
        var config: [String: String] = [:]
        if let c = clusterNetwork, !c.isEmpty { config["ClusterNet"] = c }
        if let p = publicNetwork, !p.isEmpty { config["PublicNet"] = p }
        try await core.bootstrap(name: name, address: address, config: config)
        try await core.waitForMember(name, within: bootstrapWait)
    }

    // MARK: - Disks

    /// `POST /1.0/disks[?target=]` `{path:[p], wipe, encrypt}`: MicroCeph answers 200 with a per-path report, so a
    /// disk that failed is read from the report and thrown with its path and MicroCeph's error.
    public func addDisk(_ disk: DiskChoice, target: String?) async throws {
        let path = LXDClient.targeted("/1.0/disks", target)
        let answer = try await core.call("POST", path, body: DiskAddRequest(path: [disk.path], wipe: disk.wipe,
                                                                            encrypt: disk.encrypt))
        let report = (try? (answer ?? .null).decode(DiskAddReport.self)) ?? DiskAddReport()
        let failures = report.problems
        if !failures.isEmpty {
            throw LXDError(target: target.map { "MicroCeph on \($0)" } ?? name, call: "POST /1.0/disks (\(disk.path))",
                           code: nil, message: failures.joined(separator: ": "))
        }
    }

    /// `GET /1.0/disks`: every OSD of the cluster with its path and member.
    public func disks() async throws -> [CephDisk] { try await core.get("/1.0/disks") }

    // MARK: - Pools, services, configs

    public func pools() async throws -> [CephPool] { try await core.get("/1.0/pools") }

    public func poolSizes() async throws -> [String: Int] {
        Dictionary(try await pools().map { ($0.pool, $0.size) }, uniquingKeysWith: { a, _ in a })
    }

    public func setPoolSize(_ pools: [String], size: Int) async throws {
        try await core.call("PUT", "/1.0/pools-op", body: PoolsOp(pools: pools, size: size))
    }

    /// `GET /1.0/services`: which Ceph daemons run where (mon, mgr, mds, osd).
    public func services() async throws -> [CephService] { try await core.get("/1.0/services") }

    /// `GET /1.0/configs` with MicroCeph's `types.Config` at its zero value, as upstream MicroCloud sends it: Ceph's
    /// cluster-wide options MicroCeph manages (`cluster_network`, `public_network` …). MicroCeph decodes a body even on
    /// this GET (microceph/api/configs.go cmdConfigsGet): without one it answers 500 `EOF`; an empty key asks for all.
    public func configs() async throws -> [String: String] {
        let answer = try await core.call("GET", "/1.0/configs", body: ConfigQuery()) ?? .null
        let list: [CephConfig]
        do {
            list = try answer.decode([CephConfig].self)
        } catch {
            throw LXDError(target: name, call: "GET /1.0/configs", code: nil, message: "unexpected answer: \(error)")
        }
        return Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }
}

/// One OSD in `GET /1.0/disks`.
public struct CephDisk: Codable, Sendable, Equatable {
    public var osd: Int
    public var path: String
    /// The member holding it.
    public var location: String
}

public struct CephPool: Codable, Sendable, Equatable {
    public var pool: String
    public var size: Int
}

public struct CephService: Codable, Sendable, Equatable {
    public var service: String
    public var location: String
}

private struct ConfigQuery: Encodable {
    var key = "", value = "", wait = false
    var skipRestart = false
    enum CodingKeys: String, CodingKey { case key, value, wait, skipRestart = "skip_restart" }
}

private struct CephConfig: Decodable {
    var key: String
    var value: String
}

private struct DiskAddRequest: Encodable {
    var path: [String]
    var wipe: Bool
    var encrypt: Bool
}

/// `POST /1.0/disks`' answer: a validation error for the whole request, or one report per path.
struct DiskAddReport: Decodable {
    struct Entry: Decodable {
        var path: String
        var report: String
        var error: String
    }
    var validationError: String = ""
    var report: [Entry] = []

    enum CodingKeys: String, CodingKey { case validationError = "validation_error", report }

    init() {}
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        validationError = try c.decodeIfPresent(String.self, forKey: .validationError) ?? ""
        report = try c.decodeIfPresent([Entry].self, forKey: .report) ?? []
    }

    /// What went wrong, MicroCeph's words: newest first, as upstream joins them.
    var problems: [String] {
        var out = report.filter { !$0.error.isEmpty }.map(\.error).reversed().map { $0 }
        if !validationError.isEmpty { out.insert(validationError, at: 0) }
        return out
    }
}

private struct PoolsOp: Encodable {
    var pools: [String]
    var size: Int
}
