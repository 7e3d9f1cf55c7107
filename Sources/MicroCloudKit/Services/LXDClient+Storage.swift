import FoundationEssentials

extension LXDClient {
    /// Creates a storage pool; with `target`, only that member's pending part of a clustered pool.
    public func createStoragePool(name: String, driver: String, description: String = "",
                                  config: [String: String] = [:], target: String? = nil) async throws {
        struct Body: Encodable { var name: String; var driver: String; var description: String; var config: [String: String] }
        try await call("POST", Self.targeted("/1.0/storage-pools", target),
                       body: Body(name: name, driver: driver, description: description, config: config))
    }

    public func storagePools() async throws -> [LXDStoragePool] {
        try await get("/1.0/storage-pools?recursion=1", as: [LXDStoragePool].self)
    }

    public func storagePool(_ name: String, target: String? = nil) async throws -> LXDStoragePool {
        try await get(Self.targeted("/1.0/storage-pools/\(Self.escape(name))", target), as: LXDStoragePool.self)
    }

    public func deleteStoragePool(_ name: String) async throws {
        try await call("DELETE", "/1.0/storage-pools/\(Self.escape(name))")
    }

    /// Creates a custom volume on `target`'s part of `pool` (LXD runs this as an operation).
    public func createVolume(pool: String, name: String, target: String? = nil) async throws {
        struct Body: Encodable { var name: String; var type = "custom"; var config: [String: String] = [:] }
        try await call("POST", Self.targeted("/1.0/storage-pools/\(Self.escape(pool))/volumes/custom", target),
                       body: Body(name: name))
    }

    public func deleteVolume(pool: String, name: String, target: String? = nil) async throws {
        try await call("DELETE", Self.targeted(
            "/1.0/storage-pools/\(Self.escape(pool))/volumes/custom/\(Self.escape(name))", target))
    }
}
