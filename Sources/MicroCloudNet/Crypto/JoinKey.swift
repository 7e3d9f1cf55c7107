/// The key of join signatures made with one salt: scrypt(passphrase, salt), derived once and then used for every
/// body signed or checked with that salt. Signing and checking with a key are an HMAC each; only the derivation
/// costs (see `JoinSignature`). Holds a secret derived from the passphrase: never printed.
public struct JoinKey: Sendable, Equatable, CustomStringConvertible {
    public let salt: [UInt8]
    let key: [UInt8]

    /// A key from another derivation: the fuzz targets' stand-in for scrypt, which would hold a fuzzer to a few
    /// inputs a second.
    @_spi(Fuzzing) public init(salt: [UInt8], key: [UInt8]) {
        self.salt = salt
        self.key = key
    }

    /// The scrypt work, a fraction of a second.
    public static func derive(passphrase: String, salt: [UInt8]) throws -> JoinKey {
        JoinKey(salt: salt, key: try Crypto.scrypt(password: passphrase, salt: salt))
    }

    /// The `Authorization` header for `body` (`JoinSignature`).
    public func sign(body: [UInt8]) -> String {
        JoinSignature.header(body: body, salt: salt, key: key)
    }

    public var description: String { "join key (salt \(hexString(salt)), secret hidden)" }
}
