import Foundation
import MicroCloudKit

extension WizardState {
    func render(size: Size) -> Screen {
        let chrome = Chrome(title: step.title, step: step.rawValue, stepCount: WizardStep.allCases.count,
                            remaining: sessionRemaining, passphrase: session?.passphrase)
        return Layout.render(chrome, size: size) { _, _ in }
    }
}
