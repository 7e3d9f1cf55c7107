import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// A joiner's check of the initiator it is about to prove the passphrase to, done before the signed intent leaves
/// (a signed intent lets whoever receives it guess the passphrase offline, with no lockout). mDNS proves nothing:
/// any host can announce the initiator's name and short fingerprint. The TLS handshake does prove which certificate
/// the host holds the key of, so the certificate it presents must be the one its announcement names.
public enum InitiatorCheck {
    /// The line the joiner's operator reads before anything is sent, or why nothing will be sent.
    public enum Verdict: Equatable, Sendable {
        case proceed(line: String)
        case refuse(reason: String)
    }

    /// `announced` is the mDNS record that led here (nil when the operator typed `--initiator-address`);
    /// `presented` is the full fingerprint of the certificate the TLS handshake at `address` proved.
    public static func verdict(announced: ServiceAnnouncement?, presented: String, address: String) -> Verdict {
        let shown = Fingerprint(presented)
        guard let announced else {
            return .proceed(line: " Contacting the system at \(address): certificate fingerprint \(shown.short) " +
                                  "(typed address, nothing announced to compare with)")
        }
        let claimed = Fingerprint(announced.shortFingerprint)
        guard claimed.hex.count >= 12, shown.isFull, shown.matches(claimed) else {
            return .refuse(reason: "The system at \(address) announces itself as \"\(announced.name)\" with fingerprint " +
                                   "\(claimed.hex.isEmpty ? "(none)" : claimed.short), but the certificate it presents has fingerprint " +
                                   "\(shown.short): another host may be posing as the initiator, so nothing was sent to it. " +
                                   "Compare with the fingerprint `microcloud init` shows on the initiator, or pass --initiator-address")
        }
        return .proceed(line: " Contacting system \(announced.name) at \(address): announced fingerprint \(claimed.short), " +
                              "certificate fingerprint \(shown.short) (they match)")
    }
}
