import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct BootstrapEventTests {
    static let kinds: [ProgressEvent.Kind] = [
        .started(budget: 120), .progress(fraction: 0.5, message: "Adding /dev/sdb"), .progress(fraction: nil, message: "Waiting"),
        .succeeded(elapsed: 1.25), .failed(message: "LXD on m2: PUT /1.0/cluster failed: no"),
        .skipped(reason: "MicroCeph not installed"), .cleanup(message: "Undone"),
    ]

    @Test(arguments: kinds)
    func eventsSurviveAJSONRoundTrip(kind: ProgressEvent.Kind) throws {
        let event = ProgressEvent(stepID: "join.m2", member: "m2", title: "Join m2", kind: kind,
                                  time: Date(timeIntervalSince1970: 1_800_000_000.25))
        let back = try JSONDecoder().decode(ProgressEvent.self, from: Data(event.jsonLine.utf8))
        #expect(back == event)
    }

    @Test func aJSONLineIsFlatAndReadable() {
        let event = ProgressEvent(stepID: "lxd.pool.local", member: nil, title: "Create storage pool local",
                                  kind: .started(budget: 300), time: Date(timeIntervalSince1970: 1_800_000_000.5))
        #expect(event.jsonLine == #"{"budget":300,"event":"started","step":"lxd.pool.local","time":"2027-01-15T08:00:00.500Z","title":"Create storage pool local"}"#)
    }

    @Test func unknownEventsAreRefusedByName() {
        let line = #"{"event":"exploded","step":"x","time":"2027-01-15T08:00:00.500Z","title":"X"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ProgressEvent.self, from: Data(line.utf8)) }
    }

    @Test func reportsAreCodable() throws {
        var report = BootstrapReport()
        report.done = [.init(id: "a", member: "m1", title: "A", seconds: 0.5)]
        report.failure = .init(step: .init(id: "b", member: nil, title: "B"), message: "no")
        report.remains = ["LXD on m1 is clustered"]
        report.phaseTimings = [.init(phase: "total", seconds: 1)]
        let back = try JSONDecoder().decode(BootstrapReport.self, from: JSONEncoder().encode(report))
        #expect(back == report)
        #expect(BootstrapFailed(report: report).description == "B failed: no")
    }

    @Test func budgetsReadShort() {
        #expect(Duration.seconds(120).shortText == "120s")
        #expect(Duration.milliseconds(1500).shortText == "1.5s")
        #expect(Duration.milliseconds(50).shortText == "0.05s")
    }

    @Test func joinRequestsNeverShowTheirToken() {
        let join = ServiceJoin(service: .lxd, token: "c2VjcmV0")
        #expect(!"\(join)".contains("c2VjcmV0"))
        #expect(!"\([join])".contains("c2VjcmV0"))
    }
}
