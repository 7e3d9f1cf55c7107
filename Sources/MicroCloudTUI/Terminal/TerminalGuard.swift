#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw

/// Process-wide pieces that must outlive any one object because signals are process-wide: the wake pipe the
/// signal handlers write to, the saved stderr, and the crash path that gives the terminal back before dying.
///
/// Invariant: the `nonisolated(unsafe)` fields are written only by `CursesTerminal` setup/teardown (on the
/// curses thread, before handlers are installed / after they are removed); signal handlers only read them.
enum TerminalGuard {
    nonisolated(unsafe) static var wakeFD: Int32 = -1
    nonisolated(unsafe) static var savedStderr: Int32 = -1
    nonisolated(unsafe) static var cursesActive: Int32 = 0
    nonisolated(unsafe) static var pasteEnabled: Int32 = 0
    nonisolated(unsafe) static var crashNote: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) static var crashNoteLength = 0
    nonisolated(unsafe) static let oldActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) static var atexitRegistered = false
    /// Set by the crash handler before it gives the terminal back: the curses thread must not touch curses again
    /// (a draw or a read after endwin re-enters raw mode while the backtracer takes its seconds).
    nonisolated(unsafe) static var crashed: Int32 = 0

    /// For the curses thread: once a crash began, stop here until the process ends.
    static func parkIfCrashed() {
        guard crashed != 0 else { return }
        while true { pause() }
    }

    /// Signals that become events: the handler only writes a byte to the wake pipe (async-signal-safe).
    static let wakeSignals: [(Int32, UInt8)] = [(SIGINT, WakeByte.interrupt), (SIGTERM, WakeByte.terminate),
                                                (SIGHUP, WakeByte.terminate), (SIGWINCH, WakeByte.resize)]
    /// Signals that mean a crash: restore the terminal, then let the previous handler (or the default) run.
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP]

    enum WakeByte {
        static let interrupt = UInt8(ascii: "I")
        static let terminate = UInt8(ascii: "T")
        static let resize = UInt8(ascii: "W")
        static let draw = UInt8(ascii: "D")
        static let quit = UInt8(ascii: "Q")
        static let wake = UInt8(ascii: "w")
    }

    static func install(wakeFD fd: Int32, logPath: String) {
        wakeFD = fd
        let note = Array("microcloud: crashed; the terminal was restored. Details may be in \(logPath)\n".utf8)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: note.count)
        buf.initialize(from: note, count: note.count)
        crashNote = buf
        crashNoteLength = note.count
        for (sig, _) in wakeSignals { setHandler(sig, wakeHandler, flags: SA_RESTART) }
        for sig in crashSignals { setHandler(sig, crashHandler, flags: 0) }
        if !atexitRegistered {
            atexitRegistered = true
            atexit { TerminalGuard.emergencyRestore() }
        }
    }

    static func uninstall() {
        for sig in wakeSignals.map(\.0) + crashSignals { sigaction(sig, oldActions + Int(sig), nil) }
        wakeFD = -1
    }

    /// Gives the terminal back from any state: bracketed paste off, curses off, stderr back. Idempotent.
    static func emergencyRestore() {
        if pasteEnabled != 0 {
            pasteEnabled = 0
            writeAll(1, Array("\u{1B}[?2004l".utf8))
        }
        if cursesActive != 0 {
            cursesActive = 0
            endwin()
        }
        if savedStderr >= 0 {
            dup2(savedStderr, 2)
            close(savedStderr)
            savedStderr = -1
        }
    }

    private static func setHandler(_ sig: Int32, _ handler: @convention(c) (Int32) -> Void, flags: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = flags
        sigaction(sig, &action, oldActions + Int(sig))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

private func wakeHandler(_ sig: Int32) {
    let saved = errno
    let fd = TerminalGuard.wakeFD
    if fd >= 0 {
        var byte: UInt8 = switch sig {
        case SIGINT: TerminalGuard.WakeByte.interrupt
        case SIGWINCH: TerminalGuard.WakeByte.resize
        default: TerminalGuard.WakeByte.terminate
        }
        _ = write(fd, &byte, 1)
    }
    errno = saved
}

private func crashHandler(_ sig: Int32) {
    TerminalGuard.crashed = 1
    TerminalGuard.emergencyRestore()
    if let note = TerminalGuard.crashNote { _ = write(2, note, TerminalGuard.crashNoteLength) }
    // Hand the signal to whoever had it before (the Swift backtracer, or the default action that dumps core).
    sigaction(sig, TerminalGuard.oldActions + Int(sig), nil)
    raise(sig)
}
