import FoundationEssentials
import NIOSSL

/// How a client decides whether to trust the certificate a server presents. Peers use self-signed
/// certificates, so trust is an exact fingerprint match rather than a CA chain.
public enum PeerPin: Sendable, Equatable {
    /// Accept only a server certificate whose SHA-256 (over DER), as lowercase hex, equals this.
    case fingerprint(String)
    /// Accept any server certificate (trust-on-first-use paths; the caller checks what it got).
    case any
}

/// SHA-256 over the certificate's DER bytes, lowercase hex: the same value `openssl x509 -fingerprint -sha256`
/// shows (without colons) and LXD uses for its trust store.
func certificateFingerprint(_ certificate: NIOSSLCertificate) -> String? {
    guard let der = try? certificate.toDERBytes() else { return nil }
    return hexString(sha256(der))
}

/// Accepts fingerprints as users paste them: any case, with or without colons.
func normalizedFingerprint(_ text: String) -> String {
    text.lowercased().filter { $0 != ":" && !$0.isWhitespace }
}

/// The first 12 hex digits: enough to tell certificates apart in a message.
func shortFingerprint(_ fingerprint: String) -> String {
    String(fingerprint.prefix(12))
}

/// PEM text of a certificate (base64 of DER in 64-column lines).
func pemString(_ certificate: NIOSSLCertificate) throws -> String {
    let base64 = Data(try certificate.toDERBytes()).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
    return "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
}
