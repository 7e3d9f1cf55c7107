import Testing
@testable import MicroCloudKit
@testable import MicroCloudTUI

/// The version gates as `microcloud init` shows them: an inventory in which micro02's MicroCeph is an older release
/// (microcluster's `/cluster/1.0`, as the lab's stand-in plays it with MCLAB_OLDER_RELEASE) reaches the review with
/// the same words a preseed exits 2 with, and the plan cannot be confirmed, so nothing changes.
@Suite struct WizardVersionGateTests {
    /// `Fixtures.atSummary`'s answers, over inventories in which micro02 runs MicroCeph 18.2.4 on the older API.
    static func atSummaryWithOlderMicroCeph() -> WizardDriver {
        var inventories = Fixtures.inventories()
        inventories[1].services[.microceph] = ServiceVersion.olderAPI("18.2.4")
        var d = Fixtures.atServers()
        d.key(.right, .enter)
        d.send(.inventories(inventories, problems: []))
        d.key(.right, .tab, .enter)                                   // local disks
        d.key(.char(" "), .down, .down, .char(" "), .enter, .enter, .enter)   // Ceph disks, no encryption, CephFS
        d.key(.enter, .enter)                                         // Ceph networks: the defaults
        d.key(.right, .enter)                                         // uplinks
        d.type("192.0.2.1/24"); d.key(.tab); d.type("192.0.2.100"); d.key(.tab); d.type("192.0.2.254")
        d.key(.enter, .enter, .enter, .enter)                         // OVN addresses, no dedicated underlay
        return d
    }

    @Test func theReviewNamesServiceVersionFoundAndNeededAndRefusesToStart() {
        var d = Self.atSummaryWithOlderMicroCeph()
        #expect(d.state.step == .summary)
        let words = "MicroCeph 18.2.4 on micro02 is an older release: it serves microcluster's /cluster/1.0 API, not "
            + "the /core/1.0 MicroCloud uses. MicroCloud needs MicroCeph 19.2 (Squid) or newer. Refresh MicroCeph on "
            + "micro02 (snap refresh microceph --channel squid/stable), or set up the cloud without it."
        let review = d.state.summaryItems().flatMap(\.lines).map(\.text).joined(separator: "\n")
        #expect(review.contains("⨯ " + words), "\(review)")
        // The same words as the preseed's (both read the plan's issues).
        let (_, issues) = WizardPlanner.build(from: d.state)
        #expect(issues.errors.map(\.message) == [words])
        #expect(d.key(.end, .enter).isEmpty, "no run starts")
        #expect(d.flat.contains("The plan has problems (marked ⨯ above)."))
        #expect(d.state.step == .summary)
    }
}
