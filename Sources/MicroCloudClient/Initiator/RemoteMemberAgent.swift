import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// Joins a peer by handing its daemon the tokens (`PUT /1.0/services`) and relaying the progress it reports.
public struct RemoteMemberAgent: MemberAgent {
    public let member: Peer
    public let daemon: any HTTPTransport
    /// The initiator: with the member itself, what the member records as the membership when it joins.
    public let initiator: Peer

    public init(member: Peer, daemon: any HTTPTransport, initiator: Peer) {
        self.member = member
        self.daemon = daemon
        self.initiator = initiator
    }

    public func join(services: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws {
        let name = member.name
        // Through a link fault (the member's cable out for a while) both calls are tried again, for a bounded time,
        // also when the connection broke under them: the progress poll is a read from a cursor, and the member
        // answers the same PUT again by following the join it already started (`startJoin`), never a second one.
        let waiting = { (reason: String, left: Duration) in
            progress(ServicesJoiner.event(name, "Lost contact with \(name) (\(reason)); trying again for up to \(left.secondsText)"))
        }
        let put: HTTPResponse
        do {
            let request = try HTTPRequest.json("PUT", "/1.0/services", ServicesPut(services: services, members: [initiator, member]))
            put = try await LinkFault.retrying(if: LinkFault.isTransientOrBroken, waiting: waiting) { try await daemon.send(request) }
        } catch {
            throw BootstrapError("microcloudd on \(name) cannot be reached (\(error)); check that it runs there, then start over")
        }
        guard put.status == 202 || put.status == 200 else {
            throw BootstrapError("\(name) refused the join: \(errorText(put))")
        }
        var cursor = 0
        while true {
            try Task.checkCancellation()
            let r: HTTPResponse
            do {
                let poll = HTTPRequest(method: "GET", path: "/1.0/services/progress?after=\(cursor)&wait=10")
                r = try await LinkFault.retrying(if: LinkFault.isTransientOrBroken, waiting: waiting) { try await daemon.send(poll) }
            } catch {
                throw BootstrapError("Lost contact with \(name) while it joined: \(error)")
            }
            guard r.status == 200 else { throw BootstrapError("\(name): \(errorText(r))") }
            let batch = try r.decode(ServicesProgress.self)
            batch.events.forEach(progress)
            cursor = batch.next
            switch batch.result {
            case nil: continue
            case .joined: return
            case .failed(let reason): throw BootstrapError(reason)
            }
        }
    }

}
