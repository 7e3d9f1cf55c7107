import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct BootstrapFailureTests {
    /// Every step the 3-member LXD plan runs, in the order it runs them one at a time.
    static let order = [
        "lxd.server-config", "lxd.enable-clustering", "lxd.token.m2", "lxd.token.m3", "join.m2", "join.m3",
        "lxd.pool.local.pending.m1", "lxd.pool.local.pending.m2", "lxd.pool.local.pending.m3", "lxd.pool.local",
        "lxd.network.lxdbr0.pending.m1", "lxd.network.lxdbr0.pending.m2", "lxd.network.lxdbr0.pending.m3", "lxd.network.lxdbr0",
        "lxd.profile.default", "lxd.volumes.m1", "lxd.volumes.m2", "lxd.volumes.m3",
    ]

    static let firstMemberRemains = "LXD on m1 is now the first member of a cluster; to start over, remove the other members and re-initialise LXD on m1"
    static func joinerRemains(_ m: String) -> String {
        "LXD on \(m) is now a cluster member; to start over, remove it with `lxc cluster remove \(m) --force` on a remaining member and re-initialise LXD on \(m)"
    }

    @Test func theListAboveIsWhatThePlanRuns() async throws {
        let f = await BootstrapFixture.make()
        let (report, _) = try await f.run()
        #expect(report.done.map(\.id.rawValue) == Self.order)
    }

    /// Nothing the bootstrap created and could delete is left on the fake cluster.
    static func expectTidy(_ fake: FakeLXDCluster, clustered: Bool) async {
        #expect(await fake.pools.isEmpty)
        #expect(await fake.networks.isEmpty)
        #expect(await fake.volumes.isEmpty)
        #expect(await fake.runningTokens.isEmpty)
        #expect(await fake.profile.devices.isEmpty)
        for m in ["m1", "m2", "m3"] {
            let config = await fake.config(of: m)
            #expect(config["storage.images_volume"] == nil && config["storage.backups_volume"] == nil)
        }
        if !clustered { #expect(await fake.config(of: "m1") == ["core.trust_password": .bool(true)]) }
    }

    @Test(arguments: order)
    func aFailureAtAnyStepIsReportedAndUndone(failing id: String) async throws {
        let f = await BootstrapFixture.make()
        let (report, _) = try await f.run(replacing: id) { _ in throw BootstrapError("injected failure") }

        let before = Array(Self.order.prefix { $0 != id })
        #expect(report.failure?.step.id.rawValue == id)
        #expect(report.failure?.message == "injected failure")
        #expect(report.done.map(\.id.rawValue) == before)
        #expect(report.notRun.map(\.id.rawValue) == Array(Self.order.drop { $0 != id }.dropFirst()))

        // What a user expects undone, newest first: not the server config of an LXD that is now clustered,
        // not a token that a join used up; and steps without a cleanup are not undone at all.
        let withCleanup: Set = ["lxd.server-config", "lxd.token.m2", "lxd.token.m3", "lxd.pool.local.pending.m1",
                                "lxd.network.lxdbr0.pending.m1", "lxd.profile.default", "lxd.volumes.m1", "lxd.volumes.m2", "lxd.volumes.m3"]
        func kept(_ s: String) -> Bool {
            (s == "lxd.server-config" && before.contains("lxd.enable-clustering"))
                || (s.hasPrefix("lxd.token.") && before.contains("join." + s.dropFirst("lxd.token.".count)))
        }
        #expect(report.undone.map(\.id.rawValue) == before.reversed().filter { withCleanup.contains($0) && !kept($0) })

        var remains: [String] = []
        if before.contains("lxd.enable-clustering") { remains.append(Self.firstMemberRemains) }
        for m in ["m2", "m3"] where before.contains("join.\(m)") { remains.append(Self.joinerRemains(m)) }
        #expect(report.remains == remains)

        await Self.expectTidy(f.fake, clustered: before.contains("lxd.enable-clustering"))
    }

    @Test func lxdRefusingTheFinalPoolUndoesThePendingDefinitions() async throws {
        let f = await BootstrapFixture.make()
        await f.fake.inject(.error(500, "Failed to create storage pool \"local\": zpool create failed"),
                            when: { _, call in call == "POST /1.0/storage-pools" })
        let (report, events) = try await f.run()
        #expect(report.failure?.step.id == "lxd.pool.local")
        #expect(report.failure?.message == "LXD on m1: POST /1.0/storage-pools failed (500): Failed to create storage pool \"local\": zpool create failed")
        #expect(report.undone.map(\.id.rawValue) == ["lxd.pool.local.pending.m1"])
        #expect(report.remains == [Self.firstMemberRemains, Self.joinerRemains("m2"), Self.joinerRemains("m3")])
        #expect(await f.fake.endState.pools.isEmpty)
        #expect(events.filter { $0.stepID == "lxd.pool.local.pending.m1" }.suffix(2).map(\.kind)
                == [.cleanup(message: "Undoing"), .cleanup(message: "Undone")])
        await Self.expectTidy(f.fake, clustered: true)
    }

    @Test func aJoinThatThrowsLeavesTheEarlierJoinsAndRevokesTheUnusedToken() async throws {
        struct Vanishing: MemberAgent {
            func join(services: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws {
                progress(ProgressEvent(stepID: .join("m3"), member: "m3", title: "Join m3",
                                       kind: .progress(fraction: nil, message: "Joining LXD")))
                throw TransportError(target: "m3 (10.0.0.3:9443)", reason: "connection reset by peer")
            }
        }
        let f = await BootstrapFixture.make { _ in ["m3": Vanishing()] }
        let (report, events) = try await f.run()
        #expect(report.failure?.step.id == "join.m3")
        #expect(report.failure?.message == "m3 (10.0.0.3:9443): connection reset by peer")
        #expect(report.undone.map(\.id.rawValue) == ["lxd.token.m3"])
        #expect(report.remains == [Self.firstMemberRemains, Self.joinerRemains("m2")])
        // The peer's own progress reached the stream, on the join's step.
        #expect(events.contains { $0.stepID == "join.m3" && $0.kind == .progress(fraction: nil, message: "Joining LXD") })
        #expect(await f.fake.members == ["m1", "m2"])
        #expect(await f.fake.runningTokens.isEmpty, "m3's unused token is revoked")
    }

    @Test func aVolumeStepTidiesItsOwnHalfBeforeFailing() async throws {
        // Let m2's images volume through, refuse only its backups volume.
        let f2 = await BootstrapFixture.make()
        await f2.fake.injectNth(.error(500, "Failed creating volume: disk full"), n: 2,
                                when: { _, call in call == "POST /1.0/storage-pools/local/volumes/custom?target=m2" })
        let (report, _) = try await f2.run()
        #expect(report.failure?.step.id == "lxd.volumes.m2")
        #expect(report.failure?.message == "LXD on m1: POST /1.0/storage-pools/local/volumes/custom?target=m2 failed (500): Failed creating volume: disk full")
        #expect(report.undone.map(\.id.rawValue) == ["lxd.volumes.m1", "lxd.profile.default", "lxd.network.lxdbr0.pending.m1", "lxd.pool.local.pending.m1"])
        await Self.expectTidy(f2.fake, clustered: true)
    }
}
