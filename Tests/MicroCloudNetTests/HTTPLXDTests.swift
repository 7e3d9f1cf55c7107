import Foundation
import MicroCloudKit
import NIOCore
import NIOPosix
import Testing
@testable import MicroCloudNet

/// Talks to a real, throwaway LXD daemon (Debian's `lxd`): its unix socket speaks Go's net/http (chunked answers,
/// `Connection: close`), and its HTTPS listener presents an LXD-style certificate that only fingerprint pinning accepts.
@Suite("HTTP against a real LXD")
struct HTTPLXDTests {
    static let lxd = "/usr/bin/lxd"
    static var canRunLXD: Bool { FileManager.default.isExecutableFile(atPath: lxd) && getuid() == 0 }

    struct ServerInfo: Decodable {
        struct Metadata: Decodable {
            struct Environment: Decodable { var certificate_fingerprint: String? }
            var api_version: String
            var auth: String
            var environment: Environment?
        }
        var metadata: Metadata
    }

    @Test(.enabled(if: canRunLXD, "needs /usr/bin/lxd and root to start a throwaway daemon"))
    func unixSocketAndPinnedHTTPSAgainstLXD() async throws {
        let daemon = try await Subprocess.offThePool { try ThrowawayLXD.start() }
        defer { daemon.stop() }

        let local = HTTPClient.unix(path: daemon.dir + "/unix.socket", timeout: .seconds(30))
        let info = try await local.send(HTTPRequest(method: "GET", path: "/1.0"))
        #expect(info.status == 200)
        #expect(info.text.contains(#""api_version""#))
        let metadata = try info.decode(ServerInfo.self).metadata
        #expect(metadata.api_version == "1.0")
        #expect(metadata.auth == "trusted")
        let lxdFingerprint = try #require(metadata.environment?.certificate_fingerprint)

        // Errors come back as LXD's envelope with the status intact.
        let missing = try await local.send(HTTPRequest(method: "GET", path: "/1.0/instances/nope"))
        #expect(missing.status == 404)
        #expect(missing.text.contains(#""type":"error""#))

        // Open LXD's HTTPS listener on loopback only, then reach it pinned to its fingerprint.
        let port = try await freeLoopbackPort()
        let patch = try await local.send(try .json("PATCH", "/1.0", ["config": ["core.https_address": "127.0.0.1:\(port)"]]))
        #expect(patch.status == 200, "\(patch.text)")

        let probe = try await TLSProbe.serverCertificate(host: "127.0.0.1", port: port, credentials: nil)
        #expect(probe.fingerprint == lxdFingerprint)

        let dir = try TempDir()
        defer { dir.remove() }
        let clientCert = try TestCertificate.make(in: dir, name: "client")
        let remote = HTTPClient.tls(host: "127.0.0.1", port: port, credentials: clientCert.credentials,
                                    pin: .fingerprint(lxdFingerprint), timeout: .seconds(30))
        let remoteInfo = try await remote.send(HTTPRequest(method: "GET", path: "/1.0"))
        #expect(remoteInfo.status == 200)
        #expect(try remoteInfo.decode(ServerInfo.self).metadata.auth == "untrusted")

        let wrongPin = HTTPClient.tls(host: "127.0.0.1", port: port, credentials: nil, pin: .fingerprint(clientCert.fingerprint))
        let error = await transportError { try await wrongPin.send(HTTPRequest(method: "GET", path: "/1.0")) }
        #expect(error?.reason.contains("fingerprint mismatch") == true)
    }
}

/// An LXD daemon with its own LXD_DIR, shut down and removed by `stop()`. The directory is fixed so a daemon left
/// behind by a crashed test run is found and shut down by the next one.
struct ThrowawayLXD {
    static let dir = "/tmp/lxdtest-nethttp"
    let pid: pid_t
    var dir: String { Self.dir }

    static func start() throws -> ThrowawayLXD {
        cleanUp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let pid = try Subprocess.start([HTTPLXDTests.lxd, "--group", "root"], environment: ["LXD_DIR": dir],
                                       stdout: .null, stderr: .null)
        let daemon = ThrowawayLXD(pid: pid)
        do {
            try run(HTTPLXDTests.lxd, ["waitready", "--timeout=60"], environment: ["LXD_DIR": dir])
        } catch {
            daemon.stop()
            throw error
        }
        return daemon
    }

    func stop() {
        Self.cleanUp()
        kill(pid, SIGTERM)   // already gone after the shutdown above, most likely: then a no-op
        _ = Subprocess.wait(pid)
    }

    /// Asks any daemon on the directory to shut down (it unmounts what it mounted there), then removes it.
    private static func cleanUp() {
        guard FileManager.default.fileExists(atPath: dir) else { return }
        if FileManager.default.fileExists(atPath: dir + "/unix.socket") {
            _ = try? run(HTTPLXDTests.lxd, ["shutdown", "--timeout=30"], environment: ["LXD_DIR": dir])
        }
        for mount in ["shmounts", "devlxd"] { _ = try? run("/bin/umount", [dir + "/" + mount]) }
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// A loopback port nothing listens on right now (bound and released).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
