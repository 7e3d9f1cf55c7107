import Foundation
import MicroCloudKit

// The end of step 7 (upstream's cmd/microcloud/ask.go): after the uplink addresses, "Configure dedicated OVN underlay networking?" and, on yes,
// one addressed interface per member for OVN's Geneve traffic. Every member or none: the Kit's underlay rule.

extension WizardState {
    static let underlayTitle = "Select exactly one network interface from each cluster member:"

    func underlayRows() -> [SelectTable<MemberItem>.Row] {
        inventories.flatMap { inv in
            inv.dedicatedInterfaces.flatMap { iface in
                iface.cidrs.map { cidr in
                    SelectTable<MemberItem>.Row(id: MemberItem(member: inv.name, name: cidr.address.description),
                                                cells: [inv.name, iface.name, iface.type, cidr.description])
                }
            }
        }
    }

    /// Called when the uplink form was accepted: ask about the underlay where every member could have one.
    mutating func uplinkFormAccepted() {
        guard UnderlayRules.unavailable(inventories) == nil else {
            answers.underlayWanted = false
            advance()
            return
        }
        answers.underlayPhase = .question(YesNo(question: "Configure dedicated OVN underlay networking?",
                                                defaultValue: answers.underlayWanted))
    }

    mutating func underlayKey(_ key: Key, _ phase: WizardAnswers.UnderlayPhase) -> [WizardEffect] {
        notice = nil
        switch phase {
        case .question(var q):
            switch q.handle(key) {
            case .submit(true): answers.underlayPhase = .table
            case .submit(false): finishUnderlay(wanted: false)
            case .cancel: answers.underlayPhase = nil
            default: answers.underlayPhase = .question(q)
            }
        case .table:
            let action = memberTableKey(key, \.underlayTable, onePerMember: true)
            let table = answers.underlayTable
            switch action {
            case .confirm:
                if table.selected.isEmpty {
                    finishUnderlay(wanted: false)
                } else if let missing = missingMembers(in: table).first {
                    notice = LogView.Line(UnderlayRules.missing(missing), style: .error)
                } else {
                    finishUnderlay(wanted: true)
                }
            case .cancel:
                answers.underlayPhase = .question(YesNo(question: "Configure dedicated OVN underlay networking?",
                                                        defaultValue: true))
            default: break
            }
        }
        return []
    }

    private mutating func finishUnderlay(wanted: Bool) {
        answers.underlayWanted = wanted
        answers.underlayPhase = nil
        advance()
    }

    func drawUnderlay(_ phase: WizardAnswers.UnderlayPhase, on s: inout Screen, in r: Rect) {
        let rest = drawSkipNotes(on: &s, in: r)
        switch phase {
        case .question(let q):
            let used = drawLines([LogView.Line("A dedicated underlay carries OVN's traffic between the servers on "
                                               + "addresses of your choice.", style: .dim)], on: &s, in: rest) + 1
            q.render(on: &s, in: Rect(x: rest.x, y: rest.y + used, width: rest.width, height: rest.height - used))
        case .table:
            drawTable(answers.underlayTable, message: notice,
                      below: [LogView.Line("Pick none (Enter) to go without a dedicated underlay.", style: .dim)],
                      on: &s, in: rest)
        }
    }
}
