import Testing
import MicroCloudKit
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// The initiator repeats `PUT /1.0/services` when a link fault swallowed the answer (LateFaults' 20 s cable pull once
/// failed the run with "connection closed before a complete response"): the member must follow the join it started,
/// never start a second one with the same single-use tokens.
/// In the trust session suite: its tests run one at a time (the test daemons share a port).
extension TrustSessionTests {
    @Test func theSameRequestAgainFollowsTheJoinAlreadyStarted() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        let member = cloud.daemons[0]
        let put = ServicesPut(services: [ServiceJoin(service: .lxd, token: "token-1")], members: [])

        #expect(try await member.startJoin(put).status == 202)
        let started = await member.joinLog
        #expect(try await member.startJoin(put).status == 202)
        #expect(await member.joinLog === started)  // no second join: the same log of events, the same result to come
    }


    /// Issue 20: a member's membership could be emptied by a second, different `PUT /1.0/services` after its join
    /// finished. A member refuses it; a join that failed may still be tried again with new tokens.
    @Test func aMemberRefusesADifferentJoinRequest() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        let member = cloud.daemons[0]
        let first = ServicesPut(services: [ServiceJoin(service: .lxd, token: "token-1")], members: [])
        #expect(try await member.startJoin(first).status == 202)
        await member.joinTask?.value   // no LXD here: the join fails
        let retry = ServicesPut(services: [ServiceJoin(service: .lxd, token: "token-2")], members: [])
        #expect(try await member.startJoin(retry).status == 202, "a failed join may be tried again")
        await member.joinTask?.value

        let cloudMembers = [Peer(name: "micro01", address: "127.0.0.2", fingerprint: "aa"),
                            Peer(name: "micro09", address: "127.0.0.9", fingerprint: "bb")]
        try await member.recordMembers(cloudMembers)
        let other = ServicesPut(services: [ServiceJoin(service: .lxd, token: "token-3")], members: [])
        let refused = try await member.startJoin(other)
        #expect(refused.status == 409)
        #expect(refused.text.contains("micro01 already joined a MicroCloud of 2 members"), "\(refused.text)")
        #expect(await member.members == cloudMembers)
    }
}
