import Testing
@testable import MicroCloudNet

@Suite struct JoinSignatureTests {
    let body = Array(#"{"name":"micro02","address":"10.0.0.12","fingerprint":"ab12"}"#.utf8)
    let passphrase = "abbey amaze brain cobble"

    @Test func signedBodyVerifies() throws {
        let header = try JoinSignature.sign(body: body, passphrase: passphrase)
        #expect(header.hasPrefix("MicroCloud-1.0 "))
        let parts = header.dropFirst("MicroCloud-1.0 ".count).split(separator: ":")
        #expect(parts.count == 2 && parts[0].count == 32 && parts[1].count == 64)
        #expect(JoinSignature.verify(header: header, body: body, passphrase: passphrase) == .valid)
    }

    @Test func eachSignatureUsesAFreshSalt() throws {
        let a = try JoinSignature.sign(body: body, passphrase: passphrase)
        let b = try JoinSignature.sign(body: body, passphrase: passphrase)
        #expect(a != b)
    }

    @Test func knownSaltGivesHMACOfScryptKey() throws {
        let salt = [UInt8](repeating: 7, count: 16)
        let header = try JoinSignature.sign(body: body, passphrase: passphrase, salt: salt)
        let key = try Crypto.scrypt(password: passphrase, salt: salt)
        #expect(header == "MicroCloud-1.0 \(hexString(salt)):\(hexString(Crypto.hmacSHA256(key: key, data: body)))")
    }

    @Test func wrongPassphraseIsAMismatch() throws {
        let header = try JoinSignature.sign(body: body, passphrase: passphrase)
        #expect(JoinSignature.verify(header: header, body: body, passphrase: "abbey amaze brain coffin") == .mismatch)
    }

    @Test func tamperedBodyIsAMismatch() throws {
        let header = try JoinSignature.sign(body: body, passphrase: passphrase)
        var tampered = body
        tampered[tampered.count - 3] ^= 0x01
        #expect(JoinSignature.verify(header: header, body: tampered, passphrase: passphrase) == .mismatch)
        #expect(JoinSignature.verify(header: header, body: body + [0x0a], passphrase: passphrase) == .mismatch)
    }

    @Test func otherSchemeIsReported() throws {
        let header = try JoinSignature.sign(body: body, passphrase: passphrase)
        let other = header.replacingOccurrences(of: "MicroCloud-1.0", with: "MicroCloud-2.0")
        #expect(JoinSignature.verify(header: other, body: body, passphrase: passphrase) == .wrongScheme)
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
    func malformedHeadersAreRejected(header: String) {
        let result = JoinSignature.verify(header: header, body: body, passphrase: passphrase)
        guard case .malformed(let reason) = result else {
            Issue.record("expected .malformed for \"\(header)\", got \(result)")
            return
        }
        #expect(!reason.contains(passphrase))
    }

    @Test func aJoinKeySignsAsTheSignatureWithItsSalt() throws {
        let key = try JoinKey.derive(passphrase: passphrase)
        #expect(key.sign(body: body) == (try JoinSignature.sign(body: body, passphrase: passphrase, salt: key.salt)))
        #expect(JoinSignature.verify(header: key.sign(body: body), body: body, passphrase: passphrase) == .valid)
        #expect(!"\(key)".contains(hexString(key.key)))
    }

    @Test func aKnownKeyIsUsedForItsSaltAndReturned() throws {
        let key = try JoinKey.derive(passphrase: passphrase)
        let header = key.sign(body: body)
        let checked = JoinSignature.verify(header: header, body: body, passphrase: passphrase, known: [key])
        #expect(checked.check == .valid && checked.key == key)
        // The known key is what decides: a key of another passphrase under the same salt makes it a mismatch.
        let other = try JoinKey.derive(passphrase: "other words entirely here", salt: key.salt)
        #expect(JoinSignature.verify(header: header, body: body, passphrase: passphrase, known: [other]).check == .mismatch)
        // Another salt is derived from the passphrase, and that key is returned for keeping.
        let fresh = try JoinSignature.sign(body: body, passphrase: passphrase)
        let derived = JoinSignature.verify(header: fresh, body: body, passphrase: passphrase, known: [key])
        #expect(derived.check == .valid && derived.key?.salt == JoinSignature.salt(of: fresh))
    }
}
