import Testing
@testable import MicroCloudKit

/// The version and capability gates: each with its words, and each seen through the plan builder (what the preseed
/// exits 2 with and the wizard's review shows, before anything changes).
@Suite struct VersionRulesTests {
    /// Three servers with everything, Ceph disks and an uplink picked: a plan that uses every gated feature.
    static func answers() -> PlanAnswers {
        PlanAnswers(initiator: "micro01", lookupSubnet: "10.0.0.0/24",
                    members: (1...3).map { MemberPlan(name: "micro0\($0)", address: "",
                                                      cephDisks: [DiskChoice(path: Fixture.path(2), wipe: true)],
                                                      uplinkInterface: "eth1") },
                    ceph: .init(), uplink: UplinkAnswers(ipv4Gateway: "192.0.2.1/24", ipv4First: "192.0.2.10",
                                                         ipv4Last: "192.0.2.20"))
    }

    static func errors(_ inventories: [Inventory]) -> [String] {
        PlanBuilder.build(answers(), inventories: inventories).issues.errors.map(\.message)
    }

    @Test func everyGatePassesOnTheFixtureCloud() {
        let (plan, issues) = PlanBuilder.build(Self.answers(), inventories: Fixture.full)
        #expect(plan.usesCeph && plan.usesOVN)
        #expect(issues == [], "\(issues)")
    }

    // MARK: MicroCeph and MicroOVN releases

    @Test func aMicroCephOnMicroclustersOlderAPIIsAnOlderReleaseWithTheVersionFoundAndNeeded() {
        var inv = Fixture.full
        inv[1].services[.microceph] = ServiceVersion.olderAPI("18.2.4")
        let words = "MicroCeph 18.2.4 on micro02 is an older release: it serves microcluster's /cluster/1.0 API, not "
            + "the /core/1.0 MicroCloud uses. MicroCloud needs MicroCeph 19.2 (Squid) or newer. Refresh MicroCeph on "
            + "micro02 (snap refresh microceph --channel squid/stable), or set up the cloud without it."
        #expect(VersionRules.unsupported(.microceph, on: inv[1]) == words)
        // Not also "differs between servers": one problem, one line.
        #expect(Self.errors(inv) == [words])
    }

    @Test func aMicroOVNOnTheOlderAPIIsRefusedToo() {
        var inv = Fixture.full
        inv[2].services[.microovn] = ServiceVersion.olderAPI("22.03.3")
        #expect(Self.errors(inv) == [
            "MicroOVN 22.03.3 on micro03 is an older release: it serves microcluster's /cluster/1.0 API, not the "
                + "/core/1.0 MicroCloud uses. MicroCloud needs MicroOVN 24.03 or newer. Refresh MicroOVN on micro03 "
                + "(snap refresh microovn --channel 24.03/stable), or set up the cloud without it.",
        ])
    }

    @Test func anOlderReleaseThatToldNoVersionSaysSoWithoutOne() {
        var inv = Fixture.full[0]
        inv.services[.microceph] = ServiceVersion.olderAPI("")
        #expect(VersionRules.unsupported(.microceph, on: inv)?.hasPrefix("MicroCeph on micro01 is an older release: ") == true)
    }

    @Test func aMicroCephOlderThanSquidIsRefusedAsUpstreamDoes() {
        var inv = Fixture.full
        for i in inv.indices { inv[i].services[.microceph] = "18.2.4" }
        #expect(Self.errors(inv) == (1...3).map {
            "MicroCeph 18.2.4 on micro0\($0) is older than 19.2 (Squid), the oldest release MicroCloud supports. Refresh "
                + "MicroCeph on micro0\($0) (snap refresh microceph --channel squid/stable), or set up the cloud without it."
        })
    }

    @Test(arguments: ["19.2.0", "ceph-version: 19.2.1-0ubuntu0.24.04.1; microceph-git: 2a8f7a1a0e", "20.1.0"])
    func microCephFromSquidOnIsSupported(_ version: String) {
        var inv = Fixture.full[0]
        inv.services[.microceph] = version
        #expect(VersionRules.unsupported(.microceph, on: inv) == nil)
    }

    @Test func aMicroCephVersionThatNamesNoReleaseIsRefused() {
        var inv = Fixture.full[0]
        inv.services[.microceph] = "latest"
        #expect(VersionRules.unsupported(.microceph, on: inv) == "MicroCeph on micro01 reports the version \"latest\", "
            + "which names no release (x.y.z). MicroCloud needs MicroCeph 19.2 (Squid) or newer. Refresh MicroCeph on "
            + "micro01 (snap refresh microceph --channel squid/stable), or set up the cloud without it.")
    }

    @Test func aServiceThePlanLeavesOutIsNotGated() {
        var inv = Fixture.full
        inv[1].services[.microceph] = ServiceVersion.olderAPI("18.2.4")
        inv[2].services[.microceph] = nil   // not installed on micro03: MicroCeph is not part of the cloud
        #expect(Self.errors(inv) == [])
    }

    // MARK: The same release everywhere

    @Test func differentMicroCloudReleasesAreRefused() {
        var inv = Fixture.full
        inv[2].version = "3.2"
        #expect(VersionRules.microCloudMismatch(inv) == "MicroCloud differs between servers: 3.3 on micro01 and micro02, "
            + "3.2 on micro03. Every server needs the same MicroCloud version: install one release on all of them.")
        #expect(Self.errors(inv) == [VersionRules.microCloudMismatch(inv)!])
    }

    @Test func differentServiceReleasesAreRefusedNamingEach() {
        var inv = Fixture.full
        inv[1].services[.microceph] = "19.2.1"
        inv[1].services[.lxd] = "5.21.4"
        #expect(Self.errors(inv) == [
            "MicroCeph differs between servers: 19.2.0 on micro01 and micro03, 19.2.1 on micro02. Every server needs the "
                + "same MicroCeph version: refresh them to one release.",
            "LXD differs between servers: 5.21.3 on micro01 and micro03, 5.21.4 on micro02. Every server needs the same "
                + "LXD version: refresh them to one release.",
        ])
    }

    // MARK: LXD's API extensions per feature

    @Test func aFeatureWhoseExtensionsAServerLacksNamesFeatureExtensionAndServer() {
        var inv = Fixture.full
        inv[2].lxd.apiExtensions.removeAll { $0 == "network_type_ovn" || $0 == "network_type_physical" }
        #expect(Self.errors(inv) == [
            "Distributed networking (the UPLINK and default networks) needs LXD's network_type_ovn and "
                + "network_type_physical API extensions, which LXD 5.21.3 on micro03 lacks. Upgrade LXD there.",
        ])
    }

    @Test(arguments: [("clustering", "Forming the LXD cluster"), ("clustering_join_token", "Forming the LXD cluster"),
                      ("storage_driver_ceph", "Distributed storage (the remote pool on Ceph)"),
                      ("network_type_physical", "Distributed networking (the UPLINK and default networks)"),
                      ("network_type_ovn", "Distributed networking (the UPLINK and default networks)")])
    func eachGatedExtensionMissingOnOneServerIsRefusedNamingFeatureAndExtension(_ name: String, _ feature: String) {
        var inv = Fixture.full
        inv[1].lxd.apiExtensions.removeAll { $0 == name }
        #expect(Self.errors(inv) == ["\(feature) needs LXD's \(name) API extension, which LXD 5.21.3 on micro02 lacks. "
            + "Upgrade LXD there."])
    }

    @Test func clusteringNeedsJoinTokens() {
        var inv = Fixture.full
        for i in inv.indices { inv[i].lxd.apiExtensions.removeAll { $0 == "clustering_join_token" } }
        #expect(VersionRules.missingExtensions("Forming the LXD cluster", ["clustering", "clustering_join_token"], inv)
            == "Forming the LXD cluster needs LXD's clustering_join_token API extension, which LXD 5.21.3 on micro01, "
            + "LXD 5.21.3 on micro02 and LXD 5.21.3 on micro03 lack. Upgrade LXD there.")
    }

    @Test func aFeatureNotPlannedAsksForNoExtension() {
        var inv = Fixture.full
        for i in inv.indices { inv[i].lxd.apiExtensions.removeAll { $0 == "storage_driver_ceph" } }
        var answers = Self.answers()
        answers.ceph = nil
        for i in answers.members.indices { answers.members[i].cephDisks = [] }
        #expect(PlanBuilder.build(answers, inventories: inv).issues.errors == [])
    }

    // MARK: Where upstream refuses and this project goes on

    @Test func anLXDOlderThanUpstreamsFloorIsUsedAndTheNoteSaysWhatItLeavesOut() {
        let inv = (1...3).map { Fixture.inventory($0, ceph: true, ovn: true, lxdVersion: "5.0.2") }
        let note = "LXD 5.0.2 on micro01, micro02 and micro03 is older than 5.21, the oldest release upstream MicroCloud "
            + "accepts. It is used by its API extensions; without instances_migration_stateful: VM live migration stays "
            + "off; without storage_cephfs_create_missing: no CephFS."
        #expect(VersionRules.olderLXDNote(inv) == note)
        let issues = PlanBuilder.build(Self.answers(), inventories: inv).issues
        #expect(issues == [.warning("services", note)], "\(issues)")
    }

    @Test(arguments: [("19.2.0", 3, [19, 2, 0]), ("24.03", 2, [24, 3]), ("ceph-version: 18.2.4-0ubuntu", 3, [18, 2, 4]),
                      ("5.0.2", 2, [5, 0]), ("v24.03.2+snap", 2, [24, 3])])
    func releaseNumbersAreReadAsUpstreamCleansThem(_ text: String, _ parts: Int, _ expected: [Int]) {
        #expect(VersionRules.releaseNumbers(text, parts: parts) == expected)
    }

    @Test(arguments: ["", "latest", "18.2"])
    func noReleaseNumbersInText(_ text: String) {
        #expect(VersionRules.releaseNumbers(text, parts: 3) == nil)
    }

    // MARK: Reading the version

    @Test func aServiceOnTheOlderAPIIsRecordedWithTheVersionItsClusterEndpointTells() async throws {
        let fake = FakeMicrocluster(member: "micro02", version: "18.2.4")
        fake.olderAPI = true
        let recorded = try await MicroclusterClient(transport: fake, name: "MicroCeph").installedVersion()
        #expect(recorded == "18.2.4 (/cluster/1.0)")
        #expect(ServiceVersion(recorded: recorded) == ServiceVersion(recorded: ServiceVersion.olderAPI("18.2.4")))
        #expect(ServiceVersion(recorded: recorded).olderAPI && ServiceVersion(recorded: recorded).version == "18.2.4")
        let current = FakeMicrocluster(member: "micro01", version: "19.2.0")
        #expect(try await MicroclusterClient(transport: current, name: "MicroCeph").installedVersion() == "19.2.0")
    }
}
