import Foundation
@testable import MicroCloudKit
import Testing
@testable import MicroCloudTUI

/// Every wizard screen at 80x24 and 132x43, as plain text a person can read (`Golden/wizard-*.txt`).
@Suite struct WizardGoldenTests {
    static let sizes = [("80x24", WizardDriver.small), ("132x43", WizardDriver.large)]

    static func check(_ name: String, _ build: (Size) -> WizardDriver, sourceLocation: SourceLocation = #_sourceLocation) {
        for (label, size) in sizes {
            let d = build(size)
            let screen = d.screen()
            Golden.check("wizard-\(name)-\(label)", screen.plainText, sourceLocation: sourceLocation)
            // Every key the screen takes is in the footer, even at 80 columns.
            let footer = screen.text(row: size.height - 1)
            for hint in d.state.hints {
                #expect(footer.contains("\(hint.key) \(hint.label)"), "footer lacks \(hint.key) \(hint.label)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func address() {
        Self.check("address") { size in
            var d = WizardDriver(size: size)
            d.send(.addresses(Fixtures.addresses))
            d.key(.down, .char(" "), .up)
            return d
        }
    }

    @Test func servers() {
        Self.check("servers") { size in
            var d = Fixtures.atServers(size)
            d.send(.discovery(Fixtures.server(5)))
            d.send(.intent(Fixtures.server(5)))
            d.send(.serverGone("micro05"))
            d.key(.char(" "), .down, .down)
            return d
        }
    }

    @Test func serversWith200RowsScrolled() {
        Self.check("servers-200") { size in
            var d = Fixtures.atServers(size)
            for n in 10..<210 {
                let s = Server(name: "node\(n)", address: "10.0.\(n / 250).\(n % 250)", fingerprint: String(format: "%016llx", UInt64(n) &* 0x9E37_79B9_7F4A_7C15),
                               version: "2.1.0")
                d.send(.discovery(s))
                if n % 3 == 0 { d.send(.intent(s)) }
            }
            for _ in 0..<120 { d.key(.down) }
            d.key(.char(" "))
            return d
        }
    }

    @Test func serversWithWideCharacters() {
        Self.check("servers-wide") { size in
            var d = Fixtures.atServers(size)
            d.send(.intent(Server(name: "サーバー東京", address: "10.0.0.7", fingerprint: "77777777aaaabbbb", version: "2.1.0")))
            d.send(.discovery(Server(name: "edge-🚀-01", address: "10.0.0.8", fingerprint: "88888888ccccdddd", version: "2.1.0")))
            d.key(.end, .char(" "))
            return d
        }
    }

    @Test func serversAloneQuestion() {
        Self.check("servers-alone") { size in
            var d = Fixtures.atServers(size)
            d.key(.enter, .escape)
            return d
        }
    }

    @Test func gathering() {
        Self.check("gathering") { size in
            var d = Fixtures.atServers(size)
            d.key(.right, .enter)
            return d
        }
    }

    @Test func localDisks() {
        Self.check("local-disks") { size in
            var d = Fixtures.atQuestions(size)
            d.key(.char(" "), .tab, .down, .down, .down)
            return d
        }
    }

    @Test func cephDisksWithHAWarning() {
        Self.check("ceph-disks") { size in
            var d = Fixtures.afterLocal(size)
            d.key(.char(" "), .tab, .down, .down, .char(" "))
            return d
        }
    }

    @Test func cephEncryptQuestion() {
        Self.check("ceph-encrypt") { size in
            var d = Fixtures.afterLocal(size)
            d.key(.right, .enter)
            return d
        }
    }

    @Test func cephNetworks() {
        Self.check("ceph-networks") { size in
            var d = Fixtures.afterCeph(size)
            d.type("10.0.1.0/24")
            d.key(.tab)
            d.type("10.0.9.0/24")
            return d
        }
    }

    @Test func ovnUplinks() {
        Self.check("ovn-uplinks") { size in
            var d = Fixtures.afterCephNetworks(size)
            d.key(.char(" "))
            return d
        }
    }

    @Test func ovnFormWithValidationError() {
        Self.check("ovn-form") { size in
            var d = Fixtures.afterUplinks(size)
            d.type("192.0.2.0/24")
            return d
        }
    }

    @Test func errorsAndWarningsUseTheirColourRoles() {
        var d = Fixtures.afterUplinks()
        d.type("192.0.2.0/24")
        let s = d.screen()
        let row = (0..<s.size.height).first { s.text(row: $0).contains("is a network address") }!
        #expect(s.styleLayer(row: row).contains("eeee"))
        d = Fixtures.afterLocal()
        d.key(.char(" "))
        let c = d.screen()
        let warn = (0..<c.size.height).first { c.text(row: $0).contains("Disk configuration does not meet") }!
        #expect(c.styleLayer(row: warn).contains("wwww"))
    }

    @Test func summary() {
        Self.check("summary", Fixtures.atSummary)
    }

    @Test func summaryInTheLab() {
        Self.check("summary-lab") { size in
            var d = Fixtures.atQuestions(size, full: false)
            d.key(.right, .enter)
            return d
        }
    }

    @Test func progressRunning() {
        Self.check("progress") { size in
            var d = Fixtures.atSummary(size)
            d.key(.end, .enter)
            for m in WizardGoldenTests.runningEvents { d.send(m) }
            d.send(.tick(WizardDriver.t0.addingTimeInterval(47)))
            return d
        }
    }

    @Test func progressFailed() {
        Self.check("progress-failed") { size in
            var d = Fixtures.atSummary(size)
            d.key(.end, .enter)
            for m in WizardGoldenTests.runningEvents { d.send(m) }
            d.send(Fixtures.event("join.micro02", "micro02", "Join micro02", .failed(message: "micro02: LXD refused the join: certificate mismatch"), at: 50))
            d.send(Fixtures.event("lxd.token.micro02", "micro02", "Issue LXD join token for micro02", .cleanup(message: "token revoked"), at: 51))
            d.send(.bootstrapFailed(WizardGoldenTests.failedReport))
            return d
        }
    }

    @Test func results() {
        Self.check("results") { size in
            var d = Fixtures.atSummary(size)
            d.key(.end, .enter)
            for m in WizardGoldenTests.runningEvents { d.send(m) }
            var report = BootstrapReport()
            report.phaseTimings = [.init(phase: "total", seconds: 83)]
            d.send(.bootstrapFinished(report, Fixtures.snapshot()))
            return d
        }
    }

    @Test func resultsProfileTab() {
        Self.check("results-profile") { size in
            var d = Fixtures.atSummary(size)
            d.key(.end, .enter)
            d.send(.bootstrapFinished(BootstrapReport(), Fixtures.snapshot()))
            d.key(.tab, .tab, .tab)
            return d
        }
    }

    static let runningEvents: [WizardMessage] = [
        Fixtures.event("microceph.bootstrap", "micro01", "Bootstrap MicroCeph on micro01", .started(budget: 120), at: 0),
        Fixtures.event("microceph.bootstrap", "micro01", "Bootstrap MicroCeph on micro01", .succeeded(elapsed: 12), at: 12),
        Fixtures.event("lxd.enable-clustering", "micro01", "Enable LXD clustering on micro01", .started(budget: 120), at: 12),
        Fixtures.event("lxd.enable-clustering", "micro01", "Enable LXD clustering on micro01", .succeeded(elapsed: 6), at: 18),
        Fixtures.event("lxd.token.micro02", "micro02", "Issue LXD join token for micro02", .started(budget: 60), at: 18),
        Fixtures.event("lxd.token.micro02", "micro02", "Issue LXD join token for micro02", .succeeded(elapsed: 1), at: 19),
        Fixtures.event("join.micro02", "micro02", "Join micro02", .started(budget: 300), at: 19),
        Fixtures.event("join.micro02", "micro02", "Join micro02", .progress(fraction: nil, message: "Joining LXD"), at: 20),
        Fixtures.event("join.micro03", "micro03", "Join micro03", .started(budget: 300), at: 19),
        Fixtures.event("join.micro03", "micro03", "Join micro03", .succeeded(elapsed: 21), at: 40),
        Fixtures.event("microceph.disks.micro01", "micro01", "Add Ceph disks of micro01", .started(budget: 300), at: 40),
        Fixtures.event("microceph.disks.micro01", "micro01", "Add Ceph disks of micro01",
                       .progress(fraction: 0.0, message: "Adding /dev/disk/by-id/scsi-0QEMU_disk1c"), at: 41),
    ]

    static var failedReport: BootstrapReport {
        var r = BootstrapReport()
        let join = BootstrapReport.StepRecord(id: "join.micro02", member: "micro02", title: "Join micro02", seconds: 31)
        r.failure = BootstrapReport.Failure(step: join, message: "micro02: LXD refused the join: certificate mismatch")
        r.undone = [.init(id: "lxd.token.micro02", member: "micro02", title: "Issue LXD join token for micro02")]
        r.notRun = (1...9).map { .init(id: "s\($0)", member: nil, title: "Step \($0)") }
        r.remains = ["LXD on micro03 is now a cluster member; to start over, remove it with `lxc cluster remove micro03 --force`"]
        return r
    }
}
