/// The outcome of checking a join intent's signature header.
public enum JoinSignatureCheck: Sendable, Equatable {
    case valid
    /// The header could not be parsed; the text says what was wrong (it never contains the passphrase).
    case malformed(String)
    case wrongScheme
    /// Well-formed, but made with another passphrase or over other body bytes.
    case mismatch
}

/// HMAC join-intent signature: key = scrypt(passphrase, 16-byte salt), mac = HMAC-SHA256(key, exact body bytes).
/// The header is `MicroCloud-1.0 <salthex>:<machex>`. The salt is the trust session's, fresh when the initiator
/// opens it (`PassphraseVerifier`): a header proves the passphrase for those exact body bytes in that session only,
/// and the scrypt cost slows offline guessing of the passphrase from a captured one.
public enum JoinSignature {
    public static let scheme = "MicroCloud-1.0"
    public static let saltLength = 16
    static let macLength = 32

    static func header(body: [UInt8], salt: [UInt8], key: [UInt8]) -> String {
        "\(scheme) \(hexString(salt)):\(hexString(Crypto.hmacSHA256(key: key, data: body)))"
    }

    /// Checks `header` with a trust session's one key (`PassphraseVerifier`). A well-formed header made with another
    /// salt (another session's proof, or a guess's), or any header while the key is not known, is a mismatch found
    /// without work: the check never derives a key for whoever sent the header.
    public static func verify(header: String, body: [UInt8], key: JoinKey?) -> JoinSignatureCheck {
        let salt: [UInt8], mac: [UInt8]
        switch parse(header) {
        case .success(let parts): (salt, mac) = parts
        case .failure(let refusal): return refusal.check
        }
        guard let key, key.salt == salt else { return .mismatch }
        return Crypto.constantTimeEqual(Crypto.hmacSHA256(key: key.key, data: body), mac) ? .valid : .mismatch
    }

    /// The salt of a well-formed header.
    public static func salt(of header: String) -> [UInt8]? {
        try? parse(header).get().salt
    }

    struct Refusal: Error { let check: JoinSignatureCheck }

    private static func parse(_ header: String) -> Result<(salt: [UInt8], mac: [UInt8]), Refusal> {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            return .failure(Refusal(check: .malformed("expected \"\(scheme) <salt hex>:<mac hex>\", got \(parts.count) space-separated part(s)")))
        }
        guard parts[0] == scheme else { return .failure(Refusal(check: .wrongScheme)) }
        let fields = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 else { return .failure(Refusal(check: .malformed("expected <salt hex>:<mac hex> after the scheme"))) }
        guard let salt = bytes(fromHex: String(fields[0])), salt.count == saltLength else {
            return .failure(Refusal(check: .malformed("salt must be \(saltLength * 2) hex digits")))
        }
        guard let mac = bytes(fromHex: String(fields[1])), mac.count == macLength else {
            return .failure(Refusal(check: .malformed("mac must be \(macLength * 2) hex digits")))
        }
        return .success((salt, mac))
    }
}
