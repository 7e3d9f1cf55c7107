/// The outcome of checking a join intent's signature header.
public enum JoinSignatureCheck: Sendable, Equatable {
    case valid
    /// The header could not be parsed; the text says what was wrong (it never contains the passphrase).
    case malformed(String)
    case wrongScheme
    /// Well-formed, but made with another passphrase or over other body bytes.
    case mismatch
}

/// HMAC join-intent signature: key = scrypt(passphrase, 16 random salt bytes), mac = HMAC-SHA256(key, exact body
/// bytes). The header is `MicroCloud-1.0 <salthex>:<machex>`. A fresh salt per request means a captured header
/// can't be reused for another body, and the scrypt cost slows offline guessing of the passphrase.
public enum JoinSignature {
    public static let scheme = "MicroCloud-1.0"
    public static let saltLength = 16
    static let macLength = 32

    public static func sign(body: [UInt8], passphrase: String) throws -> String {
        try sign(body: body, passphrase: passphrase, salt: Crypto.randomBytes(saltLength))
    }

    static func sign(body: [UInt8], passphrase: String, salt: [UInt8]) throws -> String {
        try sign(body: body, salt: salt) { try Crypto.scrypt(password: passphrase, salt: $0) }
    }

    /// Signs with the key derivation given (scrypt of the passphrase in the product).
    @_spi(Fuzzing) public static func sign(body: [UInt8], salt: [UInt8],
                                           deriveKey: (_ salt: [UInt8]) throws -> [UInt8]) throws -> String {
        header(body: body, salt: salt, key: try deriveKey(salt))
    }

    static func header(body: [UInt8], salt: [UInt8], key: [UInt8]) -> String {
        "\(scheme) \(hexString(salt)):\(hexString(Crypto.hmacSHA256(key: key, data: body)))"
    }

    public static func verify(header: String, body: [UInt8], passphrase: String) -> JoinSignatureCheck {
        verify(header: header, body: body) { try Crypto.scrypt(password: passphrase, salt: $0) }
    }

    /// The check with the key derivation given. The fuzz target passes a cheap stand-in for scrypt (whose cost is
    /// the point in the product, and would hold a fuzzer to a few inputs a second); everything else is this code.
    @_spi(Fuzzing) public static func verify(header: String, body: [UInt8],
                                             deriveKey: (_ salt: [UInt8]) throws -> [UInt8]) -> JoinSignatureCheck {
        let salt: [UInt8], mac: [UInt8]
        switch parse(header) {
        case .success(let parts): (salt, mac) = parts
        case .failure(let refusal): return refusal.check
        }
        guard let key = try? deriveKey(salt) else {
            return .malformed("key derivation failed")
        }
        return Crypto.constantTimeEqual(Crypto.hmacSHA256(key: key, data: body), mac) ? .valid : .mismatch
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
