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
