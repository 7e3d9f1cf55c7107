import Testing
import MicroCloudKit
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// The initiator repeats `PUT /1.0/services` when a link fault swallowed the answer (LateFaults' 20 s cable pull once
/// failed the run with "connection closed before a complete response"): the member must follow the join it started,
/// never start a second one with the same single-use tokens.
struct RepeatedJoinRequestTests {
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
}
