import Testing
@testable import MicroCloudKit

/// Issue 19: a removal is a plan decided on the live cloud's facts, refused before anything changes where it would
/// cost data or redundancy. Each rule with its message.
@Suite struct RemovalPlannerTests {
    /// A whole cloud: `n` members in every service, 2 OSDs each, mons/central on the first 3, pools at `size`.
    static func cloud(_ n: Int, size: Int = 3, down: [String] = []) -> RemovalFacts {
        let names = (1...n).map { "micro0\($0)" }
        let status = Dictionary(uniqueKeysWithValues: names.map { ($0, down.contains($0) ? "OFFLINE" : "ONLINE") })
        let cephUnits = names.prefix(3).flatMap { [CloudStatus.Unit(service: "mon", location: $0), .init(service: "mgr", location: $0),
                                                  .init(service: "mds", location: $0)] }
        let ovnUnits = names.prefix(3).map { CloudStatus.Unit(service: "central", location: $0) }
            + names.map { CloudStatus.Unit(service: "chassis", location: $0) }
        let osds = names.enumerated().flatMap { i, m in
            [CloudStatus.OSD(osd: 2 * i, path: "/dev/disk/by-id/a-\(m)", location: m),
             CloudStatus.OSD(osd: 2 * i + 1, path: "/dev/disk/by-id/b-\(m)", location: m)]
        }
        let cloud = CloudStatus(members: names.map { .init(name: $0, address: "10.0.0.\($0.suffix(1))") },
                                lxd: .init(members: status), ceph: .init(members: status, units: cephUnits),
                                ovn: .init(members: status, units: ovnUnits), osds: osds,
                                cephPools: ["lxd_remote": size, ".mgr": size])
        return RemovalFacts(cloud: cloud)
    }

    func refusal(_ name: String, _ facts: RemovalFacts, force: Bool = false) -> [String] {
        let (plan, issues) = RemovalPlanner.plan(remove: name, facts: facts, runningOn: "micro01", force: force)
        #expect(plan == nil)
        return issues.errors.map(\.message)
    }

    @Test func aFourthMemberLeavesEveryServiceWithItsDisks() throws {
        let (plan, issues) = RemovalPlanner.plan(remove: "micro04", facts: Self.cloud(4), runningOn: "micro01", force: false)
        #expect(issues.isEmpty)
        let p = try #require(plan)
        #expect(p.services == [.lxd, .microceph, .microovn, .microcloud])
        #expect(p.osds.map(\.osd) == [6, 7])
        #expect(p.poolSizes.isEmpty && p.remaining == ["micro01", "micro02", "micro03"])
        #expect(p.summaryText.contains("Ceph: drain and remove osd.6 (/dev/disk/by-id/a-micro04), osd.7 (/dev/disk/by-id/b-micro04), one at a time"))
    }

    @Test func poolsThatWouldHaveMoreCopiesThanServersAreRefused() {
        #expect(refusal("micro03", Self.cloud(3)) == [
            "Without micro03 only 2 servers would hold OSDs, fewer than the copies of .mgr (3 copies), lxd_remote (3 copies). "
            + "Add a server with disks first (`microcloud add`), or pass --force to keep 2 copies of each object (less redundancy)",
            "micro03 runs one of MicroCeph's monitors and only 2 would remain (MicroCeph keeps 3). Add a server first "
            + "(`microcloud add`), or pass --force to leave the monitors' quorum with 2"])
    }

    @Test func forceLowersTheReplicationAndSaysSo() throws {
        let (plan, issues) = RemovalPlanner.plan(remove: "micro03", facts: Self.cloud(3), runningOn: "micro01", force: true)
        #expect(!issues.hasErrors)
        let p = try #require(plan)
        #expect(p.poolSizes == [.init(pool: ".mgr", from: 3, to: 2), .init(pool: "lxd_remote", from: 3, to: 2)])
        #expect(p.summaryText.contains("Ceph pool lxd_remote: 3 copies become 2"))
    }

    @Test func fewerThanThreeServersWithDisksIsRefusedEvenWhenPoolsFit() {
        #expect(refusal("micro03", Self.cloud(3, size: 2)).first?.hasPrefix(
            "Without micro03 only 2 servers would hold OSDs: MicroCeph would place copies per disk instead of per server") == true)
    }

    @Test func instancesOnTheMemberAreListed() {
        var facts = Self.cloud(4)
        facts.instances = ["micro04": ["c4", "web/site"], "micro01": ["c1"]]
        #expect(refusal("micro04", facts) == ["micro04 still holds 2 instances: c4, web/site. Move them (`lxc move NAME --target "
            + "OTHER`) or delete them, or pass --force to delete them with the member"])
    }

    @Test func aDegradedClusterIsRefusedUnlessForced() {
        let messages = refusal("micro04", Self.cloud(4, down: ["micro02"]))
        #expect(messages.first == "LXD lists micro02 as not online; remove a member only from a healthy cluster (bring it back "
            + "first, or pass --force)")
        #expect(messages.count == 3, "LXD, MicroCeph and MicroOVN each say so: \(messages)")
        let (plan, _) = RemovalPlanner.plan(remove: "micro04", facts: Self.cloud(4, down: ["micro02", "micro04"]),
                                            runningOn: "micro01", force: true)
        #expect(plan?.force == true)
    }

    @Test func aNameThatIsNotAMemberOrTheServerItselfIsRefused() {
        #expect(refusal("micro09", Self.cloud(4)) == ["Cluster member \"micro09\" not found on any service; the members are "
            + "micro01, micro02, micro03, micro04"])
        #expect(refusal("micro01", Self.cloud(4)) == ["This command runs on micro01: run `microcloud remove micro01` on another "
            + "member, so the cloud that stays drives the removal"])
    }

    @Test func twoMemberCephWithAMonitorFollowsUpstreamsWords() {
        var facts = Self.cloud(2, size: 1)
        facts.cloud.osds = facts.cloud.osds.filter { $0.location == "micro01" }
        #expect(refusal("micro02", facts, force: true) == ["\"micro02\" must be removed from the Ceph monmap before it can be removed from MicroCloud"])
    }

    @Test func theOnlyOVNCentralIsRefused() {
        var facts = Self.cloud(4)
        facts.cloud.ovn?.units = [.init(service: "central", location: "micro04")]
        #expect(refusal("micro04", facts, force: true) == ["micro04 runs MicroOVN's only central (the OVN databases); removing it "
            + "would lose every OVN network. Add a server first (`microcloud add`)"])
    }

    @Test func aMemberThatDoesNotAnswerNeedsForceAndIsThenRemovedWithoutBeingContacted() throws {
        var facts = Self.cloud(4, down: ["micro04"])
        facts.unreachable = ["micro04": "its daemon at 10.0.0.4 did not answer: timed out"]
        #expect(refusal("micro04", facts) == ["micro04 does not answer (its daemon at 10.0.0.4 did not answer: timed out). If it "
            + "is gone for good, `microcloud remove micro04 --force` removes it from every service without contacting it"])
        let (plan, _) = RemovalPlanner.plan(remove: "micro04", facts: facts, runningOn: "micro01", force: true)
        let p = try #require(plan)
        #expect(p.gone && p.summaryText.contains("micro04 does not answer: it is removed from each service without being contacted"))
    }

    /// The steps of a gone member: OVN's chassis and the member's own daemon are reported as not done, each with what to do.
    @Test func aGoneMembersStepsReportWhatOnlyItCouldClean() async throws {
        var facts = Self.cloud(4, down: ["micro04"])
        facts.unreachable = ["micro04": "timed out"]
        var plan = try #require(RemovalPlanner.plan(remove: "micro04", facts: facts, runningOn: "micro01", force: true).0)
        plan.services = [.microcloud]   // the services' own steps call them; this checks the last step alone
        let told = Locked<[String]>([])
        let env = RemovalEnvironment(lxd: LXDClient(transport: RefusingTransport(), name: "LXD"), ceph: nil, ovn: nil,
                                     recordMembership: { removed, tell in told.withLock { $0.append("\(removed) \(tell)") }; return [] })
        let report = await (try StepGraph(RemovalSteps.steps(for: plan, env: env))).run { _ in }
        #expect(told.current == ["micro04 false"], "the membership is recorded, micro04 is not contacted")
        #expect(report.setbacks.map(\.message) == ["micro04 left the cloud, but its own daemon was not told (it does not answer)"])
        #expect(report.setbacks.first?.advice == "If micro04 comes back, run `microcloud reset` on it before it joins a cloud again")
    }
}

/// A transport for steps that must not call anything.
private struct RefusingTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse { throw LXDError(target: "test", call: request.path, code: nil, message: "not expected") }
}