import MicroCloudKit
import MicroCloudNet

/// What `POST /1.0/session/join` carries, read around the passphrase check: the Authorization header before it,
/// the intent and its certificate after it, and (on the initiator) whether its services match ours. Pure, so that
/// `receiveIntent` and the join-intent fuzz target run the same code on a hostile body.
@_spi(Fuzzing) public enum JoinIntentRequest {
    /// The Authorization header's value, or the answer to a request without one.
    public static func authorization(_ request: HTTPRequest) -> Result<String, Refusal> {
        guard let header = request.headers.first(where: { $0.key.lowercased() == "authorization" })?.value else {
            return .failure(Refusal(401, "Missing Authorization header (\(JoinSignature.scheme) salt:mac)"))
        }
        return .success(header)
    }

    /// The proven body as an intent whose certificate is the one the caller presented over TLS, with that
    /// certificate's fingerprint; or the answer to a body that is not.
    public static func intent(_ request: HTTPRequest,
                              peerFingerprint: String?) -> Result<(intent: JoinIntent, fingerprint: String), Refusal> {
        guard let intent = try? request.decode(JoinIntent.self) else { return .failure(Refusal(400, "Malformed join intent")) }
        guard let fingerprint = try? Identity.fingerprint(ofPEM: intent.certificate), fingerprint == peerFingerprint else {
            return .failure(Refusal(400, "The intent's certificate is not the TLS client certificate"))
        }
        return .success((intent, fingerprint))
    }

    /// Initiator: why a joiner that lacks one of our services, or runs another version of one, is refused.
    public static func serviceRefusal(_ intent: JoinIntent, mine: [String: String]) -> Refusal? {
        for (service, version) in mine.sorted(by: { $0.key < $1.key }) where service != ServiceKind.microcloud.rawValue {
            guard let theirs = intent.services[service] else {
                return Refusal(400, "Rejecting peer \"\(intent.name)\" due to missing services (\(service))")
            }
            if theirs != version {
                return Refusal(400, "Rejecting peer \"\(intent.name)\" due to invalid \(service) version. "
                    + "(Want: \"\(version)\", Detected: \"\(theirs)\")")
            }
        }
        return nil
    }

    /// An answer that ends the request: its status and message.
    public struct Refusal: Error, Equatable, Sendable {
        public var status: Int
        public var message: String
        init(_ status: Int, _ message: String) { (self.status, self.message) = (status, message) }
        public var response: HTTPResponse { .error(status, message) }
    }
}
