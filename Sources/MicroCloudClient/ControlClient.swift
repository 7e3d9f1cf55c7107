import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// The local CLI's view of its daemon, over the control socket.
public struct ControlClient: Sendable {
    public let transport: any HTTPTransport
    public let stateDir: String

    public init(stateDir: String) {
        self.stateDir = stateDir
        self.transport = HTTPClient.unix(path: stateDir + "/control.socket", timeout: .seconds(60))
    }

    /// `recentServices`: services as the daemon last saw them within 10 s (no LXD round trip when it did), for a
    /// caller that wants the name and address on its way to a session; otherwise asked now.
    public func info(recentServices: Bool = false) async throws -> ServerInfo {
        try await call(HTTPRequest(method: "GET", path: recentServices ? "/1.0?services=recent" : "/1.0"), as: ServerInfo.self)
    }

    /// Opens a session owned by this process: the daemon ends it when this process ends, however it ends.
    public func openSession(_ open: SessionOpen) async throws -> SessionOpened {
        var owned = open
        owned.owner_pid = owned.owner_pid ?? getpid()
        return try await call(try .json("POST", "/1.0/session", owned), as: SessionOpened.self)
    }

    public func sessionStatus() async throws -> SessionStatus {
        try await call(HTTPRequest(method: "GET", path: "/1.0/session"), as: SessionStatus.self)
    }

    public func events(after: Int, wait: Int = 5) async throws -> EventBatch<SessionEvent> {
        try await call(HTTPRequest(method: "GET", path: "/1.0/session/events?after=\(after)&wait=\(wait)"), as: EventBatch<SessionEvent>.self)
    }

    /// The session's events as they happen, ending after the session's end (`.ended`, or a joiner's `.joined`).
    /// The one polling policy: a failed poll is retried each second; once polls have failed for `lostAfter`, the
    /// sequence throws (the daemon is gone). Cancel the consuming task to stop following.
    public func sessionEvents(lostAfter: Duration = .seconds(30)) -> AsyncThrowingStream<SessionEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var cursor = 0
                var failingSince: ContinuousClock.Instant?
                while !Task.isCancelled {
                    let batch: EventBatch<SessionEvent>
                    do {
                        batch = try await events(after: cursor, wait: 10)
                        failingSince = nil
                    } catch {
                        let since = failingSince ?? .now
                        failingSince = since
                        if ContinuousClock.now - since >= lostAfter {
                            continuation.finish(throwing: DaemonError("Lost contact with microcloudd: \(error)"))
                            return
                        }
                        try? await Task.sleep(for: .seconds(1))
                        continue
                    }
                    cursor = batch.next
                    for e in batch.events {
                        continuation.yield(e)
                        if e.kind == .ended || e.kind == .joined {
                            continuation.finish()
                            return
                        }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func confirm(_ fingerprints: [String]) async throws {
        _ = try await call(try .json("POST", "/1.0/session/confirm", SessionConfirm(fingerprints: fingerprints)), as: [String: Bool].self)
    }

    public func abort(reason: String) async throws {
        _ = try await call(try .json("DELETE", "/1.0/session", SessionStop(reason: reason)), as: [String: Bool].self)
    }

    public func members() async throws -> [Peer] {
        try await call(HTTPRequest(method: "GET", path: "/1.0/members"), as: [Peer].self)
    }

    public func recordMembers(_ members: [Peer]) async throws {
        _ = try await call(try .json("PUT", "/1.0/members", members), as: [Peer].self)
    }

    /// This server's identity, for mTLS to peers (the CLI runs as root beside its daemon).
    public func identity() throws -> Identity {
        try Identity.load(directory: stateDir)
    }

    func call<T: Decodable>(_ request: HTTPRequest, as: T.Type) async throws -> T {
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw DaemonError("Cannot reach microcloudd at \(stateDir)/control.socket (\(error)); is the daemon running?")
        }
        guard (200..<300).contains(response.status) else { throw DaemonError(errorText(response)) }
        return try response.decode(T.self)
    }
}

extension Identity {
    /// The daemon's existing identity (never creates one: that is the daemon's job on its first start).
    public static func load(directory: String) throws -> Identity {
        let fm = FileManager.default
        guard let cert = fm.contents(atPath: directory + "/" + certificateFile),
              let key = fm.contents(atPath: directory + "/" + keyFile) else {
            throw DaemonError("No identity in \(directory) (is microcloudd running with --state-dir \(directory), and are you root?)")
        }
        return try Identity(certificatePEM: String(decoding: cert, as: UTF8.self), privateKeyPEM: String(decoding: key, as: UTF8.self))
    }
}
