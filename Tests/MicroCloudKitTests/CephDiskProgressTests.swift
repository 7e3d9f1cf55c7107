import Foundation
import Testing
@testable import MicroCloudKit

/// Per-disk state and the Ceph phase's estimate, folded from the events each disk's own step emits.
@Suite struct CephDiskProgressTests {
    static let t0 = Date(timeIntervalSince1970: 1_000_000)

    static func plan(disksPerMember: Int = 2) -> ClusterPlan {
        let members = (1...3).map { n in
            MemberPlan(name: "micro0\(n)", address: "10.0.0.\(n)",
                       cephDisks: (1...disksPerMember).map { DiskChoice(path: "/dev/loop\($0)", wipe: true) })
        }
        return ClusterPlan(initiator: "micro01", lookupSubnet: "10.0.0.0/24", members: members)
    }

    static func event(_ member: String, _ path: String, _ kind: ProgressEvent.Kind, at s: Double) -> ProgressEvent {
        ProgressEvent(stepID: .cephDisk(member, path), member: member, title: "Add Ceph disk \(path) on \(member)",
                      kind: kind, time: t0.addingTimeInterval(s))
    }

    @Test func everyPlannedDiskStartsQueuedInPlanOrder() {
        let p = CephDiskProgress(plan: Self.plan())
        #expect(p.disks.map { "\($0.member):\($0.path)" } == ["micro01:/dev/loop1", "micro01:/dev/loop2",
                                                              "micro02:/dev/loop1", "micro02:/dev/loop2",
                                                              "micro03:/dev/loop1", "micro03:/dev/loop2"])
        #expect(p.disks.allSatisfy { $0.state == .queued && $0.stateText == "queued" })
        #expect(p.remaining(at: Self.t0) == nil)
        #expect(p.summary(at: Self.t0) == "Ceph disks: 0 of 6 up and in")
    }

    @Test func eventsOfOtherStepsAreNotDisks() {
        var p = CephDiskProgress(plan: Self.plan())
        let join = ProgressEvent(stepID: .join("micro02"), member: "micro02", title: "Join micro02", kind: .started(budget: 300))
        #expect(p.apply(join) == nil)
        #expect(p.apply(Self.event("micro09", "/dev/loop1", .started(budget: 60), at: 0)) == nil)
        #expect(p == CephDiskProgress(plan: Self.plan()))
    }

    @Test func aDiskGoesFromQueuedThroughItsWordsToUpAndInWithItsDuration() {
        var p = CephDiskProgress(plan: Self.plan())
        p.apply(Self.event("micro02", "/dev/loop1", .started(budget: 600), at: 10))
        #expect(p.disks[2].stateText == "starting")
        p.apply(Self.event("micro02", "/dev/loop1", .progress(fraction: nil, message: "wiping"), at: 11))
        #expect(p.disks[2].state == .working("wiping"))
        #expect(p.disks[2].elapsed(at: Self.t0.addingTimeInterval(14)) == 4)
        p.apply(Self.event("micro02", "/dev/loop1", .succeeded(elapsed: 12), at: 22))
        #expect(p.disks[2].state == .upAndIn)
        #expect(p.disks[2].elapsed(at: Self.t0.addingTimeInterval(100)) == 12)
        #expect(p.upAndIn == 1)
    }

    /// Two at once, 12 s each: after the first is up, 4 queued and one half done make 4.5 disks of work on 2 slots.
    @Test func theEstimateUsesTheMeanDiskTimeAndHowManyRunAtOnce() {
        var p = CephDiskProgress(plan: Self.plan())
        p.apply(Self.event("micro01", "/dev/loop1", .started(budget: 600), at: 0))
        p.apply(Self.event("micro01", "/dev/loop2", .started(budget: 600), at: 6))
        #expect(p.parallel == 2)
        #expect(p.remaining(at: Self.t0.addingTimeInterval(12)) == nil, "nothing measured yet")
        p.apply(Self.event("micro01", "/dev/loop1", .succeeded(elapsed: 12), at: 12))
        let left = p.remaining(at: Self.t0.addingTimeInterval(12))
        #expect(left == (6 + 4 * 12) / 2.0)
        #expect(p.summary(at: Self.t0.addingTimeInterval(12)) == "Ceph disks: 1 of 6 up and in, 1 working; about 0:27 left (2 at once)")
    }

    @Test func aFailedDiskIsFinishedButNotTimedAndTheOthersGoOn() {
        var p = CephDiskProgress(plan: Self.plan(disksPerMember: 1))
        p.apply(Self.event("micro01", "/dev/loop1", .started(budget: 600), at: 0))
        p.apply(Self.event("micro01", "/dev/loop1", .failed(message: "Failed adding /dev/loop1: already an OSD"), at: 2))
        #expect(p.failed == 1)
        #expect(p.remaining(at: Self.t0.addingTimeInterval(2)) == nil, "a failure says nothing about a disk's time")
        p.apply(Self.event("micro02", "/dev/loop1", .started(budget: 600), at: 2))
        p.apply(Self.event("micro02", "/dev/loop1", .succeeded(elapsed: 20), at: 22))
        p.apply(Self.event("micro03", "/dev/loop1", .started(budget: 600), at: 22))
        #expect(p.remaining(at: Self.t0.addingTimeInterval(30)) == 12)
        p.apply(Self.event("micro03", "/dev/loop1", .succeeded(elapsed: 15), at: 37))
        #expect(p.isFinished && p.remaining(at: Self.t0.addingTimeInterval(37)) == 0)
        #expect(p.summary(at: Self.t0.addingTimeInterval(37)) == "Ceph disks: 2 of 3 up and in, 1 failed")
    }

    /// The line the wizard's log and `microcloud preseed` print for a disk's event.
    @Test func aDiskLineSaysItsStateAndTime() {
        var p = CephDiskProgress(plan: Self.plan(disksPerMember: 1))
        let d = p.disks[1]
        #expect(CephDiskProgress.line(d, at: Self.t0) == "Ceph disk /dev/loop1 on micro02: queued")
        let wiping = p.apply(Self.event("micro02", "/dev/loop1", .progress(fraction: nil, message: "wiping"), at: 3))!
        #expect(CephDiskProgress.line(wiping, at: Self.t0.addingTimeInterval(5)) == "Ceph disk /dev/loop1 on micro02: wiping (0:02)")
        let up = p.apply(Self.event("micro02", "/dev/loop1", .succeeded(elapsed: 70), at: 73))!
        #expect(CephDiskProgress.line(up, at: Self.t0.addingTimeInterval(90)) == "Ceph disk /dev/loop1 on micro02: up and in after 1:10")
        let failed = p.apply(Self.event("micro01", "/dev/loop1", .failed(message: "MicroCeph on micro01: disk is busy"), at: 9))!
        #expect(CephDiskProgress.line(failed, at: Self.t0) == "Ceph disk /dev/loop1 on micro01: failed: MicroCeph on micro01: disk is busy",
                "a disk that failed before it started reports no time")
        p.runEnded("stopped when the setup failed")
        #expect(p.disks[2].state == .skipped("stopped when the setup failed") && p.isFinished)
    }

    @Test func aDiskIdReadsAsItsWireText() {
        #expect(StepID.cephDisk("micro02", "/dev/sdb").rawValue == "microceph.disk.micro02./dev/sdb")
    }
}
