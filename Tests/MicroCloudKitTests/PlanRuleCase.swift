import Testing
@testable import MicroCloudKit

/// One plan rule: start from a clean plan, break one thing, expect exactly this issue.
struct PlanRuleCase: Sendable, CustomTestStringConvertible {
    enum Base: Sendable { case lab, full }

    let name: String
    let base: Base
    let severity: PlanIssue.Severity
    let field: String
    let member: String?
    let message: String
    let change: @Sendable (inout ClusterPlan, inout [String: Inventory]) -> Void

    init(_ name: String, _ base: Base, _ severity: PlanIssue.Severity = .error, field: String, member: String? = nil,
         _ message: String, change: @escaping @Sendable (inout ClusterPlan, inout [String: Inventory]) -> Void) {
        self.name = name
        self.base = base
        self.severity = severity
        self.field = field
        self.member = member
        self.message = message
        self.change = change
    }

    var testDescription: String { name }

    func run() -> [PlanIssue] {
        var plan = base == .lab ? Fixture.labPlan : Fixture.fullPlan
        var inv = Fixture.byName(base == .lab ? Fixture.lab : Fixture.full)
        change(&plan, &inv)
        return plan.validate(inventories: inv)
    }

    var expected: PlanIssue { PlanIssue(severity, field: field, member: member, message) }
}

/// Fails with the full list of issues when `expected` is not among them.
func expectIssue(_ expected: PlanIssue, in issues: [PlanIssue], sourceLocation: SourceLocation = #_sourceLocation) {
    let hit = issues.contains {
        $0.severity == expected.severity && $0.field == expected.field && $0.message == expected.message
            && (expected.member == nil || $0.member == expected.member)
    }
    #expect(hit, "expected \(expected)\ngot:\n\(issues.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}
