import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit
import MicroCloudNet

/// `microcloud demo`: a local demo cloud. Three lab servers in network namespaces, each with LXD, MicroCeph and
/// MicroOVN (the lab's, real Ceph and OVN daemons behind their APIs) and an uplink bridge, `microcloud join` waiting
/// on servers 2 and 3 with the demo passphrase, and `microcloud init` opened in this terminal on server 1; once the
/// wizard formed the cloud, an instance on every member and `lxc list`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a local demo cloud: 3 lab servers, joiners waiting, and the wizard on the first (needs root).",
        discussion: """
            Every server has LXD, MicroCeph and MicroOVN (real Ceph and OVN daemons behind the lab's APIs), three \
            disks and an uplink bridge (\(DemoCloud.uplinkBridge)), so the wizard forms the whole cloud: a local \
            disk per server, Ceph disks, Ceph networks, an OVN uplink per server and its addresses. Once it is formed, \
            the demo launches an instance of the lab's busybox image on every member and shows `lxc list`. With \
            --lxd-only the servers have LXD alone and the wizard skips the Ceph and OVN screens.
            """)

    @Option(help: "Number of lab servers (2 to 9).") var servers = 3
    @Flag(help: "Keep the lab running after the wizard ends (inspect it with scripts/lab exec I lxc cluster list).") var keep = false
    @Flag(help: "Servers with LXD only: no MicroCeph or MicroOVN, so no Ceph disks and no OVN network.") var lxdOnly = false

    func run() async throws {
        guard getuid() == 0 else { throw ValidationError("The demo needs root: it creates network namespaces, loop disks and LXD daemons") }
        guard (2...9).contains(servers) else { throw ValidationError("--servers must be between 2 and 9") }
        let repo = try Repository.locate()
        let lab = repo + "/scripts/lab"
        let cli = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        let cloud = DemoCloud(lxdOnly: lxdOnly)
        try Shell.run([lab, "up", String(servers)], environment: cloud.labEnvironment)
        let status = try LabStatus.read(lab)
        try cloud.prepare(lab, status)
        let passphrase = Passphrase.generate(from: try Wordlist.shared())
        // In server 1's state dir (0700), readable by root only, gone with the lab; never in argv (`ps` shows argv to all).
        let secret = status[0].stateDir + "/demo-passphrase"
        guard FileManager.default.createFile(atPath: secret, contents: Data(passphrase.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("Cannot write the demo passphrase to \(secret)")
        }
        defer { try? FileManager.default.removeItem(atPath: secret) }
        print(cloud.guide(status))
        var joiners: [pid_t] = []
        for (i, server) in status.enumerated().dropFirst() {
            let log = server.directory + "/join.log"
            joiners.append(try Shell.start([lab, "exec", String(i + 1), "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)", cli, "join",
                                            "--passphrase-file", secret, "--lookup-timeout", "600"], log: log))
            print("microcloud join waits on \(server.name) (log: \(log))")
        }
        // Ctrl-C belongs to the wizard (it tells the joiners and restores the terminal); the demo outlives it to clean up.
        signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, SIG_DFL) }
        let wizard = try Shell.runInteractive([lab, "exec", "1", "env", "MICROCLOUD_STATE_DIR=\(status[0].stateDir)",
                                               "TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "xterm-256color")",
                                               cli, "init", "--passphrase-file", secret])
        for j in joiners { kill(j, SIGTERM) }   // one that already ended is a zombie until waited for: no harm
        for (server, j) in zip(status.dropFirst(), joiners) {
            _ = Subprocess.wait(j)
            let tail = (try? String(contentsOfFile: server.directory + "/join.log", encoding: .utf8))?
                .split(separator: "\n").suffix(1).joined() ?? ""
            print("\(server.name): \(tail)")
        }
        var useFailed = false
        let instances = DemoInstances(lab: lab, servers: status, ovn: !lxdOnly)
        if wizard == 0 && instances.cloudFormed {
            do { try instances.run() } catch {
                print("The instances could not be launched: \(error)")
                useFailed = true
            }
        }
        if keep {
            print("The lab keeps running. Look at it with\n" + cloud.inspection.map { "  \(lab) exec \($0)\n" }.joined()
                  + "and take it down with \(lab) down.")
        } else {
            Self.keepBootstrapLog(from: status[0].stateDir)
            try Shell.run([lab, "down"])
        }
        if wizard != 0 { throw ExitCode(wizard) }
        if useFailed { throw ExitCode(1) }
    }
}

extension DemoCommand {
    /// The lab's files go with `lab down`: the wizard's bootstrap.log is copied out first, and the copy named.
    static func keepBootstrapLog(from stateDir: String) {
        let log = stateDir + "/bootstrap.log"
        guard FileManager.default.fileExists(atPath: log) else { return }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = formatter.string(from: Date())
        let copy = NSTemporaryDirectory() + "microcloud-demo-bootstrap-\(stamp).log"
        do {
            try FileManager.default.copyItem(atPath: log, toPath: copy)
            print("The lab goes away with its files; a copy of bootstrap.log is kept in \(copy)")
        } catch {
            print("The lab goes away with its files; bootstrap.log could not be copied out (\(error))")
        }
    }
}

/// Finds the source tree (scripts/lab) above the running binary.
enum Repository {
    static func locate() throws -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("scripts/lab").path) { return dir.path }
            dir = dir.deletingLastPathComponent()
        }
        let cwd = FileManager.default.currentDirectoryPath
        if FileManager.default.isExecutableFile(atPath: cwd + "/scripts/lab") { return cwd }
        throw ValidationError("The demo runs from the source tree: scripts/lab was not found above \(CommandLine.arguments[0])")
    }
}

/// A lab server as `scripts/lab status --json` describes it (the fields the demo needs).
struct LabStatus: Decodable {
    let name: String
    let subnet: String
    let uplink: String
    let state_dir: String
    var stateDir: String { state_dir }
    var directory: String { (state_dir as NSString).deletingLastPathComponent }

    static func read(_ lab: String) throws -> [LabStatus] {
        let out = try Shell.capture([lab, "status", "--json"])
        return try JSONDecoder().decode([LabStatus].self, from: Data(out.utf8))
    }
}

/// Programs the demo runs, through the one spawning helper.
enum Shell {
    static func run(_ args: [String], environment: [String: String] = [:]) throws {
        let status = Subprocess.wait(try Subprocess.start(args, environment: environment))
        guard status == 0 else { throw ValidationError("`\(args.joined(separator: " "))` failed (exit \(status))") }
    }

    /// Runs in this terminal (in our process group, so a full-screen program gets its keys and Ctrl-C).
    static func runInteractive(_ args: [String]) throws -> Int32 {
        Subprocess.wait(try Subprocess.start(args, stdin: .inherit))
    }

    static func start(_ args: [String], log: String) throws -> pid_t {
        try Subprocess.start(args, stdout: .file(log), stderr: .stdout)
    }

    static func capture(_ args: [String]) throws -> String {
        try Subprocess.run(args).stdout
    }
}
