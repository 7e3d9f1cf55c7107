import CAvahi
import FoundationEssentials
import MicroCloudKit
import Synchronization

/// What a browser reports about `_microcloud._tcp` services. `name` in `.gone` is the announced server name.
public enum DiscoveryEvent: Sendable, Equatable {
    case appeared(ServiceAnnouncement)
    case updated(ServiceAnnouncement)
    case gone(name: String)
}

public enum Discovery {
    /// Browses until the stream is cancelled (or dropped). Each service is resolved over the protocol it was found
    /// on (an IPv4 address where avahi speaks IPv4, an IPv6 one on an IPv6-only network, where upstream's IPv4-only
    /// resolve would fail) and its TXT record decoded; services with an unreadable TXT record are skipped.
    /// A service re-resolved with a different TXT/address gives `.updated`; removal gives `.gone`.
    /// `interface`: an interface name to limit browsing to, nil for all.
    /// Throws right away when avahi-daemon can't be reached or the interface does not exist; the stream finishes
    /// if the daemon goes away later.
    public static func browse(serviceType: String = "_microcloud._tcp", interface: String?) throws -> AsyncStream<DiscoveryEvent> {
        let index = try AvahiSupport.interfaceIndex(interface)
        let (stream, continuation) = AsyncStream.makeStream(of: DiscoveryEvent.self, bufferingPolicy: .unbounded)
        let browser = AvahiBrowser(serviceType: serviceType, interface: index, continuation: continuation)
        // Teardown joins the poll thread, and termination can be signalled from that very thread (daemon gone),
        // so it runs on a thread of its own. The closure keeps the browser alive until then.
        continuation.onTermination = { _ in detachThread { browser.stop() } }
        do {
            try browser.start()
        } catch {
            browser.stop()
            continuation.finish()
            throw error
        }
        return stream
    }
}

/// One Avahi client + service browser on a threaded poll.
/// Invariant (why `@unchecked Sendable` is sound): the mutable fields are set up before the poll thread starts,
/// then touched only by Avahi callbacks on that thread, and freed by `stop()` after the thread is joined.
final class AvahiBrowser: @unchecked Sendable {
    fileprivate struct Instance: Hashable {
        var interface: AvahiIfIndex
        var proto: AvahiProtocol
        var name: String
    }

    private let serviceType: String
    private let interface: AvahiIfIndex
    private let continuation: AsyncStream<DiscoveryEvent>.Continuation
    private let stopped = Mutex(false)

    private var poll: OpaquePointer?
    private var client: OpaquePointer?
    /// Resolvers stay alive while their service exists: avahi re-reports them when the TXT record changes.
    private var resolvers: [Instance: OpaquePointer] = [:]
    private var resolved: [Instance: ServiceAnnouncement] = [:]
    /// Latest announcement per Avahi service name (one service may be seen on several interfaces), with a
    /// sequence number so the newest wins when two services carry the same server name.
    private var announced: [String: (announcement: ServiceAnnouncement, seq: Int)] = [:]
    private var seq = 0
    /// What consumers were last told per server name: events are per server name, so a clash ("micro01" and
    /// "micro01 #2" both saying name=micro01) gives one .appeared, .updated as it changes, one .gone at the end.
    private var sent: [String: ServiceAnnouncement] = [:]
    /// Per service: its port and TXT as the resolver gave them, and the TXT records a record browser sees.
    /// A resolver keeps the first TXT record it found until that one expires, and a record replaced in place
    /// expires only a second (or, when it arrived less than a second before its replacement, a re-announcement)
    /// later: the joiner saw an initiator open its session 1 to 3 s late. A record browser reports the new record
    /// as it arrives, so the newest (by the publisher's `seq`, else by arrival) is what counts.
    private var ports: [Instance: Int] = [:]
    private var resolverTXT: [Instance: [String]] = [:]
    private var txtWatches: [Instance: TXTWatch] = [:]
    private var txtSeen: [Instance: [(txt: [String], arrival: Int)]] = [:]
    private var arrivals = 0

    init(serviceType: String, interface: AvahiIfIndex, continuation: AsyncStream<DiscoveryEvent>.Continuation) {
        self.serviceType = serviceType
        self.interface = interface
        self.continuation = continuation
    }

    func start() throws {
        guard let poll = avahi_threaded_poll_new() else {
            throw AvahiError(code: Int32(AVAHI_ERR_NO_MEMORY), context: "creating the Avahi poll loop")
        }
        self.poll = poll
        let me = Unmanaged.passUnretained(self).toOpaque()
        var error: Int32 = 0
        guard let client = avahi_client_new(avahi_threaded_poll_get(poll), AvahiClientFlags(0), { _, state, userdata in
            guard let userdata else { return }
            Unmanaged<AvahiBrowser>.fromOpaque(userdata).takeUnretainedValue().clientChanged(state)
        }, me, &error) else {
            throw AvahiError(code: error, context: "connecting to avahi-daemon")
        }
        self.client = client
        let browser = avahi_service_browser_new(
            client, interface, AvahiProtocol(AVAHI_PROTO_UNSPEC), serviceType, nil, AvahiLookupFlags(0),
            { _, interface, proto, event, name, _, _, _, userdata in
                guard let userdata else { return }
                Unmanaged<AvahiBrowser>.fromOpaque(userdata).takeUnretainedValue()
                    .browserEvent(event, interface: interface, proto: proto, name: AvahiSupport.string(name))
            }, me)
        guard browser != nil else {
            throw AvahiError(code: avahi_client_errno(client), context: "browsing for \(serviceType)")
        }
        guard avahi_threaded_poll_start(poll) >= 0 else {
            throw AvahiError(code: Int32(AVAHI_ERR_FAILURE), context: "starting the Avahi poll thread")
        }
    }

    /// Idempotent. Joins the poll thread first, so no callback runs while things are freed.
    func stop() {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first, let poll else { return }
        avahi_threaded_poll_stop(poll)
        if let client { avahi_client_free(client) }  // also frees the browser and every resolver
        client = nil
        resolvers.removeAll()
        txtWatches.removeAll()   // their record browsers went with the client
        avahi_threaded_poll_free(poll)
        self.poll = nil
    }

    // MARK: - callbacks (poll thread)

    private func clientChanged(_ state: AvahiClientState) {
        if state == AVAHI_CLIENT_FAILURE { continuation.finish() }  // daemon went away; consumers see the end
    }

    private func browserEvent(_ event: AvahiBrowserEvent, interface: AvahiIfIndex, proto: AvahiProtocol, name: String) {
        let key = Instance(interface: interface, proto: proto, name: name)
        switch event {
        case AVAHI_BROWSER_NEW:
            guard resolvers[key] == nil, let client else { return }
            let me = Unmanaged.passUnretained(self).toOpaque()
            let resolver = avahi_service_resolver_new(
                client, interface, proto, name, serviceType, nil, proto, AvahiLookupFlags(0),
                { _, interface, proto, event, name, _, _, _, _, port, txt, _, userdata in
                    guard let userdata else { return }
                    Unmanaged<AvahiBrowser>.fromOpaque(userdata).takeUnretainedValue().resolved(
                        event, key: Instance(interface: interface, proto: proto, name: AvahiSupport.string(name)),
                        port: Int(port), txt: AvahiSupport.strings(txt))
                }, me)
            if let resolver { resolvers[key] = resolver }
        case AVAHI_BROWSER_REMOVE:
            if let resolver = resolvers.removeValue(forKey: key) { avahi_service_resolver_free(resolver) }
            if let watch = txtWatches.removeValue(forKey: key) { avahi_record_browser_free(watch.browser) }
            resolved[key] = nil
            (ports[key], resolverTXT[key], txtSeen[key]) = (nil, nil, nil)
            let stillSeen = resolvers.keys.contains { $0.name == name } || resolved.keys.contains { $0.name == name }
            if !stillSeen, let last = announced.removeValue(forKey: name) {
                report(server: last.announcement.name)
            }
        case AVAHI_BROWSER_FAILURE:
            continuation.finish()
        default:
            break  // ALL_FOR_NOW, CACHE_EXHAUSTED: nothing to report
        }
    }

    private func resolved(_ event: AvahiResolverEvent, key: Instance, port: Int, txt: [String]) {
        guard event == AVAHI_RESOLVER_FOUND else {
            // Timed out or failed: drop the resolver; the browser's REMOVE (if any) cleans up the rest.
            if let resolver = resolvers.removeValue(forKey: key) { avahi_service_resolver_free(resolver) }
            return
        }
        ports[key] = port
        resolverTXT[key] = txt
        if txtWatches[key] == nil { watchTXT(key) }
        refresh(key)
    }

    /// Follows the TXT records of one service as they arrive (see `txtSeen`).
    private func watchTXT(_ key: Instance) {
        guard let client else { return }
        var full = [CChar](repeating: 0, count: Int(AVAHI_DOMAIN_NAME_MAX))
        guard avahi_service_name_join(&full, full.count, key.name, serviceType, "local") >= 0 else { return }
        let watch = TXTWatch(owner: self, key: key)
        let browser = avahi_record_browser_new(
            client, key.interface, key.proto, full, UInt16(AVAHI_DNS_CLASS_IN), UInt16(AVAHI_DNS_TYPE_TXT), AvahiLookupFlags(0),
            { _, _, _, event, _, _, _, rdata, size, _, userdata in
                guard let userdata else { return }
                let watch = Unmanaged<TXTWatch>.fromOpaque(userdata).takeUnretainedValue()
                watch.owner?.txtEvent(event, key: watch.key, txt: AvahiSupport.txt(rdata, size))
            }, Unmanaged.passUnretained(watch).toOpaque())
        guard let browser else { return }  // the resolver's TXT still counts
        watch.browser = browser
        txtWatches[key] = watch
    }

    private func txtEvent(_ event: AvahiBrowserEvent, key: Instance, txt: [String]?) {
        guard let txt else { return }
        switch event {
        case AVAHI_BROWSER_NEW:
            arrivals += 1
            txtSeen[key, default: []].append((txt, arrivals))
        case AVAHI_BROWSER_REMOVE:
            txtSeen[key]?.removeAll { $0.txt == txt }
        default:
            return
        }
        refresh(key)
    }

    /// Reports the service's newest announcement: its newest TXT record with the resolver's port.
    private func refresh(_ key: Instance) {
        guard let port = ports[key] else { return }
        let newest = txtSeen[key]?.max { (TXTRecord.sequence($0.txt) ?? 0, $0.arrival) < (TXTRecord.sequence($1.txt) ?? 0, $1.arrival) }
        guard let txt = newest?.txt ?? resolverTXT[key],
              let announcement = TXTRecord.decode(txt, port: port) else { return }  // not one of ours
        resolved[key] = announcement
        let previous = announced[key.name]?.announcement
        guard previous != announcement else { return }
        seq += 1
        announced[key.name] = (announcement, seq)
        report(server: announcement.name)
        if let previous, previous.name != announcement.name { report(server: previous.name) }
    }

    /// Tells consumers what changed for one server name, comparing with what they were last told.
    private func report(server name: String) {
        let now = announced.values.filter { $0.announcement.name == name }.max { $0.seq < $1.seq }?.announcement
        let before = sent[name]
        sent[name] = now
        switch (before, now) {
        case (nil, let now?): continuation.yield(.appeared(now))
        case (let before?, let now?) where before != now: continuation.yield(.updated(now))
        case (_?, nil): continuation.yield(.gone(name: name))
        default: break
        }
    }
}

/// The context of one TXT record browser: which service it follows, for the callback (poll thread).
private final class TXTWatch: @unchecked Sendable {
    weak var owner: AvahiBrowser?
    let key: AvahiBrowser.Instance
    var browser: OpaquePointer?

    init(owner: AvahiBrowser, key: AvahiBrowser.Instance) {
        self.owner = owner
        self.key = key
    }
}
