/// The key of join signatures made with one salt: scrypt(passphrase, salt), derived once and then used for every
/// body signed or checked with that salt. Signing and checking with a key are an HMAC each; only the derivation
/// costs (see `JoinSignature`). Holds a secret derived from the passphrase: never printed.
public struct JoinKey: Sendable, Equatable, CustomStringConvertible {
    public let salt: [UInt8]
    let key: [UInt8]

    /// A fresh random salt and its key (the scrypt work, a fraction of a second).
    public static func derive(passphrase: String) throws -> JoinKey {
        try derive(passphrase: passphrase, salt: Crypto.randomBytes(JoinSignature.saltLength))
    }

    public static func derive(passphrase: String, salt: [UInt8]) throws -> JoinKey {
        JoinKey(salt: salt, key: try Crypto.scrypt(password: passphrase, salt: salt))
    }

    /// The `Authorization` header for `body`, as `JoinSignature.sign` makes it with this key's salt.
    public func sign(body: [UInt8]) -> String {
        JoinSignature.header(body: body, salt: salt, key: key)
    }

    public var description: String { "join key (salt \(hexString(salt)), secret hidden)" }
}

extension JoinSignature {
    /// Checks `header` like `verify(header:body:passphrase:)`, taking the key from `known` when one of them has the
    /// header's salt, so a salt checked (or signed with) before costs an HMAC instead of an scrypt. Also returns
    /// the key used, for the caller to keep when the check was valid.
    public static func verify(header: String, body: [UInt8], passphrase: String,
                              known: [JoinKey]) -> (check: JoinSignatureCheck, key: JoinKey?) {
        var used: JoinKey?
        let check = verify(header: header, body: body) { salt in
            let key = try known.first { $0.salt == salt } ?? JoinKey.derive(passphrase: passphrase, salt: salt)
            used = key
            return key.key
        }
        return (check, used)
    }
}
