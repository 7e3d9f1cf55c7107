import Foundation
import MicroCloudKit
import Synchronization
import Testing
@testable import MicroCloudNet

/// One private mDNS "host" that sends nothing off-box: a network namespace (only `lo`, multicast on, plus an
/// optional veth to another node's namespace), its own D-Bus bus (a socket in a temp dir) and an avahi-daemon.
/// Clients reach it through DBUS_SYSTEM_BUS_ADDRESS; libdbus reads that once per process, so this test process
/// talks only to the first node, and other nodes are driven with the avahi CLI tools.
final class AvahiNode: Sendable {
    let directory: String
    let namespace: String
    let busAddress: String
    private let hostName: String
    private let dbus: pid_t
    private let avahi: Mutex<pid_t>

    init(tag: String, hostName: String, interfaces: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(tag).path
        namespace = tag
        self.hostName = hostName
        let socket = directory + "/system_bus_socket"
        busAddress = "unix:path=" + socket
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AvahiNode.dbusConfig(socket: socket).write(toFile: directory + "/dbus.conf", atomically: true, encoding: .utf8)
        try AvahiNode.avahiConfig(hostName: hostName, interfaces: interfaces)
            .write(toFile: directory + "/avahi-daemon.conf", atomically: true, encoding: .utf8)

        dbus = try AvahiNode.launch("dbus-daemon", ["--config-file=\(directory)/dbus.conf", "--nofork", "--nopidfile"],
                                    log: directory + "/dbus.log")
        var undo: [() -> Void] = [{ [dbus] in AvahiNode.end(dbus) }]
        do {
            try AvahiNode.waitFor("the D-Bus socket") { FileManager.default.fileExists(atPath: socket) }
            _ = try? NetTestShell.run("ip", ["netns", "del", namespace])  // leftover of a crashed run with our pid
            try AvahiNode.ip(["netns", "add", namespace])
            undo.append { [namespace] in _ = try? NetTestShell.run("ip", ["netns", "del", namespace]) }
            try AvahiNode.ip(["-n", namespace, "link", "set", "lo", "up"])
            try AvahiNode.ip(["-n", namespace, "link", "set", "lo", "multicast", "on"])
            avahi = Mutex(try AvahiNode.launchAvahi(directory: directory, namespace: namespace, busAddress: busAddress))
        } catch {
            for step in undo.reversed() { step() }
            let log = (try? String(contentsOfFile: directory + "/avahi.log", encoding: .utf8)) ?? ""
            throw LabUnavailable("\(error)\(log.isEmpty ? "" : "; avahi-daemon said: " + log.suffix(400))")
        }
    }

    /// Links two nodes with a veth pair `mcpeer0` (10.254.77.1/30 ↔ .2/30). Both ends live in the nodes'
    /// namespaces, which have no default route, so nothing reaches the root namespace or beyond.
    func link(to other: AvahiNode) throws {
        try AvahiNode.ip(["link", "add", "mcpeer0", "netns", namespace, "type", "veth", "peer", "name", "mcpeer0", "netns", other.namespace])
        for (node, address) in [(self, "10.254.77.1/30"), (other, "10.254.77.2/30")] {
            try AvahiNode.ip(["-n", node.namespace, "addr", "add", address, "dev", "mcpeer0"])
            try AvahiNode.ip(["-n", node.namespace, "link", "set", "mcpeer0", "up"])
        }
    }

    /// Runs a long-lived avahi CLI tool (avahi-publish …) on this node; returns its pid and log path.
    func spawnTool(_ args: [String], log name: String) throws -> (pid: pid_t, log: String) {
        let log = directory + "/" + name
        let pid = try AvahiNode.launch("ip", ["netns", "exec", namespace] + args, log: log,
                                       environment: ["DBUS_SYSTEM_BUS_ADDRESS": busAddress])
        return (pid, log)
    }

    /// Stops the daemon (D-Bus stays): clients then get "Daemon not running".
    func stopAvahi() {
        avahi.withLock { pid in
            if pid > 0 { AvahiNode.end(pid) }
            pid = 0
        }
    }

    func restartAvahi() throws {
        try avahi.withLock { pid in
            if pid > 0 { AvahiNode.end(pid) }
            pid = try AvahiNode.launchAvahi(directory: directory, namespace: namespace, busAddress: busAddress)
        }
    }

    func shutdown() {
        stopAvahi()
        AvahiNode.end(dbus)
        _ = try? NetTestShell.run("ip", ["netns", "del", namespace])
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: helpers

    static let requiredTools = ["ip", "dbus-daemon", "dbus-send", "avahi-daemon"]

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"]
        where FileManager.default.isExecutableFile(atPath: dir + "/" + tool) {
            return dir + "/" + tool
        }
        return nil
    }

    static func end(_ pid: pid_t) {
        guard kill(pid, SIGTERM) == 0 else { return }
        var status: Int32 = 0
        for _ in 0..<50 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    static func waitFor(_ what: String, seconds: Double = 10, _ ready: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try ready() { return }
            usleep(100_000)
        }
        throw LabUnavailable("timed out waiting for \(what)")
    }

    private static func ip(_ args: [String]) throws {
        let r = try NetTestShell.run("ip", args)
        guard r.status == 0 else { throw LabUnavailable("ip \(args.joined(separator: " ")): \(r.stderr)") }
    }

    /// Starts avahi-daemon in the namespace and waits until it reports "running" on the bus.
    private static func launchAvahi(directory: String, namespace: String, busAddress: String) throws -> pid_t {
        // `ip netns exec` gives a private mount namespace: a tmpfs on /run/avahi-daemon keeps the pid file
        // away from any system daemon. The exec chain keeps one pid, so signalling it reaches the daemon.
        let script = "mkdir -p /run/avahi-daemon && mount -t tmpfs -o mode=755 tmpfs /run/avahi-daemon && "
            + "exec avahi-daemon -f \"$0\" --no-rlimits --no-drop-root --no-chroot"
        let pid = try launch("ip", ["netns", "exec", namespace, "sh", "-c", script, directory + "/avahi-daemon.conf"],
                             log: directory + "/avahi.log", environment: ["DBUS_SYSTEM_BUS_ADDRESS": busAddress])
        do {
            try waitFor("avahi-daemon to run", seconds: 20) {
                let state = try? NetTestShell.run("dbus-send", ["--bus=" + busAddress, "--print-reply", "--dest=org.freedesktop.Avahi",
                                                                "/", "org.freedesktop.Avahi.Server.GetState"])
                return state?.stdout.contains("int32 2") == true
            }
        } catch {
            end(pid)
            throw error
        }
        return pid
    }

    /// Through the one spawning helper: Foundation's Process would take the child closing an inherited fd as its
    /// exit (avahi-daemon closes them all) and stall every later Process in the test run.
    private static func launch(_ tool: String, _ args: [String], log: String, environment: [String: String] = [:]) throws -> pid_t {
        do {
            return try Subprocess.start([which(tool) ?? tool] + args, environment: environment, stdout: .file(log), stderr: .stdout)
        } catch {
            throw LabUnavailable("spawning \(tool): \(error)")
        }
    }

    private static func avahiConfig(hostName: String, interfaces: String) -> String {
        """
        [server]
        host-name=\(hostName)
        use-ipv4=yes
        use-ipv6=no
        allow-interfaces=\(interfaces)
        ratelimit-interval-usec=1000000
        ratelimit-burst=1000
        [wide-area]
        enable-wide-area=no
        [publish]
        publish-hinfo=no
        publish-workstation=no

        """
    }

    private static func dbusConfig(socket: String) -> String {
        """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <listen>unix:path=\(socket)</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow user="*"/>
            <allow own="*"/>
            <allow send_type="method_call"/>
            <allow send_type="signal"/>
            <allow send_requested_reply="true" send_type="method_return"/>
            <allow send_requested_reply="true" send_type="error"/>
            <allow receive_type="method_call"/>
            <allow receive_type="method_return"/>
            <allow receive_type="error"/>
            <allow receive_type="signal"/>
          </policy>
        </busconfig>

        """
    }
}

/// The suite's private daemon (node "mcnet-test"); tests may add a linked peer node for remote clashes.
enum AvahiLab {
    @TaskLocal static var current: AvahiNode?
    @TaskLocal static var unavailable: String?

    static var tag: String { "mcnet-avahi-\(getpid())" }

    /// Starts the main node, or returns why it can't (the tests then skip with that reason).
    static func start() -> Result<AvahiNode, LabUnavailable> {
        guard geteuid() == 0 else { return .failure(LabUnavailable("needs root for a network namespace")) }
        for tool in AvahiNode.requiredTools where AvahiNode.which(tool) == nil {
            return .failure(LabUnavailable("\(tool) is not installed (apt-get install iproute2 dbus avahi-daemon)"))
        }
        do {
            return .success(try AvahiNode(tag: tag, hostName: "mcnet-test", interfaces: "lo,mcpeer0"))
        } catch {
            return .failure(LabUnavailable("setting up the private avahi-daemon failed: \(error)"))
        }
    }
}

struct LabUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Starts one private daemon around the whole suite and stops it afterwards.
struct AvahiLabTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        switch try await Subprocess.offThePool({ AvahiLab.start() }) {
        case .success(let lab):
            let previous = getenv("DBUS_SYSTEM_BUS_ADDRESS").map { String(cString: $0) }
            setenv("DBUS_SYSTEM_BUS_ADDRESS", lab.busAddress, 1)
            defer {
                if let previous { setenv("DBUS_SYSTEM_BUS_ADDRESS", previous, 1) } else { unsetenv("DBUS_SYSTEM_BUS_ADDRESS") }
                lab.shutdown()
            }
            try await AvahiLab.$current.withValue(lab) { try await function() }
        case .failure(let reason):
            print("Avahi tests skipped: \(reason)")
            try await AvahiLab.$unavailable.withValue(reason.description) { try await function() }
        }
    }
}

/// Collects a browse stream's events so tests can wait for one with a timeout.
final class DiscoveryEventLog: Sendable {
    private let events = Mutex<[DiscoveryEvent]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ stream: AsyncStream<DiscoveryEvent>) {
        let t = Task { [weak self] in
            for await event in stream { self?.events.withLock { $0.append(event) } }
        }
        task.withLock { $0 = t }
    }

    func stop() { task.withLock { $0?.cancel() } }

    /// Waits (polling, up to `seconds`) for an event matching `match`; returns it or nil.
    func wait(seconds: Double = 15, for match: @escaping (DiscoveryEvent) -> Bool) async -> DiscoveryEvent? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let hit = events.withLock({ $0.first(where: match) }) { return hit }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    func all() -> [DiscoveryEvent] { events.withLock { $0 } }
}

/// Log lines a publisher reports, for assertions.
final class PublisherLogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    func all() -> [String] { lines.withLock { $0 } }
}
