import Foundation
import Testing

/// Issue 20, "the announced salt is trusted": a record with the real initiator's name, address and fingerprint but a
/// foreign salt made a joiner with the right passphrase fail, each try counted toward the lockout. The salt now comes
/// from the initiator over the pinned connection only, so such a record changes nothing.
extension LabSuite.FakeInitiator {
    @Test("a record with the real initiator's name, address and fingerprint and a foreign salt: the joiner with the right passphrase is proven at the first try")
    func aForeignSaltInARecordChangesNothing() throws {
        try #require(MicroCloudCLI.built, "build first: swift build")
        try Lab.with(servers: 3) { servers in
            let (initiator, joiner, forger) = (servers[0], servers[1], servers[2])
            let passphrase = "lab foreign salt words"
            _ = try Self.control(initiator, "POST", "/1.0/session",
                                 json: #"{"role":"initiator","timeout_seconds":120,"passphrase":"\#(passphrase)"}"#)
            let seen = try Lab.exec(2, "env", "MICROCLOUD_STATE_DIR=\(joiner.stateDir)", MicroCloudCLI.path,
                                    "discover", "--timeout", "3", "--format", "json")
            let rows = try JSONDecoder().decode([LabSuite.Discovery.Row].self, from: Data(seen.stdout.utf8))
            let real = try #require(rows.first { $0.name == initiator.name && $0.state == "session" }, "micro01's session: \(seen.stdout)")

            // micro03 announces micro01 (its address, its fingerprint, a newer sequence) with a salt of its own.
            let record = try Background([Lab.script, "exec", "3", "avahi-publish", "-s", "forged-\(initiator.name)",
                                         "_microcloud._tcp", "9443", "txtvers=1", "name=\(initiator.name)",
                                         "address=\(initiator.address)", "fingerprint=\(real.fingerprint.prefix(12))",
                                         "version=\(real.version)", "state=session", "seq=999999",
                                         "salt=" + String(repeating: "5a", count: 16)], tag: "forged-mdns")
            defer { record.stop() }
            _ = forger
            Thread.sleep(forTimeInterval: 2)

            _ = try Self.control(joiner, "POST", "/1.0/session",
                                 json: #"{"role":"joiner","timeout_seconds":120,"passphrase":"\#(passphrase)","lookup_timeout_seconds":30}"#)
            let intent = try Self.waitEvent(initiator, "intent")
            #expect(intent["name"] as? String == joiner.name, "\(intent)")
            let fingerprint = try #require(intent["fingerprint"] as? String, "\(intent)")
            _ = try Self.control(initiator, "POST", "/1.0/session/confirm", json: #"{"fingerprints":["\#(fingerprint)"]}"#)
            let confirmed = try Self.waitEvent(joiner, "confirmed")
            #expect(confirmed["name"] as? String == initiator.name, "\(confirmed)")
            let events = try Self.control(initiator, "GET", "/1.0/session/events?after=0&wait=0")
            print("initiator's session events: \(events)")
            #expect(!events.contains("failed_attempt") && !events.contains("wrong passphrase"), "no attempt was counted: \(events)")
            _ = try? Self.control(initiator, "DELETE", "/1.0/session")
        }
    }

    /// A request on a lab server's control socket (a path on the shared filesystem, reachable from here).
    static func control(_ server: LabServer, _ method: String, _ path: String, json: String? = nil) throws -> String {
        var arguments = ["curl", "-s", "-m", "10", "--unix-socket", server.stateDir + "/control.socket", "-X", method]
        if let json { arguments += ["-H", "Content-Type: application/json", "-d", json] }
        return try Command.check(arguments + ["http://microcloud\(path)"]).stdout
    }

    /// The next event of `kind` on a lab server's session, long-polled for up to 60 s.
    static func waitEvent(_ server: LabServer, _ kind: String) throws -> [String: Any] {
        try SessionEvents.wait(kind) { try control(server, "GET", $0) }
    }
}
