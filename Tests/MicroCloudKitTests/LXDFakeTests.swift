import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct LXDFakeTests {
    @Test func fakeAnswersLikeLXDWithEnvelopes() async throws {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1")])
        let t = fake.transport("m1")
        let r = try await t.send(HTTPRequest(method: "GET", path: "/1.0"))
        let env = try r.decode(JSONValue.self)
        #expect(env["type"]?.string == "sync")
        #expect(env["metadata"]?["environment"]?["server_version"]?.string == "5.0.2")
        #expect(env["metadata"]?["environment"]?["server_name"]?.string == "m1", "an unclustered LXD reports its hostname")
        let e = try await t.send(HTTPRequest(method: "GET", path: "/1.0/nothing"))
        #expect(e.status == 404)
        #expect(try e.decode(JSONValue.self)["type"]?.string == "error")
    }

    /// Two members clustered through the client, as the bootstrap does it.
    static func cluster() async throws -> (FakeLXDCluster, LXDClient) {
        let fake = FakeLXDCluster(members: [("m1", "10.0.0.1"), ("m2", "10.0.0.2")])
        let lxd = LXDClient(transport: fake.transport("m1"), name: "LXD on m1")
        _ = try await lxd.updateServerConfig(["core.https_address": "10.0.0.1:8443"])
        try await lxd.enableClustering(serverName: "m1")
        return (fake, lxd)
    }

    /// LXD 5.0.2 in the lab: a network defined per member loses its description on the final create; one LXD
    /// makes in one go (OVN) keeps it; a PUT afterwards sets it, keeping each member's own keys.
    @Test func theFinalCreateOfAMemberDefinedNetworkDropsItsDescription() async throws {
        let (fake, lxd) = try await Self.cluster()
        try await lxd.createNetwork(name: "UPLINK", type: "physical", config: ["parent": "eth1"], target: "m1")
        try await lxd.createNetwork(name: "UPLINK", type: "physical", description: "Uplink for OVN networks",
                                    config: ["ipv4.gateway": "192.0.2.1/24"])
        #expect(try await lxd.network("UPLINK").description == "")
        try await lxd.createNetwork(name: "default", type: "ovn", description: "Default OVN network", config: ["network": "UPLINK"])
        #expect(try await lxd.network("default").description == "Default OVN network")

        try await lxd.setNetworkDescription("UPLINK", "Uplink for OVN networks")
        let uplink = try #require(await fake.endState.networks["UPLINK"])
        #expect(uplink.description == "Uplink for OVN networks")
        #expect(uplink.config == ["ipv4.gateway": "192.0.2.1/24"] && uplink.members == ["m1": ["parent": "eth1"]])
        // Untargeted, a member's own key is refused, as LXD does.
        let put = try await fake.transport("m1").send(HTTPRequest(method: "PUT", path: "/1.0/networks/UPLINK",
                                                                  body: Array(#"{"config":{"parent":"eth2"}}"#.utf8)))
        #expect(put.status == 400)
    }

    @Test func resourcesListNoLoopDevicesOnlyTheSystemDisk() async throws {
        let (_, lxd) = try await Self.cluster()
        let disks = try await lxd.resources()["storage"]?["disks"]?.array ?? []
        #expect(disks.compactMap { $0["id"]?.string } == ["vda"])
    }
}
