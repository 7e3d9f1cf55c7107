import Foundation
import MicroCloudKit

// Steps 3, 4 and 6: the per-member tables (local disk, Ceph disks, OVN uplink). Rows are rebuilt from the
// inventories and the earlier answers whenever a step is entered, keeping what is still valid.

extension WizardState {
    /// Upstream shows PATH as a column; by-id paths are too long for 80 columns, so the table names the disk and
    /// the line under it gives the full path of the disk under the cursor.
    static let diskColumns = ["LOCATION", "DISK", "MODEL", "CAPACITY", "TYPE", "WIPE"]
    static let localTitle = "Select exactly one disk from each cluster member:"
    static let cephTitle = "Select from the available unpartitioned disks:"
    static let uplinkTitle = "Select an available interface per system to provide external connectivity for distributed network(s):"

    /// Local disks chosen (when local storage is planned), which Ceph must not offer.
    var localChoices: Set<MemberItem> {
        localSkipReason == nil && !answers.localDeclined ? answers.localTable.selected : []
    }

    /// Disks Ceph may use: available ones not chosen for local storage.
    var cephCandidates: [(Inventory, Disk)] {
        let taken = localChoices
        return inventories.flatMap { inv in
            inv.availableDisks.filter { !taken.contains(MemberItem(member: inv.name, name: $0.path)) }.map { (inv, $0) }
        }
    }

    static func diskRow(_ inv: Inventory, _ d: Disk, wipe: Set<MemberItem>) -> SelectTable<MemberItem>.Row {
        let id = MemberItem(member: inv.name, name: d.path)
        return .init(id: id, cells: [inv.name, d.id, d.model, d.capacity, d.type, wipe.contains(id) ? "yes" : ""])
    }

    /// Rebuilds every answer table from the inventories and the answers before it.
    mutating func reconcile() {
        guard !inventories.isEmpty else { return }
        var a = answers
        let localRows = inventories.flatMap { inv in inv.availableDisks.map { Self.diskRow(inv, $0, wipe: a.localWipe) } }
        a.localTable = Self.rebuilt(a.localTable, title: Self.localTitle, columns: Self.diskColumns, rows: localRows)
        a.localWipe.formIntersection(a.localTable.selected)
        answers = a
        let cephRows = cephCandidates.map { Self.diskRow($0.0, $0.1, wipe: a.cephWipe) }
        a.cephTable = Self.rebuilt(a.cephTable, title: Self.cephTitle, columns: Self.diskColumns, rows: cephRows)
        a.cephWipe.formIntersection(a.cephTable.selected)
        let uplinkRows = inventories.flatMap { inv in
            inv.uplinkCandidates.map { SelectTable<MemberItem>.Row(id: MemberItem(member: inv.name, name: $0.name),
                                                                 cells: [inv.name, $0.name, $0.type]) }
        }
        a.uplinkTable = Self.rebuilt(a.uplinkTable, title: Self.uplinkTitle, columns: ["LOCATION", "IFACE", "TYPE"],
                                     rows: uplinkRows)
        a.underlayTable = Self.rebuilt(a.underlayTable, title: Self.underlayTitle,
                                       columns: ["LOCATION", "IFACE", "TYPE", "IP ADDRESS (CIDR)"], rows: underlayRows())
        answers = a
    }

    /// A new table with these rows that keeps the old one's selection (where rows remain), filter and cursor row.
    static func rebuilt(_ old: SelectTable<MemberItem>, title: String, columns: [String],
                        rows: [SelectTable<MemberItem>.Row]) -> SelectTable<MemberItem> {
        var t = SelectTable<MemberItem>(title: title, columns: columns, rows: rows.sorted { $0.id < $1.id },
                                        viewportHeight: old.viewportHeight)
        t.setSelected(old.selected)
        if !old.filter.isEmpty { t.setFilter(old.filter) }
        if let id = old.cursorRow?.id, let i = t.visibleRows.firstIndex(where: { $0.id == id }) { t.moveCursor(to: i) }
        return t
    }

    // MARK: keys

    mutating func localKey(_ key: Key) -> [WizardEffect] {
        notice = nil
        let action = memberTableKey(key, \.localTable, wipe: \.localWipe, onePerMember: true)
        let table = answers.localTable
        switch action {
        case .confirm:
            guard let declined = confirmTable(table, skip: "No disks selected. Press Enter again to skip local storage, "
                                              + "or select one disk on every server.",
                                              missing: ChoiceRules.missingLocalDisk) else { return [] }
            answers.localDeclined = declined
            advance()
        case .cancel: goBack()
        default: break
        }
        return []
    }

    /// A key on one of the per-member tables of the answers (and its wipe marks, for a disk table).
    mutating func memberTableKey(_ key: Key, _ table: WritableKeyPath<WizardAnswers, SelectTable<MemberItem>>,
                                 wipe: WritableKeyPath<WizardAnswers, Set<MemberItem>>? = nil,
                                 onePerMember: Bool) -> SelectTable<MemberItem>.Action {
        var rows = answers[keyPath: table]
        var marks = wipe.map { answers[keyPath: $0] }
        let action = MemberTableKeys.handle(key, &rows, wipe: &marks, onePerMember: onePerMember, notice: &notice)
        answers[keyPath: table] = rows
        if let wipe, let marks { answers[keyPath: wipe] = marks }
        return action
    }

    /// Enter on a per-member table: with nothing picked the first Enter warns (`skip`) and the second declines the
    /// step; a pick that leaves a member out is refused where each member needs one (`missing`). Returns whether
    /// the step was declined, or nil when the step stays.
    mutating func confirmTable(_ table: SelectTable<MemberItem>, skip: String,
                               missing: ((String) -> String)?) -> Bool? {
        if table.selected.isEmpty {
            guard skipArmed else {
                skipArmed = true
                notice = LogView.Line(skip, style: .warn)
                return nil
            }
            return true
        }
        if let missing, let member = missingMembers(in: table).first {
            notice = LogView.Line(missing(member), style: .error)
            return nil
        }
        return false
    }

    var cephFSOffered: Bool { !inventories.isEmpty && ChoiceRules.cephFSUnavailable(inventories) == nil }

    mutating func cephKey(_ key: Key) -> [WizardEffect] {
        notice = nil
        if let question = answers.cephQuestion {
            cephQuestionKey(key, question)
            return []
        }
        let action = memberTableKey(key, \.cephTable, wipe: \.cephWipe, onePerMember: false)
        let table = answers.cephTable
        switch action {
        case .confirm:
            guard let declined = confirmTable(table, skip: "No disks were selected. Press Enter again to skip "
                                              + "distributed storage.", missing: nil) else { return [] }
            answers.cephDeclined = declined
            if declined { advance(); return [] }
            answers.cephQuestion = .encrypt(YesNo(question: "Do you want to encrypt the selected disks?", defaultValue: false))
        case .cancel: goBack()
        default: break
        }
        return []
    }

    private mutating func cephQuestionKey(_ key: Key, _ question: WizardAnswers.CephQuestion) {
        switch question {
        case .encrypt(var q):
            switch q.handle(key) {
            case .submit(let yes):
                answers.cephEncrypt = yes
                if cephFSOffered {
                    answers.cephQuestion = .cephFS(YesNo(question: "Would you like to set up CephFS remote storage?",
                                                         defaultValue: true))
                } else {
                    answers.cephFS = false
                    answers.cephQuestion = nil
                    advance()
                    // Not asked, and the operator is told why on the next screen (upstream only logs it).
                    if let why = ChoiceRules.cephFSUnavailable(inventories) { skipNotes.append(why) }
                }
            case .cancel: answers.cephQuestion = nil
            default: answers.cephQuestion = .encrypt(q)
            }
        case .cephFS(var q):
            switch q.handle(key) {
            case .submit(let yes):
                answers.cephFS = yes
                answers.cephQuestion = nil
                advance()
            case .cancel:
                answers.cephQuestion = .encrypt(YesNo(question: "Do you want to encrypt the selected disks?", defaultValue: false))
            default: answers.cephQuestion = .cephFS(q)
            }
        }
    }

    mutating func uplinkKey(_ key: Key) -> [WizardEffect] {
        notice = nil
        let action = memberTableKey(key, \.uplinkTable, onePerMember: true)
        let table = answers.uplinkTable
        switch action {
        case .confirm:
            let bridge = BridgePlan.standard
            guard let declined = confirmTable(table, skip: "No interface selected. Press Enter again to skip "
                                              + "distributed networking (instances then use the bridge \(bridge.name), "
                                              + "\(bridge.ipv4)).", missing: ChoiceRules.missingUplink) else { return [] }
            answers.uplinksDeclined = declined
            advance()
        case .cancel: goBack()
        default: break
        }
        return []
    }
}

/// Keys of a per-member table: Space picks (one per member where that is the rule), → picks all (or the first row
/// of every member still without one), ← none, Tab marks a picked disk for wiping.
enum MemberTableKeys {
    static func handle(_ key: Key, _ t: inout SelectTable<MemberItem>, wipe: inout Set<MemberItem>,
                       onePerMember: Bool, notice: inout LogView.Line?) -> SelectTable<MemberItem>.Action {
        var optional: Set<MemberItem>? = wipe
        let action = handle(key, &t, wipe: &optional, onePerMember: onePerMember, notice: &notice)
        wipe = optional ?? []
        return action
    }

    static func handle(_ key: Key, _ t: inout SelectTable<MemberItem>, wipe: inout Set<MemberItem>?,
                       onePerMember: Bool, notice: inout LogView.Line?) -> SelectTable<MemberItem>.Action {
        switch key {
        case .char(" "):
            guard let row = t.cursorRow, !row.disabled else { return .handled }
            var chosen = t.selected
            if chosen.contains(row.id) {
                chosen.remove(row.id)
            } else {
                if onePerMember { chosen = chosen.filter { $0.member != row.id.member } }
                chosen.insert(row.id)
            }
            t.setSelected(chosen)
        case .right:
            if onePerMember {
                var chosen = t.selected
                for row in t.visibleRows where !row.disabled && !chosen.contains(where: { $0.member == row.id.member }) {
                    chosen.insert(row.id)
                }
                t.setSelected(chosen)
            } else {
                t.selectAllVisible()
            }
        case .tab:
            guard wipe != nil, let row = t.cursorRow else { return .ignored }
            guard t.selected.contains(row.id) else {
                notice = LogView.Line("Select the disk first (Space), then press Tab to mark it for wiping.", style: .warn)
                return .handled
            }
            if wipe!.contains(row.id) { wipe!.remove(row.id) } else { wipe!.insert(row.id) }
        default:
            let action = t.handle(key)
            if action != .handled || key != .left { return action }
        }
        if wipe != nil {
            wipe!.formIntersection(t.selected)
            syncWipeColumn(&t, wipe!)
        }
        return .handled
    }

    /// The WIPE column says "yes" exactly for the rows marked for wiping.
    static func syncWipeColumn(_ t: inout SelectTable<MemberItem>, _ wipe: Set<MemberItem>) {
        for row in t.rows {
            let want = wipe.contains(row.id) ? "yes" : ""
            if row.cells.last != want {
                t.upsert(.init(id: row.id, cells: Array(row.cells.dropLast()) + [want], disabled: row.disabled))
            }
        }
    }
}
