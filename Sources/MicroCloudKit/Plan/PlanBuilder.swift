// The one way from answers to a plan. The wizard's forms and the preseed resolver each turn what they were given
// into `PlanAnswers`; `PlanBuilder.build` applies every default (services, local pool driver, member addresses,
// Ceph networks, the fallback bridge) and every rule (`ClusterPlan.validate` and the rules under Rules/). A service
// that adds settings (MicroCeph, MicroOVN) adds them to `PlanAnswers`, a default here, and its rules in Rules/.

/// What the operator (or a preseed file) chose, before defaults: the input of `PlanBuilder.build`.
public struct PlanAnswers: Hashable, Sendable {
    public var initiator: String
    /// Network-form CIDR the members' MicroCloud addresses are in.
    public var lookupSubnet: String
    /// One per member: its chosen disks, uplink and underlay IP. An empty address means "its address inside the
    /// lookup subnet"; an empty fingerprint, the one its inventory reports.
    public var members: [MemberPlan]
    /// nil: no local storage.
    public var localStorage: LocalStorage?
    /// nil: no distributed storage.
    public var ceph: Ceph?
    /// nil: no distributed networking.
    public var uplink: UplinkAnswers?
    /// The bridge used when OVN is not; nil: no network at all.
    public var fallbackBridge: BridgePlan?

    public struct LocalStorage: Hashable, Sendable {
        /// nil: the best driver every member offers.
        public var driver: String?
        public var loopSize: String?

        public init(driver: String? = nil, loopSize: String? = nil) {
            self.driver = driver
            self.loopSize = loopSize
        }
    }

    public struct Ceph: Hashable, Sendable {
        public var encrypt: Bool
        public var cephfs: Bool
        /// CIDR; empty: the lookup subnet.
        public var internalNetwork: String
        /// CIDR; empty: the lookup subnet.
        public var publicNetwork: String

        public init(encrypt: Bool = false, cephfs: Bool = false, internalNetwork: String = "", publicNetwork: String = "") {
            self.encrypt = encrypt
            self.cephfs = cephfs
            self.internalNetwork = internalNetwork
            self.publicNetwork = publicNetwork
        }
    }

    public init(initiator: String, lookupSubnet: String, members: [MemberPlan], localStorage: LocalStorage? = nil,
                ceph: Ceph? = nil, uplink: UplinkAnswers? = nil, fallbackBridge: BridgePlan? = .standard) {
        self.initiator = initiator
        self.lookupSubnet = lookupSubnet
        self.members = members
        self.localStorage = localStorage
        self.ceph = ceph
        self.uplink = uplink
        self.fallbackBridge = fallbackBridge
    }
}

public enum PlanBuilder {
    /// The plan these answers make on these servers, and every problem found (errors block the bootstrap).
    public static func build(_ answers: PlanAnswers, inventories: [Inventory]) -> (plan: ClusterPlan, issues: [PlanIssue]) {
        var issues: [PlanIssue] = []
        let byName = Dictionary(inventories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let present = answers.members.compactMap { byName[$0.name] }
        let services = ServiceRules.services(present)
        let subnet = CIDR(answers.lookupSubnet)?.network
        var unaddressed = false

        var members = answers.members.map { m -> MemberPlan in
            var out = m
            guard let inv = byName[m.name] else { return out }
            if !inv.fingerprint.isEmpty { out.fingerprint = inv.fingerprint }
            if out.address.isEmpty, let subnet {
                if let address = address(of: inv, in: subnet) {
                    out.address = address
                } else {
                    unaddressed = true
                    issues.append(.error(memberField(m.name, "address"), member: m.name,
                                         "Failed to determine MicroCloud address within subnet \(subnet) on "
                                         + "\"\(m.name)\". Give it an address in that subnet or fix lookup_subnet."))
                }
            }
            return out
        }

        var localPool: LocalPoolPlan?
        if let local = answers.localStorage {
            localPool = (local.driver.map { LocalPoolPlan(driver: $0) } ?? LocalPoolPlanner.choose(inventories: present))
                .map { $0.driver == "dir" ? $0 : LocalPoolPlan(driver: $0.driver, loopSize: local.loopSize) }
            if localPool == nil {
                issues.append(.error("storage.local", ChoiceRules.noCommonDriver))
            }
        }

        var ceph: CephPlan?
        if let c = answers.ceph {
            if let why = ServiceRules.missing(.microceph, present) {
                issues.append(.warning("ceph", why))
                for i in members.indices { members[i].cephDisks = [] }
            } else if members.contains(where: { !$0.cephDisks.isEmpty }) {
                let lookup = subnet?.description ?? answers.lookupSubnet
                ceph = CephPlan(encrypt: c.encrypt, cephfs: c.cephfs,
                                internalNetwork: cephNetwork(c.internalNetwork, default: lookup),
                                publicNetwork: cephNetwork(c.publicNetwork, default: lookup))
            }
        }

        var ovn: OVNPlan?
        if let uplink = answers.uplink {
            if let why = ServiceRules.missing(.microovn, present) {
                issues.append(.warning("ovn", why))
                for i in members.indices { members[i].uplinkInterface = nil }
            } else if let why = OVNRules.unavailable(members: members, inventories: byName) {
                issues.append(.warning("ovn", OVNRules.fallbackLine(why, bridge: answers.fallbackBridge)))
                for i in members.indices { (members[i].uplinkInterface, members[i].underlayIP) = (nil, nil) }
            } else {
                ovn = uplink.plan
            }
        }
        for service in [ServiceKind.microceph, .microovn] where !services.contains(service) {
            let asked = service == .microceph ? answers.ceph != nil : answers.uplink != nil
            let somewhere = present.contains { $0.services[service] != nil }
            if !asked && somewhere, let why = ServiceRules.missing(service, present) {
                issues.append(.warning("services", why))
            }
        }

        if services.contains(.microovn), let note = ServiceRules.microOVNVersionNote(present) {
            issues.append(.warning("services", note))
        }

        let plan = ClusterPlan(initiator: answers.initiator, lookupSubnet: subnet?.description ?? answers.lookupSubnet,
                               members: members, services: services, localPool: localPool, ceph: ceph, ovn: ovn,
                               fallbackBridge: ovn == nil ? answers.fallbackBridge : nil)
        // A member without an address makes every later rule about addresses say the same thing again.
        return (plan, unaddressed ? issues : issues + plan.validate(inventories: byName))
    }

    /// A member's MicroCloud address: the one it announced when inside the subnet, else its first one there.
    static func address(of inv: Inventory, in subnet: CIDR) -> String? {
        if let ip = IPAddress(inv.address), subnet.contains(ip) { return ip.description }
        return inv.allAddresses.first { subnet.contains($0.address) }?.address.description
    }

    /// The Ceph network a text means: the default when empty, else the CIDR as written canonically.
    static func cephNetwork(_ text: String, default lookup: String) -> String {
        let t = text.trimming(" ")
        if t.isEmpty { return lookup }
        return CIDR(t)?.description ?? t
    }
}
