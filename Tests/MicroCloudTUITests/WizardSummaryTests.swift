import Foundation
import Testing
@testable import MicroCloudKit
@testable import MicroCloudTUI

/// Step 8 (summary, edit, save, confirm), the planner, and steps 9–10 (progress, results).
@Suite struct WizardSummaryTests {
    static func summaryText(_ d: WizardDriver) -> String {
        d.state.summaryItems().flatMap(\.lines).map(\.text).joined(separator: "\n")
    }

    @Test func theSummaryShowsEveryChoiceAndTheChecks() {
        let d = Fixtures.atSummary()
        #expect(d.state.step == .summary)
        let text = Self.summaryText(d)
        for wanted in ["micro01  10.0.0.1", "Pool local on btrfs (ZFS is not available on micro02)",
                       "micro01  /dev/disk/by-id/nvme-disk1d  500.00GiB  wipe",
                       "2 disks on 2 servers; encryption off; CephFS yes", "internal 10.0.0.0/24 · public 10.0.0.0/24",
                       "micro03  uplink enp6s0", "IPv4 gateway 192.0.2.1/24, range 192.0.2.100-192.0.2.254",
                       "IPv6 gateway none · DNS 192.0.2.1", "! Disk configuration does not meet recommendations",
                       "[ Save as preseed ]", "[ Set up the cloud ]"] {
            #expect(text.contains(wanted), "summary lacks \(wanted)")
        }
        #expect(d.flat.contains("Nothing has been changed on any server yet."))
    }

    @Test func editingAStepComesBackToTheSummaryWithLaterStepsRechecked() {
        var d = Fixtures.atSummary()
        #expect(d.state.summaryItems()[d.state.summary.cursor].kind == .confirm, "the cursor waits on Set up the cloud")
        d.key(.home, .enter)  // Home: the first section, "Local storage"
        #expect(d.state.step == .localDisks)
        #expect(d.state.editing == .localDisks)
        #expect(d.screen().text(row: 0).contains("Local storage (editing)"))
        // micro01's local disk becomes sdb, which Ceph had: Ceph keeps micro02's disk only.
        d.key(.home, .down, .char(" "), .enter)
        #expect(d.state.step == .summary)
        #expect(d.state.summaryItems()[d.state.summary.cursor].kind == .edit(.localDisks))
        var plan = WizardPlanner.plan(from: d.state)
        #expect(plan.member("micro01")?.localDisk?.path == "/dev/disk/by-id/scsi-0QEMU_disk1b")
        #expect(plan.osdHosts == ["micro02"])
        // Now take micro02's Ceph disk too: the Ceph step has no answer left and is asked again.
        d.key(.enter, .down, .down, .down, .char(" "), .enter)
        #expect(d.state.step == .cephDisks)
        #expect(d.state.answers.cephTable.selected.isEmpty)
        d.key(.right, .enter, .enter, .enter)
        #expect(d.state.step == .summary)
        plan = WizardPlanner.plan(from: d.state)
        #expect(plan.osdHosts == ["micro01", "micro02", "micro03"])
    }

    @Test func escWhileEditingRestoresTheAnswers() {
        var d = Fixtures.atSummary()
        let before = WizardPlanner.plan(from: d.state)
        d.key(.home, .enter, .left, .escape)
        #expect(d.state.step == .summary)
        #expect(d.state.editing == nil)
        #expect(WizardPlanner.plan(from: d.state) == before)
    }

    @Test func saveAsPreseedWritesThePlanWithoutThePassphrase() {
        var d = Fixtures.atSummary()
        d.key(.char("s"))
        #expect(d.flat.contains("Save the plan as a preseed file"))
        #expect(d.flat.contains("./microcloud-preseed.yaml (default)"))
        let fx = d.key(.enter)
        let plan = WizardPlanner.plan(from: d.state)
        #expect(fx == [.savePreseed(path: "./microcloud-preseed.yaml", yaml: plan.preseedYAML(passphrase: nil))])
        if case .savePreseed(_, let yaml) = fx.first {
            #expect(!yaml.contains("pilot orbit"))
            #expect(yaml.contains("lookup_subnet: 10.0.0.0/24"))
        }
        d.send(.saved("./microcloud-preseed.yaml"))
        #expect(d.flat.contains("Saved the plan to ./microcloud-preseed.yaml"))
        d.key(.char("s"))
        d.type("/tmp/x.yaml")
        #expect(d.key(.enter).first == .savePreseed(path: "/tmp/x.yaml", yaml: plan.preseedYAML(passphrase: nil)))
        d.send(.failed("Cannot write /tmp/x.yaml: permission denied"))
        #expect(d.flat.contains("Cannot write /tmp/x.yaml: permission denied"))
    }

    @Test func confirmRunsTheBootstrapOfTheReviewedPlan() {
        var d = Fixtures.atSummary()
        let plan = WizardPlanner.plan(from: d.state)
        let fx = d.key(.end, .enter)
        #expect(fx == [.runBootstrap(plan)])
        #expect(d.state.step == .progress)
    }

    @Test func aPlanWithErrorsCannotBeConfirmed() {
        var d = Fixtures.atServers()
        d.key(.right, .enter)
        var used = Fixtures.inventory(2, full: false)
        used.lxd.storagePools = ["local"]
        d.send(.inventories([Fixtures.inventory(1, full: false), used, Fixtures.inventory(3, full: false)], problems: []))
        d.key(.right, .enter)
        #expect(d.state.step == .summary)
        #expect(Self.summaryText(d).contains("⨯ Storage pool \"local\" already exists in LXD on \"micro02\""))
        #expect(d.key(.end, .enter).isEmpty)
        #expect(d.flat.contains("The plan has problems (marked ⨯ above)."))
        #expect(d.state.step == .summary)
    }

    @Test func theSummaryScrollsWithPageKeys() {
        var d = Fixtures.atSummary()
        #expect(d.state.currentSummaryTop == 0)
        d.key(.pageDown)
        #expect(d.state.currentSummaryTop > 0)
        d.key(.pageDown)
        #expect(d.flat.contains("Checks"))
        d.key(.pageUp, .pageUp)
        #expect(d.state.currentSummaryTop == 0)
        d.key(.end)
        #expect(d.flat.contains("[ Set up the cloud ]"), "the cursor stays in view")
    }

    @Test func theLabPlanUsesTheFallbackBridgeNeverAuto() {
        var d = Fixtures.atQuestions(full: false)
        d.key(.right, .enter)
        let plan = WizardPlanner.plan(from: d.state)
        #expect(plan.initiator == "micro01")
        #expect(plan.lookupSubnet == "10.0.0.0/24")
        #expect(plan.members.map(\.address) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(plan.localPool?.driver == "btrfs")
        #expect(plan.fallbackBridge?.name == "lxdbr0")
        #expect(plan.fallbackBridge?.ipv4 == "10.79.0.1/24")
        #expect(!plan.preseedYAML(passphrase: nil).contains("auto"))
        #expect(WizardPlanner.build(from: d.state).issues.errors.isEmpty)
    }

    // MARK: progress and results

    static func running() -> WizardDriver {
        var d = Fixtures.atSummary()
        d.key(.end, .enter)
        for m in Fixtures.fullRunEvents { d.send(m) }
        return d
    }

    @Test func progressEventsFillTheListAndTheLog() {
        var d = Self.running()
        let list = d.state.run!.list
        #expect(d.state.run!.plan.members.map { $0.cephDisks.map(\.path) } == [[Fixtures.disk1], [Fixtures.disk2], []])
        #expect(list.item(id: "join.micro02")?.state == .done)
        #expect(list.item(id: "join.micro03")?.state == .running)
        #expect(list.item(id: "join.micro03")?.budget == 300)
        #expect(d.flat.contains("Joins ["))
        #expect(d.flat.contains("1/2 servers"))
        #expect(d.flat.contains("1/2 disks up"), "micro02's Ceph disk is up")
        #expect(d.flat.contains("queued"), "micro01's disk waits")
        d.send(.tick(WizardDriver.t0.addingTimeInterval(47)))
        #expect(d.flat.contains("Join micro03"))
        #expect(d.flat.contains("0:07 / 5:00"), "elapsed against the budget")
        d.send(Fixtures.event("join.micro03", "micro03", "Join micro03", .succeeded(elapsed: 8), at: 48))
        let disk = StepID.cephDisk("micro01", Fixtures.disk1)
        d.send(Fixtures.event(disk, "micro01", "Add Ceph disk on micro01", .started(budget: 600), at: 48))
        d.send(Fixtures.event(disk, "micro01", "Add Ceph disk on micro01", .progress(fraction: nil, message: "adding"), at: 49))
        #expect(d.state.run!.list.item(id: disk) == nil, "a Ceph disk has its own line, not a step row")
        #expect(d.state.run!.ceph.disks[0].state == .working("adding"))
        #expect(d.flat.contains("2/2 servers"))
        d.send(.tick(WizardDriver.t0.addingTimeInterval(50)))
        #expect(d.flat.contains("1/2 disks up · ~0:03 left"), "micro02's disk took 5 s; this one has run 2 s")
        #expect(d.flat.contains("…by-id/scsi-0QEMU_disk1b adding"), "a long path keeps its end, where disks differ")
        d.send(Fixtures.event(disk, "micro01", "Add Ceph disk on micro01", .succeeded(elapsed: 9), at: 57))
        #expect(d.flat.contains("2/2 disks up"))
        #expect(d.state.run!.log.lines.contains { $0.text.contains("Ceph disk \(Fixtures.disk1) on micro01: up and in after 0:09") })
        let lastBefore = d.state.run!.log.lines.last
        d.key(.pageUp)
        #expect(d.state.run!.log.offsetFromEnd > 0)
        #expect(d.state.run!.log.lines.last == lastBefore)
        #expect(d.key(.escape, .enter, .char("q")).isEmpty, "nothing quits a running bootstrap but Ctrl-C")
    }

    @Test func aFailureSaysWhereWhyWhatWasUndoneAndWhatRemains() {
        var d = Self.running()
        d.send(Fixtures.event("join.micro03", "micro03", "Join micro03", .failed(message: "micro03: LXD refused the join: certificate mismatch"), at: 50))
        d.send(Fixtures.event("lxd.token.micro03", "micro03", "Issue LXD join token for micro03", .cleanup(message: "Undone"), at: 51))
        d.send(.bootstrapFailed(Fixtures.fullRunFailure))
        let text = d.text
        #expect(text.contains("The setup failed"))
        #expect(text.contains("Where: Join micro03 on micro03"))
        #expect(text.contains("Why:   micro03: LXD refused the join: certificate mismatch"))
        #expect(text.contains("Undone: Issue LXD join token for micro03"))
        #expect(text.contains("Remains: LXD on micro02 is now a cluster member"))
        #expect(d.state.run!.list.item(id: "join.micro03")?.state == .failed("micro03: LXD refused the join: certificate mismatch"))
        let fx = d.key(.char("q"))
        guard case .quit(let printed?) = fx.first else {
            Issue.record("q should quit with the report, got \(fx)")
            return
        }
        // The same report the screen shows (one failure report for the screen, the exit text and preseed).
        #expect(printed.hasPrefix("MicroCloud setup failed.\nWhere: Join micro03 on micro03"))
        #expect(printed.contains("Remains: "))
    }

    @Test func resultsShowTheTablesAndQuitPrintsThem() {
        var d = Self.running()
        d.send(.bootstrapFinished(BootstrapReport(), Fixtures.snapshot()))
        #expect(d.state.step == .results)
        #expect(d.flat.contains("| micro01 |"))
        d.key(.tab)
        #expect(d.flat.contains("| remote | ceph"))
        d.key(.tab)
        #expect(d.flat.contains("| default | ovn"))
        d.key(.tab)
        #expect(d.flat.contains("pool: remote"))
        d.key(.tab)
        #expect(d.state.results.tab == 0)
        let fx = d.key(.char("q"))
        guard case .quit(let printed?) = fx.first else {
            Issue.record("q should quit with the tables, got \(fx)")
            return
        }
        #expect(printed.contains("Cluster members:"))
        #expect(printed.contains("FAILURE DOMAIN"), "every column is printed")
        #expect(printed.contains("Default profile:"))
    }

    @Test func theResultsShowTheClockTheProgressShowed() {
        var d = Self.running()
        d.send(Fixtures.event("join.micro03", "micro03", "Join micro03", .succeeded(elapsed: 12), at: 52))
        d.send(.tick(WizardDriver.t0.addingTimeInterval(52)))
        #expect(d.flat.contains("0:52 so far"))
        var report = BootstrapReport()
        report.phaseTimings = [.init(phase: "total", seconds: 4)]   // the step graph's own clock starts later
        d.send(.tick(WizardDriver.t0.addingTimeInterval(53)))
        d.send(.bootstrapFinished(report, Fixtures.snapshot()))
        #expect(d.flat.contains("MicroCloud is ready: 3 members, set up in 0:52."), "\(d.flat)")
    }

    /// Issue 20: a run with setbacks said "MicroCloud is ready" like a clean one.
    @Test func theResultsCountTheSetbacks() {
        var d = Self.running()
        var report = BootstrapReport()
        let disk = BootstrapReport.StepRecord(id: .cephDisk("micro03", "/dev/sdd"), member: "micro03", title: "Add Ceph disk /dev/sdd")
        report.setbacks = [.init(step: disk, message: "MicroCeph on micro03: the disk is not pristine",
                                 advice: "add it with `microceph disk add /dev/sdd --wipe` on micro03")]
        d.send(.bootstrapFinished(report, Fixtures.snapshot()))
        #expect(d.flat.contains("MicroCloud is ready with 1 setback: 3 members"), "\(d.flat)")
        guard case .quit(let printed?) = d.key(.char("q")).first else { Issue.record("q should quit with the tables"); return }
        #expect(printed.hasPrefix("MicroCloud is ready with 1 setback: 3 members."), "\(printed)")
    }

    @Test func ctrlCOnTheResultsQuitsWithoutAborting() {
        var d = Self.running()
        d.send(.bootstrapFinished(BootstrapReport(), Fixtures.snapshot()))
        let fx = d.key(.ctrlC)
        #expect(fx.count == 1)
        if case .quit(let text?) = fx.first { #expect(text.contains("Storage pools:")) } else { Issue.record("\(fx)") }
    }
}
