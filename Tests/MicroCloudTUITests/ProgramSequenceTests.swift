import Foundation
import MicroCloudKit
import Testing
@testable import MicroCloudTUI

/// A program whose only update ends it with a sequence: a slow effect, then a quick one.
private enum LastWords {
    enum Effect: ProgramEffect, Equatable {
        case slow(String)
        case quick(String)
        case sequence([Effect])
        var sequence: [Effect]? { if case .sequence(let parts) = self { parts } else { nil } }
    }
    struct State: Sendable { var done = false }
    enum Message: Sendable { case key(Key) }

    static let program = Program<State, Message, Effect>(
        update: { state, _ in
            var s = state
            s.done = true
            return (s, [.sequence([.slow("tell the joiners"), .quick("quit")])])
        },
        view: { _, size in Screen(size: size) },
        event: { if case .key(let k) = $0 { .key(k) } else { nil } },
        isDone: { $0.done })
}

@Suite struct ProgramSequenceTests {
    @Test func theLastUpdatesSequenceRunsInOrderBeforeTheProgramReturns() async {
        let log = Locked<[String]>([])
        let terminal = VirtualTerminal(script: [.event(.key(.char("q")))])
        _ = await ProgramRunner.start(LastWords.program, initial: LastWords.State(), on: terminal) { effect, _ in
            switch effect {
            case .slow(let what):
                try? await Task.sleep(for: .milliseconds(200))
                log.withLock { $0.append(what) }
            case .quick(let what):
                log.withLock { $0.append(what) }
            case .sequence:
                Issue.record("the runner runs a sequence's parts itself")
            }
            return []
        }
        #expect(log.current == ["tell the joiners", "quit"], "each part after the previous one, all before returning")
    }
}
