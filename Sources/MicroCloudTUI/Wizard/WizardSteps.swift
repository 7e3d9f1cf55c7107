import Foundation
import MicroCloudKit

// Which question steps apply, in which order, and moving between them: forward with Enter, back with Esc, and
// editing one step from the summary (later steps re-checked when coming back).

extension WizardState {
    var memberNames: [String] { inventories.map(\.name) }

    /// The `local` pool's driver: the best one every member offers.
    var localPoolChoice: LocalPoolPlan? { LocalPoolPlanner.choose(inventories: inventories) }

    /// Why a question step is passed over (nil: it is asked). Upstream's warning texts where it has one.
    func skipReason(_ step: WizardStep) -> String? {
        switch step {
        case .localDisks: return localSkipReason
        case .cephDisks: return cephSkipReason
        case .cephNetworks:
            if cephSkipReason != nil || answers.cephDeclined { return "No distributed storage, so no Ceph networks to set." }
            return CephNetworkRules.unavailable(inventories)
        case .ovnUplinks: return ovnSkipReason
        case .ovnForms:
            if ovnSkipReason != nil || answers.uplinksDeclined {
                return "No distributed networking, so no uplink addresses to set."
            }
            return nil
        default: return nil
        }
    }

    var localSkipReason: String? {
        guard let pool = localPoolChoice else {
            return ChoiceRules.noCommonDriver
        }
        if !pool.needsDisk {
            return "Local storage uses a directory on each server (\(driverNote(pool.driver))): there is no disk to choose."
        }
        let without = inventories.filter { $0.availableDisks.isEmpty }.map(\.name)
        if !without.isEmpty {
            return "No disks available for local storage on \(sentenceList(without)). Skipping configuration"
        }
        return nil
    }

    var cephSkipReason: String? {
        if let why = ServiceRules.missing(.microceph, inventories) { return why }
        if let why = inventories.lazy.compactMap({ $0.poolConflict("remote", skipping: "distributed storage") }).first {
            return why
        }
        if cephCandidates.isEmpty { return "No disks available for distributed storage. Skipping configuration" }
        return nil
    }

    var ovnSkipReason: String? {
        let fallback = { (why: String) in OVNRules.fallbackLine(why, bridge: .standard) }
        if let why = ServiceRules.missing(.microovn, inventories) { return fallback(why) }
        let conflicting = inventories.first { $0.lxd.networks.contains("UPLINK") || $0.lxd.networks.contains("default") }
        return (conflicting ?? inventories.first { $0.ovnIneligibility != nil })?.ovnIneligibility.map(fallback)
    }

    /// "ZFS is not available on micro02": why the chosen driver is not a preferred one.
    func driverNote(_ driver: String) -> String {
        var notes: [String] = []
        for better in LocalPoolPlanner.drivers {
            if better == driver { break }
            let lacking = inventories.filter { !$0.lxd.storageDrivers.contains(better) }.map(\.name)
            if !lacking.isEmpty { notes.append("\(driverName(better)) is not available on \(lacking.joined(separator: ", "))") }
        }
        return notes.joined(separator: "; ")
    }

    /// "btrfs (ZFS is not available on micro02)".
    var driverLine: String? {
        guard let pool = localPoolChoice else { return nil }
        let note = driverNote(pool.driver)
        return note.isEmpty ? pool.driver : "\(pool.driver) (\(note))"
    }

    /// Whether a question step holds a full, valid answer (a declined step counts as answered).
    func isComplete(_ step: WizardStep) -> Bool {
        switch step {
        case .localDisks:
            return answers.localDeclined || missingMembers(in: answers.localTable).isEmpty
        case .cephDisks:
            return answers.cephDeclined || !answers.cephTable.selected.isEmpty
        case .cephNetworks, .ovnForms:
            return answers.answered.contains(step) && formIsValid(step)
        case .ovnUplinks:
            return answers.uplinksDeclined || missingMembers(in: answers.uplinkTable).isEmpty
        default:
            return true
        }
    }

    func missingMembers(in table: SelectTable<MemberItem>) -> [String] {
        let chosen = Set(table.selected.map(\.member))
        return memberNames.filter { !chosen.contains($0) }
    }

    // MARK: moving

    /// The first step after `step` that is asked (the summary at the latest), noting the ones passed over.
    func nextStep(after step: WizardStep) -> WizardStep {
        var s = step.rawValue + 1
        while let candidate = WizardStep(rawValue: s), candidate < .summary {
            if skipReason(candidate) == nil { return candidate }
            s += 1
        }
        return .summary
    }

    func previousStep(before step: WizardStep) -> WizardStep? {
        var s = step.rawValue - 1
        while let candidate = WizardStep(rawValue: s), candidate.isQuestion {
            if skipReason(candidate) == nil { return candidate }
            s -= 1
        }
        return nil
    }

    /// Goes to a step: its tables are rebuilt from the answers so far, and skipped steps on the way are noted.
    mutating func enter(_ target: WizardStep) {
        let from = step
        skipNotes = []
        if target > from {
            var s = from.rawValue + 1
            while let passed = WizardStep(rawValue: s), passed < target {
                if passed.isQuestion, let why = skipReason(passed) { skipNotes.append("\(passed.title): \(why)") }
                s += 1
            }
        }
        step = target
        notice = nil
        answers.underlayPhase = nil
        skipArmed = false
        reconcile()
        if target == .summary {
            keepPlan()  // the summary's items below read the plan of the answers just given
            // Back from an edit: the cursor stays on that section. The first time: the plan is shown from its top and
            // the cursor waits on "Set up the cloud", so Enter does what an operator expects after reading it.
            let items = summaryItems()
            if returningFromEdit, let i = items.firstIndex(where: { $0.kind == .edit(from) }) {
                summary.cursor = i
                summary.follow = true
            } else {
                summary.cursor = items.firstIndex { $0.kind == .confirm } ?? items.firstIndex { $0.isSelectable } ?? 0
                summary.follow = false
            }
            summary.scroll = 0
        }
    }

    /// Enter accepted on a question step: on to the next step, or back to the summary when editing (through any
    /// later step that no longer holds a valid answer).
    mutating func advance() {
        answers.answered.insert(step)
        reconcile()
        guard editing != nil else {
            enter(nextStep(after: step))
            return
        }
        var s = step.rawValue + 1
        while let candidate = WizardStep(rawValue: s), candidate < .summary {
            if skipReason(candidate) == nil && !isComplete(candidate) {
                enter(candidate)
                return
            }
            s += 1
        }
        editing = nil
        editSnapshot = nil
        returningFromEdit = true
        enter(.summary)
        returningFromEdit = false
    }

    /// Esc on a question step: the previous asked step; while editing, back to the summary as it was.
    mutating func goBack() {
        if editing != nil, let snapshot = editSnapshot {
            answers = snapshot
            editing = nil
            editSnapshot = nil
            returningFromEdit = true
            enter(.summary)
            returningFromEdit = false
            return
        }
        guard let previous = previousStep(before: step) else {
            notice = LogView.Line("The servers are already confirmed. To start over, press Ctrl-C to abort the setup.",
                                  style: .warn)
            return
        }
        enter(previous)
    }

    /// Jumps from the summary to a step; Esc there restores the answers as they were.
    mutating func edit(_ target: WizardStep) {
        editing = target
        editSnapshot = answers
        enter(target)
    }
}

func driverName(_ driver: String) -> String {
    switch driver {
    case "zfs": "ZFS"
    case "btrfs": "Btrfs"
    default: driver
    }
}
