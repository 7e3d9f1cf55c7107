import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet
import MicroCloudTUI

/// `microcloud init`: the full-screen wizard on the initiator.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up a new MicroCloud: find servers, pick disks and networks, review, and watch it form.")

    @Option(help: "Seconds the trust session may last (at most 3600).") var sessionTimeout = 3600
    @Option(help: "Use this passphrase instead of a generated one (for demos and scripted labs; visible in argv: prefer --passphrase-file).") var passphrase: String?
    @Option(help: "Read the passphrase to use from this file instead of generating one.") var passphraseFile: String?
    @Flag(help: "No colours (also NO_COLOR).") var noColor = false
    @Option(help: "Where the wizard's log goes while the screen is in use.") var logFile: String?
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("microcloud init needs a terminal; for an unattended setup use `microcloud preseed`")
        }
        let given = try passphraseFile.map(PassphraseFile.read) ?? passphrase
        if let given, Passphrase.normalise(given) == nil {
            throw ValidationError("\(passphraseFile == nil ? "--passphrase" : "--passphrase-file") must hold four words separated by spaces")
        }
        let control = ControlClient(stateDir: daemon.stateDir)
        let members = try await control.members()
        guard members.isEmpty else {
            throw ValidationError("MicroCloud is already initialized (\(members.count) members); see `microcloud status`")
        }
        let driver = try await InitiatorDriver(control: control)
        let log = logFile ?? daemon.stateDir + "/init.log"
        let terminal = try CursesTerminal(options: .fromEnvironment(noColorFlag: noColor, logPath: log))
        let runner = WizardRunner(driver: driver, sessionTimeout: sessionTimeout,
                                  passphrase: given.flatMap(Passphrase.normalise))
        let (initial, firstEffects) = Wizard.update(Wizard.start(now: Date(), size: terminal.size),
                                                    .addresses(WizardRunner.hostAddresses()))
        let final = await ProgramRunner.start(Wizard.program(), initial: initial, initialEffects: firstEffects,
                                              on: terminal) { effect, sink in
            await runner.perform(effect, sink)
        }
        terminal.restore()
        if let text = final.exitText { print(text) }
        if FileManager.default.fileExists(atPath: daemon.stateDir + "/bootstrap.log") {
            print("The bootstrap's events are in \(daemon.stateDir)/bootstrap.log (JSON lines).")
        }
        if final.abortReason != nil || final.run?.failed == true { throw ExitCode(1) }
        if let setbacks = final.run?.report?.setbacks.count, setbacks > 0 { throw ExitCode(RunSummary.setbackExitCode) }
    }
}
