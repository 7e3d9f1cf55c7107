import Foundation
import Testing
@testable import MicroCloudKit

private struct Unreachable: HTTPTransport {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw TransportError(target: "unix:/var/lib/lxd/unix.socket", reason: "no such file")
    }
}

@Suite struct LXDClientTests {
    @Test func errorEnvelopeNamesTheCallAndLXDsMessage() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1")])
        await fake.inject(.error(400, "Storage pool \"local\" already exists"), when: { _, call in call.hasPrefix("POST /1.0/storage-pools") })
        let lxd = LXDClient(transport: fake.transport("m1"), name: "LXD on m1")
        let error = await #expect(throws: LXDError.self) {
            try await lxd.createStoragePool(name: "local", driver: "zfs")
        }
        #expect(error?.description == "LXD on m1: POST /1.0/storage-pools failed (400): Storage pool \"local\" already exists")
    }

    @Test func transportFailureNamesTheCall() async throws {
        let lxd = LXDClient(transport: Unreachable(), name: "LXD on m1")
        let error = await #expect(throws: LXDError.self) { try await lxd.server() }
        #expect(error?.description == "LXD on m1: GET /1.0 failed: unix:/var/lib/lxd/unix.socket: no such file")
    }

    @Test func failedOperationReportsTheOriginalCall() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1"), ("m2", "10.0.0.2")])
        let lxd = LXDClient(transport: fake.transport("m2"), name: "LXD on m2")
        // A token that no cluster issued: LXD accepts the PUT and its operation fails.
        let bogus = LXDJoinToken(serverName: "m2", fingerprint: "ab", addresses: ["10.0.0.1:8443"], secret: "nope", expiresAt: "x")
        let error = await #expect(throws: LXDError.self) {
            try await lxd.joinCluster(serverName: "m2", serverAddress: "10.0.0.2:8443", clusterAddress: "10.0.0.1:8443",
                                      clusterCertificate: "pem", token: bogus.encoded, memberConfig: [])
        }
        #expect(error?.call == "PUT /1.0/cluster")
        #expect(error?.message == "No matching cluster join token found")
        #expect(await fake.requests.last == "m2 GET /1.0/operations/op-1/wait?timeout=300")
    }

    @Test func serverConfigMergeKeepsOtherKeysAndTheirTypes() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1")])
        let lxd = LXDClient(transport: fake.transport("m1"))
        let before = try await lxd.updateServerConfig(["core.https_address": "10.0.0.1:8443", "user.microcloud": "0.1.0"])
        #expect(before == ["core.https_address": "", "user.microcloud": ""])
        #expect(await fake.config(of: "m1") == ["core.trust_password": .bool(true),
                                                "core.https_address": .string("10.0.0.1:8443"), "user.microcloud": .string("0.1.0")])
        // Restoring: an empty value removes the key.
        try await lxd.updateServerConfig(before)
        #expect(await fake.config(of: "m1") == ["core.trust_password": .bool(true)])
        // Nothing to change: no PUT at all.
        let puts = await fake.requests.filter { $0.hasPrefix("m1 PUT") }.count
        try await lxd.updateServerConfig(["user.x": ""])
        #expect(await fake.requests.filter { $0.hasPrefix("m1 PUT") }.count == puts)
    }

    @Test func joinTokenIsWhatLXDPrints() throws {
        let token = LXDJoinToken(serverName: "m2", fingerprint: "abc", addresses: ["10.0.0.1:8443"], secret: "s3cr3t",
                                 expiresAt: "2030-01-01T03:00:00Z")
        let json = #"{"server_name":"m2","fingerprint":"abc","addresses":["10.0.0.1:8443"],"secret":"s3cr3t","expires_at":"2030-01-01T03:00:00Z"}"#
        #expect(token.encoded == Data(json.utf8).base64EncodedString())
        #expect(try LXDJoinToken.decode(token.encoded) == token)
        #expect(!"\(token)".contains("s3cr3t"))
        #expect(throws: LXDJoinToken.DecodeError.self) { try LXDJoinToken.decode("not a token") }
    }

    @Test func tokensAreIssuedFromTheOperationAndRevokedByServerName() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1"), ("m2", "10.0.0.2"), ("m3", "10.0.0.3")])
        let lxd = LXDClient(transport: fake.transport("m1"))
        try await lxd.updateServerConfig(["core.https_address": "10.0.0.1:8443"])
        try await lxd.enableClustering(serverName: "m1")
        let text = try await lxd.issueJoinToken(for: "m2")
        _ = try await lxd.issueJoinToken(for: "m3")
        let token = try LXDJoinToken.decode(text)
        #expect(token.serverName == "m2")
        #expect(token.addresses == ["10.0.0.1:8443"])
        #expect(token.fingerprint == FakeLXDCluster.clusterFingerprint)
        #expect(await fake.runningTokens == ["m2", "m3"])
        #expect(try await lxd.deleteJoinToken(for: "m2"))
        #expect(try await !lxd.deleteJoinToken(for: "m2"))
        #expect(await fake.runningTokens == ["m3"])
    }

    @Test(arguments: [false, true])
    func joinPassesTheTokenTheWayThisLXDExpects(explicitTrustToken: Bool) async throws {
        let extensions = FakeLXDCluster.lxd502Extensions + (explicitTrustToken ? ["explicit_trust_token"] : [])
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1"), ("m2", "10.0.0.2")], extensions: extensions)
        let lxd = LXDClient(transport: fake.transport("m2"))
        try? await lxd.joinCluster(serverName: "m2", serverAddress: "10.0.0.2:8443", clusterAddress: "10.0.0.1:8443",
                                   clusterCertificate: "PEM", token: "TOKEN",
                                   memberConfig: [LXDMemberConfig(entity: "storage-pool", name: "local", key: "source", value: "/dev/sdc")])
        let put = try #require(await fake.log.first { $0.method == "PUT" })
        let field = explicitTrustToken ? "cluster_token" : "cluster_password"
        #expect(put.body == #"{"cluster_address":"10.0.0.1:8443","cluster_certificate":"PEM","\#(field)":"TOKEN","enabled":true,"# +
                #""member_config":[{"description":"","entity":"storage-pool","key":"source","name":"local","value":"/dev/sdc"}],"# +
                #""server_address":"10.0.0.2:8443","server_name":"m2"}"#)
    }

    @Test func proxyPrefixIsUsedForEveryCallIncludingOperationWaits() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1")])
        let lxd = LXDClient(transport: fake.transport("m1", prefix: "/1.0/services/lxd"), prefix: "/1.0/services/lxd")
        try await lxd.updateServerConfig(["core.https_address": "10.0.0.1:8443"])
        try await lxd.enableClustering(serverName: "m1")
        try await lxd.waitReady()
        #expect(await fake.requests == [
            "m1 GET /1.0",
            #"m1 PUT /1.0 {"config":{"core.https_address":"10.0.0.1:8443","core.trust_password":true}}"#,
            #"m1 PUT /1.0/cluster {"enabled":true,"server_name":"m1"}"#,
            "m1 GET /1.0/operations/op-1/wait?timeout=120",
            "m1 GET /internal/ready",
        ])
    }

    @Test func serverDescribesClusteringAndDrivers() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1")])
        let lxd = LXDClient(transport: fake.transport("m1"))
        let s = try await lxd.server()
        #expect(s.serverVersion == "5.0.2")
        #expect(!s.clustered)
        #expect(s.storageDrivers == ["btrfs", "dir", "zfs"])
        #expect(s.has(extension: "clustering_join_token"))
        #expect(!s.has(extension: "explicit_trust_token"))
    }
}
