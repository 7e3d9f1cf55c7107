import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// `microcloudd` as a library: identity, the peer API on :9443 (TLS), the control socket for the local CLI,
/// the mDNS announcement, trust sessions and the join executor.
public actor Daemon {
    public nonisolated let config: DaemonConfig
    /// The member name: the configured one, or the host name while it may still change.
    var name: String
    public nonisolated let identity: Identity
    let log: Logger
    nonisolated let sockets: ServiceSockets
    /// The local LXD (its socket is looked up on each use: LXD may be installed after the daemon started).
    nonisolated var lxd: HTTPClient { sockets.client(.lxd) }

    var members: [Peer]
    /// Members and session peers, for the body limits decided off the actor.
    public nonisolated let knownPeers = KnownPeers()
    var session: TrustSession?
    var joinLog = EventLog<ProgressEvent>()
    var joinResult: JoinResult?
    var joinTask: Task<Void, Never>?
    /// The services (with their single-use tokens) of the join last started, to know a repeated request.
    var joinRequest: [ServiceJoin]?
    var lookupTask: Task<Void, Never>?
    /// This server's inventory, being collected since its session opened (see `prefetchInventory`).
    var inventoryPrefetch: (at: ContinuousClock.Instant, task: Task<Inventory, Error>)?
    /// The last `services()` and when (see `recentServices`).
    var servicesSnapshot: (at: ContinuousClock.Instant, value: [String: String])?
    var address: String
    var interface: String?

    private var tlsServer: HTTPServer?
    private var controlServer: HTTPServer?
    private var publisher: AvahiPublisher?
    private var watchTask: Task<Void, Never>?

    public init(config: DaemonConfig, logger: Logger) throws {
        self.config = config
        self.name = config.name
        self.log = logger
        let address = try Self.resolveAddress(config)
        self.address = address
        self.interface = config.interface ?? HostInterfaces.owning(address: address)?.name
        try FileManager.default.createDirectory(atPath: config.stateDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        self.identity = try Identity.loadOrCreate(directory: config.stateDir, name: config.name, addresses: [address])
        self.members = MemberStore(path: config.membersFile).load()
        knownPeers.setMembers(members)
        self.sockets = ServiceSockets(config: config)
    }

    static func resolveAddress(_ config: DaemonConfig) throws -> String {
        if let a = config.address { return a }
        let candidates = HostInterfaces.list().filter { config.interface == nil || $0.name == config.interface }
        for iface in candidates where iface.isUp {
            if let first = iface.addresses.first, let ip = first.split(separator: "/").first { return String(ip) }
        }
        throw DaemonError("No global address found\(config.interface.map { " on \($0)" } ?? ""); pass --address")
    }

    // MARK: lifecycle

    public func start() async throws {
        let handler: HTTPHandler = { [self] request, context in await self.handle(request, context) }
        // Avahi probes a new name for ~0.75 s before anyone can see it: that starts first, beside binding and
        // loading. With a fixed port nothing in the announcement waits for the bind.
        let announceEarly = config.announce && config.port != 0
        if announceEarly { announce() }
        tlsServer = try await HTTPServer.tls(host: address, port: config.port, credentials: identity.credentials,
                                             limits: Self.peerLimits(knownPeers), handler: handler)
        controlServer = try await HTTPServer.unix(path: config.controlSocket, handler: handler)
        log.info("listening", metadata: ["address": "\(address):\(config.port)", "control": "\(config.controlSocket)",
                                         "fingerprint": "\(identity.shortFingerprint)"])
        if config.announce && !announceEarly { announce() }
        watchTask = Task { [weak self] in await self?.watchHost() }
    }

    public func stop() async {
        watchTask?.cancel()
        lookupTask?.cancel()
        if let s = session { await s.end("The daemon is stopping") }
        publisher?.withdraw()
        publisher = nil
        await tlsServer?.shutdown()
        await controlServer?.shutdown()
        log.info("stopped")
    }

    public var boundPort: Int? { tlsServer?.port }

    // MARK: announcement

    /// What this server is doing, as others see it in the discovery table.
    func stateWord() async -> String {
        if !members.isEmpty { return "initialized" }
        if let s = session, await s.isActive { return s.role == .initiator ? "session" : "joining" }
        return "ready"
    }

    func announcement() async -> ServiceAnnouncement {
        let state = await stateWord()
        return ServiceAnnouncement(name: name, address: address, port: boundPort ?? config.port,
                                   shortFingerprint: identity.shortFingerprint, version: config.version, state: state)
    }

    private func announce() {
        let log = self.log
        Task {
            do {
                let pub = try AvahiPublisher(log: { message in log.notice("\(message)") })
                try pub.publish(await self.announcement(), interface: self.interface)
                self.setPublisher(pub)
            } catch {
                log.error("mDNS announcement failed: \(error)")
            }
        }
    }

    private func setPublisher(_ p: AvahiPublisher) { publisher = p }

    func refreshAnnouncement() async {
        guard let publisher else { return }
        do { try publisher.update(await announcement()) } catch { log.warning("mDNS update failed: \(error)") }
    }

    /// Follows address changes (when not pinned by --address) and session expiry.
    private func watchHost() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            await endOrphanedSession()
            if let s = session, await s.expireIfDue() {
                log.notice("trust session timed out")
                if s.role == .initiator { await stopJoiners(of: s, reason: "The initiator's session timed out") }
                await refreshAnnouncement()
            }
            if config.nameFollowsHost, members.isEmpty, session == nil, Self.hostName() != name {
                log.notice("host name changed", metadata: ["from": "\(name)", "to": "\(Self.hostName())"])
                name = Self.hostName()
                await refreshAnnouncement()
            }
            if config.address == nil, let now = try? Self.resolveAddress(config), now != address {
                log.notice("address changed", metadata: ["from": "\(address)", "to": "\(now)"])
                address = now
                interface = HostInterfaces.owning(address: now)?.name
                await refreshAnnouncement()
            }
        }
    }

    // MARK: information

    /// `recent`: services as `recentServices` has them (the trust exchange's answers), else asked now.
    func serverInfo(recent: Bool = false) async -> ServerInfo {
        ServerInfo(name: name, address: address, version: config.version, fingerprint: identity.fingerprint,
                   services: recent ? await recentServices() : await services(), state: await stateWord())
    }

    /// Whether a TLS caller is one of ours: a member of the cloud, or trusted by the running session.
    func isTrusted(_ context: RequestContext) async -> Bool {
        if context.isLocal { return true }
        guard let fp = context.peerFingerprint else { return false }
        if members.contains(where: { $0.fingerprint.hex == fp }) { return true }
        if let s = session, await s.isActive, await s.trusted.contains(fp) { return true }
        return false
    }

    func recordMembers(_ list: [Peer]) throws {
        members = list
        knownPeers.setMembers(list)
        if list.isEmpty {
            // Removed from its cloud (`microcloud remove` on another member): the finished join is forgotten too,
            // so this server can join a cloud again.
            joinResult = nil
            joinRequest = nil
            joinTask = nil
        }
        try MemberStore(path: config.membersFile).save(list)
    }
}

extension Daemon {
    /// The short host name (what upstream uses as the member name).
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let full = VisibleBytes.text(buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) })
        return full.split(separator: ".").first.map(String.init) ?? "localhost"
    }
}
