import Testing
@testable import MicroCloudKit

/// When OVN is set up, skipped for the fallback bridge (and the line that says why), and what an older MicroOVN gets.
@Suite struct OVNRulesTests {
    static func answers(uplinks: [String?]) -> PlanAnswers {
        PlanAnswers(initiator: "micro01", lookupSubnet: "10.0.0.0/24",
                    members: uplinks.enumerated().map { MemberPlan(name: "micro0\($0 + 1)", address: "", uplinkInterface: $1) },
                    uplink: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.10", ipv4Last: "192.0.2.20"))
    }

    @Test func everyMemberWithAnUplinkGetsOVN() {
        let (plan, issues) = PlanBuilder.build(Self.answers(uplinks: ["eth1", "eth1", "eth1"]), inventories: Fixture.full)
        #expect(issues == [])
        #expect(plan.usesOVN && plan.fallbackBridge == nil && plan.profileNetwork == "default")
    }

    @Test func aMemberWithoutAnyCandidateMakesTheBridgeAndSaysWhy() {
        var inv = Fixture.full
        inv[1].interfaces.removeAll { $0.name == "eth1" }
        var a = Self.answers(uplinks: ["eth1", nil, "eth1"])
        a.members[0].underlayIP = "10.0.1.11"
        let (plan, issues) = PlanBuilder.build(a, inventories: inv)
        #expect(issues == [.warning("ovn", "System \"micro02\" is ineligible for distributed networking. At least one "
            + "interface in state UP with no IPs assigned or a bridge is required; instances use the bridge lxdbr0 "
            + "(10.79.0.1/24) instead.")])
        #expect(plan.ovn == nil && plan.fallbackBridge == .standard && plan.profileNetwork == "lxdbr0")
        #expect(plan.members.allSatisfy { $0.uplinkInterface == nil && $0.underlayIP == nil })
        #expect(plan.services.contains(.microovn), "MicroOVN is still clustered")
    }

    @Test func aMemberWithACandidateButNoChoiceIsAnErrorNotAFallback() {
        let (plan, issues) = PlanBuilder.build(Self.answers(uplinks: ["eth1", nil, "eth1"]), inventories: Fixture.full)
        #expect(plan.usesOVN)
        expectIssue(.error("systems[micro02].ovn_uplink_interface", member: "micro02", ChoiceRules.missingUplink("micro02")),
                    in: issues)
    }

    @Test func unavailableLooksOnlyAtMembersWithoutAChoice() {
        var inv = Fixture.byName(Fixture.full)
        inv["micro03"]?.interfaces.removeAll { $0.name == "eth1" }
        let chosen = (1...3).map { MemberPlan(name: "micro0\($0)", address: "", uplinkInterface: "eth1") }
        #expect(OVNRules.unavailable(members: chosen, inventories: inv) == nil, "an explicit choice is the validation's")
        var open = chosen
        open[2].uplinkInterface = nil
        #expect(OVNRules.unavailable(members: open, inventories: inv) == inv["micro03"]?.ovnIneligibility)
    }

    @Test func fallbackLines() {
        #expect(OVNRules.fallbackLine("MicroOVN is not installed, so distributed networking is skipped.", bridge: .standard)
                == "MicroOVN is not installed, so distributed networking is skipped; instances use the bridge lxdbr0 "
                + "(10.79.0.1/24) instead.")
        #expect(OVNRules.fallbackLine("Why", bridge: nil) == "Why; no fallback bridge is planned, so instances get no network.")
    }

    @Test func anOlderMicroOVNIsUsedWithANote() {
        var inv = Fixture.full
        for i in inv.indices { inv[i].services[.microovn] = i == 0 ? "24.03.2" : "23.03.1" }
        #expect(ServiceRules.microOVNVersionNote(inv) == "MicroOVN 23.03.1 on micro02 and micro03 is older than 24.03, "
            + "the oldest release upstream MicroCloud accepts. It is used: MicroCloud needs only its cluster API and "
            + "services list (and custom_encapsulation_ip for an underlay).")
        for i in inv.indices { inv[i].services[.microovn] = "23.03.1" }   // the lab's (members must match)
        let (plan, issues) = PlanBuilder.build(Self.answers(uplinks: ["eth1", "eth1", "eth1"]), inventories: inv)
        #expect(plan.usesOVN && issues.map(\.severity) == [.warning] && issues.first?.field == "services", "\(issues)")
        #expect(ServiceRules.microOVNVersionNote(Fixture.full) == nil)
    }

    @Test(arguments: [("24.03", (24, 3)), ("24.03.2+snap0e5b4ab95f", (24, 3)), ("23.03.1", (23, 3)), ("22.3", (22, 3))])
    func versionsReadAsMajorMinor(_ text: String, _ expected: (Int, Int)) {
        #expect(ServiceRules.majorMinor(text).map { $0 == expected } == true)
    }

    @Test(arguments: ["", "latest", "v24.03"])
    func versionsWithoutNumbersFirstGiveNoNote(_ text: String) {
        #expect(ServiceRules.majorMinor(text) == nil)
    }
}
