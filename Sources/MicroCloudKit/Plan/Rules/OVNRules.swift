// When distributed networking cannot be set up on the chosen servers, and what the operator is told instead. The
// wizard (which then skips its OVN screens) and the plan builder (for a preseed file) use the same words.

public enum OVNRules {
    /// Why OVN cannot be set up: a member that has no uplink chosen and no interface that could be one (upstream's cmd/microcloud/ask.go:
    /// "At least one interface in state UP with no IPs assigned or a bridge is required"). nil when every member
    /// has an uplink or a candidate. A member with a chosen (even wrong) uplink is left to the plan's validation,
    /// which names the interface; leftover `UPLINK`/`default` networks are an error there too.
    public static func unavailable(members: [MemberPlan], inventories: [String: Inventory]) -> String? {
        for m in members where (m.uplinkInterface ?? "").isEmpty {
            guard let inv = inventories[m.name], inv.uplinkCandidates.isEmpty else { continue }
            return inv.ovnIneligibility
        }
        return nil
    }

    /// The line that says OVN is skipped and what instances get instead: "<why>; instances use the bridge lxdbr0
    /// (10.79.0.1/24) instead." (`why` without its final full stop).
    public static func fallbackLine(_ why: String, bridge: BridgePlan?) -> String {
        let reason = why.hasSuffix(".") ? String(why.dropLast()) : why
        guard let bridge else { return "\(reason); no fallback bridge is planned, so instances get no network." }
        return "\(reason); instances use the bridge \(bridge.name) (\(bridge.ipv4)) instead."
    }
}
