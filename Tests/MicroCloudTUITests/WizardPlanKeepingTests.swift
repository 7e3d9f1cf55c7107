import Foundation
import Testing
@testable import MicroCloudKit
@testable import MicroCloudTUI

/// The plan is kept in the state: built once per answer change, and every frame reads the kept one.
@Suite struct WizardPlanKeepingTests {
    /// One message at a time through the summary and an edit from it: a message that changes no answer builds
    /// nothing, one that changes answers builds once, and after each the kept plan is the current answers' (so the
    /// frame drawn next, the summary's items and the confirmation build nothing).
    @Test func theSummaryBuildsThePlanAtMostOncePerAnswerChange() {
        var d = Fixtures.atSummary()
        #expect(d.state.planBuilds >= 1)
        let keys: [Key] = [.down, .up, .pageDown, .pageUp,     // moving over the summary: no answer changes
                           .home, .enter,                      // edit local storage
                           .home, .down, .char(" "),           // micro01's local disk becomes sdb
                           .enter,                             // back to the summary (Ceph loses that disk)
                           .end, .up]
        var changes = 0
        for key in keys {
            let answersBefore = WizardPlanner.answers(from: d.state), builds = d.state.planBuilds
            d.key(key)
            for _ in 0..<3 { _ = d.screen() }
            _ = d.state.summaryItems()
            let changed = WizardPlanner.answers(from: d.state) != answersBefore
            if changed { changes += 1 }
            #expect(d.state.planBuilds - builds == (changed ? 1 : 0), "\(key): \(d.state.planBuilds - builds) builds")
            #expect(d.state.kept?.answers == WizardPlanner.answers(from: d.state), "\(key): the frame reads the kept plan")
        }
        #expect(changes >= 2, "the edit changed answers")
        // Ticks change no answer.
        let builds = d.state.planBuilds
        for s in 1...10 { d.send(.tick(WizardDriver.t0.addingTimeInterval(Double(s)))) }
        #expect(d.state.planBuilds == builds)
        #expect(d.state.current.plan == WizardPlanner.plan(from: d.state))
    }
}
