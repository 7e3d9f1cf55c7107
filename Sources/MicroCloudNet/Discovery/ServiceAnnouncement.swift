/// What a microcloudd announces over mDNS (`_microcloud._tcp`) and what browsers get back.
public struct ServiceAnnouncement: Sendable, Hashable, Codable {
    /// The server name (the Avahi service name may differ after a name clash: "micro01 #2").
    public var name: String
    /// The address peers should use for the cluster (announced in TXT, not taken from the mDNS A record).
    public var address: String
    public var port: Int
    public var shortFingerprint: String
    public var version: String
    /// "ready" | "session" | "joining" | "initialized" (other values pass through, for newer peers).
    public var state: String
    /// A joiner's session: the salt (hex) its passphrase proof will be made with, so the initiator can derive the
    /// key while the joiner still looks for it. Fresh per session; nil otherwise.
    public var joinSalt: String?

    public init(name: String, address: String, port: Int, shortFingerprint: String, version: String, state: String,
                joinSalt: String? = nil) {
        self.name = name
        self.address = address
        self.port = port
        self.shortFingerprint = shortFingerprint
        self.version = version
        self.state = state
        self.joinSalt = joinSalt
    }

    public static let knownStates = ["ready", "session", "joining", "initialized"]
}
