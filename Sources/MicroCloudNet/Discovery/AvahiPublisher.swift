import CAvahi
import FoundationEssentials
import Synchronization

/// Announces this server as a `_microcloud._tcp` service through avahi-daemon.
///
/// Threading: Avahi objects live on a threaded poll. Public methods hold `gate` (so `withdraw` can't free the
/// poll under them) and the poll lock; callbacks run on the poll thread, which already holds the poll lock.
/// Hence `@unchecked Sendable`: every mutable field is touched only under the poll lock (or before the poll
/// thread starts / after it is joined). `log` is called on the poll thread too and must not call back in here.
public final class AvahiPublisher: @unchecked Sendable {
    private let serviceType: String
    private let log: @Sendable (String) -> Void
    /// true once withdrawn; held across each public operation.
    private let gate = Mutex(false)

    private var poll: OpaquePointer?
    private var client: OpaquePointer?
    private var group: OpaquePointer?
    private var current: ServiceAnnouncement?
    private var interfaceIndex = AvahiIfIndex(AVAHI_IF_UNSPEC)
    /// The name registered with Avahi: the announcement's name, or an alternative after a clash.
    private var serviceName: String?
    /// The `seq` of the last record sent: milliseconds since the epoch, kept increasing, so records of this
    /// server's earlier runs count as older too.
    private var sequence: UInt64 = 0

    /// Connects to avahi-daemon; throws when it is not running.
    public init(serviceType: String = "_microcloud._tcp", log: @escaping @Sendable (String) -> Void) throws {
        self.serviceType = serviceType
        self.log = log
        guard let poll = avahi_threaded_poll_new() else {
            throw AvahiError(code: Int32(AVAHI_ERR_NO_MEMORY), context: "creating the Avahi poll loop")
        }
        self.poll = poll
        var error: Int32 = 0
        // The callback fires inside avahi_client_new already; it stores the client pointer it is given.
        guard let client = avahi_client_new(avahi_threaded_poll_get(poll), AvahiClientFlags(0), { client, state, userdata in
            guard let userdata else { return }
            Unmanaged<AvahiPublisher>.fromOpaque(userdata).takeUnretainedValue().clientChanged(client, state)
        }, Unmanaged.passUnretained(self).toOpaque(), &error) else {
            avahi_threaded_poll_free(poll)
            self.poll = nil
            throw AvahiError(code: error, context: "connecting to avahi-daemon")
        }
        self.client = client
        guard avahi_threaded_poll_start(poll) >= 0 else {
            avahi_client_free(client)
            avahi_threaded_poll_free(poll)
            self.client = nil
            self.poll = nil
            throw AvahiError(code: Int32(AVAHI_ERR_FAILURE), context: "starting the Avahi poll thread")
        }
    }

    deinit { withdraw() }

    /// Announces `a` on `interface` (nil = all). A name taken on this host or on the network is replaced by
    /// avahi's alternative ("micro01 #2"), which is logged and shown in `publishedName`.
    public func publish(_ a: ServiceAnnouncement, interface: String?) throws {
        try Self.check(a)
        let index = try AvahiSupport.interfaceIndex(interface)
        try locked {
            current = a
            interfaceIndex = index
            serviceName = a.name
            try register()
        }
    }

    /// Changes what is announced: a TXT-only change (state, address, version, fingerprint) updates the record
    /// in place, so browsers see `.updated`; a new name or port re-registers the service.
    public func update(_ a: ServiceAnnouncement) throws {
        try Self.check(a)
        try locked {
            guard let old = current else {
                throw AvahiError(code: Int32(AVAHI_ERR_BAD_STATE), context: "update before publish")
            }
            current = a
            if old.name == a.name, old.port == a.port, let group, let name = serviceName,
               avahi_entry_group_is_empty(group) == 0 {
                if old == a { return }   // nothing new to tell
                let txt = AvahiSupport.stringList(TXTRecord.encode(a, sequence: nextSequence()))
                defer { avahi_string_list_free(txt) }
                let result = avahi_entry_group_update_service_txt_strlst(
                    group, interfaceIndex, AvahiProtocol(AVAHI_PROTO_UNSPEC), AvahiPublishFlags(0), name, serviceType, nil, txt)
                if result >= 0 { return }
                log("Avahi could not update the TXT record of \"\(name)\" in place (\(AvahiError(code: result, context: "update"))); re-registering")
            }
            serviceName = a.name
            try register()
        }
    }

    /// The Avahi service name in use, nil before `publish` and after `withdraw`.
    public var publishedName: String? {
        gate.withLock { withdrawn in
            guard !withdrawn, let poll else { return nil }
            avahi_threaded_poll_lock(poll)
            defer { avahi_threaded_poll_unlock(poll) }
            return current == nil ? nil : serviceName
        }
    }

    /// Removes the announcement (browsers see it go) and disconnects. Safe to call twice.
    public func withdraw() {
        gate.withLock { withdrawn in
            guard !withdrawn else { return }
            withdrawn = true
            guard let poll else { return }
            avahi_threaded_poll_lock(poll)
            if let group {
                avahi_entry_group_reset(group)
                avahi_entry_group_free(group)
            }
            group = nil
            current = nil
            avahi_threaded_poll_unlock(poll)
            avahi_threaded_poll_stop(poll)
            if let client { avahi_client_free(client) }
            client = nil
            avahi_threaded_poll_free(poll)
            self.poll = nil
        }
    }

    // MARK: - internals

    private static func check(_ a: ServiceAnnouncement) throws {
        let problems = TXTRecord.problems(with: a)
        guard problems.isEmpty else {
            throw AvahiError(code: Int32(AVAHI_ERR_INVALID_RECORD), context: "announcement: " + problems.joined(separator: "; "))
        }
    }

    private func locked(_ body: () throws -> Void) throws {
        try gate.withLock { withdrawn in
            guard !withdrawn, let poll else {
                throw AvahiError(code: Int32(AVAHI_ERR_BAD_STATE), context: "the publisher was withdrawn")
            }
            avahi_threaded_poll_lock(poll)
            defer { avahi_threaded_poll_unlock(poll) }
            try body()
        }
    }

    /// (Re)registers `current` under `serviceName`. Runs under the poll lock. If the daemon is not in the
    /// running state yet (host name being registered), `clientChanged` calls this again once it is.
    private func register() throws {
        guard let client, let a = current, var name = serviceName else { return }
        guard avahi_client_get_state(client) == AVAHI_CLIENT_S_RUNNING else { return }
        if let group {
            avahi_entry_group_reset(group)
        } else {
            group = avahi_entry_group_new(client, { group, state, userdata in
                guard let userdata else { return }
                Unmanaged<AvahiPublisher>.fromOpaque(userdata).takeUnretainedValue().groupChanged(group, state)
            }, Unmanaged.passUnretained(self).toOpaque())
        }
        guard let group else {
            throw AvahiError(code: avahi_client_errno(client), context: "creating an Avahi entry group")
        }
        let txt = AvahiSupport.stringList(TXTRecord.encode(a, sequence: nextSequence()))
        defer { avahi_string_list_free(txt) }
        for _ in 0..<32 {
            let added = avahi_entry_group_add_service_strlst(
                group, interfaceIndex, AvahiProtocol(AVAHI_PROTO_UNSPEC), AvahiPublishFlags(0), name, serviceType, nil, nil,
                UInt16(a.port), txt)
            if added == Int32(AVAHI_ERR_COLLISION) {  // the name is already registered on this host
                let alternative = AvahiSupport.alternativeName(name)
                log("mDNS service name \"\(name)\" is taken on this host; announcing as \"\(alternative)\"")
                name = alternative
                serviceName = alternative
                continue
            }
            guard added >= 0 else { throw AvahiError(code: added, context: "announcing \"\(name)\"") }
            let committed = avahi_entry_group_commit(group)
            guard committed >= 0 else { throw AvahiError(code: committed, context: "committing \"\(name)\"") }
            return
        }
        throw AvahiError(code: Int32(AVAHI_ERR_COLLISION), context: "no free mDNS service name near \"\(a.name)\"")
    }

    /// Under the poll lock.
    private func nextSequence() -> UInt64 {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        sequence = max(sequence + 1, now)
        return sequence
    }

    // Callbacks: poll thread, poll lock held.

    private func clientChanged(_ client: OpaquePointer?, _ state: AvahiClientState) {
        if self.client == nil { self.client = client }
        switch state {
        case AVAHI_CLIENT_S_RUNNING:
            if current != nil, group.map({ avahi_entry_group_is_empty($0) != 0 }) ?? true {
                do { try register() } catch { log("\(error)") }
            }
        case AVAHI_CLIENT_S_COLLISION, AVAHI_CLIENT_S_REGISTERING:
            // The daemon's host name is being (re)registered: records go stale; re-add once RUNNING again.
            if let group { avahi_entry_group_reset(group) }
        case AVAHI_CLIENT_FAILURE:
            log("lost the connection to avahi-daemon: \(AvahiError(code: avahi_client_errno(client), context: "Avahi client"))")
        default:
            break
        }
    }

    private func groupChanged(_ group: OpaquePointer?, _ state: AvahiEntryGroupState) {
        switch state {
        case AVAHI_ENTRY_GROUP_COLLISION:  // another host announces the same name
            guard let name = serviceName else { return }
            let alternative = AvahiSupport.alternativeName(name)
            log("mDNS service name \"\(name)\" is taken on the network; announcing as \"\(alternative)\"")
            serviceName = alternative
            do { try register() } catch { log("\(error)") }
        case AVAHI_ENTRY_GROUP_FAILURE:
            log("announcing via Avahi failed: \(AvahiError(code: avahi_client_errno(client), context: "entry group"))")
        default:
            break
        }
    }
}
