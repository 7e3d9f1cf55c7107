import Foundation
import MicroCloudKit
import Testing
@testable import MicroCloudNet

/// Runs a tool (openssl, ip, …) and returns its exit status and output; these tests compare our results with it.
enum NetTestShell {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ tool: String, _ args: [String], stdin: [UInt8] = [], environment: [String: String]? = nil) throws -> Result {
        let r = try Subprocess.run([tool] + args, environment: environment ?? [:], input: stdin)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// "AB:CD:…" or "name(stdin)= abcd…" → "abcd…"
    static func hexFromOpenSSL(_ text: String) -> String {
        let last = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last ?? ""
        return last.replacingOccurrences(of: ":", with: "").lowercased()
    }
}

@Suite struct CryptoTests {
    @Test func scryptMatchesRFC7914Vectors() throws {
        let first = try Crypto.scrypt(password: "", salt: [], n: 16, r: 1, p: 1, length: 64)
        #expect(hexString(first) == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
        let second = try Crypto.scrypt(password: "password", salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64)
        #expect(hexString(second) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func scryptDefaultsMatchOpenSSLKdf() throws {
        let salt = Array(0..<16).map(UInt8.init)
        let ours = try Crypto.scrypt(password: "correct horse battery staple", salt: salt)
        let tool = try NetTestShell.run("openssl", ["kdf", "-keylen", "32", "-kdfopt", "pass:correct horse battery staple",
                                                   "-kdfopt", "hexsalt:" + hexString(salt), "-kdfopt", "n:16384",
                                                   "-kdfopt", "r:8", "-kdfopt", "p:2", "SCRYPT"])
        #expect(tool.status == 0, "openssl kdf failed: \(tool.stderr)")
        #expect(hexString(ours) == NetTestShell.hexFromOpenSSL(tool.stdout))
        #expect(ours.count == 32)
    }

    @Test func scryptRejectsBadParameters() {
        #expect(throws: CryptoError.self) { try Crypto.scrypt(password: "x", salt: [1], n: 1000) }
        #expect(throws: CryptoError.self) { try Crypto.scrypt(password: "x", salt: [1], r: 0) }
    }

    @Test(arguments: [("secret key", "hello body"), ("k", ""), (String(repeating: "long key ", count: 20), "{\"a\":1}")])
    func hmacMatchesOpenSSLDgst(key: String, body: String) throws {
        let ours = Crypto.hmacSHA256(key: Array(key.utf8), data: Array(body.utf8))
        let tool = try NetTestShell.run("openssl", ["dgst", "-sha256", "-hmac", key], stdin: Array(body.utf8))
        #expect(tool.status == 0, "openssl dgst failed: \(tool.stderr)")
        #expect(hexString(ours) == NetTestShell.hexFromOpenSSL(tool.stdout))
    }

    @Test func hmacRFC4231Case2() {
        let mac = Crypto.hmacSHA256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(hexString(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func randomBytesAreFreshEachCall() {
        let a = Crypto.randomBytes(32), b = Crypto.randomBytes(32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
        #expect(Crypto.randomBytes(0).isEmpty)
    }

    @Test func constantTimeEqualCompares() {
        #expect(Crypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Crypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Crypto.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(Crypto.constantTimeEqual([], []))
    }
}
