import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Starts programs with posix_spawn and waits with waitpid: the one way the product and every test run a program.
///
/// Not Foundation's `Process`: on Linux it watches SIGCHLD through a dispatch signal source, which leaves SIGCHLD
/// blocked in its children (coreutils `timeout` then never sees its child end), takes a child closing an inherited
/// fd as its exit, and was seen to miss a child's exit for minutes while daemons ran; it also puts the child in a
/// process group of its own, where a full-screen program can neither read its keys nor get Ctrl-C. Here a child
/// starts with an empty signal mask and default handlers, in our process group, with no fd but 0, 1 and 2, and
/// output is captured through files (a daemon that kept a pipe open could never hang the caller).
public enum Subprocess {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        case inherit
        case null
        /// Created (0600) or truncated.
        case file(String)
        /// stderr only: wherever stdout goes.
        case stdout
    }

    public struct Result: Sendable {
        public let arguments: [String]
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var succeeded: Bool { status == 0 }
    }

    public struct SpawnFailed: Error, CustomStringConvertible, Sendable {
        public let arguments: [String]
        public let code: Int32
        public var description: String { "cannot start `\(arguments.joined(separator: " "))`: \(String(cString: strerror(code)))" }
    }

    /// Starts `arguments` (a path, or a name looked up on PATH) with this process's environment plus `environment`.
    public static func start(_ arguments: [String], environment: [String: String] = [:], stdin: Stream = .null,
                             stdout: Stream = .inherit, stderr: Stream = .inherit) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, fd, path, fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            case .stdout: posix_spawn_file_actions_adddup2(&actions, 1, fd)
            }
        }
        // glibc ≥ 2.34 has addclosefrom_np, but Swift's Glibc module does not declare it.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }

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
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Runs blocking work (waiting for programs) on a thread of its own: an async caller then never holds one of
    /// the few threads every task shares (on a 2-core machine two waits for daemons would stall every task).
    public static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            detachThread { continuation.resume(with: Swift.Result { try work() }) }
        }
    }

    /// Runs `arguments` to its end with `input` on stdin, and returns its status and output.
    public static func run(_ arguments: [String], environment: [String: String] = [:], input: [UInt8]? = nil) throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString)").path
        let (inPath, outPath, errPath) = (base + ".in", base + ".out", base + ".err")
        defer { for p in [inPath, outPath, errPath] { try? FileManager.default.removeItem(atPath: p) } }
        if let input { _ = FileManager.default.createFile(atPath: inPath, contents: Data(input), attributes: [.posixPermissions: 0o600]) }
        let pid = try start(arguments, environment: environment, stdin: input == nil ? .null : .file(inPath),
                            stdout: .file(outPath), stderr: .file(errPath))
        let status = wait(pid)
        func read(_ p: String) -> String { String(decoding: FileManager.default.contents(atPath: p) ?? Data(), as: UTF8.self) }
        return Result(arguments: arguments, status: status, stdout: read(outPath), stderr: read(errPath))
    }
}
