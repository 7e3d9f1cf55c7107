// LXD API objects read back after bootstrap (and during inventory). Each decodes LXD's JSON keys and tolerates
// missing fields, since LXD versions differ in what they send.

/// `GET /1.0/cluster/members` entry.
public struct LXDClusterMember: Codable, Hashable, Sendable {
    public var serverName: String
    public var url: String
    public var roles: [String]
    public var architecture: String
    public var failureDomain: String
    public var description: String
    public var status: String
    public var message: String

    public init(serverName: String, url: String, roles: [String] = [], architecture: String = "x86_64",
                failureDomain: String = "default", description: String = "", status: String = "Online",
                message: String = "Fully operational") {
        self.serverName = serverName
        self.url = url
        self.roles = roles
        self.architecture = architecture
        self.failureDomain = failureDomain
        self.description = description
        self.status = status
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name", failureDomain = "failure_domain"
        case url, roles, architecture, description, status, message
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serverName = try c.decode(String.self, forKey: .serverName)
        url = try c.decodeIfPresent(String.self, forKey: .url) ?? ""
        roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
        architecture = try c.decodeIfPresent(String.self, forKey: .architecture) ?? ""
        failureDomain = try c.decodeIfPresent(String.self, forKey: .failureDomain) ?? ""
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
    }
}

/// `GET /1.0/storage-pools?recursion=1` entry.
public struct LXDStoragePool: Codable, Hashable, Sendable {
    public var name: String
    public var driver: String
    public var description: String
    public var status: String
    public var usedBy: [String]
    public var config: [String: String]
    public var locations: [String]

    public init(name: String, driver: String, description: String = "", status: String = "Created",
                usedBy: [String] = [], config: [String: String] = [:], locations: [String] = []) {
        self.name = name
        self.driver = driver
        self.description = description
        self.status = status
        self.usedBy = usedBy
        self.config = config
        self.locations = locations
    }

    enum CodingKeys: String, CodingKey {
        case usedBy = "used_by"
        case name, driver, description, status, config, locations
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        driver = try c.decodeIfPresent(String.self, forKey: .driver) ?? ""
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        usedBy = try c.decodeIfPresent([String].self, forKey: .usedBy) ?? []
        config = try c.decodeIfPresent([String: String].self, forKey: .config) ?? [:]
        locations = try c.decodeIfPresent([String].self, forKey: .locations) ?? []
    }
}

/// `GET /1.0/networks?recursion=1` entry.
public struct LXDNetwork: Codable, Hashable, Sendable {
    public var name: String
    public var type: String
    public var managed: Bool
    public var description: String
    public var status: String
    public var usedBy: [String]
    public var config: [String: String]

    public init(name: String, type: String, managed: Bool = false, description: String = "", status: String = "",
                usedBy: [String] = [], config: [String: String] = [:]) {
        self.name = name
        self.type = type
        self.managed = managed
        self.description = description
        self.status = status
        self.usedBy = usedBy
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case usedBy = "used_by"
        case name, type, managed, description, status, config
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
        managed = try c.decodeIfPresent(Bool.self, forKey: .managed) ?? false
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        usedBy = try c.decodeIfPresent([String].self, forKey: .usedBy) ?? []
        config = try c.decodeIfPresent([String: String].self, forKey: .config) ?? [:]
    }
}

/// `GET /1.0/profiles/<name>`.
public struct LXDProfile: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var config: [String: String]
    public var devices: [String: [String: String]]
    public var usedBy: [String]

    public init(name: String, description: String = "", config: [String: String] = [:],
                devices: [String: [String: String]] = [:], usedBy: [String] = []) {
        self.name = name
        self.description = description
        self.config = config
        self.devices = devices
        self.usedBy = usedBy
    }

    enum CodingKeys: String, CodingKey {
        case usedBy = "used_by"
        case name, description, config, devices
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        config = try c.decodeIfPresent([String: String].self, forKey: .config) ?? [:]
        devices = try c.decodeIfPresent([String: [String: String]].self, forKey: .devices) ?? [:]
        usedBy = try c.decodeIfPresent([String].self, forKey: .usedBy) ?? []
    }
}

