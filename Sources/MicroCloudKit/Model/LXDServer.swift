/// One LXD server: what `GET /1.0` tells (version, extensions, certificate, clustering, storage drivers, config)
/// and, in an inventory, the pools and networks it already has. The one type for it: the client, the daemon's
/// inventory and the planner all read this.
public struct LXDServer: Codable, Hashable, Sendable {
    public var serverName = ""
    public var serverVersion = ""
    public var apiExtensions: [String] = []
    /// Names of the storage drivers this LXD can use ("btrfs", "dir", "zfs", …).
    public var storageDrivers: [String] = []
    public var clustered = false
    /// PEM of the server's (or, once clustered, the cluster's) certificate.
    public var certificate = ""
    public var certificateFingerprint = ""
    public var addresses: [String] = []
    public var config: [String: JSONValue] = [:]
    /// Inventory: names of existing storage pools.
    public var storagePools: [String] = []
    /// Inventory: names of existing networks, managed or not (LXD lists host interfaces too).
    public var networks: [String] = []

    public init(serverVersion: String = "", apiExtensions: [String] = [], storageDrivers: [String] = [],
                clustered: Bool = false, storagePools: [String] = [], networks: [String] = []) {
        self.serverVersion = serverVersion
        self.apiExtensions = apiExtensions
        self.storageDrivers = storageDrivers
        self.clustered = clustered
        self.storagePools = storagePools
        self.networks = networks
    }

    /// From the `metadata` of LXD's `GET /1.0`.
    public init(metadata m: JSONValue) {
        let env = m["environment"]
        apiExtensions = m["api_extensions"]?.array?.compactMap(\.string) ?? []
        serverName = env?["server_name"]?.string ?? ""
        serverVersion = env?["server_version"]?.string ?? ""
        certificate = env?["certificate"]?.string ?? ""
        certificateFingerprint = env?["certificate_fingerprint"]?.string ?? ""
        clustered = env?["server_clustered"]?.bool ?? false
        storageDrivers = env?["storage_supported_drivers"]?.array?.compactMap { ($0["Name"] ?? $0["name"])?.string } ?? []
        addresses = env?["addresses"]?.array?.compactMap(\.string) ?? []
        config = m["config"]?.object ?? [:]
    }

    public func has(extension name: String) -> Bool { apiExtensions.contains(name) }

    private enum CodingKeys: String, CodingKey {
        case serverName, serverVersion, apiExtensions, storageDrivers, clustered, certificate, certificateFingerprint,
             addresses, config, storagePools, networks
    }

    /// Inventories travel between our own daemons; a field an older sender left out reads as empty.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serverName = try c.decodeIfPresent(String.self, forKey: .serverName) ?? ""
        serverVersion = try c.decodeIfPresent(String.self, forKey: .serverVersion) ?? ""
        apiExtensions = try c.decodeIfPresent([String].self, forKey: .apiExtensions) ?? []
        storageDrivers = try c.decodeIfPresent([String].self, forKey: .storageDrivers) ?? []
        clustered = try c.decodeIfPresent(Bool.self, forKey: .clustered) ?? false
        certificate = try c.decodeIfPresent(String.self, forKey: .certificate) ?? ""
        certificateFingerprint = try c.decodeIfPresent(String.self, forKey: .certificateFingerprint) ?? ""
        addresses = try c.decodeIfPresent([String].self, forKey: .addresses) ?? []
        config = try c.decodeIfPresent([String: JSONValue].self, forKey: .config) ?? [:]
        storagePools = try c.decodeIfPresent([String].self, forKey: .storagePools) ?? []
        networks = try c.decodeIfPresent([String].self, forKey: .networks) ?? []
    }
}
