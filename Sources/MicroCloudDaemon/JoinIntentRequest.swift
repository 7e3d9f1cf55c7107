import MicroCloudKit
import MicroCloudWire
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
    /// certificate's fingerprint, and whose name and address the server can be known by; or the answer to a body
    /// that is not. `peerAddress` is the TCP peer's "ip:port".
    public static func intent(_ request: HTTPRequest, peerFingerprint: String?,
                              peerAddress: String?) -> Result<(intent: JoinIntent, fingerprint: String), Refusal> {
        guard let intent = try? request.decode(JoinIntent.self) else { return .failure(Refusal(400, "Malformed join intent")) }
        guard let fingerprint = try? Identity.fingerprint(ofPEM: intent.certificate), fingerprint == peerFingerprint else {
            return .failure(Refusal(400, "The intent's certificate is not the TLS client certificate"))
        }
        if let refusal = identityRefusal(intent, peerAddress: peerAddress) { return .failure(refusal) }
        return .success((intent, fingerprint))
    }

    /// Why an intent's name or address cannot stand for the server that sent it: the name becomes its LXD member
    /// name and shows in every table, the address is where the initiator reaches it from now on.
    public static func identityRefusal(_ intent: JoinIntent, peerAddress: String?) -> Refusal? {
        let name = intent.name.debugDescription   // quoted, with any control character escaped
        guard MemberName.isValid(intent.name) else {
            return Refusal(400, "The join intent's name \(name) is not a valid member name. \(MemberName.rule) "
                + "Give that server such a host name, then join again.")
        }
        guard let claimed = IPAddress(intent.address) else {
            return Refusal(400, "The join intent of \(name) gives the address \(intent.address.debugDescription), which is "
                + "not an IP address. A server joins with its own address on the lookup network.")
        }
        guard let peerAddress else { return nil }
        let from = IPAddress(splitHostPort(peerAddress, defaultPort: 0).0).map(unmapped)
        guard from == unmapped(claimed) else {
            return Refusal(400, "The join intent of \(name) gives the address \(claimed), but it came from "
                + "\(from.map(\.description) ?? peerAddress): a server joins from its own address. Check the address "
                + "that server has on the lookup network, then join again.")
        }
        return nil
    }

    /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports an IPv4 peer) as the IPv4 one.
    private static func unmapped(_ address: IPAddress) -> IPAddress {
        let b = address.bytes
        guard b.count == 16, b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xff, b[11] == 0xff else { return address }
        return IPAddress(bytes: Array(b[12...])) ?? address
    }

    /// Initiator: why a joiner that lacks one of our services is refused. Another version of a service is not
    /// refused here, as upstream does (the joiner would only see "Rejecting peer"): the plan's version gates
    /// (`VersionRules`) show it on the initiator, naming the server, the versions and what is needed, before anything
    /// changes.
    public static func serviceRefusal(_ intent: JoinIntent, mine: [String: String]) -> Refusal? {
        for service in mine.keys.sorted() where service != ServiceKind.microcloud.rawValue {
            if intent.services[service] == nil {
                return Refusal(400, "Rejecting peer \"\(intent.name)\" due to missing services (\(service))")
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
