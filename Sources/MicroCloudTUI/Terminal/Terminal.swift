/// A key the UI reacts to. Printable input (including space) arrives as `char`.
public enum Key: Hashable, Sendable {
    case up, down, left, right
    case tab, backTab, enter, escape, backspace, delete
    case home, end, pageUp, pageDown
    case ctrlC
    case char(Character)
}

public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    /// Text pasted by the terminal (bracketed paste), line ends as "\n".
    case paste(String)
    case resize(Size)
    /// The process was asked to stop (SIGTERM, SIGHUP): clean up and quit soon.
    case terminate
}

/// A program's messages that carry the terminal's events (an enum whose cases `key`, `paste` and `resize` meet
/// these requirements).
public protocol TerminalMessages: Sendable {
    static func key(_ key: Key) -> Self
    static func paste(_ text: String) -> Self
    static func resize(_ size: Size) -> Self
}

extension TerminalEvent {
    /// The event as a program's message. SIGTERM/SIGHUP count as Ctrl-C, so a program cleans up as on that key
    /// (the wizard and the joiner's screen then tell the other side).
    public func message<M: TerminalMessages>() -> M {
        switch self {
        case .key(let k): .key(k)
        case .paste(let text): .paste(text)
        case .resize(let size): .resize(size)
        case .terminate: .key(.ctrlC)
        }
    }
}

/// Where a program draws and reads input. `CursesTerminal` is the real one; `VirtualTerminal` renders to text
/// for tests. All methods may be called from any thread.
public protocol Terminal: AnyObject, Sendable {
    var size: Size { get }
    /// True when the terminal can only draw ASCII (it then maps other graphemes itself; views may use `Glyphs.ascii`).
    var isASCII: Bool { get }
    /// Shows `screen`, sending only what changed since the last draw.
    func draw(_ screen: Screen)
    /// The next event, waiting at most `timeout` (forever when nil). Returns nil on timeout or after `wake()`.
    func readEvent(timeout: Duration?) -> TerminalEvent?
    /// Makes a waiting `readEvent` return early (new messages are waiting elsewhere).
    func wake()
    /// Gives the terminal back as it was found. Safe to call more than once.
    func restore()
}
