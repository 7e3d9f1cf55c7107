import Foundation
import MicroCloudKit

/// The `microcloud init` wizard: pure `update` and `view` over `WizardState`. The runner in the `microcloud`
/// executable performs the `WizardEffect`s and answers with `WizardMessage`s.
public enum Wizard {
    public static let abortReason = SessionWords.initiatorAborted

    /// The first state; the runner then sends `.addresses` (and nothing happens before that).
    public static func start(now: Date, size: Size) -> WizardState {
        WizardState(now: now, size: size)
    }

    /// Pure: the next state and the effects. `consuming`, so a caller that hands its state over (the runner,
    /// with `consume`) has it changed in place rather than copied (tables of 1,000 rows).
    public static func update(_ state: consuming WizardState, _ message: WizardMessage) -> (WizardState, [WizardEffect]) {
        let effects = state.apply(message)
        state.keepPlan()
        return (state, effects)
    }

    public static func view(_ state: WizardState, _ size: Size) -> Screen {
        state.render(size: size)
    }

    /// The wizard as a `Program` for `ProgramRunner`: terminal events become messages (SIGTERM/SIGHUP count as
    /// Ctrl-C, so joiners are told), ticks carry the wall clock, and it ends once `quit` was emitted.
    public static func program(clock: @escaping @Sendable () -> Date = { Date() })
        -> Program<WizardState, WizardMessage, WizardEffect> {
        Program(update: update, view: view,
                event: { $0.message() },
                tick: { _ in .tick(clock()) },
                isLive: { $0.needsTicks },
                tickDelay: { $0.tickDelay },
                isDone: { $0.finished })
    }
}
