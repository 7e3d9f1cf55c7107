import MicroCloudKit
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Ways an exchange ends that NIO has no error for.
enum ExchangeFailure: Error {
    case incompleteResponse
    case responseTooLarge(Int)
}

/// What the client learned about the server certificate during the handshake; read after a failure to tell a
/// pin mismatch apart from other handshake errors.
final class PinObservation: Sendable {
    let expected: String?
    private let seen = Locked<String?>(nil)
    init(pin: PeerPin) {
        if case .fingerprint(let fp) = pin { expected = normalizedFingerprint(fp) } else { expected = nil }
    }

    /// The verification callback's verdict for the presented leaf certificate.
    func check(_ certificates: [NIOSSLCertificate]) -> NIOSSLVerificationResult {
        guard let leaf = certificates.first, let fingerprint = certificateFingerprint(leaf) else { return .failed }
        seen.set(fingerprint)
        guard let expected else { return .certificateVerified }
        return fingerprint == expected ? .certificateVerified : .failed
    }

    var mismatch: String? {
        guard let expected, let got = seen.current, got != expected else { return nil }
        return "server certificate fingerprint mismatch: expected \(shortFingerprint(expected)), got \(shortFingerprint(got))"
    }
}

/// One sentence for a failed exchange, for people reading `TransportError.reason`.
func failureReason(_ error: Error, timeout: Duration) -> String {
    switch error {
    case let error as NIOConnectionError:
        if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve host: \(dns)" }
        if let first = error.connectionErrors.first { return failureReason(first.error, timeout: timeout) }
        return "connection failed"
    case let error as IOError:
        return errnoReason(error.errnoCode) ?? "\(error)"
    case let error as ChannelError:
        switch error {
        case .connectTimeout: return "timed out connecting after \(timeout.secondsText)"
        case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
            return "connection closed before a complete response"
        default: return "connection error: \(error)"
        }
    case let error as NIOSSLError:
        switch error {
        case .handshakeFailed(let inner): return "TLS handshake failed: \(compactSSLError(inner))"
        case .uncleanShutdown: return "connection closed during TLS (peer may have rejected the handshake)"
        default: return "TLS error: \(error)"
        }
    case let error as BoringSSLError:
        return "TLS handshake failed: \(compactSSLError(error))"
    case let error as HTTPParserError:
        return "invalid HTTP response: \(error)"
    case let error as ExchangeFailure:
        switch error {
        case .incompleteResponse: return "connection closed before a complete response"
        case .responseTooLarge(let limit): return "response larger than \(limit >> 20) MiB"
        }
    case let error as CredentialsError:
        return "bad TLS credentials: \(error.reason)"
    case is CancellationError:
        return "request cancelled"
    default:
        return "\(error)"
    }
}

private func errnoReason(_ code: CInt) -> String? {
    switch code {
    case ECONNREFUSED: return "connection refused"
    case ENOENT: return "no such socket"
    case EACCES, EPERM: return "permission denied"
    case ETIMEDOUT: return "connection timed out"
    case EHOSTUNREACH: return "host unreachable"
    case ENETUNREACH: return "network unreachable"
    case ECONNRESET: return "connection reset by peer"
    case EPIPE: return "connection closed by peer"
    case EADDRINUSE: return "address already in use"
    case EADDRNOTAVAIL: return "address not available"
    default: return nil
    }
}

/// BoringSSL errors print as "Error: N error:1000007d:SSL routines:OPENSSL_internal:REASON at file:line";
/// the REASON ("CERTIFICATE_VERIFY_FAILED") is what a person needs.
private func compactSSLError(_ error: BoringSSLError) -> String {
    switch error {
    case .sslError(let stack), .unknownError(let stack):
        let reasons = stack.map(sslReason)
        return reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
    default:
        return "\(error)"
    }
}

private func sslReason(_ error: BoringSSLInternalError) -> String {
    let text = error.description
    guard let start = text.firstRange(of: "error:") else { return text }
    let fields = text[start.lowerBound...].split(separator: ":")
    guard fields.count > 4, let reason = fields[4].split(separator: " ").first else { return text }
    switch reason {
    case "WRONG_VERSION_NUMBER": return "WRONG_VERSION_NUMBER (the far side does not speak TLS on this port)"
    case "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
         "TLSV13_ALERT_CERTIFICATE_REQUIRED":
        return "\(reason) (the server rejected our certificate)"
    default: return String(reason)
    }
}
