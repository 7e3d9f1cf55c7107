import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// The trust session endpoints: open/abort/confirm on the control socket, join intents and stops from peers.
extension Daemon {
    static let maxSessionSeconds = 3600

    func openSession(_ open: SessionOpen) async throws -> HTTPResponse {
        if let s = session, await s.isActive { return .error(409, "There already is an active session") }
        guard members.isEmpty else { return .error(409, "This server is already part of a MicroCloud") }
        guard open.timeout_seconds > 0, open.timeout_seconds <= Self.maxSessionSeconds else {
            return .error(400, "timeout_seconds must be between 1 and \(Self.maxSessionSeconds)")
        }
        let passphrase: String
        switch open.role {
        case .initiator:
            if let given = open.passphrase, !given.isEmpty {
                passphrase = given
            } else {
                passphrase = Passphrase.generate(from: try Wordlist.shared())
            }
        case .joiner:
            guard let given = open.passphrase, !given.isEmpty else { return .error(400, "A joiner session needs the passphrase") }
            passphrase = given
        }
        let s = TrustSession(role: open.role, passphrase: passphrase, timeout: .seconds(open.timeout_seconds),
                             initiatorAddress: open.initiator_address, initiatorName: open.initiator_name,
                             ownerPID: open.owner_pid, known: knownPeers)
        knownPeers.begin(session: ObjectIdentifier(s))
        session = s
        joinLog = EventLog()
        joinResult = nil
        log.notice("trust session opened", metadata: ["role": "\(open.role.rawValue)", "timeout": "\(open.timeout_seconds)s"])
        await refreshAnnouncement()
        // A joiner's lookup starts before the inventory is asked for: it waits on the network, and the inventory
        // is not needed until the joiners are in. (An initiator's key is being derived since `TrustSession.init`.)
        if open.role == .joiner {
            let lookup = Duration.seconds(open.lookup_timeout_seconds ?? 60)
            lookupTask = Task { await self.findInitiatorAndJoin(s, lookupTimeout: lookup) }
        }
        await prefetchInventory()
        return .json(SessionOpened(passphrase: open.role == .initiator ? passphrase : nil,
                                   fingerprint: identity.fingerprint, expires_at: s.expiresAt))
    }

    func sessionEvents(_ request: HTTPRequest) async -> HTTPResponse {
        guard let s = session else { return .error(404, "No session") }
        let p = pollParameters(request)
        let batch = await s.events.wait(after: p.after, timeout: p.wait)
        return .json(EventBatch(events: batch.events, next: batch.next))
    }

    func sessionStatus() async -> HTTPResponse {
        guard let s = session else { return .error(404, "No session") }
        let peers = s.role == .initiator ? await s.intents.map { $0.intent.name } : [await s.initiator?.name].compactMap { $0 }
        return .json(SessionStatus(role: s.role, active: await s.isActive, expires_at: s.expiresAt, owner_pid: s.ownerPID,
                                   ended: await s.endReason, peers: peers))
    }

    /// Ends a session whose owner process is gone (killed, crashed): nobody is left to finish or abort it.
    func endOrphanedSession() async {
        guard let s = session, let pid = s.ownerPID, await s.isActive, Self.processEnded(pid) else { return }
        log.notice("session owner ended", metadata: ["pid": "\(pid)"])
        _ = await abortSession(SessionStop(reason: "The process that opened the session (pid \(pid)) ended, so the session is closed"))
    }

    /// Whether `pid` has ended: gone, or a zombie (killed, but its parent has not reaped it yet; `kill(pid, 0)` still
    /// succeeds then, and a parent that never waits would keep the session open for its whole timeout).
    static func processEnded(_ pid: Int32) -> Bool {
        if kill(pid, 0) == -1 && errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state == "Z" || state == "X"
    }

    func abortSession(_ stop: SessionStop) async -> HTTPResponse {
        guard let s = session else { return .error(404, "No session") }
        if s.role == .initiator { await stopJoiners(of: s, reason: stop.reason) }
        await s.end(stop.reason)
        lookupTask?.cancel()
        log.notice("trust session ended", metadata: ["reason": "\(stop.reason)"])
        await refreshAnnouncement()
        return .json(["ended": true])
    }

    /// Tells every joiner that reached us to give up; their `microcloud join` ends with the reason.
    func stopJoiners(of s: TrustSession, reason: String) async {
        let body = SessionStop(reason: reason)
        let credentials = identity.credentials
        await withTaskGroup(of: Void.self) { group in
            for (fp, intent) in await s.intents {
                group.addTask { [log] in
                    let client = HTTPClient.tls(host: intent.address, port: self.config.port, credentials: credentials,
                                                pin: .fingerprint(fp), timeout: .seconds(5))
                    do {
                        _ = try await client.send(.json("PUT", "/1.0/session/stop", body))
                    } catch {
                        log.warning("could not stop the session of \(intent.name): \(error)")
                    }
                }
            }
        }
    }

    /// Initiator: the operator selected these joiners. Each gets our own intent (pinned to its certificate), all at
    /// once, signed with the session's key, which every joiner holds since its proof: an HMAC on each side.
    func confirm(_ c: SessionConfirm) async throws -> HTTPResponse {
        guard let s = session, s.role == .initiator, await s.isActive else { return .error(400, "No active initiator session") }
        var failures: [String: String] = [:]
        let mine = JoinIntent(name: name, address: address, version: config.version,
                              certificate: identity.certificatePEM, services: await recentServices())
        let body = Array(try JSONEncoder().encode(mine))
        guard let key = try await s.verifier.key() else { return .error(500, "The session has no key") }  // an initiator's always has
        let header = key.sign(body: body)
        var sends: [(fingerprint: String, intent: JoinIntent)] = []
        for fp in c.fingerprints {
            guard let intent = await s.intent(for: fp) else { failures[fp] = "No join intent from this fingerprint"; continue }
            await s.trust(fp)
            sends.append((fp, intent))
        }
        let credentials = identity.credentials, port = config.port, source = address
        await withTaskGroup(of: (String, String?).self) { group in
            for send in sends {
                group.addTask {
                    let client = HTTPClient.tls(host: send.intent.address, port: port, credentials: credentials,
                                                pin: .fingerprint(send.fingerprint), timeout: .seconds(20), source: source)
                    do {
                        let r = try await client.send(HTTPRequest(method: "POST", path: "/1.0/session/join",
                                                                  headers: ["Authorization": header, "Content-Type": "application/json"],
                                                                  body: body))
                        return (send.intent.name, r.status == 200 ? nil : errorText(r))
                    } catch {
                        return (send.intent.name, "\(error)")
                    }
                }
            }
            for await (name, failure) in group { if let failure { failures[name] = failure } }
        }
        if !failures.isEmpty {
            return .error(502, "Failed to confirm join intents: " + failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
        }
        return .json(["accepted": true])
    }

    /// `POST /1.0/session/join`: a joiner's intent (on the initiator) or the initiator's confirmation (on a joiner).
    func receiveIntent(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        // A wrong passphrase is answered after `failureDelay`, and the session locks after `maxFailures` of them.
        guard let s = session, await s.isActive else { return .error(400, "No active session") }
        let header: String
        switch JoinIntentRequest.authorization(request) {
        case .success(let value): header = value
        case .failure(let refusal): return refusal.response
        }
        switch await s.verifier.verify(header: header, body: request.body) {
        case .valid: break
        case .wrong(let attempt):
            await s.recordFailure(attempt: attempt, locked: false)
            try? await Task.sleep(for: TrustSession.failureDelay)
            return .error(403, wrongProof(header, s))
        case .lockedNow(let attempts):
            await s.recordFailure(attempt: attempts, locked: true)
            log.warning("trust session locked after \(attempts) wrong passphrases")   // once: later attempts do no work
            if s.role == .initiator { await stopJoiners(of: s, reason: "The initiator's session was locked after too many wrong passphrases") }
            await refreshAnnouncement()
            return .error(403, wrongProof(header, s))
        case .busy:
            return .error(429, "Too many passphrase attempts at once; the session locks after \(TrustSession.maxFailures) wrong ones")
        case .locked:
            return .error(403, "The session is locked after too many wrong passphrases; start a new one")
        case .malformed:
            return .error(400, "Malformed Authorization header; expected \(JoinSignature.scheme) <salt>:<mac>")
        }
        let intent: JoinIntent, certFP: String
        switch JoinIntentRequest.intent(request, peerFingerprint: context.peerFingerprint, peerAddress: context.remoteAddress) {
        case .success(let proven): (intent, certFP) = proven
        case .failure(let refusal): return refusal.response
        }
        switch s.role {
        case .initiator:
            if let refusal = JoinIntentRequest.serviceRefusal(intent, mine: await recentServices()) { return refusal.response }
            if let problem = await s.addIntent(intent, fingerprint: certFP) {
                return .error(409, problem)
            }
            log.notice("join intent", metadata: ["name": "\(intent.name)", "address": "\(intent.address)"])
            return .json(await serverInfo(recent: true))
        case .joiner:
            guard await s.initiator(provedTo: certFP, within: .seconds(10)) != nil else {
                return .error(403, "Confirmation from a server we did not ask to join")
            }
            await s.confirm(by: certFP)
            log.notice("confirmed by the initiator", metadata: ["name": "\(intent.name)"])
            return .json(await serverInfo(recent: true))
        }
    }

    /// Why a counted proof was wrong: the passphrase, or (same count) a proof made with another session's salt, as
    /// a joiner sends when the initiator's session was opened again since it read the salt.
    private func wrongProof(_ header: String, _ s: TrustSession) -> String {
        guard let salt = JoinSignature.salt(of: header), salt != s.verifier.salt else { return "Wrong passphrase" }
        return "The proof was made for another session (not with this session's salt); start the join again"
    }

    /// `GET /1.0/session/salt`: the open initiator session's salt, which a joiner reads over its pinned connection
    /// (mDNS does not carry it). Public: it proves nothing.
    func sessionSalt() async -> HTTPResponse {
        guard let s = session, s.role == .initiator, await s.isActive, let salt = s.verifier.salt else {
            return .error(404, "No active session to join on this server")
        }
        return .json(SessionSalt(salt: hexString(salt)))
    }

    func peerStop(_ stop: SessionStop) async throws -> HTTPResponse {
        guard let s = session else { return .error(404, "No session") }
        await s.end(stop.reason)
        lookupTask?.cancel()
        log.notice("session stopped by the initiator", metadata: ["reason": "\(stop.reason)"])
        await refreshAnnouncement()
        return .json(["ended": true])
    }
}
