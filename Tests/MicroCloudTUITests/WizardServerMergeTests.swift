import Foundation
import Testing
import MicroCloudKit
@testable import MicroCloudTUI

/// A joiner re-announces itself (state "joining") after it proved the passphrase: its row must stay verified.
@Suite struct WizardServerMergeTests {
    func wizardOnServers() -> WizardState {
        var (s, _) = Wizard.update(Wizard.start(now: Date(), size: Size(width: 100, height: 30)),
                                   .addresses([HostAddress(interface: "eth0", cidr: "10.0.0.1/24")]))
        (s, _) = Wizard.update(s, .sessionOpened(passphrase: "a b c d", expiresAt: Date().addingTimeInterval(600),
                                                 localName: "micro01", localFingerprint: String(repeating: "1", count: 64)))
        return s
    }

    @Test func aLaterAnnouncementWithTheShortFingerprintKeepsTheRowVerified() {
        let full = "abcdef012345" + String(repeating: "9", count: 52)
        var s = wizardOnServers()
        (s, _) = Wizard.update(s, .discovery(Server(name: "micro02", address: "10.0.0.2", fingerprint: "abcdef012345", version: "0.1.0")))
        #expect(s.servers["micro02"]?.state == .discovered)
        (s, _) = Wizard.update(s, .intent(Server(name: "micro02", address: "10.0.0.2", fingerprint: Fingerprint(full), version: "", state: .verified)))
        (s, _) = Wizard.update(s, .discovery(Server(name: "micro02", address: "10.0.0.2", fingerprint: "abcdef012345", version: "0.1.0")))
        #expect(s.servers["micro02"]?.state == .verified)
        #expect(s.servers["micro02"]?.fingerprint == Fingerprint(full), "the full fingerprint from the intent is kept")
    }

    /// Issue 10, break 3: once a row is verified, a record for its name from another host must not re-address it
    /// (Enter then failed with "fingerprint mismatch" and only restarting `init` recovered). The row keeps the
    /// intent's address and stays selectable; the other record is shown as a conflict, and goes when it does.
    @Test func aSpoofedRecordNeitherReaddressesNorUnverifiesAVerifiedRow() {
        let full = "abcdef012345" + String(repeating: "9", count: 52)
        var s = wizardOnServers()
        (s, _) = Wizard.update(s, .discovery(Server(name: "micro02", address: "10.0.0.2", fingerprint: "abcdef012345", version: "0.1.0")))
        (s, _) = Wizard.update(s, .intent(Server(name: "micro02", address: "10.0.0.2", fingerprint: Fingerprint(full), version: "", state: .verified)))
        for spoof in [Server(name: "micro02", address: "10.0.0.66", fingerprint: "abcdef012345", version: "0.1.0"),
                      Server(name: "micro02", address: "10.0.0.66", fingerprint: "ffffff000000", version: "0.1.0"),
                      Server(name: "micro02", address: "10.0.0.2", fingerprint: "ffffff000000", version: "0.1.0")] {
            (s, _) = Wizard.update(s, .discovery(spoof))
            #expect(s.servers["micro02"]?.state == .verified, "\(spoof.address) \(spoof.fingerprint)")
            #expect(s.servers["micro02"]?.address == "10.0.0.2", "the intent's address is kept")
            #expect(s.servers["micro02"]?.fingerprint == Fingerprint(full))
            #expect(s.serverTable.rows.first { $0.id == "micro02" }?.cells.prefix(3) == ["micro02", "10.0.0.2", "abcdef012345"])
            let screen = Wizard.view(s, Size(width: 160, height: 30)).plainText
            #expect(screen.contains("Another host announces micro02 at \(spoof.address) (fingerprint \(spoof.fingerprint.short)): ignored"),
                    "the operator sees the conflict:\n\(screen)")
        }
        // Enter picks the row as its intent proved it.
        (s, _) = Wizard.update(s, .key(.char(" ")))
        let (after, fx) = Wizard.update(s, .key(.enter))
        guard case .fetchInventories(let gathered)? = fx.first?.sequence?.last else {
            Issue.record("expected the inventories to be gathered, got \(fx)")
            return
        }
        #expect(gathered.first { $0.name == "micro02" }?.peer == Peer(name: "micro02", address: "10.0.0.2", fingerprint: Fingerprint(full)))
        #expect(after.confirmed?.map(\.address) == ["10.0.0.2"])
    }

    @Test func theRealRecordAgainClearsTheConflictAndBringsALostRowBack() {
        let full = "abcdef012345" + String(repeating: "9", count: 52)
        var s = wizardOnServers()
        (s, _) = Wizard.update(s, .intent(Server(name: "micro02", address: "10.0.0.2", fingerprint: Fingerprint(full), version: "", state: .verified)))
        (s, _) = Wizard.update(s, .serverGone("micro02"))
        #expect(s.servers["micro02"]?.state == .lost)
        (s, _) = Wizard.update(s, .discovery(Server(name: "micro02", address: "10.0.0.66", fingerprint: "abcdef012345", version: "0.1.0")))
        #expect(s.servers["micro02"]?.state == .lost, "a record from elsewhere does not bring it back")
        #expect(s.conflicts["micro02"] != nil)
        (s, _) = Wizard.update(s, .discovery(Server(name: "micro02", address: "10.0.0.2", fingerprint: "abcdef012345", version: "0.1.0")))
        #expect(s.servers["micro02"]?.state == .verified)
        #expect(s.conflicts.isEmpty)
        #expect(!Wizard.view(s, Size(width: 160, height: 30)).plainText.contains("Another host"))
    }
}
