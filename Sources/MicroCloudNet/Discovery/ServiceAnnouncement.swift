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

    public init(name: String, address: String, port: Int, shortFingerprint: String, version: String, state: String) {
        self.name = name
        self.address = address
        self.port = port
        self.shortFingerprint = shortFingerprint
        self.version = version
        self.state = state
    }

    public static let knownStates = ["ready", "session", "joining", "initialized"]
}
