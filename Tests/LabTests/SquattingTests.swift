import Foundation
import Testing

extension LabSuite.PeerBudgetTests {
    /// Issue 20: two certificate-less connections declaring 8 MiB bodies on a trusted route used to reserve the
    /// shared 16 MiB body budget before the caller was checked, so every request with a body got 503 and a real
    /// join failed at once. Now 50 such connections, renewed as they are refused, hold nothing: a joiner on
    /// another address proves the passphrase, the initiator confirms it, and the joiner is told.
    @Test func aJoinSucceedsWhileStrangersDeclareLargeBodies() throws {
        let initiator = try TestDaemon(address: Self.daemonAddress, port: Self.port, fdLimit: 1024)
        defer { initiator.stop() }
        let joiner = try TestDaemon(address: "127.0.0.44", port: Self.port, fdLimit: 1024, name: "micro02")
        defer { joiner.stop() }
        let script = Command.temporaryFile("squat.py")
        try Self.squatScript.write(to: script, atomically: true, encoding: .utf8)
        let done = Command.temporaryFile("squat.done")
        defer { try? FileManager.default.removeItem(at: script); try? FileManager.default.removeItem(at: done) }
        let squatters = try Background(["python3", script.path, "127.0.0.43", Self.daemonAddress, "\(Self.port)", "50", "25",
                                        done.path], tag: "squat")
        defer { squatters.stop() }
        Thread.sleep(forTimeInterval: 2)   // the 50 are connected and renewing before the session opens

        let passphrase = "alpha bravo charlie delta"
        _ = try initiator.control("POST", "/1.0/session",
                                  json: #"{"role":"initiator","timeout_seconds":120,"passphrase":"\#(passphrase)"}"#)
        _ = try joiner.control("POST", "/1.0/session", json: #"{"role":"joiner","timeout_seconds":120,"passphrase":"\#(passphrase)","#
                               + #""initiator_address":"\#(Self.daemonAddress)","lookup_timeout_seconds":30}"#)
        let intent = try Self.waitEvent(initiator, "intent")
        let fingerprint = try #require(intent["fingerprint"] as? String, "\(intent)")
        #expect(intent["name"] as? String == "micro02")
        _ = try initiator.control("POST", "/1.0/session/confirm", json: #"{"fingerprints":["\#(fingerprint)"]}"#)
        let confirmed = try Self.waitEvent(joiner, "confirmed")
        #expect(confirmed["name"] as? String == "micro01", "\(confirmed)")

        // The squatters renew for 25 s in all (the join above takes a few), then report.
        let deadline = Date().addingTimeInterval(40)
        while !FileManager.default.fileExists(atPath: done.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.5) }
        let report = Command.read(done).trimmingCharacters(in: .whitespacesAndNewlines)
        print("squatting: \(report)")
        #expect(report.contains(" 0 held"), "\(report)")
        #expect(initiator.isRunning && joiner.isRunning)
    }

    /// The next event of `kind` on a daemon's control socket, long-polled for up to 60 s.
    static func waitEvent(_ daemon: TestDaemon, _ kind: String) throws -> [String: Any] {
        try SessionEvents.wait(kind) { try daemon.control("GET", $0) }
    }

    /// `count` TLS connections from `source` without a certificate, each declaring an 8 MiB body on
    /// `PUT /1.0/services` and then trickling it; one refused or closed is opened again, for `seconds`. Writes
    /// how many were opened, refused with 413 and still held (unanswered) at the end to `done`.
    static let squatScript = """
    import socket, ssl, sys, time, select
    source, host, port, count, seconds, done = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    head = b"PUT /1.0/services HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % (8 << 20)
    opened = refused = 0; live = []
    def connect():
        global opened
        try:
            s = ctx.wrap_socket(socket.create_connection((host, port), timeout=5, source_address=(source, 0)))
            s.sendall(head + b"x" * 4096); opened += 1; live.append(s)
        except Exception:
            pass
    end = time.time() + seconds
    while time.time() < end:
        while len(live) < count and time.time() < end: connect()
        ready, _, _ = select.select(live, [], [], 0.2)
        for s in ready:
            try: answer = s.recv(256)
            except Exception: answer = b""
            if answer.startswith(b"HTTP/1.1 413"): refused += 1
            live.remove(s); s.close()
        for s in list(live):
            try: s.send(b"x" * 1024)
            except Exception: live.remove(s); s.close()
    time.sleep(0.5)
    held = sum(1 for s in live if not select.select([s], [], [], 0)[0])
    open(done, "w").write("%d opened, %d refused with 413, %d held\\n" % (opened, refused, held))
    """
}
