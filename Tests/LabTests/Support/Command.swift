import Foundation
import MicroCloudKit
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

/// Runs programs through the product's one spawning helper (`Subprocess`: posix_spawn and waitpid, no
/// Foundation `Process`), with output in files so a daemon that kept a pipe open could never hang a test.
enum Command {
    /// Starts `arguments` with this process's environment plus `environment`, and returns its pid.
    static func start(_ arguments: [String], environment: [String: String] = [:],
                      stdout: URL, stderr: URL) throws -> pid_t {
        try Subprocess.start(arguments, environment: environment, stdout: .file(stdout.path), stderr: .file(stderr.path))
    }

    /// Waits for `pid` and returns its exit status (128 + signal number when a signal ended it).
    static func wait(_ pid: pid_t) -> Int32 { Subprocess.wait(pid) }

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

    /// Waits at most `seconds` for the exit; nil while it still runs.
    func wait(timeout seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let status = exitStatusNow() { return status }
            guard Date() < deadline else { return nil }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// The exit status if the program has ended (reaped now if it just did), nil while it runs; never waits.
    func exitStatusNow() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signal = raw & 0x7f
        let s = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
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
