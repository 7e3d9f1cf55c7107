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

    @Test func anAnnouncementWithAnotherFingerprintIsNotVerified() {
        let full = "abcdef012345" + String(repeating: "9", count: 52)
        var s = wizardOnServers()
        (s, _) = Wizard.update(s, .intent(Server(name: "micro02", address: "10.0.0.2", fingerprint: Fingerprint(full), version: "", state: .verified)))
        (s, _) = Wizard.update(s, .discovery(Server(name: "micro02", address: "10.0.0.2", fingerprint: "ffffff000000", version: "0.1.0")))
        #expect(s.servers["micro02"]?.state == .discovered)
    }
}
