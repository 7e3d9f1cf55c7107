import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `microcloudd` of its own on a loopback address (no mDNS, no LXD), under a descriptor limit like systemd's default.
final class TestDaemon {
    let process: Background
    let stateDir: String
    let address: String
    let port: Int

    init(address: String, port: Int, fdLimit: Int, name: String = "micro01") throws {
        self.address = address
        self.port = port
        try #require(FileManager.default.isExecutableFile(atPath: MicroCloudDaemonBinary.path), "build first: swift build")
        stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString.prefix(8))").path
        process = try Background(["prlimit", "--nofile=\(fdLimit):\(fdLimit)", MicroCloudDaemonBinary.path,
                                  "--state-dir", stateDir, "--name", name, "--address", address,
                                  "--port", "\(port)", "--lxd-socket", stateDir + "/no-lxd.socket",
                                  "--no-announce", "--log-level", "warning"], tag: "microcloudd")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let r = try Command.run(["curl", "-sk", "-o", "/dev/null", "-m", "2", "-w", "%{http_code}",
                                     "https://\(address):\(port)/1.0"])
            if r.stdout == "200" { return }
            Thread.sleep(forTimeInterval: 0.3)
        }
        process.stop()
        throw CommandFailed(result: CommandResult(arguments: ["microcloudd"], status: -1, stdout: "", stderr: process.output))
    }

    var isRunning: Bool { kill(process.pid, 0) == 0 && process.status == nil }

    /// VmRSS of the daemon, in MB.
    var residentMB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: stateDir)
    }

    /// A request on the daemon's control socket (root-only, like the CLI's), with curl.
    func control(_ method: String, _ path: String, json: String? = nil) throws -> String {
        var arguments = ["curl", "-s", "-m", "10", "--unix-socket", stateDir + "/control.socket", "-X", method]
        if let json { arguments += ["-H", "Content-Type: application/json", "-d", json] }
        return try Command.check(arguments + ["http://microcloud\(path)"]).stdout
    }
}


/// The daemon the tests start themselves: the debug build, or $MICROCLOUDD (as scripts/lab reads it).
enum MicroCloudDaemonBinary {
    static let path = ProcessInfo.processInfo.environment["MICROCLOUDD"]
        ?? Lab.repository.appendingPathComponent(".build/debug/microcloudd").path
}

/// Idle TCP connections from one source address (connected, never a byte sent), closed together.
final class IdleFlood {
    private var sockets: [Int32] = []
    var opened: Int { sockets.count }

    init(from source: String, to host: String, port: Int, count: Int) {
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            var local = sockaddr_in(), remote = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, source, &local.sin_addr)
            remote.sin_family = sa_family_t(AF_INET)
            remote.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &remote.sin_addr)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            let started = withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, started == 0 || errno == EINPROGRESS else { Glibc.close(fd); break }
            sockets.append(fd)
        }
    }

    /// Waits until every connection got through the handshake (or `seconds` pass: a full accept queue drops
    /// SYNs, which the kernel retries after 1, 3, 7 … s) and returns how many did.
    func waitConnected(seconds: Double) -> Int {
        var pending = Set(sockets)
        let deadline = Date().addingTimeInterval(seconds)
        while !pending.isEmpty && Date() < deadline {
            var fds = pending.map { pollfd(fd: $0, events: Int16(POLLOUT), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 200)
            for p in fds where p.revents != 0 { pending.remove(p.fd) }
        }
        return sockets.count - pending.count
    }

    func close() {
        sockets.forEach { _ = Glibc.close($0) }
        sockets = []
    }
}
