import Foundation

/// An effect type the runtime can order. The effects of one update run at once; an effect whose `sequence` is
/// not nil runs its parts one after another, each once the previous one answered (Bubble Tea's `tea.Sequence`).
/// The sequences of the update that ends the program run to their end before the runner returns: they are its
/// last words (tell the joiners, then quit).
public protocol ProgramEffect: Sendable {
    var sequence: [Self]? { get }
}

extension ProgramEffect {
    public var sequence: [Self]? { nil }
}

/// An Elm-style program: pure `update` and `view`, effects run elsewhere and answer with messages.
public struct Program<State, Message: Sendable, Effect: ProgramEffect>: Sendable {
    /// Takes the state it is given (`consuming`): the runner hands its only copy over, so a state holding a
    /// 1,000-row table is changed in place instead of copied on every message.
    public var update: @Sendable (consuming State, Message) -> (State, [Effect])
    public var view: @Sendable (State, Size) -> Screen
    /// Turns terminal input into a message (nil: ignore it). A `.terminate` mapped to nil ends the program.
    public var event: @Sendable (TerminalEvent) -> Message?
    /// The tick message for a time (seconds since the program started); nil when the program needs no ticks.
    public var tick: (@Sendable (Double) -> Message)?
    /// Ticks run only while this is true (a countdown, a spinner, progress timers).
    public var isLive: @Sendable (State) -> Bool
    /// While live: how long until the screen changes by itself (nil: the runner's tick interval). A countdown that
    /// moves once a second wakes the program once a second, just after the second turns, not four times.
    public var tickDelay: @Sendable (State) -> Duration?
    public var isDone: @Sendable (State) -> Bool

    public init(update: @escaping @Sendable (consuming State, Message) -> (State, [Effect]),
                view: @escaping @Sendable (State, Size) -> Screen,
                event: @escaping @Sendable (TerminalEvent) -> Message?,
                tick: (@Sendable (Double) -> Message)? = nil,
                isLive: @escaping @Sendable (State) -> Bool = { _ in false },
                tickDelay: @escaping @Sendable (State) -> Duration? = { _ in nil },
                isDone: @escaping @Sendable (State) -> Bool) {
        self.update = update
        self.view = view
        self.event = event
        self.tick = tick
        self.isLive = isLive
        self.tickDelay = tickDelay
        self.isDone = isDone
    }
}

/// Where effects send messages while they run (e.g. one per discovered server); any thread.
public struct MessageSink<Message: Sendable>: Sendable {
    let inbox: Inbox<Message>
    public func send(_ message: Message) { inbox.post([message]) }
    public func send(_ messages: [Message]) { inbox.post(messages) }
}

/// Messages from effect tasks waiting for the program loop. Posting wakes the terminal's `readEvent`.
final class Inbox<Message: Sendable>: @unchecked Sendable {
    // Invariant: `messages` is touched only under `lock`.
    private let lock = NSLock()
    private var messages: [Message] = []
    private let terminal: any Terminal

    init(terminal: any Terminal) { self.terminal = terminal }

    func post(_ new: [Message]) {
        guard !new.isEmpty else { return }
        lock.withLock { messages += new }
        terminal.wake()
    }

    func drain() -> [Message] {
        lock.withLock {
            defer { messages.removeAll() }
            return messages
        }
    }
}

/// Runs a `Program` on a `Terminal`: draw, wait for input/messages/ticks, update, draw again (only changes reach
/// the terminal). The loop is synchronous on the calling thread; effects run as tasks.
public enum ProgramRunner {
    public typealias EffectHandler<Message: Sendable, Effect: ProgramEffect> =
        @Sendable (Effect, MessageSink<Message>) async -> [Message]

    /// Runs until `isDone` (or a `.terminate` the program ignores) and returns the last state. Effects still
    /// running then are cancelled, except the sequences of the last update, which finish first.
    /// Blocks the calling thread: call it from a dedicated thread, or use `start`.
    public static func run<State, Message: Sendable, Effect: ProgramEffect>(
        _ program: Program<State, Message, Effect>, initial: State, initialEffects: [Effect] = [],
        on terminal: any Terminal, tickInterval: Duration = .milliseconds(250),
        effects: @escaping EffectHandler<Message, Effect>
    ) -> State {
        let clock = ContinuousClock()
        let started = clock.now
        let inbox = Inbox<Message>(terminal: terminal)
        let sink = MessageSink(inbox: inbox)
        var tasks: [Task<Void, Never>] = []
        var lastWords: [Task<Void, Never>] = []
        @Sendable func perform(_ effect: Effect) async {
            if let parts = effect.sequence {
                for part in parts where !Task.isCancelled { await perform(part) }
                return
            }
            let answer = await effects(effect, sink)
            if !Task.isCancelled { sink.send(answer) }
        }
        func launch(_ list: [Effect]) {
            lastWords = []
            for effect in list {
                let task = Task.detached { await perform(effect) }
                tasks.append(task)
                if effect.sequence != nil { lastWords.append(task) }
            }
        }

        var state = initial
        var size = terminal.size
        var dirty = true
        var nextTick: ContinuousClock.Instant?
        launch(initialEffects)
        loop: while !program.isDone(state) {
            if dirty {
                terminal.draw(program.view(state, size))
                dirty = false
            }
            if program.tick != nil, program.isLive(state) {
                // The earlier of the tick already due and the one this state asks for: messages between ticks never
                // push a tick out.
                let due = clock.now.advanced(by: program.tickDelay(state) ?? tickInterval)
                if nextTick.map({ due < $0 }) ?? true { nextTick = due }
            } else {
                nextTick = nil
            }
            let timeout = nextTick.map { max(.zero, clock.now.duration(to: $0)) }
            var messages: [Message] = []
            if let event = terminal.readEvent(timeout: timeout) {
                if case .resize(let s) = event {
                    size = s
                    dirty = true
                }
                if let m = program.event(event) {
                    messages.append(m)
                } else if event == .terminate {
                    lastWords = []
                    break loop
                }
            }
            messages += inbox.drain()
            if let due = nextTick, clock.now >= due, let tick = program.tick {
                messages.append(tick(seconds(started.duration(to: clock.now))))
                nextTick = nil  // the next one is asked for by the state after this tick (no burst after a stall)
            }
            for m in messages {
                let (s, fx) = program.update(consume state, m)
                state = s
                dirty = true
                launch(fx)
                if program.isDone(state) { break loop }
            }
        }
        // Only the last update's sequences run on: waiting for an earlier one (a slow inventory) would hold up quitting.
        for t in tasks where !lastWords.contains(t) { t.cancel() }
        for t in lastWords { wait(for: t) }
        return state
    }

    /// Blocks this (the program's own) thread until the task ends.
    private static func wait(for task: Task<Void, Never>) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await task.value
            done.signal()
        }
        done.wait()
    }

    /// Runs the program on its own thread (curses must not block the async world) and returns its last state.
    public static func start<State: Sendable, Message: Sendable, Effect: ProgramEffect>(
        _ program: Program<State, Message, Effect>, initial: State, initialEffects: [Effect] = [],
        on terminal: any Terminal, tickInterval: Duration = .milliseconds(250),
        effects: @escaping EffectHandler<Message, Effect>
    ) async -> State {
        await withCheckedContinuation { (done: CheckedContinuation<State, Never>) in
            let thread = Thread {
                done.resume(returning: run(program, initial: initial, initialEffects: initialEffects, on: terminal,
                                           tickInterval: tickInterval, effects: effects))
            }
            thread.name = "program"
            thread.start()
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
