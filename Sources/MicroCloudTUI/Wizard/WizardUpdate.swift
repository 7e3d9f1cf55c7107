import Foundation
import MicroCloudKit

extension WizardState {
    /// Ticks are needed while something on screen moves with time: the session countdown, a spinner, timers.
    public var needsTicks: Bool {
        if finished { return false }
        switch step {
        case .servers: return true
        case .progress: return !(run?.finished ?? false) && !(run?.failed ?? false)
        default: return false
        }
    }

    mutating func apply(_ message: WizardMessage) -> [WizardEffect] {
        guard !finished else { return [] }
        switch message {
        case .key(.ctrlC): return quitAborting()
        case .tick(let date):
            now = date
            return []
        case .resize(let newSize):
            size = newSize
            return []
        case .addresses(let list):
            hostAddresses = list
            return []
        default:
            return []
        }
    }

    mutating func quitAborting() -> [WizardEffect] {
        finished = true
        if step == .results {
            return [.quit(printOnExit: exitText)]
        }
        abortReason = Wizard.abortReason
        return [.abort(reason: Wizard.abortReason), .quit(printOnExit: nil)]
    }
}
