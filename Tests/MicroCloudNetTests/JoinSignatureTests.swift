import Testing
@testable import MicroCloudNet

@Suite struct JoinSignatureTests {
    let body = Array(#"{"name":"micro02","address":"10.0.0.12","fingerprint":"ab12"}"#.utf8)
    let passphrase = "abbey amaze brain cobble"
    let salt = Crypto.randomBytes(JoinSignature.saltLength)

    func key(_ passphrase: String? = nil, salt: [UInt8]? = nil) throws -> JoinKey {
        try JoinKey.derive(passphrase: passphrase ?? self.passphrase, salt: salt ?? self.salt)
    }

    @Test func signedBodyVerifies() throws {
        let k = try key()
        let header = k.sign(body: body)
        #expect(header.hasPrefix("MicroCloud-1.0 "))
        let parts = header.dropFirst("MicroCloud-1.0 ".count).split(separator: ":")
        #expect(parts.count == 2 && parts[0].count == 32 && parts[1].count == 64)
        #expect(JoinSignature.salt(of: header) == salt)
        #expect(JoinSignature.verify(header: header, body: body, key: k) == .valid)
    }

    @Test func knownSaltGivesHMACOfScryptKey() throws {
        let salt = [UInt8](repeating: 7, count: 16)
        let header = try key(salt: salt).sign(body: body)
        let raw = try Crypto.scrypt(password: passphrase, salt: salt)
        #expect(header == "MicroCloud-1.0 \(hexString(salt)):\(hexString(Crypto.hmacSHA256(key: raw, data: body)))")
    }

    @Test func wrongPassphraseIsAMismatch() throws {
        let header = try key("abbey amaze brain coffin").sign(body: body)
        #expect(JoinSignature.verify(header: header, body: body, key: try key()) == .mismatch)
    }

    /// A proof made with another session's salt is refused even with the right passphrase, and no key is derived
    /// for it; nor is any proof accepted while the session's key is not known.
    @Test func anotherSaltOrNoKeyIsAMismatch() throws {
        let other = try key(salt: Crypto.randomBytes(JoinSignature.saltLength)).sign(body: body)
        #expect(JoinSignature.verify(header: other, body: body, key: try key()) == .mismatch)
        #expect(JoinSignature.verify(header: try key().sign(body: body), body: body, key: nil) == .mismatch)
    }

    @Test func tamperedBodyIsAMismatch() throws {
        let k = try key()
        let header = k.sign(body: body)
        var tampered = body
        tampered[tampered.count - 3] ^= 0x01
        #expect(JoinSignature.verify(header: header, body: tampered, key: k) == .mismatch)
        #expect(JoinSignature.verify(header: header, body: body + [0x0a], key: k) == .mismatch)
    }

    @Test func otherSchemeIsReported() throws {
        let k = try key()
        let other = k.sign(body: body).replacingOccurrences(of: "MicroCloud-1.0", with: "MicroCloud-2.0")
        #expect(JoinSignature.verify(header: other, body: body, key: k) == .wrongScheme)
    }

    @Test(arguments: [
        "",
        "MicroCloud-1.0",
        "MicroCloud-1.0 ",
        "MicroCloud-1.0 00112233445566778899aabbccddeeff",
        "MicroCloud-1.0 0011:2233",
        "MicroCloud-1.0 zz112233445566778899aabbccddeeff:" + String(repeating: "00", count: 32),
        "MicroCloud-1.0 00112233445566778899aabbccddeeff:" + String(repeating: "00", count: 31),
        "MicroCloud-1.0 a:b:c",
        "MicroCloud-1.0 00112233445566778899aabbccddeeff:00 extra",
    ])
    func malformedHeadersAreRejected(header: String) throws {
        let result = JoinSignature.verify(header: header, body: body, key: try key(salt: bytes(fromHex: "00112233445566778899aabbccddeeff")))
        guard case .malformed(let reason) = result else {
            Issue.record("expected .malformed for \"\(header)\", got \(result)")
            return
        }
        #expect(!reason.contains(passphrase))
    }

    @Test func aJoinKeyHidesItsSecret() throws {
        let k = try key()
        #expect(!"\(k)".contains(hexString(k.key)))
    }
}
