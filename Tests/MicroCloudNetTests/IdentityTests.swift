import Foundation
import Testing
@testable import MicroCloudNet

@Suite struct IdentityTests {
    private func tempDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)").path
    }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func fingerprintMatchesOpenSSL() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let identity = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: ["10.0.0.11"])
        let tool = try NetTestShell.run("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", dir + "/server.crt"])
        #expect(tool.status == 0, "openssl x509 failed: \(tool.stderr)")
        let expected = NetTestShell.hexFromOpenSSL(tool.stdout.components(separatedBy: "=").last ?? "")
        #expect(identity.fingerprint == expected)
        #expect(identity.fingerprint.count == 64)
        #expect(identity.shortFingerprint == String(expected.prefix(12)))
        #expect(identity.credentials.certificatePEM == identity.certificatePEM)
        #expect(try Identity.fingerprint(ofPEM: identity.certificatePEM) == identity.fingerprint)
    }

    @Test func certificateHasTheAgreedFields() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: ["10.0.0.11", "fd00::11/64", "10.0.0.11"])
        let text = try NetTestShell.run("openssl", ["x509", "-noout", "-text", "-in", dir + "/server.crt"]).stdout
        #expect(text.contains("CN = micro01") || text.contains("CN=micro01"))
        #expect(text.contains("ASN1 OID: prime256v1"))
        #expect(text.contains("CA:FALSE"))
        #expect(text.contains("Digital Signature, Key Encipherment, Certificate Sign"))
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(text.contains("DNS:micro01, IP Address:10.0.0.11, IP Address:FD00:0:0:0:0:0:0:11"))
        #expect(text.contains("sha256WithRSAEncryption") == false && text.contains("ecdsa-with-SHA256"))
        let dates = try NetTestShell.run("openssl", ["x509", "-noout", "-checkend", String(9 * 365 * 86400), "-in", dir + "/server.crt"])
        #expect(dates.status == 0, "certificate should still be valid in nine years")
        let serial = try NetTestShell.run("openssl", ["x509", "-noout", "-serial", "-in", dir + "/server.crt"]).stdout
        #expect(serial.trimmingCharacters(in: .whitespacesAndNewlines).count == "serial=".count + 32)
    }

    @Test func secondLoadReusesTheFiles() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: [])
        let second = try Identity.loadOrCreate(directory: dir, name: "renamed", addresses: ["10.0.0.99"])
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.privateKeyPEM == second.privateKeyPEM)
        #expect(second.warnings.isEmpty)
        let other = try Identity.loadOrCreate(directory: tempDir() + "/nested/state", name: "micro01", addresses: [])
        #expect(other.fingerprint != first.fingerprint)
    }

    @Test func filesGetTightModes() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: [])
        #expect(try mode(dir) == 0o700)
        #expect(try mode(dir + "/server.key") == 0o600)
        #expect(try mode(dir + "/server.crt") == 0o644)
    }

    @Test func looseKeyModeIsTightened() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: [])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/server.key")
        let again = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: [])
        #expect(try mode(dir + "/server.key") == 0o600)
        #expect(again.fingerprint == first.fingerprint)
        #expect(again.warnings.count == 1)
        #expect(again.warnings.first?.contains("600") == true)
    }

    @Test func halfAnIdentityIsAnError() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: [])
        try FileManager.default.removeItem(atPath: dir + "/server.key")
        #expect(throws: CryptoError.self) { try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: []) }
    }

    @Test func keyFromAnotherIdentityIsRejected() throws {
        let a = tempDir(), b = tempDir()
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        let one = try Identity.loadOrCreate(directory: a, name: "one", addresses: [])
        let two = try Identity.loadOrCreate(directory: b, name: "two", addresses: [])
        #expect(throws: CryptoError.self) { try Identity(certificatePEM: one.certificatePEM, privateKeyPEM: two.privateKeyPEM) }
    }

    @Test(arguments: ["", "bad name", "a,b", String(repeating: "x", count: 64)])
    func badNamesAreRefused(name: String) {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: CryptoError.self) { try Identity.loadOrCreate(directory: dir, name: name, addresses: []) }
    }

    @Test func badAddressIsRefusedNamingIt() {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try Identity.loadOrCreate(directory: dir, name: "micro01", addresses: ["10.0.0.300"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("10.0.0.300"))
        }
    }

    @Test func fingerprintOfGarbageThrows() {
        #expect(throws: CryptoError.self) { try Identity.fingerprint(ofPEM: "not a certificate") }
    }
}
