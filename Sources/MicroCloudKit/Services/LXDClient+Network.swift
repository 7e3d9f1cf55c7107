import FoundationEssentials

extension LXDClient {
    /// Creates a network; with `target`, only that member's pending part of a clustered network.
    public func createNetwork(name: String, type: String, description: String = "",
                              config: [String: String] = [:], target: String? = nil) async throws {
        struct Body: Encodable { var name: String; var type: String; var description: String; var config: [String: String] }
        try await call("POST", Self.targeted("/1.0/networks", target),
                       body: Body(name: name, type: type, description: description, config: config))
    }

    public func networks() async throws -> [LXDNetwork] {
        try await get("/1.0/networks?recursion=1", as: [LXDNetwork].self)
    }

    public func network(_ name: String) async throws -> LXDNetwork {
        try await get("/1.0/networks/\(Self.escape(name))", as: LXDNetwork.self)
    }

    /// Sets a network's description and keeps its cluster-wide config, as `lxc network edit` does (LXD leaves
    /// member-specific keys out of an untargeted GET and keeps them on this PUT). Writes nothing when LXD has it.
    public func setNetworkDescription(_ name: String, _ description: String) async throws {
        let current = try await network(name)
        guard current.description != description else { return }
        struct Body: Encodable { var description: String; var config: [String: String] }
        try await call("PUT", "/1.0/networks/\(Self.escape(name))", body: Body(description: description, config: current.config))
    }

    public func deleteNetwork(_ name: String) async throws {
        try await call("DELETE", "/1.0/networks/\(Self.escape(name))")
    }

    public func profile(_ name: String) async throws -> LXDProfile {
        try await get("/1.0/profiles/\(Self.escape(name))", as: LXDProfile.self)
    }

    /// Replaces a profile's description, config and devices (awaited when LXD runs it as an operation).
    public func updateProfile(_ profile: LXDProfile) async throws {
        struct Body: Encodable { var description: String; var config: [String: String]; var devices: [String: [String: String]] }
        try await call("PUT", "/1.0/profiles/\(Self.escape(profile.name))",
                       body: Body(description: profile.description, config: profile.config, devices: profile.devices))
    }

    public func createProfile(_ profile: LXDProfile) async throws {
        struct Body: Encodable {
            var name: String; var description: String; var config: [String: String]; var devices: [String: [String: String]]
        }
        try await call("POST", "/1.0/profiles", body: Body(name: profile.name, description: profile.description,
                                                           config: profile.config, devices: profile.devices))
    }
}
