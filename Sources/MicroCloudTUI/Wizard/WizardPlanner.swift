import MicroCloudKit

/// Turns the wizard's answers into a `ClusterPlan`: pure, so the summary, "save as preseed" and the bootstrap all
/// see the same plan.
public enum WizardPlanner {
    public static func plan(from s: WizardState) -> ClusterPlan {
        let a = s.answers
        let lookup = s.address?.subnet?.description ?? ""
        var services: [ServiceKind] = [.microcloud, .lxd]
        for optional in [ServiceKind.microceph, .microovn]
        where !s.inventories.isEmpty && s.inventories.allSatisfy({ $0.services[optional] != nil }) {
            services.append(optional)
        }

        let pool = s.localPoolChoice
        let useLocalDisks = pool?.needsDisk == true && s.localSkipReason == nil && !a.localDeclined
        let localPool = pool?.needsDisk == false ? pool : (useLocalDisks ? pool : nil)
        let useCeph = s.cephSkipReason == nil && !a.cephDeclined && !a.cephTable.selected.isEmpty
        let useOVN = s.ovnSkipReason == nil && !a.uplinksDeclined && !a.uplinkTable.selected.isEmpty

        let addressOf = Dictionary(([s.localServer] + (s.confirmed ?? [])).map { ($0.name, $0.address) },
                                   uniquingKeysWith: { first, _ in first })
        let members = s.inventories.map { inv -> MemberPlan in
            let mine = { (set: Set<MemberItem>) in set.filter { $0.member == inv.name }.sorted() }
            let local = useLocalDisks ? mine(a.localTable.selected).first : nil
            let ceph = useCeph ? mine(a.cephTable.selected) : []
            return MemberPlan(
                name: inv.name, address: inv.address.isEmpty ? addressOf[inv.name] ?? "" : inv.address,
                fingerprint: inv.fingerprint.isEmpty ? s.servers[inv.name]?.fingerprint ?? "" : inv.fingerprint,
                localDisk: local.map { DiskChoice(path: $0.name, wipe: a.localWipe.contains($0)) },
                cephDisks: ceph.map { DiskChoice(path: $0.name, wipe: a.cephWipe.contains($0), encrypt: a.cephEncrypt) },
                uplinkInterface: useOVN ? mine(a.uplinkTable.selected).first?.name : nil)
        }

        var ceph: CephPlan?
        if useCeph {
            var internalNet: String?
            var publicNet: String?
            if s.skipReason(.cephNetworks) == nil, a.cephNetworks.fields.count == 2 {
                let values = a.cephNetworks.values.map(\.trimmingSpaces)
                internalNet = values[0] == lookup || values[0].isEmpty ? nil : values[0]
                publicNet = values[1] == lookup || values[1].isEmpty ? nil : values[1]
            }
            ceph = CephPlan(encrypt: a.cephEncrypt, cephfs: a.cephFS, internalNetwork: internalNet, publicNetwork: publicNet)
        }

        var ovn: OVNPlan?
        if useOVN {
            let v = a.ovnForm.fields.count == 5 ? a.ovnForm.values.map(\.trimmingSpaces) : Array(repeating: "", count: 5)
            let range = !v[1].isEmpty && !v[2].isEmpty ? "\(v[1])-\(v[2])" : nil
            let dns = v[4].split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            ovn = OVNPlan(ipv4Gateway: v[0].isEmpty ? nil : v[0], ipv4Range: range,
                          ipv6Gateway: v[3].isEmpty ? nil : v[3], dnsServers: dns)
        }

        return ClusterPlan(initiator: s.localName ?? "", lookupSubnet: lookup, members: members, services: services,
                           localPool: localPool, ceph: ceph, ovn: ovn, fallbackBridge: useOVN ? nil : .standard)
    }

    /// The plan's problems against the inventories the servers reported.
    public static func issues(of plan: ClusterPlan, in s: WizardState) -> [PlanIssue] {
        plan.validate(inventories: Dictionary(s.inventories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
    }
}
