import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudNet
import MicroCloudTUI

/// `microcloud join`: prove the initiator's passphrase from this server and follow the join to its end.
struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join the MicroCloud that `microcloud init` is forming on another server.")

    @Option(help: "Read the passphrase from this file instead of asking.") var passphraseFile: String?
    @Option(help: "Contact the initiator at this address instead of searching over mDNS.") var initiatorAddress: String?
    @Option(help: "Seconds to search for the initiator.") var lookupTimeout = 60
    @Option(help: "Seconds the trust session may last (at most 3600).") var sessionTimeout = 3600
    @Flag(help: "Plain line output even on a terminal.") var plain = false
    @Flag(help: "No colours (also NO_COLOR).") var noColor = false
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let control = ControlClient(stateDir: daemon.stateDir)
        if passphraseFile == nil, !plain, isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 {
            return try await fullScreen(control)
        }
        let raw: String
        if let passphraseFile {
            raw = try PassphraseFile.read(passphraseFile)
        } else {
            Swift.print("Specify the passphrase for joining the system: ", terminator: "")
            raw = readLine() ?? ""
        }
        guard let passphrase = Passphrase.normalise(raw) else {
            throw ValidationError("Passphrase has to contain exactly four words, separated by spaces (as shown by `microcloud init`)")
        }
        try await JoinerRun(control: control, out: ProgressPrinter(json: false)).run(session(passphrase))
    }

    func session(_ passphrase: String) -> SessionOpen {
        SessionOpen(role: .joiner, timeoutSeconds: sessionTimeout, passphrase: passphrase,
                    initiatorAddress: initiatorAddress, lookupTimeoutSeconds: lookupTimeout)
    }

    /// The passphrase prompt with word completion, the initiator's fingerprint, then this server's progress.
    private func fullScreen(_ control: ControlClient) async throws {
        let info = try await control.info()
        let terminal = try CursesTerminal(options: .fromEnvironment(noColorFlag: noColor, logPath: daemon.stateDir + "/join.log"))
        let initial = JoinState(localName: info.name, localFingerprint: info.fingerprint,
                                words: (try? Wordlist.shared()) ?? [], now: Date())
        let final = await ProgramRunner.start(JoinScreen.program(), initial: initial, on: terminal) { effect, sink in
            switch effect {
            case .submit(let passphrase):
                do {
                    _ = try await control.openSession(session(passphrase))
                } catch {
                    return [.ended("\(error)")]
                }
                await JoinerRun.follow(control) { event in
                    switch event.kind {
                    case .initiatorFound:
                        sink.send(.initiatorFound(name: event.name ?? "?", address: event.address ?? "?", fingerprint: event.fingerprint ?? ""))
                    case .initiatorCertificate: if let line = event.message { sink.send(.note(line)) }
                    case .confirmed: sink.send(.confirmed)
                    case .progress: if let p = event.progress { sink.send(.progress(p)) }
                    case .joined: sink.send(.joined)
                    case .ended: sink.send(.ended(event.message ?? "the session ended"))
                    case .rejected, .intent, .failedAttempt: break
                    }
                }
                return []
            case .abort:
                try? await control.abort(reason: "The joiner cancelled")
                return []
            case .quit:
                return []
            }
        }
        terminal.restore()
        if final.aborted { try? await control.abort(reason: "The joiner cancelled") }
        if let text = final.exitText { print(text) }
        if case .joined = final.phase { return }
        throw ExitCode(1)
    }
}

/// `--passphrase-file`: the passphrase from a file, so it never sits in argv (any local user can read argv).
enum PassphraseFile {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read --passphrase-file \"\(path)\"")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
