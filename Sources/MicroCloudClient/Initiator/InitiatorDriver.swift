import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// What a bootstrap run yields, in order: every step's events, then exactly one `.finished` as the last element.
public enum RunUpdate: Sendable {
    case progress(ProgressEvent)
    case finished(RunOutcome)
}

/// How a run ended. The session is closed either way: joiners were told the outcome.
public enum RunOutcome: Sendable {
    /// The cloud is formed; the snapshot is nil when the tables could not be read back.
    case formed(BootstrapReport, ClusterSnapshot?)
    case failed(BootstrapReport)

    public var report: BootstrapReport {
        switch self {
        case .formed(let r, _), .failed(let r): r
        }
    }
}

/// The one initiator: open the session, follow it, confirm the chosen joiners, read their inventories, run the
/// bootstrap, record the members, close the session, read the cloud back. `microcloud init` (the wizard) and
/// `microcloud preseed` only render what it yields, so both paths behave the same.
public final class InitiatorDriver: Sendable {
    public let control: ControlClient
    public let links: MemberLinks
    public let version: String
    /// Joiners that proved the passphrase, by fingerprint. The only source of a joiner's name, address and
    /// fingerprint: what the operator picked is looked up here, never rebuilt from a table row or a plan.
    private let proven = Locked<[String: Peer]>([:])
    /// This server, then the confirmed joiners in name order.
    private let confirmed = Locked<[Peer]?>(nil)
    private let sessionOpen = Locked<Bool>(false)
    /// The bootstrap under way, so an interrupt can stop it and still get its report.
    private let running = Locked<Bootstrapper?>(nil)

    public init(control: ControlClient) async throws {
        let info = try await control.info(recentServices: true)
        let identity = try control.identity()
        self.control = control
        self.version = info.version
        self.links = MemberLinks(local: Peer(name: info.name, address: info.address, fingerprint: Fingerprint(identity.fingerprint)),
                                 stateDir: control.stateDir, credentials: identity.credentials)
    }

    public var local: Peer { links.local }
    /// Names of the joiners that proved the passphrase so far.
    public var provenNames: [String] { proven.current.values.map(\.name).sorted(by: naturalLess) }
    /// The cloud's members once joiners were confirmed (this server alone before).
    public var members: [Peer] { confirmed.current ?? [local] }

    // MARK: - Session

    public func openSession(timeoutSeconds: Int, passphrase: String?) async throws -> SessionOpened {
        let opened = try await control.openSession(SessionOpen(role: .initiator, timeoutSeconds: timeoutSeconds,
                                                               passphrase: passphrase))
        sessionOpen.withLock { $0 = true }
        return opened
    }

    /// The session's events (intents, wrong passphrases, its end); each proven intent is remembered here.
    public func sessionEvents() -> AsyncThrowingStream<SessionEvent, Error> {
        let upstream = control.sessionEvents()
        let proven = self.proven
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await e in upstream {
                        if e.kind == .intent, let name = e.name, let address = e.address, let fp = e.fingerprint {
                            proven.withLock { $0[fp] = Peer(name: name, address: address, fingerprint: Fingerprint(fp)) }
                        }
                        continuation.yield(e)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Confirms these joiners (full fingerprints of proven intents) and returns the cloud's members. With none,
    /// the session closes: this server continues alone.
    @discardableResult
    public func confirm(_ fingerprints: [String]) async throws -> [Peer] {
        let known = proven.current
        let joiners = try fingerprints.map { fp in
            guard let record = known[fp] else { throw DaemonError("No proven join intent from fingerprint \(fp.prefix(12))") }
            return record
        }.sorted { naturalLess($0.name, $1.name) }
        if joiners.isEmpty {
            try await close(reason: "The initiator continues alone")
        } else {
            try await control.confirm(joiners.map(\.fingerprint.hex))
        }
        let all = [local] + joiners
        confirmed.withLock { $0 = all }
        return all
    }

    /// Ends the session (if one is open) and tells the joiners why.
    public func close(reason: String) async throws {
        let wasOpen = sessionOpen.withLock { open -> Bool in
            defer { open = false }
            return open
        }
        guard wasOpen else { return }
        try await control.abort(reason: reason)
    }

    /// Ends the session, never throwing: for paths that are already failing.
    public func abort(reason: String) async {
        try? await close(reason: reason)
    }

    // MARK: - Inventories and the run

    /// Every confirmed member's inventory, fetched in parallel; a member that cannot answer is reported by name.
    public func inventories() async -> (found: [Inventory], problems: [String]) {
        guard confirmed.current != nil else { return ([], ["The selected servers were not confirmed; go back and select them again"]) }
        let links = self.links
        return await withTaskGroup(of: (String, Result<Inventory, Error>).self) { group in
            for m in members {
                group.addTask {
                    do {
                        let r = try await links.daemon(m, timeout: .seconds(60)).send(HTTPRequest(method: "GET", path: "/1.0/inventory"))
                        guard r.status == 200 else { throw DaemonError(errorText(r)) }
                        return (m.name, .success(try r.decode(Inventory.self)))
                    } catch {
                        return (m.name, .failure(error))
                    }
                }
            }
            var found: [Inventory] = []
            var problems: [String] = []
            for await (name, result) in group {
                switch result {
                case .success(let inv): found.append(inv)
                case .failure(let e): problems.append("Cannot read the inventory of \(name): \(e)")
                }
            }
            return (found.sorted { $0.name < $1.name }, problems.sorted())
        }
    }

    /// The steps a plan takes, without running them (a dry run lists these).
    public func steps(for plan: ClusterPlan) throws -> [Step] {
        try bootstrapper().steps(for: plan)
    }

    /// Runs the plan on the confirmed members. The last element is always `.finished`: on success the members
    /// are recorded on every member and the session is closed; on failure the session is closed with the reason.
    /// A consumer that stops listening cancels the run, which then undoes what it did.
    public func run(_ plan: ClusterPlan, options: BootstrapOptions = BootstrapOptions()) -> AsyncStream<RunUpdate> {
        let bootstrapper = bootstrapper(options: options)
        running.withLock { $0 = bootstrapper }
        let log = EventFile(path: control.stateDir + "/bootstrap.log")
        return AsyncStream { continuation in
            let task = Task {
                do {
                    for try await event in bootstrapper.run(plan) {
                        log.write(event)
                        continuation.yield(.progress(event))
                    }
                    do {
                        try await recordMembers()
                    } catch {
                        // Every step succeeded and is kept: the report must not say the servers are as they were.
                        let report = Self.unrecordedMembership(bootstrapper.report ?? BootstrapReport(), error)
                        await abort(reason: SessionWords.initiatorAborted("\(error)"))
                        continuation.yield(.finished(.failed(report)))
                        continuation.finish()
                        return
                    }
                    try? await close(reason: "The cloud is formed")
                    let snapshot = try? await readback()
                    continuation.yield(.finished(.formed(bootstrapper.report ?? BootstrapReport(), snapshot)))
                } catch let failed as BootstrapFailed {
                    await abort(reason: SessionWords.initiatorAborted("\(failed)"))
                    continuation.yield(.finished(.failed(failed.report)))
                } catch {
                    await abort(reason: SessionWords.initiatorAborted("\(error)"))
                    var report = bootstrapper.report ?? BootstrapReport()
                    if report.failure == nil {
                        report.failure = .init(step: .init(id: .wholeRun, member: nil, title: "Bootstrap"), message: "\(error)")
                    }
                    continuation.yield(.finished(.failed(report)))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The operator interrupted (SIGINT, SIGTERM). A run under way stops and undoes what it did, and its stream
    /// still ends with `.finished(.failed)`; returns false when no run is under way (the caller stops itself).
    @discardableResult
    public func interrupt() -> Bool {
        guard let bootstrapper = running.current else { return false }
        bootstrapper.cancel()
        return true
    }

    /// A bootstrapper wired to this cloud: the local LXD through the daemon's proxy, peers through their daemons.
    func bootstrapper(options: BootstrapOptions = BootstrapOptions()) -> Bootstrapper {
        let members = self.members
        var agents: [String: any MemberAgent] = [:]
        for m in members where m.fingerprint != local.fingerprint {
            agents[m.name] = RemoteMemberAgent(member: m, daemon: links.daemon(m), initiator: local)
        }
        var opts = options
        opts.microcloudVersion = version
        let apis = serviceAPIs()
        return Bootstrapper(BootstrapEnvironment(lxd: LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)"),
                                                 agents: agents, ceph: apis.ceph, ovn: apis.ovn, options: opts))
    }

    /// The initiator's MicroCeph and MicroOVN, through its daemon's proxy (which answers "… is not installed on …"
    /// when a socket is missing). The plan decides whether they are used: it includes a service only when every
    /// member's inventory reported it.
    func serviceAPIs() -> (ceph: (any CephAPI)?, ovn: (any OVNAPI)?) {
        let ceph = MicroCephClient(transport: links.service(.microceph, local), name: "MicroCeph on \(local.name)")
        let ovn = MicroOVNClient(transport: links.service(.microovn, local), member: local.name)
        return (ceph, ovn)
    }

    /// After a successful bootstrap every member learns the whole membership: a joiner recorded only the initiator
    /// and itself when it joined, so a run that fails later leaves no member naming a server that never joined.
    func recordMembers() async throws {
        let members = self.members
        try await control.recordMembers(members)
        let failures = await Self.push(members, to: members.filter { $0.fingerprint != local.fingerprint }, links: links)
        if !failures.isEmpty { throw DaemonError("The membership was not recorded on " + failures.joined(separator: "; ")) }
    }

    /// Sends the membership `members` to each of `targets`' daemons; returns "name: why" for each that did not take it.
    static func push(_ members: [Peer], to targets: [Peer], links: MemberLinks, timeout: Duration = .seconds(30)) async -> [String] {
        var failures: [String] = []
        for m in targets {
            do {
                let r = try await links.daemon(m, timeout: timeout).send(.json("PUT", "/1.0/members", members))
                if r.status != 200 { failures.append("\(m.name): \(errorText(r))") }
            } catch {
                failures.append("\(m.name): \(error)")
            }
        }
        return failures
    }

    /// The report of a run whose steps all succeeded but whose membership could not be pushed to every member
    /// (a member's daemon died after its join): where, why, and that everything done stays.
    static func unrecordedMembership(_ done: BootstrapReport, _ error: Error) -> BootstrapReport {
        var report = done
        report.failure = .init(step: .init(id: .wholeRun, member: nil, title: "Record the membership on every member"),
                               message: "\(error)")
        report.remains = ["every step above was done and is kept: the LXD cluster, its storage and networks are formed; " +
                          "start microcloudd on the member named and check `microcloud status` there, or reset the servers to start over"]
        return report
    }

    /// The tables of the review screen, read from the live cluster.
    public func readback() async throws -> ClusterSnapshot {
        try await ClusterReadback.read(lxd: LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)"))
    }
}

/// The bootstrap's events as JSON lines in the state dir, so the run can be read again after the screen is gone.
struct EventFile: Sendable {
    let path: String

    init(path: String) {
        self.path = path
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
    }

    func write(_ event: ProgressEvent) {
        try? SecureFiles.append(path, event.jsonLine + "\n")
    }
}
