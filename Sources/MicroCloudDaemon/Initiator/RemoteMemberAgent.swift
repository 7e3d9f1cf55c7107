import Foundation
import MicroCloudKit
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
        let put: HTTPResponse
        do {
            put = try await daemon.send(.json("PUT", "/1.0/services", ServicesPut(services: services, members: [initiator, member])))
        } catch {
            throw BootstrapError("microcloudd on \(member.name) cannot be reached (\(error)); check that it runs there, then start over")
        }
        guard put.status == 202 || put.status == 200 else {
            throw BootstrapError("\(member.name) refused the join: \(errorText(put))")
        }
        var cursor = 0
        while true {
            try Task.checkCancellation()
            let r: HTTPResponse
            do {
                r = try await daemon.send(HTTPRequest(method: "GET", path: "/1.0/services/progress?after=\(cursor)&wait=10"))
            } catch {
                throw BootstrapError("Lost contact with \(member.name) while it joined: \(error)")
            }
            guard r.status == 200 else { throw BootstrapError("\(member.name): \(errorText(r))") }
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
