#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This server's TLS identity: a P-256 key and a self-signed certificate, made once and kept in the state dir.
/// Peers pin it by `fingerprint` (SHA-256 of the certificate's DER, lowercase hex, as LXD computes it).
public struct Identity: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    public let fingerprint: String
    /// What loading had to fix (e.g. a key file readable by others was tightened to 0600); for the caller to log.
    public let warnings: [String]

    /// The 12-hex-digit prefix people compare on screens.
    public var shortFingerprint: String { String(fingerprint.prefix(12)) }
    public var credentials: TLSCredentials { TLSCredentials(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM) }

    /// Checks that the key belongs to the certificate and computes the fingerprint.
    public init(certificatePEM: String, privateKeyPEM: String, warnings: [String] = []) throws {
        try CertificateFactory.checkKeyMatches(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM)
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.fingerprint = try Identity.fingerprint(ofPEM: certificatePEM)
        self.warnings = warnings
    }

    public static let certificateFile = "server.crt"
    public static let keyFile = "server.key"

    /// Creates `server.crt` (0644) and `server.key` (0600) in `directory` (made 0700 if missing) on first use and
    /// reuses them after, so the fingerprint peers pinned stays valid. `name` and `addresses` only matter on creation.
    /// A key file readable by group or others is tightened to 0600 and reported in `warnings`.
    public static func loadOrCreate(directory: String, name: String, addresses: [String]) throws -> Identity {
        try SecureFiles.makeDirectory(directory, mode: 0o700)
        let certPath = directory + "/" + certificateFile
        let keyPath = directory + "/" + keyFile
        switch (SecureFiles.exists(certPath), SecureFiles.exists(keyPath)) {
        case (true, true):
            var warnings: [String] = []
            let mode = try SecureFiles.mode(of: keyPath)
            if mode & 0o077 != 0 {
                try SecureFiles.setMode(keyPath, 0o600)
                warnings.append("\(keyPath) had mode \(String(mode, radix: 8)); tightened to 600")
            }
            return try Identity(certificatePEM: SecureFiles.readText(certPath), privateKeyPEM: SecureFiles.readText(keyPath),
                                warnings: warnings)
        case (true, false):
            throw CryptoError("\(keyPath) is missing but \(certPath) exists; restore the key, or remove the certificate to make a new identity (peers must then trust the new fingerprint)")
        case (false, true):
            throw CryptoError("\(certPath) is missing but \(keyPath) exists; restore the certificate, or remove the key to make a new identity")
        case (false, false):
            let made = try CertificateFactory.makeSelfSigned(name: name, addresses: addresses)
            // Key first: a crash between the two writes leaves "key without cert", which the case above reports.
            try SecureFiles.writeAtomically(keyPath, made.privateKeyPEM, mode: 0o600)
            try SecureFiles.writeAtomically(certPath, made.certificatePEM, mode: 0o644)
            return try Identity(certificatePEM: made.certificatePEM, privateKeyPEM: made.privateKeyPEM)
        }
    }

    /// SHA-256 of the certificate's DER bytes, lowercase hex (`openssl x509 -noout -fingerprint -sha256` without colons).
    public static func fingerprint(ofPEM pem: String) throws -> String {
        hexString(sha256(try CertificateFactory.derBytes(ofPEM: pem)))
    }
}
