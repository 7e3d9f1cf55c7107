import FoundationEssentials
import MicroCloudKit

/// JSON bodies that cross the daemon's sockets. Field names are snake_case on the wire, like LXD and upstream.

/// `GET /1.0`: who this server is. Public: it changes nothing and tells only what mDNS already announces.
public struct ServerInfo: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var version: String
    public var fingerprint: String
    public var services: [String: String]
    public var state: String

    public init(name: String, address: String, version: String, fingerprint: String, services: [String: String], state: String) {
        self.name = name; self.address = address; self.version = version
        self.fingerprint = fingerprint; self.services = services; self.state = state
    }
}

/// A join intent (and the initiator's confirmation, which has the same shape), HMAC-signed under the passphrase.
public struct JoinIntent: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var version: String
    public var certificate: String
    public var services: [String: String]

    public init(name: String, address: String, version: String, certificate: String, services: [String: String]) {
        self.name = name; self.address = address; self.version = version
        self.certificate = certificate; self.services = services
    }
}

public enum SessionRole: String, Codable, Sendable { case initiator, joiner }

/// Control socket `POST /1.0/session`: open a trust session on the local daemon.
public struct SessionOpen: Codable, Sendable {
    public var role: SessionRole
    public var timeout_seconds: Int
    /// Initiator: empty means "generate one". Joiner: required.
    public var passphrase: String?
    /// Joiner: skip mDNS and contact this address.
    public var initiator_address: String?
    /// Joiner: accept only an initiator of this name (preseed's `initiator`).
    public var initiator_name: String?
    public var lookup_timeout_seconds: Int?
    /// The process that opened the session (the local CLI): when it ends, so does the session.
    public var owner_pid: Int32?

    public init(role: SessionRole, timeoutSeconds: Int, passphrase: String? = nil, initiatorAddress: String? = nil,
                initiatorName: String? = nil, lookupTimeoutSeconds: Int? = nil, ownerPID: Int32? = nil) {
        self.role = role; self.timeout_seconds = timeoutSeconds; self.passphrase = passphrase
        self.initiator_address = initiatorAddress; self.initiator_name = initiatorName
        self.lookup_timeout_seconds = lookupTimeoutSeconds; self.owner_pid = ownerPID
    }
}

/// Control socket `GET /1.0/session`: the current (or last) session, for `microcloud session`.
public struct SessionStatus: Codable, Sendable {
    public var role: SessionRole
    public var active: Bool
    public var expires_at: Date
    public var owner_pid: Int32?
    /// Why it ended, once it did.
    public var ended: String?
    /// Joiners that proved the passphrase (initiator), or the initiator found (joiner).
    public var peers: [String]

    public init(role: SessionRole, active: Bool, expires_at: Date, owner_pid: Int32?, ended: String?, peers: [String]) {
        self.role = role; self.active = active; self.expires_at = expires_at
        self.owner_pid = owner_pid; self.ended = ended; self.peers = peers
    }
}

public struct SessionOpened: Codable, Sendable {
    public var passphrase: String?
    public var fingerprint: String
    public var expires_at: Date

    public init(passphrase: String?, fingerprint: String, expires_at: Date) {
        self.passphrase = passphrase; self.fingerprint = fingerprint; self.expires_at = expires_at
    }
}

/// One thing that happened in a trust session, for the local CLI (long-polled) and its screens.
public struct SessionEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Initiator: a joiner proved the passphrase.
        case intent
        /// Joiner: the certificate the initiator's address presents matches its announcement; sent before the
        /// intent is (fingerprint: the presented one in full; announced: the mDNS record's; message: the line to show).
        case initiatorCertificate = "initiator_certificate"
        /// Joiner: found the initiator (name, address, fingerprint of the certificate it presented).
        case initiatorFound = "initiator_found"
        /// Joiner: the initiator rejected us (wrong passphrase, version mismatch …); the message says why.
        case rejected
        /// Joiner: the initiator selected us; we now trust its certificate.
        case confirmed
        /// Joiner: this server's services were joined (progress comes as `progress`).
        case progress
        case joined
        /// Either side: the session ended early (timeout, abort, lockout); the message says why.
        case ended
        /// Initiator: a wrong passphrase was tried (counted).
        case failedAttempt = "failed_attempt"
    }
    public var kind: Kind
    public var name: String?
    public var address: String?
    public var fingerprint: String?
    public var message: String?
    public var progress: ProgressEvent?
    /// The short fingerprint an mDNS record announced (joiner's `initiator_certificate`).
    public var announced: String?

    public init(kind: Kind, name: String? = nil, address: String? = nil, fingerprint: String? = nil,
                message: String? = nil, progress: ProgressEvent? = nil, announced: String? = nil) {
        self.kind = kind; self.name = name; self.address = address; self.fingerprint = fingerprint
        self.message = message; self.progress = progress; self.announced = announced
    }
}

/// A batch of events after a cursor; `next` is the cursor to ask with next time.
public struct EventBatch<Event: Codable & Sendable>: Codable, Sendable {
    public var events: [Event]
    public var next: Int
    public init(events: [Event], next: Int) { self.events = events; self.next = next }
}

/// Control socket `POST /1.0/session/confirm`: the initiator operator's selection.
public struct SessionConfirm: Codable, Sendable {
    public var fingerprints: [String]
    public init(fingerprints: [String]) { self.fingerprints = fingerprints }
}

/// `GET /1.0/session/salt`: the salt (hex) every passphrase proof of the open session is made with.
public struct SessionSalt: Codable, Sendable {
    public var salt: String
    public init(salt: String) { self.salt = salt }
}

/// `PUT /1.0/session/stop` (peer, trusted) and control `DELETE /1.0/session`.
public struct SessionStop: Codable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// `PUT /1.0/services` (peer, trusted): join these services with these tokens, and remember the membership.
public struct ServicesPut: Codable, Sendable {
    public var services: [ServiceJoin]
    /// The members certain when this one joins: the initiator and the joiner itself. The initiator sends the whole
    /// membership (`PUT /1.0/members`) once the run succeeded, so a failed run leaves no server named that never joined.
    public var members: [Peer]

    public init(services: [ServiceJoin], members: [Peer]) {
        self.services = services
        self.members = members
    }
}

/// `GET /1.0/services/progress`: a joiner's own progress while it joins, and whether it is done.
public struct ServicesProgress: Codable, Sendable {
    public var events: [ProgressEvent]
    public var next: Int
    /// nil while the join runs.
    public var result: JoinResult?

    public init(events: [ProgressEvent], next: Int, result: JoinResult?) {
        self.events = events; self.next = next; self.result = result
    }
}

/// How a joiner's join ended; a failure carries the joiner's own reason to the initiator.
public enum JoinResult: Codable, Sendable, Equatable {
    case joined
    case failed(reason: String)
}
