import Foundation
import Testing
@testable import MicroCloudKit

/// Step ids are values built by their factories; the graph refuses one that names no step.
@Suite struct StepIDTests {
    @Test func idsReadAsTheirWireText() throws {
        #expect(StepID.join("micro02").rawValue == "join.micro02")
        #expect(StepID.token(.microceph, "micro03").rawValue == "microceph.token.micro03")
        #expect(StepID.poolPending("local", "micro01").rawValue == "lxd.pool.local.pending.micro01")
        let event = ProgressEvent(stepID: .cephDisk("micro01", "/dev/sdb"), member: "micro01", title: "Add Ceph disk /dev/sdb on micro01", kind: .skipped(reason: "none"))
        let decoded = try JSONDecoder().decode(ProgressEvent.self, from: Data(event.jsonLine.utf8))
        #expect(decoded.stepID == .cephDisk("micro01", "/dev/sdb"))
    }

    @Test func aDependencyOnAnUnknownStepIsRefusedWhenTheGraphIsBuilt() {
        let steps = [Step(id: "a", title: "A", phase: "p", budget: .seconds(1), run: { _ in }),
                     Step(id: "b", title: "B", phase: "p", budget: .seconds(1), dependsOn: ["a", "lxd.pool.locla"], run: { _ in })]
        #expect(throws: StepGraph.InvalidGraph.self) { try StepGraph(steps) }
    }
}
