import Foundation
import Testing

/// Issue 10, break 2: another host announces `_microcloud._tcp` as the initiator (its name, `state=session`, the real
/// initiator's short fingerprint) but holds only its own certificate. The joiner must refuse it, naming both
/// fingerprints, before its signed intent (an offline guessing oracle for the passphrase) leaves.
extension LabSuite {
    @Suite struct FakeInitiator {
        /// A TLS server with its own key on :9443 that records what each connection sends (at most 120 s).
        static let fakeServer = """
            import socket, ssl, sys
            crt, key, addr, log = sys.argv[1:5]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(crt, key)
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, 9443)); s.listen(16); s.settimeout(120)
            out = open(log, "ab", 0)
            while True:
                c, _ = s.accept()
                try:
                    t = ctx.wrap_socket(c, server_side=True); t.settimeout(5)
                    out.write(b"handshake\\n")
                    data = t.recv(65536)
                    out.write(data + b"\\n")
                except Exception as e:
                    out.write(("error %r\\n" % e).encode())
                finally:
                    c.close()
            """

        @Test("a host posing as the initiator with the real short fingerprint but its own certificate: the joiner refuses it, naming both fingerprints, and sends it nothing")
        func joinerRefusesAFakeInitiator() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let (initiator, joiner, fake) = (servers[0], servers[1], servers[2])
                // What micro01 really announces (no session open on it: the only `state=session` record is the fake's).
                let seen = try Lab.exec(2, "env", "MICROCLOUD_STATE_DIR=\(joiner.stateDir)", MicroCloudCLI.path,
                                        "discover", "--timeout", "3", "--format", "json")
                let rows = try JSONDecoder().decode([LabSuite.Discovery.Row].self, from: Data(seen.stdout.utf8))
                let real = try #require(rows.first { $0.name == initiator.name }, "micro01 is announced: \(seen.stdout)")

                // micro03 becomes the fake: its daemon stops, a TLS server with its own key takes :9443.
                try Lab.run("stop-daemon", "3")
                let dir = fake.directory + "/fake-initiator"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try Command.check(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                   "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-subj", "/CN=\(initiator.name)", "-days", "1"])
                let fakeFingerprint = try LabSuite.Discovery().opensslFingerprint(path: dir + "/cert.pem")
                try Self.fakeServer.write(toFile: dir + "/server.py", atomically: true, encoding: .utf8)
                let received = dir + "/received.log"
                let server = try Background([Lab.script, "exec", "3", "python3", dir + "/server.py", dir + "/cert.pem",
                                             dir + "/key.pem", fake.address, received], tag: "fake-tls")
                defer { server.stop() }
                let record = try Background([Lab.script, "exec", "3", "avahi-publish", "-s", "posing-as-\(initiator.name)",
                                             "_microcloud._tcp", "9443", "txtvers=1", "name=\(initiator.name)",
                                             "address=\(fake.address)", "fingerprint=\(real.fingerprint.prefix(12))",
                                             "version=\(real.version)", "state=session"], tag: "fake-mdns")
                defer { record.stop() }

                let passphrase = Command.temporaryFile("passphrase")
                try "lab fake initiator words".write(to: passphrase, atomically: true, encoding: .utf8)
                let join = try Background([Lab.script, "exec", "2", "env", "MICROCLOUD_STATE_DIR=\(joiner.stateDir)",
                                           MicroCloudCLI.path, "join", "--passphrase-file", passphrase.path,
                                           "--lookup-timeout", "30"], tag: "join")
                defer { join.stop() }
                let status = join.wait(timeout: 45)
                let output = join.output
                print("--- joiner\n\(output)--- the fake received\n\(Command.read(URL(fileURLWithPath: received)))")
                #expect(status != nil && status != 0, "the joiner ends, refusing (status \(String(describing: status)))")
                #expect(output.contains(String(real.fingerprint.prefix(12))) && output.contains(String(fakeFingerprint.prefix(12))),
                        "both fingerprints are shown:\n\(output)")
                #expect(output.contains("posing as the initiator") && output.contains(fake.address), "it says why and where:\n\(output)")
                #expect(!output.contains("Found system"), "the fake is not reported as the initiator:\n\(output)")
                let log = Command.read(URL(fileURLWithPath: received))
                #expect(log.contains("handshake"), "the joiner did look at the fake's certificate:\n\(log)")
                #expect(!log.contains("POST") && !log.contains("Authorization"), "no intent reached the fake:\n\(log)")
            }
        }
    }
}
