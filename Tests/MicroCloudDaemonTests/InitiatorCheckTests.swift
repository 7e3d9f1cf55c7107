import Testing
import MicroCloudNet
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// Issue 10, break 2: the joiner compares the certificate an address presents with the mDNS record that led to it,
/// before the signed intent (an offline guessing oracle for the passphrase) leaves.
struct InitiatorCheckTests {
    let real = "a1b2c3d4e5f6" + String(repeating: "0", count: 52)
    let fake = "9f8e7d6c5b4a" + String(repeating: "1", count: 52)

    func record(_ short: String) -> ServiceAnnouncement {
        ServiceAnnouncement(name: "micro01", address: "10.0.0.9", port: 9443, shortFingerprint: short, version: "2.0", state: "session")
    }

    @Test func aCertificateOtherThanTheAnnouncedOneIsRefusedNamingBoth() {
        let verdict = InitiatorCheck.verdict(announced: record("a1b2c3d4e5f6"), presented: fake, address: "10.0.0.9")
        guard case .refuse(let reason) = verdict else { Issue.record("a fake was accepted: \(verdict)"); return }
        #expect(reason.contains("a1b2c3d4e5f6") && reason.contains("9f8e7d6c5b4a"), "both fingerprints are shown: \(reason)")
        #expect(reason.contains("10.0.0.9") && reason.contains("\"micro01\"") && reason.contains("nothing was sent"))
    }

    @Test func theAnnouncedCertificateProceedsShowingBoth() {
        let verdict = InitiatorCheck.verdict(announced: record("A1:B2:C3:D4:E5:F6"), presented: real, address: "10.0.0.9")
        guard case .proceed(let line) = verdict else { Issue.record("the real initiator was refused: \(verdict)"); return }
        #expect(line.contains("announced fingerprint a1b2c3d4e5f6") && line.contains("certificate fingerprint a1b2c3d4e5f6"))
    }

    @Test func aRecordWithAShortOrNoFingerprintIsRefused() {
        for short in ["", "a1b2", "a1b2c3d4e5f"] {
            let verdict = InitiatorCheck.verdict(announced: record(short), presented: real, address: "10.0.0.9")
            guard case .refuse = verdict else { Issue.record("\"\(short)\" proves too little: \(verdict)"); continue }
        }
    }

    @Test func aTypedAddressShowsThePresentedFingerprint() {
        let verdict = InitiatorCheck.verdict(announced: nil, presented: real, address: "10.0.0.9")
        #expect(verdict == .proceed(line: " Contacting the system at 10.0.0.9: certificate fingerprint a1b2c3d4e5f6 " +
                                         "(typed address, nothing announced to compare with)"))
    }
}
