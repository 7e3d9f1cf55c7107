import FoundationEssentials

/// One member-specific key a joining member brings along (`member_config` of `PUT /1.0/cluster`),
/// e.g. the disk of its part of the `local` pool.
public struct LXDMemberConfig: Codable, Sendable, Equatable {
    public var entity: String
    public var name: String
    public var key: String
    public var value: String
    public var description: String

    public init(entity: String, name: String, key: String, value: String, description: String = "") {
        self.entity = entity; self.name = name; self.key = key; self.value = value; self.description = description
    }
}

extension LXDClient {
    /// Turns this standalone LXD into the first member of a new cluster and waits for the operation.
    public func enableClustering(serverName: String, timeout: Duration = .seconds(120)) async throws {
        struct Body: Encodable { var server_name: String; var enabled: Bool }
        try await call("PUT", "/1.0/cluster", body: Body(server_name: serverName, enabled: true), timeout: timeout)
    }

    public func clusterMembers() async throws -> [LXDClusterMember] {
        try await get("/1.0/cluster/members?recursion=1", as: [LXDClusterMember].self)
    }

    /// Asks the cluster for a join token for `serverName`. LXD keeps a `token` operation running until the
    /// token is used or expires; we read the token from it and do not wait.
    public func issueJoinToken(for serverName: String) async throws -> String {
        struct Body: Encodable { var server_name: String }
        let call = "POST /1.0/cluster/members"
        let metadata: JSONValue
        switch try await send("POST", "/1.0/cluster/members", body: Body(server_name: serverName)) {
        case .async(let op): metadata = op.metadata ?? .null
        case .sync(let m): metadata = m ?? .null
        }
        guard let token = LXDJoinToken.fromOperationMetadata(metadata) else {
            throw LXDError(target: name, call: call, code: nil, message: "the answer holds no join token for \(serverName)")
        }
        return token.encoded
    }

    /// Revokes an unused join token: finds the running token operation for `serverName` and deletes it.
    /// Returns false when there is none (already used, expired or never issued).
    @discardableResult
    public func deleteJoinToken(for serverName: String) async throws -> Bool {
        let groups = try await call("GET", "/1.0/operations?recursion=1")?.object ?? [:]
        let ops = groups.values.flatMap { $0.array ?? [] }.compactMap { try? $0.decode(LXDOperation.self) }
        guard let op = ops.first(where: {
            $0.operationClass == "token" && $0.isRunning && $0.metadata?["serverName"]?.string == serverName
        }) else { return false }
        do {
            try await call("DELETE", "/1.0/operations/\(op.id)")
        } catch let error as LXDError where error.isNotFound {
            return false
        }
        return true
    }

    /// Joins this (standalone) LXD to an existing cluster. LXD before the `explicit_trust_token` extension
    /// (e.g. 5.0.x) takes the whole token as `cluster_password`; newer ones take it as `cluster_token`.
    public func joinCluster(serverName: String, serverAddress: String, clusterAddress: String,
                            clusterCertificate: String, token: String, memberConfig: [LXDMemberConfig],
                            timeout: Duration = .seconds(300)) async throws {
        struct Body: Encodable {
            var server_name: String
            var enabled = true
            var server_address: String
            var cluster_address: String
            var cluster_certificate: String
            var cluster_password: String?
            var cluster_token: String?
            var member_config: [LXDMemberConfig]
        }
        let explicitToken = try await extensions().contains("explicit_trust_token")
        let body = Body(server_name: serverName, server_address: serverAddress, cluster_address: clusterAddress,
                        cluster_certificate: clusterCertificate,
                        cluster_password: explicitToken ? nil : token,
                        cluster_token: explicitToken ? token : nil,
                        member_config: memberConfig)
        try await call("PUT", "/1.0/cluster", body: body, timeout: timeout)
    }
}
