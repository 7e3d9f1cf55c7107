import MicroCloudKit

/// The wizard's front end to `PlanBuilder`: its answers as `PlanAnswers`, nothing more. Defaults and rules are the
/// builder's, so the summary, "save as preseed", the bootstrap and a preseed file all see the same plan.
public enum WizardPlanner {
    public static func answers(from s: WizardState) -> PlanAnswers {
        let a = s.answers
        let pool = s.localPoolChoice
        let useLocalDisks = pool?.needsDisk == true && s.localSkipReason == nil && !a.localDeclined
        let useCeph = s.cephSkipReason == nil && !a.cephDeclined && !a.cephTable.selected.isEmpty
        let useOVN = s.ovnSkipReason == nil && !a.uplinksDeclined && !a.uplinkTable.selected.isEmpty

        let serverAddress = Dictionary(([s.localServer] + (s.confirmed ?? [])).map { ($0.name, $0.address) },
                                       uniquingKeysWith: { first, _ in first })
        let members = s.inventories.map { inv -> MemberPlan in
            let mine = { (set: Set<MemberItem>) in set.filter { $0.member == inv.name }.sorted() }
            let local = useLocalDisks ? mine(a.localTable.selected).first : nil
            let ceph = useCeph ? mine(a.cephTable.selected) : []
            // An empty address is the builder's default: the server's own address inside the lookup subnet.
            return MemberPlan(
                name: inv.name, address: inv.address.isEmpty ? serverAddress[inv.name] ?? "" : "",
                fingerprint: s.servers[inv.name]?.fingerprint.hex ?? "",
                localDisk: local.map { DiskChoice(path: $0.name, wipe: a.localWipe.contains($0)) },
                cephDisks: ceph.map { DiskChoice(path: $0.name, wipe: a.cephWipe.contains($0), encrypt: a.cephEncrypt) },
                uplinkInterface: useOVN ? mine(a.uplinkTable.selected).first?.name : nil,
                underlayIP: useOVN && a.underlayWanted ? mine(a.underlayTable.selected).first?.name : nil)
        }

        var out = PlanAnswers(initiator: s.localName ?? "", lookupSubnet: s.address?.subnet?.description ?? "",
                              members: members)
        if let pool, !pool.needsDisk || useLocalDisks { out.localStorage = PlanAnswers.LocalStorage() }
        if useCeph {
            let asked = s.skipReason(.cephNetworks) == nil && !a.cephNetworks.isEmpty
            out.ceph = PlanAnswers.Ceph(encrypt: a.cephEncrypt, cephfs: a.cephFS,
                                        internalNetwork: asked ? a.cephNetworks.value(.internal) : "",
                                        publicNetwork: asked ? a.cephNetworks.value(.public) : "")
        }
        if useOVN { out.uplink = s.uplinkAnswers }
        return out
    }

    /// The plan and every problem the builder found.
    public static func build(from s: WizardState) -> (plan: ClusterPlan, issues: [PlanIssue]) {
        PlanBuilder.build(answers(from: s), inventories: s.inventories)
    }

    public static func plan(from s: WizardState) -> ClusterPlan { build(from: s).plan }
}

/// The plan of the current answers, kept in the state: built when an answer (or an inventory) changes, and read by
/// every frame, the summary and the confirmation without building it again.
public struct KeptPlan: Sendable {
    public let answers: PlanAnswers
    let inventories: [Inventory]
    public let plan: ClusterPlan
    public let issues: [PlanIssue]
}

extension WizardState {
    /// Called after every message (`Wizard.update`): rebuilds the plan only when its answers differ from the kept one's.
    mutating func keepPlan() {
        guard gather == .done else { return }
        let answers = WizardPlanner.answers(from: self)
        if let kept, kept.answers == answers, kept.inventories == inventories { return }
        let built = PlanBuilder.build(answers, inventories: inventories)
        kept = KeptPlan(answers: answers, inventories: inventories, plan: built.plan, issues: built.issues)
        planBuilds += 1
    }

    /// The current plan and its problems: the kept ones. Built here only when none is kept for these answers (before
    /// the inventories, or inside the message that changed an answer, before `keepPlan` ran).
    public var current: (plan: ClusterPlan, issues: [PlanIssue]) {
        let answers = WizardPlanner.answers(from: self)
        if let kept, kept.answers == answers, kept.inventories == inventories { return (kept.plan, kept.issues) }
        return PlanBuilder.build(answers, inventories: inventories)
    }
}
