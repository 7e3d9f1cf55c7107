import Foundation
import MicroCloudKit
import MicroCloudNet

/// A joiner's side of the bootstrap: the initiator hands over join tokens, this daemon joins its own services
/// and keeps a log of progress events the initiator (and the local `microcloud join`) follow.
extension Daemon {
    func startJoin(_ put: ServicesPut) async throws -> HTTPResponse {
        if let running = joinTask, joinResult == nil, !running.isCancelled {
            return .error(409, "A join is already running on \(name)")
        }
        let log = EventLog<ProgressEvent>()
        joinLog = log
        joinResult = nil
        let name = self.name
        let agent = LocalLXDJoiner(name: name, address: address, lxd: LXDClient(transport: lxd, name: "LXD on \(name)"),
                                   fetchCertificate: { hostPort in
            let (host, port) = splitHostPort(hostPort, defaultPort: 8443)
            return try await TLSProbe.serverCertificate(host: host, port: port, credentials: nil)
        })
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
            var result = ""
            do {
                let lxdJoins = put.services.filter { $0.service == .lxd }
                if !lxdJoins.isEmpty { try await agent.join(services: lxdJoins, progress: { sink.yield($0) }) }
                try self.recordMembers(put.members)
            } catch {
                result = "\(error)"
            }
            sink.finish()
            await pump.value
            await self.finishJoin(result: result, session: session)
        }
        return HTTPResponse.json(["started": true], status: 202)
    }

    private func finishJoin(result: String, session: TrustSession?) async {
        joinResult = result
        await joinLog.close()
        if result.isEmpty {
            log.notice("joined", metadata: ["members": "\(members.count)"])
            await session?.note(SessionEvent(kind: .joined, message: "Successfully joined the MicroCloud cluster"))
            await session?.end("Joined")
        } else {
            log.error("join failed: \(result)")
            await session?.end("Joining failed: \(result)")
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

/// "10.0.0.1:8443" / "[fd00::1]:8443" / "10.0.0.1" → host and port.
func splitHostPort(_ text: String, defaultPort: Int) -> (String, Int) {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
        let host = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? defaultPort : defaultPort)
    }
    let parts = text.split(separator: ":")
    if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
    return (text, defaultPort)
}
