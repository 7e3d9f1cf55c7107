import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// One trust session on one daemon: who may join, what has been proven, and when it ends.
/// The passphrase lives only here (memory), never in a log or a file.
public actor TrustSession {
    public let role: SessionRole
    public let passphrase: String
    public let expiresAt: Date
    public let events = EventLog<SessionEvent>()
    /// The session's key and the checks of its proofs, off this actor (see `PassphraseVerifier`).
    public nonisolated let verifier = PassphraseVerifier(maxFailures: maxFailures)

    /// Failed passphrase proofs before the session locks. Each failure is also answered slowly (see `failureDelay`).
    public static let maxFailures = 10
    public static let failureDelay: Duration = .milliseconds(500)

    public private(set) var endReason: String?
    /// Initiator: intents received, by fingerprint, in arrival order.
    public private(set) var intents: [(fingerprint: String, intent: JoinIntent)] = []
    /// Fingerprints trusted for the length of the session (initiator: selected joiners; joiner: the initiator).
    public private(set) var trusted: Set<String> = []
    /// Joiner: the initiator we found and proved ourselves to (trusted for `stop` even before confirmation).
    public private(set) var initiator: Peer?
    /// Joiner: the certificate fingerprint of the server our signed intent went to, set just before it leaves.
    public private(set) var provedTo: String?
    /// Joiner criteria (preseed / --initiator-address).
    public let initiatorAddress: String?
    public let initiatorName: String?
    /// The local process that opened the session; the daemon ends the session when it is gone.
    public let ownerPID: Int32?
    /// Where the daemon's body limits read whom this session trusts (see `KnownPeers`).
    private let known: KnownPeers?

    public init(role: SessionRole, passphrase: String, timeout: Duration,
                initiatorAddress: String? = nil, initiatorName: String? = nil, ownerPID: Int32? = nil,
                known: KnownPeers? = nil) {
        self.ownerPID = ownerPID
        self.known = known
        self.role = role
        self.passphrase = passphrase
        self.expiresAt = Date().addingTimeInterval(TimeInterval(timeout.components.seconds))
        self.initiatorAddress = initiatorAddress
        self.initiatorName = initiatorName
        // The initiator picks the session's salt and derives its key right away, before any joiner can prove.
        if role == .initiator {
            verifier.startKey(salt: Crypto.randomBytes(JoinSignature.saltLength), passphrase: passphrase)
        }
    }

    public var isActive: Bool { endReason == nil && Date() < expiresAt }

    /// A wrong passphrase the verifier counted; the one that used the last attempt ends the session.
    public func recordFailure(attempt: Int, locked: Bool) async {
        await events.append(SessionEvent(kind: .failedAttempt, message: "wrong passphrase (attempt \(attempt) of \(Self.maxFailures))"))
        if locked { await end("Session locked after \(attempt) failed passphrase attempts; start a new one") }
    }

    /// Initiator: a proven intent. Duplicate fingerprints are refused so one server can't appear twice.
    public func addIntent(_ intent: JoinIntent, fingerprint: String) async -> String? {
        if intents.contains(where: { $0.fingerprint == fingerprint }) { return "Fingerprint already exists" }
        if intents.contains(where: { $0.intent.name == intent.name }) { return "A server named \"\(intent.name)\" already asked to join" }
        intents.append((fingerprint, intent))
        await events.append(SessionEvent(kind: .intent, name: intent.name, address: intent.address, fingerprint: fingerprint))
        return nil
    }

    public func intent(for fingerprint: String) -> JoinIntent? {
        intents.first { $0.fingerprint == fingerprint }?.intent
    }

    public func trust(_ fingerprint: String) {
        trusted.insert(fingerprint)
        publishTrust()
    }

    public func setInitiator(_ record: Peer) async {
        initiator = record
        publishTrust()
        await events.append(SessionEvent(kind: .initiatorFound, name: record.name, address: record.address, fingerprint: record.fingerprint.hex))
    }

    /// Joiner: our signed intent is about to go to the server presenting `fingerprint`.
    public func proving(to fingerprint: String) { provedTo = fingerprint }

    /// Joiner: the initiator we proved ourselves to, once `setInitiator` recorded it; nil for any other server.
    /// The initiator may confirm as soon as it checked our proof, before our side has read its answer to the
    /// intent (which records it), so a confirmation from the server our intent went to waits up to `limit` for that.
    public func initiator(provedTo fingerprint: String, within limit: Duration) async -> Peer? {
        let deadline = ContinuousClock.now + limit
        while endReason == nil {
            if let initiator { return initiator.fingerprint.hex == fingerprint ? initiator : nil }
            guard provedTo == fingerprint, ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    public func confirm(by fingerprint: String) async {
        trusted.insert(fingerprint)
        publishTrust()
        await events.append(SessionEvent(kind: .confirmed, name: initiator?.name, address: initiator?.address, fingerprint: fingerprint))
    }

    public func note(_ event: SessionEvent) async { await events.append(event) }

    /// The peers this session trusts, for the daemon's body limits (`KnownPeers`).
    private func publishTrust() {
        known?.update(session: ObjectIdentifier(self), peers: trusted.union(initiator.map { [$0.fingerprint.hex] } ?? []))
    }

    /// Ends the session once; later calls keep the first reason.
    public func end(_ reason: String) async {
        guard endReason == nil else { return }
        endReason = reason
        await events.append(SessionEvent(kind: .ended, message: reason))
        await events.close()
    }

    /// Ends a session that ran out of time; returns true when it did.
    public func expireIfDue() async -> Bool {
        guard endReason == nil, Date() >= expiresAt else { return false }
        await end("The trust session timed out")
        return true
    }
}
