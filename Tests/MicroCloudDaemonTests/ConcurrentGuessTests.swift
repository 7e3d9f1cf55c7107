import Foundation
import Testing
import MicroCloudKit
import MicroCloudNet
@testable import MicroCloudDaemon

/// Issue 10, reproducer 1: wrong join intents sent all at once used to be verified one after another on the
/// daemon's actor (100 of 100, against a limit of 10) while `GET /1.0` stalled for seconds. Real daemon, real
/// mTLS on loopback, on a port of its own.
@Suite(.serialized)
struct ConcurrentGuessTests {
    static let port = 19_543
    static let guesses = 100

    @Test func hundredConcurrentWrongGuessesVerifyAtMostTheLimitAndLock() async throws {
        let cloud = try await TestCloud.start(1, port: Self.port)
        defer { Task { await cloud.stop() } }
        let passphrase = "alpha bravo charlie delta"
        _ = try await cloud.control(0).openSession(SessionOpen(role: .initiator, timeoutSeconds: 60, passphrase: passphrase))
        let attacker = try Identity.loadOrCreate(directory: cloud.dirs[0] + "-attacker", name: "attacker", addresses: ["127.0.0.9"])
        defer { try? FileManager.default.removeItem(atPath: cloud.dirs[0] + "-attacker") }
        let intent = JoinIntent(name: "attacker", address: "127.0.0.9", version: "0", certificate: attacker.certificatePEM, services: [:])
        let body = Array(try JSONEncoder().encode(intent))
        let wrong = try JoinSignature.sign(body: body, passphrase: "wrong guess")
        let credentials = attacker.credentials
        // One client each (a fresh connection per request), made before the burst so only requests are timed.
        let attackerClient = HTTPClient.tls(host: "127.0.0.2", port: Self.port, credentials: credentials, pin: .any, timeout: .seconds(30))
        let probeClient = HTTPClient.tls(host: "127.0.0.2", port: Self.port, credentials: nil, pin: .any, timeout: .seconds(30))
        let client: @Sendable () -> HTTPClient = { attackerClient }

        // Meanwhile, anyone's `GET /1.0` (a fresh TLS connection each time, like a discovering server's).
        let burstDone = Locked(false)
        let probe = Task { () -> [Duration] in
            var latencies: [Duration] = []
            let clock = ContinuousClock()
            while !burstDone.current {
                let start = clock.now
                if let r = try? await probeClient.send(HTTPRequest(method: "GET", path: "/1.0")), r.status == 200 {
                    latencies.append(clock.now - start)
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return latencies
        }
        let answers = await withTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<Self.guesses {
                group.addTask {
                    let r = try? await client().send(HTTPRequest(method: "POST", path: "/1.0/session/join",
                                                                 headers: ["Authorization": wrong], body: body))
                    return (r?.status ?? 0, r?.text ?? "no answer")
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        burstDone.set(true)
        let latencies = await probe.value.sorted()

        let verified = answers.filter { $0.1.contains("Wrong passphrase") }.count
        let refusedUnchecked = answers.filter { $0.0 == 429 || $0.1.contains("locked") || $0.1.contains("No active session") }.count
        print("concurrent guesses: \(verified) of \(Self.guesses) verified, \(refusedUnchecked) refused unchecked; "
              + "GET /1.0 during the burst: \(latencies.count) probes, median \(latencies.isEmpty ? "-" : "\(latencies[latencies.count / 2])"), "
              + "max \(latencies.last.map { "\($0)" } ?? "-"); slowest \(latencies.suffix(8))")
        #expect(verified <= TrustSession.maxFailures)
        let other = answers.filter { !$0.1.contains("passphrase") && !$0.1.contains("session") }
        #expect(verified + refusedUnchecked == Self.guesses, "other answers: \(other)")
        #expect(!latencies.isEmpty)
        // The verifier's work no longer holds the actor: before, every probe waited for up to 100 scrypt checks in
        // a row (seconds). The median, not the maximum, is asserted: on a loaded 2-core machine single requests
        // can wait for a CPU whatever the daemon does; docs/reliability.md records the maximum seen.
        #expect(latencies.isEmpty ? false : latencies[latencies.count / 2] < .milliseconds(100), "GET /1.0 latencies: \(latencies)")

        // Locked: the right passphrase is refused now, and the session says why, once.
        let good = try JoinSignature.sign(body: body, passphrase: passphrase)
        let r = try await client().send(HTTPRequest(method: "POST", path: "/1.0/session/join", headers: ["Authorization": good], body: body))
        #expect(r.status == 400 || r.status == 403)
        let session = try #require(await cloud.daemons[0].session)
        #expect(await session.endReason?.contains("locked after \(TrustSession.maxFailures)") == true)
        let events = await session.events.all
        #expect(events.filter { $0.kind == .failedAttempt }.count == verified)
        #expect(events.filter { $0.kind == .ended }.count == 1)
    }
}
