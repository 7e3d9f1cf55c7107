import Foundation

/// A terminal in memory for tests: it plays a script of events and keeps what was drawn as a `Screen`.
/// A script step can wait until the screen shows something, so programs with asynchronous effects stay
/// deterministic.
public final class VirtualTerminal: Terminal, @unchecked Sendable {
    public enum Step: Sendable {
        case event(TerminalEvent)
        /// Blocks the script until the drawn screen satisfies the predicate (or `waitLimit` passes: then the
        /// description is recorded in `failures` and the script goes on).
        case waitUntil(String, @Sendable (Screen) -> Bool)
    }

    // Invariant: every mutable field below is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var currentSize: Size
    private var script: [Step]
    private var screen: Screen
    private var woken = false
    private var waitStarted: ContinuousClock.Instant?
    private var restoredFlag = false
    private var drawCount = 0
    private var changedCells = 0
    private var failureList: [String] = []
    public let isASCII: Bool
    /// How long a `waitUntil` step (or an empty script with nothing else to wait for) waits at most: long enough for
    /// a unit pass on two loaded cores, where every test of the process shares one key-derivation lane (~0.65 s a
    /// key in a debug build); only a failing test waits it out.
    public let waitLimit: Duration

    public init(size: Size = Size(width: 80, height: 24), script: [Step] = [], ascii: Bool = false,
                waitLimit: Duration = .seconds(60)) {
        self.currentSize = size
        self.script = script
        self.isASCII = ascii
        self.waitLimit = waitLimit
        self.screen = Screen(size: size)
    }

    /// Script shorthand: each key an event.
    public static func keys(_ keys: [Key]) -> [Step] { keys.map { .event(.key($0)) } }
    /// Script shorthand: typed text, one `char` key per character.
    public static func typing(_ text: String) -> [Step] { text.map { .event(.key(.char($0))) } }

    public var size: Size { condition.withLock { currentSize } }
    /// The last screen drawn.
    public var lastScreen: Screen { condition.withLock { screen } }
    public var text: String { lastScreen.plainText }
    public var styledText: String { lastScreen.styledText }
    public var isRestored: Bool { condition.withLock { restoredFlag } }
    public var draws: Int { condition.withLock { drawCount } }
    /// Cells sent over all draws (what a real terminal would have had to write).
    public var cellsWritten: Int { condition.withLock { changedCells } }
    public var failures: [String] { condition.withLock { failureList } }
    public var scriptIsFinished: Bool { condition.withLock { script.isEmpty } }

    public func append(_ steps: [Step]) {
        condition.withLock {
            script += steps
            condition.broadcast()
        }
    }

    public func draw(_ new: Screen) {
        condition.withLock {
            let base = new.size == screen.size ? screen : Screen(size: new.size, glyphs: new.glyphs)
            let changes = new.diff(from: base)
            var applied = base
            applied.apply(changes)
            screen = applied
            drawCount += 1
            changedCells += changes.reduce(0) { $0 + $1.cells.count }
            condition.broadcast()
        }
    }

    public func readEvent(timeout: Duration?) -> TerminalEvent? {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        condition.lock()
        defer { condition.unlock() }
        while true {
            if woken {
                woken = false
                return nil
            }
            if let step = script.first {
                switch step {
                case .event(let event):
                    script.removeFirst()
                    if case .resize(let s) = event { currentSize = s }
                    return event
                case .waitUntil(let what, let predicate):
                    if predicate(screen) {
                        script.removeFirst()
                        waitStarted = nil
                        continue
                    }
                    let started = waitStarted ?? clock.now
                    waitStarted = started
                    if clock.now >= started.advanced(by: waitLimit) {
                        failureList.append("timed out waiting until \(what); screen:\n\(screen.plainText)")
                        script.removeFirst()
                        waitStarted = nil
                        continue
                    }
                }
            } else {
                // Script over and the program neither ends nor needs us: waiting for input forever, or ticking
                // forever (a live screen). Either would hang the test, so tell it to stop, and say so.
                let started = waitStarted ?? clock.now
                waitStarted = started
                if clock.now >= started.advanced(by: waitLimit) {
                    let what = deadline == nil ? "kept waiting for input" : "kept running"
                    failureList.append("script ended but the program \(what); screen:\n\(screen.plainText)")
                    waitStarted = nil
                    return .terminate
                }
            }
            let limit = [deadline, waitStarted.map { $0.advanced(by: waitLimit) }].compactMap { $0 }.min()
            if let limit {
                if clock.now >= limit, limit == deadline { return nil }
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds(clock.now.duration(to: limit))))
            } else {
                condition.wait()
            }
        }
    }

    public func wake() {
        condition.withLock {
            woken = true
            condition.broadcast()
        }
    }

    public func restore() {
        condition.withLock { restoredFlag = true }
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
