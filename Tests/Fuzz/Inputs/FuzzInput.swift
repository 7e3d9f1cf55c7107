// What each fuzz target does with one input, in one place: the libFuzzer targets (Tests/Fuzz/FuzzTargets) call these,
// and FuzzCorpusTests replays every seed in Tests/Fuzz/Corpus through them in scripts/test, so a seed that once
// crashed stays fixed without an instrumented build. Each runs the product's code through its @_spi(Fuzzing) seams.
import Foundation
@_spi(Fuzzing) import MicroCloudDaemon
import MicroCloudWire
import MicroCloudKit
import PreseedYAML
@_spi(Fuzzing) import MicroCloudNet
import NIOCore
import NIOEmbedded

/// How one input ended. A refusal is a fine answer to a hostile input; `broken` is a finding the product's code
/// did not trap on (a fuzz target traps on it so libFuzzer keeps the input).
public enum FuzzOutcome: Equatable, Sendable {
    case accepted(String)
    case refused(String)
    case broken(String)
}

public enum FuzzInput {
    /// A preseed file as `microcloud preseed` reads it (bytes → text → parse → validate), then as the initiator
    /// resolves it against three servers, and the plan written back as YAML and read again.
    public static func preseed(_ bytes: [UInt8]) -> FuzzOutcome {
        let yaml = String(decoding: bytes, as: UTF8.self)
        let preseed: Preseed
        do { preseed = try Preseed.parse(yaml).0 } catch { return .refused("\(error)") }
        let issues = preseed.validate()
        _ = preseed.role(localName: "micro01", localAddresses: ["10.0.0.11/24"])
        let (plan, _) = preseed.resolve(inventories: FuzzFixtures.servers, localName: preseed.initiator ?? "micro01")
        guard let plan else { return .refused("no plan (\(issues.count) issues)") }
        _ = plan.summaryText
        do { _ = try Preseed.parse(plan.preseedYAML(passphrase: preseed.sessionPassphrase)) } catch {
            return .broken("the plan's own YAML does not read back: \(error)")
        }
        return .accepted("a plan for \(plan.members.count) members")
    }

    /// What the daemon does with a `POST /1.0/session/join` before it touches its session: the Authorization header,
    /// the signature over the body, the intent in the body, its certificate against the TLS client's, its name and
    /// address, and (initiator) its services against ours. The input: the header's value on the first line ("-": no
    /// header; "sign": a valid signature over the body, as a joiner that knows the passphrase sends), the body after it.
    public static func joinIntent(_ input: [UInt8]) -> FuzzOutcome {
        let newline = input.firstIndex(of: 10) ?? input.endIndex
        let first = String(decoding: input[..<newline], as: UTF8.self)
        let body = newline < input.endIndex ? Array(input[(newline + 1)...]) : []
        var headers: [String: String] = [:]
        switch first {
        case "-": break
        case "sign": headers["Authorization"] = FuzzFixtures.key.sign(body: body)
        default: headers["Authorization"] = first
        }
        let request = HTTPRequest(method: "POST", path: "/1.0/session/join", headers: headers, body: body)
        let header: String
        switch JoinIntentRequest.authorization(request) {
        case .success(let value): header = value
        case .failure(let refusal): return .refused(refusal.message)
        }
        let verdict = JoinSignature.verify(header: header, body: request.body, key: FuzzFixtures.key)
        guard verdict == .valid else { return .refused("signature: \(verdict)") }
        switch JoinIntentRequest.intent(request, peerFingerprint: FuzzFixtures.clientFingerprint,
                                        peerAddress: FuzzFixtures.peerAddress) {
        case .failure(let refusal): return .refused(refusal.message)
        case .success(let proven):
            if let refusal = JoinIntentRequest.serviceRefusal(proven.intent, mine: FuzzFixtures.initiatorServices) {
                return .refused(refusal.message)
            }
            return .accepted("intent from \(proven.intent.name)")
        }
    }

    /// The bytes of a peer API connection through the server's own pipeline (admission, NIO's HTTP/1.1 parser, the
    /// error handler, the daemon's body limits by route and the shared body budget) to a handler that reads what
    /// every route reads first (route, query, headers). TLS is left out: this is what runs behind it. `server` is
    /// one for many inputs, as the daemon has: budget leaked by one connection would show in later ones.
    @_spi(Fuzzing) public static func peerRequest(_ bytes: [UInt8], on server: HTTPServerPipeline) async -> FuzzOutcome {
        let channel = NIOAsyncTestingChannel()
        channel.remoteAddress = FuzzFixtures.peer
        var answer: [UInt8] = []
        do {
            try await channel.testingEventLoop.executeInContext { try server.install(on: channel) }
            try await channel.connect(to: FuzzFixtures.peer).get()
            _ = try? await channel.writeInbound(ByteBuffer(bytes: bytes))
            // Handlers run in tasks and answer on the loop; an answer lets the next pipelined request through.
            repeat {
                while server.runningTasks > 0 { await Task.yield() }
                await channel.testingEventLoop.run()
            } while server.runningTasks > 0
            while let out = try? await channel.readOutbound(as: IOData.self) {
                if case .byteBuffer(let buffer) = out { answer += Array(buffer.readableBytesView) }
            }
            _ = try? await channel.finish(acceptAlreadyClosed: true)
        } catch {
            return .broken("the server's pipeline could not take a connection: \(error)")
        }
        guard server.bufferedBodyBytes == 0 else {
            return .broken("\(server.bufferedBodyBytes) body bytes still held from the shared budget after the connection closed")
        }
        let status = String(decoding: answer.prefix(12), as: UTF8.self)
        return status.hasPrefix("HTTP/1.1 200") ? .accepted(status) : .refused(status.isEmpty ? "no answer" : status)
    }

    /// The peer server the peer-request target feeds: the daemon's limits, a handler that reads what routes read.
    @_spi(Fuzzing) public static func peerServer() -> HTTPServerPipeline {
        HTTPServerPipeline(limits: Daemon.peerLimits(KnownPeers())) { request, _ in
            let summary = "\(request.method) \(request.route) \(request.query.count) \(request.headers.count) \(request.body.count)"
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array(summary.utf8))
        }
    }
}
