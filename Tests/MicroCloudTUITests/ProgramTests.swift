import Testing
@testable import MicroCloudTUI

/// A small program shaped like the wizard's first steps: a yes/no question, then a live table fed by a
/// "discovery" effect, then done.
enum Picker {
    enum Phase: Sendable {
        case ask(YesNo)
        case pick(SelectTable<String>)
        case done([String])
        case quit
    }

    struct State: Sendable {
        var phase: Phase
        var size: Size
        var ticks: [Double] = []
    }

    enum Message: Sendable {
        case key(Key)
        case paste(String)
        case found(String, String)
        case tick(Double)
        case terminate
    }

    enum Effect: ProgramEffect, Equatable { case discover }

    static let program = Program<State, Message, Effect>(
        update: update,
        view: { state, size in
            Layout.render(Chrome(title: "Servers", step: 1, stepCount: 2, hints: [KeyHint("enter", "confirm")]),
                          size: size) { s, r in
                switch state.phase {
                case .ask(let q): q.render(on: &s, in: r)
                case .pick(let t): t.render(on: &s, in: r)
                case .done(let names): s.put("Chosen: " + names.joined(separator: ", "), at: Point(x: r.x, y: r.y))
                case .quit: break
                }
            }
        },
        event: { e in
            switch e {
            case .key(let k): .key(k)
            case .paste(let text): .paste(text)
            case .terminate: .terminate
            default: nil
            }
        },
        isDone: { if case .done = $0.phase { true } else if case .quit = $0.phase { true } else { false } })

    static func update(_ state: State, _ message: Message) -> (State, [Effect]) {
        var s = state
        switch (s.phase, message) {
        case (_, .key(.ctrlC)), (_, .terminate):
            s.phase = .quit
        case (.ask(var q), .key(let k)):
            switch q.handle(k) {
            case .submit(true):
                s.phase = .pick(SelectTable(title: "Select servers:", columns: ["NAME", "ADDRESS"]))
                return (s, [.discover])
            case .submit(false), .cancel: s.phase = .quit
            default: s.phase = .ask(q)
            }
        case (.pick(var t), .key(let k)):
            if t.handle(k) == .confirm {
                s.phase = .done(t.selectedRows.map(\.id))
            } else {
                s.phase = .pick(t)
            }
        case (.pick(var t), .paste(let text)):
            t.setFilter(t.filter + text)
            s.phase = .pick(t)
        case (.pick(var t), .found(let name, let address)):
            t.upsert(.init(id: name, cells: [name, address]))
            s.phase = .pick(t)
        case (_, .tick(let now)):
            s.ticks.append(now)
        default: break
        }
        return (s, [])
    }
}

@Suite struct ProgramTests {
    @Test func aWholeProgramRunsOnAScriptedTerminal() async {
        let terminal = VirtualTerminal(script:
            [.event(.key(.char("y"))),
             .waitUntil("three servers listed") { $0.plainText.contains("micro03") },
             .event(.key(.char(" "))), .event(.key(.down)), .event(.key(.char(" "))),
             .waitUntil("two selected") { $0.plainText.contains("2 of 3 selected") },
             .event(.key(.enter))])
        let final = await ProgramRunner.start(Picker.program, initial: Picker.State(phase: .ask(YesNo(question: "Look for servers?", defaultValue: true)), size: terminal.size),
                                      on: terminal) { effect, sink in
            #expect(effect == .discover)
            for i in 1...3 {
                try? await Task.sleep(for: .milliseconds(5))
                sink.send(.found("micro0\(i)", "10.0.0.\(i)"))
            }
            return []
        }
        guard case .done(let names) = final.phase else {
            Issue.record("program did not finish: \(final.phase)")
            return
        }
        #expect(names == ["micro01", "micro02"])
        #expect(terminal.failures.isEmpty, "\(terminal.failures)")
        #expect(terminal.scriptIsFinished)
        // Only changed cells went to the terminal: far less than a full repaint per draw.
        #expect(terminal.cellsWritten < terminal.draws * 80 * 24 / 4)
    }

    @Test func aResizeRedrawsAtTheNewSizeAndTooSmallShowsTheNotice() async {
        let terminal = VirtualTerminal(script: [
            .event(.resize(Size(width: 70, height: 20))),
            .waitUntil("notice") { $0.plainText.contains("Terminal too small") },
            .event(.resize(Size(width: 100, height: 30))),
            .waitUntil("side panel") { $0.plainText.contains("Plan so far") && $0.size == Size(width: 100, height: 30) },
            .event(.key(.ctrlC))])
        let final = await ProgramRunner.start(Picker.program, initial: Picker.State(phase: .ask(YesNo(question: "Go?", defaultValue: true)), size: terminal.size),
                                      on: terminal) { _, _ in [] }
        #expect(terminal.failures.isEmpty, "\(terminal.failures)")
        if case .quit = final.phase {} else { Issue.record("Ctrl-C should end the program") }
    }

    @Test func ticksArriveWhileLiveWithGrowingTimes() async {
        var program = Picker.program
        program.tick = { .tick($0) }
        program.isLive = { $0.ticks.count < 3 }
        let base = program.isDone
        program.isDone = { base($0) || $0.ticks.count >= 3 }
        let terminal = VirtualTerminal()
        let final = await ProgramRunner.start(program, initial: Picker.State(phase: .ask(YesNo(question: "Go?", defaultValue: true)), size: terminal.size),
                                      on: terminal, tickInterval: .milliseconds(10)) { _, _ in [] }
        #expect(final.ticks.count == 3)
        #expect(final.ticks == final.ticks.sorted() && final.ticks[0] > 0)
    }

    @Test func terminateEndsAProgramThatIgnoresIt() async {
        var program = Picker.program
        program.event = { if case .key(let k) = $0 { .key(k) } else { nil } }
        let terminal = VirtualTerminal(script: [.event(.terminate)])
        let final = await ProgramRunner.start(program, initial: Picker.State(phase: .ask(YesNo(question: "Go?", defaultValue: true)), size: terminal.size),
                                      on: terminal) { _, _ in [] }
        if case .ask = final.phase {} else { Issue.record("state should be unchanged") }
    }

    @Test func startRunsTheLoopOffTheCallersThread() async {
        let terminal = VirtualTerminal(script: [.event(.key(.char("n")))])
        let final = await ProgramRunner.start(Picker.program, initial: Picker.State(phase: .ask(YesNo(question: "Go?", defaultValue: true)), size: terminal.size),
                                              on: terminal) { _, _ in [] }
        if case .quit = final.phase {} else { Issue.record("'n' should end the program") }
    }
}
