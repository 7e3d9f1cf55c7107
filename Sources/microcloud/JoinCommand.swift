import ArgumentParser
import Foundation
import MicroCloudDaemon
import MicroCloudNet

/// `microcloud join`: prove the initiator's passphrase from this server and follow the join to its end.
struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join the MicroCloud that `microcloud init` is forming on another server.")

    @Option(help: "Read the passphrase from this file instead of asking.") var passphraseFile: String?
    @Option(help: "Contact the initiator at this address instead of searching over mDNS.") var initiatorAddress: String?
    @Option(help: "Seconds to search for the initiator.") var lookupTimeout = 60
    @Option(help: "Seconds the trust session may last (at most 3600).") var sessionTimeout = 3600
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let raw: String
        if let passphraseFile {
            guard let data = FileManager.default.contents(atPath: passphraseFile) else {
                throw ValidationError("Cannot read --passphrase-file \"\(passphraseFile)\"")
            }
            raw = String(decoding: data, as: UTF8.self)
        } else {
            Swift.print("Specify the passphrase for joining the system: ", terminator: "")
            raw = readLine() ?? ""
        }
        guard let passphrase = Passphrase.normalise(raw) else {
            throw ValidationError("Passphrase has to contain exactly four words, separated by spaces (as shown by `microcloud init`)")
        }
        let control = ControlClient(stateDir: daemon.stateDir)
        try await JoinerRun(control: control, out: ProgressPrinter(json: false)).run(
            SessionOpen(role: .joiner, timeoutSeconds: sessionTimeout, passphrase: passphrase,
                        initiatorAddress: initiatorAddress, lookupTimeoutSeconds: lookupTimeout))
    }
}
