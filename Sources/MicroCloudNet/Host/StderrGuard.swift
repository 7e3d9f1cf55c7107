#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Points file descriptor 2 at a log file and back. libavahi-client prints warnings straight to stderr, which
/// would scribble over a curses screen; the TUI redirects while curses owns the terminal.
public enum StderrGuard {
    /// The original stderr while redirected, -1 otherwise.
    private static let saved = Mutex<Int32>(-1)

    /// Appends fd 2's output to `path` (created 0600). Calling it again switches files, keeping the original.
    public static func redirect(to path: String) throws {
        try saved.withLock { saved in
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw HostError("open \(path) for stderr: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            if saved < 0 {
                saved = dup(2)
                guard saved >= 0 else { throw HostError("dup stderr: \(String(cString: strerror(errno)))") }
            }
            guard dup2(fd, 2) >= 0 else { throw HostError("dup2 onto stderr: \(String(cString: strerror(errno)))") }
        }
    }

    /// Puts the original stderr back; does nothing when not redirected.
    public static func restore() {
        saved.withLock { saved in
            guard saved >= 0 else { return }
            _ = dup2(saved, 2)
            close(saved)
            saved = -1
        }
    }

    public static var isRedirected: Bool { saved.withLock { $0 >= 0 } }
}

/// A failed host-level system call, with the errno text.
public struct HostError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
