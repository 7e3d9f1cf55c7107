import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished command left: its exit status and everything it printed.
struct CommandResult {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    var succeeded: Bool { status == 0 }

    /// The failure as a person would want to read it in a test log.
    var failureDescription: String {
        "`\(arguments.joined(separator: " "))` exited \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    let result: CommandResult
    var description: String { result.failureDescription }
}

struct SpawnFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let code: Int32
    var description: String { "cannot start `\(arguments.joined(separator: " "))`: \(String(cString: strerror(code)))" }
}

/// Runs programs with posix_spawn and waitpid.
///
/// Not Foundation's `Process`: on Linux it watches SIGCHLD through a dispatch signal source, which
/// leaves SIGCHLD blocked in the children it starts (coreutils `timeout` then never sees its child
/// end) and, with the daemons the lab leaves running, was seen to miss a child's exit for minutes.
/// Here every child starts with an empty signal mask and default handlers, reads /dev/null, and
/// writes to files (a daemon that kept a pipe open could never hang a test).
enum Command {
    /// Starts `arguments` (a path, or a name looked up on PATH) with this process's environment plus
    /// `environment`, and returns its pid.
    static func start(_ arguments: [String], environment: [String: String] = [:],
                      stdout: URL, stderr: URL) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnFailed(arguments: arguments, code: code) }
        return pid
    }

    /// Waits for `pid` and returns its exit status (128 + signal number when a signal ended it).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Runs `arguments` and returns what it did, whatever its exit status.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let out = temporaryFile("out"), err = temporaryFile("err")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let status = wait(try start(arguments, environment: environment, stdout: out, stderr: err))
        return CommandResult(arguments: arguments, status: status, stdout: read(out), stderr: read(err))
    }

    /// Runs `arguments` and throws with its output when it fails.
    @discardableResult
    static func check(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let result = try run(arguments, environment: environment)
        guard result.succeeded else { throw CommandFailed(result: result) }
        return result
    }

    static func temporaryFile(_ tag: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("labtests-\(UUID().uuidString).\(tag)")
    }

    static func read(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }
}

/// A program started in the background (with the lab's knobs in its environment), waited for once.
final class Background {
    let pid: pid_t
    let stdout: URL
    let stderr: URL
    private(set) var status: Int32?

    init(_ arguments: [String], tag: String) throws {
        stdout = Command.temporaryFile("\(tag).out")
        stderr = Command.temporaryFile("\(tag).err")
        pid = try Command.start(arguments, environment: Lab.knobs, stdout: stdout, stderr: stderr)
    }

    /// Waits for the exit and returns its status.
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        let s = Command.wait(pid)
        status = s
        return s
    }

    /// Ends the program if it still runs.
    func stop() {
        guard status == nil else { return }
        kill(pid, SIGTERM)
        wait()
    }

    var output: String { Command.read(stdout) + Command.read(stderr) }
}
