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
                let s = Server(name: "node\(n)", address: "10.0.\(n / 250).\(n % 250)", fingerprint: Fingerprint(String(format: "%016llx", UInt64(n) &* 0x9E37_79B9_7F4A_7C15)),
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

    // Progress and results replay what the wizard recorded in real lab bootstraps (Golden/recorded-*), so the
    // screens show sequences that really happen; the lab's plan (LXD only) is the one confirmed here.

    @Test func progressRunning() {
        Self.check("progress") { size in
            var d = Fixtures.labRun(size)
            let events = Recorded.labBootstrap
            // The moment the second join started: one server joined, the other joining.
            let cut = events.firstIndex { $0.stepID == "join.micro03" && $0.kind.name == "started" }!
            for e in events[...cut] { d.send(.progress(e)) }
            d.send(.tick(events[cut].time.addingTimeInterval(2)))
            return d
        }
    }

    @Test func progressFailed() {
        Self.check("progress-failed") { size in
            var d = Fixtures.labRun(size)
            for e in Recorded.labFailure { d.send(.progress(e)) }
            d.send(.bootstrapFailed(Recorded.labFailureReport))
            return d
        }
    }

    @Test func results() {
        Self.check("results") { size in
            var d = Fixtures.labRun(size)
            for e in Recorded.labBootstrap { d.send(.progress(e)) }
            d.send(.bootstrapFinished(BootstrapReport(), Recorded.labSnapshot))
            return d
        }
    }

    @Test func resultsProfileTab() {
        Self.check("results-profile") { size in
            var d = Fixtures.labRun(size)
            for e in Recorded.labBootstrap { d.send(.progress(e)) }
            d.send(.bootstrapFinished(BootstrapReport(), Recorded.labSnapshot))
            d.key(.tab, .tab, .tab)
            return d
        }
    }
}
