import NIOCore
import NIOSSL

/// NIOSSL contexts for both ends. Verification is always done by our own callback (fingerprints, not CAs),
/// so no trust roots are loaded.
enum TLSContexts {
    static func client(credentials: TLSCredentials?) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        config.certificateVerification = .noHostnameVerification   // routes every server cert through the callback
        config.trustRoots = .certificates([])
        if let credentials {
            config.certificateChain = try chain(credentials)
            config.privateKey = try key(credentials)
        }
        return try NIOSSLContext(configuration: config)
    }

    static func server(credentials: TLSCredentials) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: try chain(credentials),
                                                              privateKey: try key(credentials))
        config.minimumTLSVersion = .tlsv12
        // Ask for a client certificate but let clients without one in: the handler decides what they may do.
        config.certificateVerification = .optionalVerification
        config.trustRoots = .certificates([])
        return try NIOSSLContext(configuration: config)
    }

    private static func chain(_ credentials: TLSCredentials) throws -> [NIOSSLCertificateSource] {
        let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8))
        guard let certificates, !certificates.isEmpty else {
            throw CredentialsError(reason: "the certificate is not a PEM certificate")
        }
        return certificates.map { .certificate($0) }
    }

    private static func key(_ credentials: TLSCredentials) throws -> NIOSSLPrivateKeySource {
        guard let key = try? NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem) else {
            throw CredentialsError(reason: "the private key is not a PEM private key")
        }
        return .privateKey(key)
    }
}

struct CredentialsError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

extension Duration {
    /// The same span as a NIO `TimeAmount` (nanosecond precision).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
