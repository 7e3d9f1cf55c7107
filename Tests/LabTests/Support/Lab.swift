import Foundation
import Testing

/// One server of the lab, as `scripts/lab status --json` describes it.
struct LabServer: Decodable, Equatable {
    let name: String
    let netns: String
    let address: String
    let subnet: String
    let uplink: String
    let disks: [String]
    let stateDir: String
    let lxdDir: String
    let dbusSocket: String
    let lxdUp: Bool
    let avahiUp: Bool
    let microclouddUp: Bool

    /// The server's own folder: every file of the server lives under it.
    var directory: String { (stateDir as NSString).deletingLastPathComponent }
}

/// Drives `scripts/lab` the way a person at the console would.
enum Lab {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("scripts/lab").path
    /// The lab the tests drive: the knobs of scripts/lab, by default a lab of its own (names,
    /// subnet, folder), so `scripts/test` never tears down the lab a person is using for a demo.
    /// Set the MCLAB_* variables to test another one.
    static let knobs: [String: String] = {
        let defaults = [
            "MCLAB_BASE": "/tmp/mclab-test", "MCLAB_RUN": "/run/mclab-test", "MCLAB_NS_PREFIX": "mct",
            "MCLAB_NET": "10.231.1", "MCLAB_BRIDGE": "mctbr0", "MCLAB_UPLINK_BRIDGE": "mctup0",
        ]
        let environment = ProcessInfo.processInfo.environment
        return defaults.reduce(into: [:]) { knobs, knob in knobs[knob.key] = environment[knob.key] ?? knob.value }
    }()
    static let base = knobs["MCLAB_BASE"]!
    static let nsPrefix = knobs["MCLAB_NS_PREFIX"]!
    static let net = knobs["MCLAB_NET"]!
    static let bridges = [knobs["MCLAB_BRIDGE"]!, knobs["MCLAB_UPLINK_BRIDGE"]!]
    static var testSubnet: String { "\(net).0/24" }

    static func netns(_ index: Int) -> String { "\(nsPrefix)\(index)" }

    /// Why the lab cannot run here, or nil when it can.
    static let unavailableReason: String? = {
        if getuid() != 0 {
            return "LabTests need root (network namespaces, loop devices, LXD): run scripts/test as root"
        }
        for tool in ["lxd", "lxc", "avahi-daemon", "dbus-daemon", "jq", "nsenter"]
        where !onPath(tool) {
            return "LabTests need `\(tool)`, which is not installed: run scripts/setup"
        }
        return nil
    }()

    static func onPath(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    @discardableResult
    static func run(_ arguments: String...) throws -> CommandResult {
        try Command.check([script] + arguments, environment: knobs)
    }

    /// Brings up `servers` servers and prints how long it took (a figure, not an assertion).
    static func up(_ servers: Int) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try run("up", String(servers))
        let steps = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        print("lab up \(servers): \(clock.now - start)\n" + steps.joined(separator: "\n"))
    }

    static func down() throws {
        let clock = ContinuousClock()
        let start = clock.now
        try run("down")
        print("lab down: \(clock.now - start)")
    }

    static func status() throws -> [LabServer] {
        let result = try run("status", "--json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode([LabServer].self, from: Data(result.stdout.utf8))
    }

    /// Runs a command on server `index` (1-based) and returns its output; throws when it fails.
    @discardableResult
    static func exec(_ index: Int, _ arguments: String...) throws -> CommandResult {
        try Command.check([script, "exec", String(index)] + arguments, environment: knobs)
    }

    /// `lxc query PATH` on server `index`, decoded as JSON.
    static func lxdQuery(_ index: Int, _ path: String) throws -> Any {
        let result = try exec(index, "lxc", "query", path)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Runs `body` with `servers` servers up, and always takes the lab down afterwards, also when
    /// the body throws. Checks on the way out that the machine is as it was before `up`.
    static func with<T>(servers: Int, _ body: ([LabServer]) throws -> T) throws -> T {
        try down()  // a lab of these names left by an interrupted run is not part of the machine
        let before = try MachineSnapshot.take()
        try up(servers)
        defer { downAndCompare(with: before) }
        return try body(try status())
    }

    /// The same, for a body that awaits (the bootstrap core driven from the test itself).
    static func with<T>(servers: Int, _ body: ([LabServer]) async throws -> T) async throws -> T {
        try down()  // a lab of these names left by an interrupted run is not part of the machine
        let before = try MachineSnapshot.take()
        try up(servers)
        defer { downAndCompare(with: before) }
        return try await body(try status())
    }

    /// For a body that brings the lab up itself (`microcloud demo` does): starts from a machine without this lab, and
    /// always takes the lab down afterwards and checks that the machine is as it was.
    static func around<T>(_ body: () throws -> T) throws -> T {
        try down()
        let before = try MachineSnapshot.take()
        defer { downAndCompare(with: before) }
        return try body()
    }

    private static func downAndCompare(with before: MachineSnapshot) {
        do {
            try down()
            let after = try MachineSnapshot.take()
            let differences = after.differences(from: before)
            #expect(differences.isEmpty, "lab down left the machine changed:\n\(differences.joined(separator: "\n"))")
        } catch {
            Issue.record(error, "lab down failed")
        }
    }

    /// `lxc network list` on server `index`, as name → description (what an operator reads in that column).
    /// LXD 5.0.2's columns: NAME, TYPE, MANAGED, IPV4, IPV6, DESCRIPTION, USED BY, STATE (no `--columns` yet).
    static func networkDescriptions(_ index: Int) throws -> [String: String] {
        let csv = try exec(index, "lxc", "network", "list", "--format", "csv").stdout
        print("lxc network list on server \(index):\n\(csv)", terminator: "")
        return csv.split(separator: "\n").reduce(into: [:]) { list, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            list[String(fields[0])] = fields.count > 5 ? String(fields[5]) : ""
        }
    }
}
