import Foundation
import Logging
import MicroCloudKit
import MicroCloudNet
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// Two or more real daemons on loopback (127.0.0.x share one port), each with its own state dir and no mDNS.
struct TestCloud {
    static let port = 19443
    let daemons: [Daemon]
    let dirs: [String]

    static func start(_ count: Int, wordlist: String? = nil) async throws -> TestCloud {
        setenv("MICROCLOUD_WORDLIST", wordlistPath(), 1)
        var daemons: [Daemon] = []
        var dirs: [String] = []
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mcd-\(UUID().uuidString.prefix(8))").path
        for i in 1...count {
            var config = DaemonConfig(name: "micro0\(i)")
            config.stateDir = "\(base)/s\(i)"
            config.address = "127.0.0.\(i + 1)"
            config.port = port
            config.lxdSocket = "\(base)/no-lxd.socket"
            config.microcephSocket = "\(base)/s\(i)-microceph.socket"
            config.microovnSocket = "\(base)/s\(i)-microovn.socket"
            config.announce = false
            // The previous test's cloud stops in a task of its own (its `defer`), so its port may still be taken
            // for a moment, longer on a loaded machine: wait for it rather than fail.
            var attempt = 0
            var d = try Daemon(config: config, logger: Logger(label: "test-\(i)"))
            while true {
                do { try await d.start(); break } catch where "\(error)".contains("address already in use") && attempt < 100 {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(100))
                    d = try Daemon(config: config, logger: Logger(label: "test-\(i)"))
                }
            }
            daemons.append(d)
            dirs.append(config.stateDir)
        }
        return TestCloud(daemons: daemons, dirs: dirs)
    }

    func stop() async {
        for d in daemons { await d.stop() }
        if let base = dirs.first.map({ URL(fileURLWithPath: $0).deletingLastPathComponent().path }) {
            try? FileManager.default.removeItem(atPath: base)
        }
    }

    /// Where daemon i looks for MicroCeph's control socket (absent until a test serves one there).
    func microcephSocket(_ i: Int) -> String { daemons[i].config.microcephSocket }

    func control(_ i: Int) -> ControlClient { ControlClient(stateDir: dirs[i]) }

    /// Waits for the next session event of a kind on daemon i (long-polling like the CLI does).
    func waitEvent(_ i: Int, _ kind: SessionEvent.Kind, timeout: Int = 20) async throws -> SessionEvent {
        var cursor = 0
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            let batch = try await control(i).events(after: cursor, wait: 2)
            cursor = batch.next
            if let e = batch.events.first(where: { $0.kind == kind }) { return e }
        }
        throw DaemonError("no \(kind) event on daemon \(i) within \(timeout)s")
    }

    static func wordlistPath() -> String {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 { dir = dir.deletingLastPathComponent(); let p = dir.appendingPathComponent("assets/wordlist").path
            if FileManager.default.fileExists(atPath: p) { return p } }
        return "assets/wordlist"
    }
}
