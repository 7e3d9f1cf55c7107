import Foundation
import Testing

extension LabSuite {
    /// Issue 10, reproducer 1: wrong join intents sent all at once used to be verified one after another on the
    /// daemon's actor (100 of 100, against a limit of 10) while `GET /1.0` stalled for seconds. The real
    /// `microcloudd` on a loopback address; the attacker (another process, from 127.0.0.51) signs its intents the
    /// way `JoinSignature` does (scrypt N=2^14 r=8 p=2 with the session's public salt, HMAC-SHA256 over the body)
    /// and a third address probes `GET /1.0` throughout.
    @Suite(.serialized)
    struct ConcurrentGuessTests {
        static let port = 19_543
        static let address = "127.0.0.50"
        static let guesses = 100
        static let passphrase = "alpha bravo charlie delta"

        struct Outcome: Decodable {
            var answers: [Answer]
            var latencies: [Double]
            var afterLock: Answer
            struct Answer: Decodable { var status: Int; var text: String }
        }

        struct Events: Decodable {
            var events: [Event]
            struct Event: Decodable { var kind: String; var message: String? }
        }

        @Test func hundredConcurrentWrongGuessesVerifyAtMostTenThenLock() throws {
            let daemon = try TestDaemon(address: Self.address, port: Self.port, fdLimit: 1024)
            defer { daemon.stop() }
            _ = try daemon.control("POST", "/1.0/session",
                                   json: #"{"role":"initiator","timeout_seconds":120,"passphrase":"\#(Self.passphrase)"}"#)
            let script = Command.temporaryFile("guesses.py"), out = Command.temporaryFile("guesses.json")
            try Self.attacker.write(to: script, atomically: true, encoding: .utf8)
            defer { [script, out].forEach { try? FileManager.default.removeItem(at: $0) } }
            let run = try Command.run(["timeout", "-s", "KILL", "180", "python3", script.path, Self.address, "\(Self.port)",
                                       "\(Self.guesses)", Self.passphrase, out.path])
            try #require(run.succeeded, "\(run.failureDescription)")
            let outcome = try JSONDecoder().decode(Outcome.self, from: Data(contentsOf: out))

            let verified = outcome.answers.filter { $0.text.contains("Wrong passphrase") }.count
            let unchecked = outcome.answers.filter { $0.status == 429 || $0.text.contains("locked") || $0.text.contains("No active session") }
            let latencies = outcome.latencies.sorted()
            let median = latencies.isEmpty ? 99 : latencies[latencies.count / 2]
            print("concurrent guesses: \(verified) of \(Self.guesses) verified, \(unchecked.count) refused unchecked; "
                  + "GET /1.0 meanwhile: \(latencies.count) probes, median \(String(format: "%.3f", median)) s, "
                  + "max \(String(format: "%.3f", latencies.last ?? 99)) s")
            #expect(verified <= 10)
            #expect(verified + unchecked.count == Self.guesses, "\(outcome.answers.map { "\($0.status) \($0.text)" })")
            #expect(!latencies.isEmpty)
            // Before, every probe queued behind up to 100 scrypt checks on the actor (seconds). Each probe here is a
            // fresh TCP+TLS connection competing with the burst's 100 handshakes on a debug build; on the loaded
            // 2-core test machine its median is 0.07-0.10 s, so the bound asserted is what separates the two, and
            // docs/reliability.md records the figures.
            #expect(median < 0.5, "GET /1.0 latencies: \(latencies)")
            // Locked: the right passphrase is refused afterwards.
            #expect(outcome.afterLock.status == 400 && outcome.afterLock.text.contains("No active session"),
                    "\(outcome.afterLock)")
            // The lock is reported once; each verified failure once.
            let events = try JSONDecoder().decode(Events.self, from: Data(daemon.control("GET", "/1.0/session/events?after=0&wait=0").utf8)).events
            #expect(events.filter { $0.kind == "failed_attempt" }.count == verified)
            let ended = events.filter { $0.kind == "ended" }
            #expect(ended.count == 1 && ended.first?.message?.contains("locked after 10") == true, "\(ended)")
            #expect(daemon.isRunning)
        }

        /// Sends `count` wrong join intents at once from 127.0.0.51 (each its own TLS connection), probes GET /1.0
        /// from 127.0.0.52 every 20 ms meanwhile, then tries the right passphrase once; writes JSON to `out`.
        static let attacker = #"""
        import hashlib, hmac, json, os, socket, ssl, sys, threading, time
        host, port, count, passphrase, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        body = json.dumps({"name": "attacker", "address": "127.0.0.51", "version": "0", "certificate": "x",
                           "services": {}}).encode()

        def sign(secret):
            key = hashlib.scrypt(secret.encode(), salt=salt, n=1 << 14, r=8, p=2, maxmem=64 << 20, dklen=32)
            return "MicroCloud-1.0 %s:%s" % (salt.hex(), hmac.new(key, body, hashlib.sha256).hexdigest())

        def request(source, method, path, headers={}, data=b""):
            raw = socket.create_connection((host, port), timeout=60, source_address=(source, 0))
            s = ctx.wrap_socket(raw)
            head = "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n" % (method, path, len(data))
            head += "".join("%s: %s\r\n" % kv for kv in headers.items())
            s.sendall(head.encode() + b"\r\n" + data)
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                reply += chunk
            s.close()
            status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
            return {"status": status, "text": reply.split(b"\r\n\r\n", 1)[-1].decode(errors="replace")}

        # The session's salt, as its mDNS record and GET /1.0/session/salt give it to anyone: guesses checked by HMAC.
        salt = bytes.fromhex(json.loads(request("127.0.0.51", "GET", "/1.0/session/salt")["text"])["salt"])
        wrong = sign("wrong guess")
        join = {"Authorization": wrong, "Content-Type": "application/json"}
        answers, latencies, done = [], [], threading.Event()
        start = threading.Barrier(count + 1)

        # The daemon takes at most 64 connections from one host and resets the rest: the attacker sends such a
        # guess again (as a real one would) until it gets an answer, so every guess of the burst is answered.
        def guess():
            start.wait()
            answer = {"status": 0, "text": "no answer"}
            for _ in range(400):
                try: answer = request("127.0.0.51", "POST", "/1.0/session/join", join, body)
                except Exception as e: answer = {"status": 0, "text": "no answer: %s" % e}
                if answer["status"] != 0: break
                time.sleep(0.05)
            answers.append(answer)

        def probe():
            start.wait()
            while not done.is_set():
                t = time.monotonic()
                try:
                    if request("127.0.0.52", "GET", "/1.0")["status"] == 200: latencies.append(time.monotonic() - t)
                except Exception: pass
                time.sleep(0.02)

        threads = [threading.Thread(target=guess) for _ in range(count)]
        prober = threading.Thread(target=probe)
        for t in threads + [prober]: t.start()
        for t in threads: t.join()
        done.set(); prober.join()
        after = request("127.0.0.51", "POST", "/1.0/session/join",
                        {"Authorization": sign(passphrase), "Content-Type": "application/json"}, body)
        json.dump({"answers": answers, "latencies": latencies, "afterLock": after}, open(out, "w"))
        """#
    }
}
