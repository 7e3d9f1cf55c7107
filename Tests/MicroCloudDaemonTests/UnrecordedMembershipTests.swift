import Testing
import MicroCloudKit
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// Found by `LateFaults/joinersDaemonKilledAfterItsJoin`: every step had succeeded, a member's daemon died before it
/// recorded the membership, and the report said "Remains: nothing; the servers are as they were".
struct UnrecordedMembershipTests {
    @Test func theReportKeepsWhatWasDoneAndNamesTheMember() {
        var done = BootstrapReport()
        done.done = [.init(id: .enableClustering, member: "micro01", title: "Enable LXD clustering on micro01")]
        let report = InitiatorDriver.unrecordedMembership(done, DaemonError("The membership was not recorded on micro02: connection refused"))
        let text = report.failureLines.map(\.text).joined(separator: "\n")
        #expect(report.done == done.done)
        #expect(text.contains("Where: Record the membership on every member"))
        #expect(text.contains("micro02: connection refused"))
        #expect(text.contains("every step above was done and is kept") && !text.contains("as they were"), "\(text)")
    }
}
