import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// A joiner's side of the bootstrap: the initiator hands over join tokens, this daemon joins its own services
/// and keeps a log of progress events the initiator (and the local `microcloud join`) follow.
extension Daemon {
    func startJoin(_ put: ServicesPut) async throws -> HTTPResponse {
        // The same request again names this very join (its tokens are single-use): the initiator repeats a PUT whose
        // answer a link fault swallowed. It follows the join already under way, or done, instead of starting it twice.
        if joinTask != nil, joinRequest == put.services {
            return HTTPResponse.json(["started": true], status: 202)
        }
        if let running = joinTask, joinResult == nil, !running.isCancelled {
            return .error(409, "A join is already running on \(name)")
        }
        // A finished join is final: another request (a peer's mistake, or a member replaying an old one) must not
        // join the services again or replace the membership this server recorded.
        if joinResult == .joined || !members.isEmpty {
            return .error(409, "\(name) already joined a MicroCloud of \(members.count) members; "
                          + "a server joins once (remove it from its cloud and reset it to join again)")
        }
        let log = EventLog<ProgressEvent>()
        joinLog = log
        joinResult = nil
        joinRequest = put.services
        let agent = servicesJoiner()
        self.log.notice("joining services", metadata: ["services": "\(put.services.map(\.service.rawValue).joined(separator: ","))"])
        joinTask = Task {
            let session = self.session
            // One pump keeps the events in the order the agent reported them.
            let (events, sink) = AsyncStream<ProgressEvent>.makeStream()
            let pump = Task {
                for await event in events {
                    await log.append(event)
                    await session?.note(SessionEvent(kind: .progress, progress: event))
                }
            }
            var result = JoinResult.joined
            do {
                try await agent.join(services: put.services, progress: { sink.yield($0) })
                try self.recordMembers(put.members)
            } catch {
                result = .failed(reason: "\(error)")
            }
            sink.finish()
            await pump.value
            await self.finishJoin(result: result, session: session)
        }
        return HTTPResponse.json(["started": true], status: 202)
    }

    /// This server's services as a joiner drives them: MicroCeph and MicroOVN when their sockets exist, and LXD.
    func servicesJoiner() -> ServicesJoiner {
        let name = self.name
        var microcluster: [ServiceKind: MicroclusterClient] = [:]
        for kind in [ServiceKind.microceph, .microovn] where sockets.installed(kind) != nil {
            microcluster[kind] = MicroclusterClient(transport: sockets.client(kind), name: "\(kind.rawValue) on \(name)")
        }
        let lxd = LocalLXDJoiner(name: name, address: address, lxd: LXDClient(transport: self.lxd, name: "LXD on \(name)"),
                                 fetchCertificate: { hostPort in
            let (host, port) = splitHostPort(hostPort, defaultPort: 8443)
            return try await TLSProbe.serverCertificate(host: host, port: port, credentials: nil)
        })
        return ServicesJoiner(name: name, address: address, microcluster: microcluster, lxd: lxd)
    }

    private func finishJoin(result: JoinResult, session: TrustSession?) async {
        joinResult = result
        await joinLog.close()
        switch result {
        case .joined:
            log.notice("joined", metadata: ["members": "\(members.count)"])
            await session?.note(SessionEvent(kind: .joined, message: "Successfully joined the MicroCloud cluster"))
            await session?.end("Joined")
        case .failed(let reason):
            log.error("join failed: \(reason)")
            await session?.end("Joining failed: \(reason)")
        }
        await refreshAnnouncement()
    }

    func joinProgress(_ request: HTTPRequest) async -> HTTPResponse {
        let p = pollParameters(request)
        let batch = await joinLog.wait(after: p.after, timeout: p.wait)
        let done = joinResult
        return .json(ServicesProgress(events: batch.events, next: batch.next, result: batch.next >= (await joinLog.count) ? done : nil))
    }
}
