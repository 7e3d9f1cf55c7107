import Foundation
import CNcursesw

/// The real terminal: ncursesw on one dedicated thread. Other threads hand it screens and take events; only the
/// curses thread ever calls curses (curses is not thread-safe).
public final class CursesTerminal: Terminal, @unchecked Sendable {
    public struct Options: Sendable {
        /// Colours on (roles map to colours) or off (roles map to bold/dim/reverse).
        public var color: Bool
        /// Where stderr goes while curses owns the screen (libraries must not write over it).
        public var logPath: String
        public var bracketedPaste: Bool

        public init(color: Bool = true, logPath: String? = nil, bracketedPaste: Bool = true) {
            self.color = color
            self.logPath = logPath ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("microcloud-tui.log").path
            self.bracketedPaste = bracketedPaste
        }

        /// Colour unless `--no-color` was given or `NO_COLOR` is set to anything non-empty (no-color.org).
        public static func fromEnvironment(noColorFlag: Bool = false, logPath: String? = nil) -> Options {
            let env = ProcessInfo.processInfo.environment["NO_COLOR"] ?? ""
            return Options(color: !noColorFlag && env.isEmpty, logPath: logPath)
        }
    }

    public enum StartError: Error, CustomStringConvertible {
        case notATerminal
        case alreadyActive
        case cannotStart(String)

        public var description: String {
            switch self {
            case .notATerminal: "microcloud init needs an interactive terminal (stdin and stdout must be a TTY)"
            case .alreadyActive: "a full-screen terminal is already active in this process"
            case .cannotStart(let why): "cannot start the full-screen terminal: \(why)"
            }
        }
    }

    private let link: CursesLink
    public let isASCII: Bool
    /// False when the terminal has no colours or colours were turned off.
    public let hasColor: Bool

    public init(options: Options = Options()) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw StartError.notATerminal }
        guard CursesLink.claim() else { throw StartError.alreadyActive }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            CursesLink.release()
            throw StartError.cannotStart("pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        let link = CursesLink(wakeRead: fds[0], wakeWrite: fds[1])
        self.link = link
        let thread = Thread {
            let session = CursesSession(link: link, options: options)
            session.run()
        }
        thread.name = "curses"
        thread.start()
        switch link.waitForStart() {
        case .failure(let why):
            link.closePipe()
            CursesLink.release()
            throw StartError.cannotStart(why)
        case .success(let info):
            isASCII = info.ascii
            hasColor = info.color
        }
    }

    deinit { restore() }

    public var size: Size { link.withLock { $0.size } }

    public func draw(_ screen: Screen) {
        link.withLock { $0.pendingScreen = screen }
        link.poke(TerminalGuard.WakeByte.draw)
    }

    public func readEvent(timeout: Duration?) -> TerminalEvent? { link.nextEvent(timeout: timeout) }

    public func wake() { link.wakeReader() }

    public func restore() {
        guard link.withLock({ s -> Bool in
            if s.stopRequested { return false }
            s.stopRequested = true
            return true
        }) else { return }
        link.poke(TerminalGuard.WakeByte.quit)
        link.waitUntilFinished()
        link.closePipe()
        CursesLink.release()
    }
}

/// The state shared between the curses thread and everyone else.
/// Invariant: `shared` is touched only while holding `condition`.
final class CursesLink: @unchecked Sendable {
    struct Shared {
        var size = Size.zero
        var events: [TerminalEvent] = []
        var woken = false
        var pendingScreen: Screen?
        var start: Result<StartInfo, StartFailure>?
        var finished = false
        var stopRequested = false
    }

    struct StartInfo: Sendable {
        var ascii: Bool
        var color: Bool
    }

    struct StartFailure: Error {
        var reason: String
    }

    enum StartResult {
        case success(StartInfo)
        case failure(String)
    }

    private let condition = NSCondition()
    private var shared = Shared()
    let wakeRead: Int32
    let wakeWrite: Int32

    private static let activeLock = NSLock()
    nonisolated(unsafe) private static var active = false

    init(wakeRead: Int32, wakeWrite: Int32) {
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
    }

    static func claim() -> Bool {
        activeLock.withLock {
            if active { return false }
            active = true
            return true
        }
    }

    static func release() { activeLock.withLock { active = false } }

    func withLock<T>(_ body: (inout Shared) -> T) -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body(&shared)
    }

    func poke(_ byte: UInt8) {
        var b = byte
        _ = write(wakeWrite, &b, 1)
    }

    func post(_ events: [TerminalEvent]) {
        guard !events.isEmpty else { return }
        withLock { $0.events += events }
    }

    func wakeReader() { withLock { $0.woken = true } }

    func nextEvent(timeout: Duration?) -> TerminalEvent? {
        let deadline = timeout.map { Date(timeIntervalSinceNow: Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) }
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !shared.events.isEmpty { return shared.events.removeFirst() }
            if shared.woken {
                shared.woken = false
                return nil
            }
            if shared.finished { return nil }
            if let deadline {
                if !condition.wait(until: deadline) { return nil }
            } else {
                condition.wait()
            }
        }
    }

    func reportStart(_ result: Result<StartInfo, StartFailure>) { withLock { $0.start = result } }

    func waitForStart() -> StartResult {
        condition.lock()
        defer { condition.unlock() }
        while shared.start == nil { condition.wait() }
        switch shared.start! {
        case .success(let info): return .success(info)
        case .failure(let f): return .failure(f.reason)
        }
    }

    func markFinished() { withLock { $0.finished = true } }

    func waitUntilFinished() {
        condition.lock()
        defer { condition.unlock() }
        while !shared.finished { condition.wait() }
    }

    func closePipe() {
        close(wakeRead)
        close(wakeWrite)
    }
}
