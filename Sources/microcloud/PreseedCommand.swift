import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit
import PreseedYAML

/// `microcloud preseed`: the same YAML file on every server; the initiator forms the cloud, the others join.
struct PreseedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preseed",
        abstract: "Initialise or join a MicroCloud non-interactively from a preseed YAML file (stdin or --file).",
        discussion: "Exit codes: 0 ready; 1 the run failed (the report says what was undone and what remains); 2 the file "
            + "or the servers were refused before anything changed; 3 ready with setbacks (each \"Not done\" line says what to do).")

    @Option(help: "Preseed file (default: standard input).") var file: String?
    @Flag(help: "Only check the file (no network, no root needed) and list every problem with its key.") var validate = false
    @Flag(help: "Resolve the file against the servers found and print the plan without changing anything.") var dryRun = false
    @Option(help: "Output: text (one line per event) or json (JSON lines).") var format: OutputFormat = .table
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let out = ProgressPrinter(json: format == .json)
        let preseed: Preseed
        do {
            // Read with a bound (flat memory whatever the source holds); bytes that are not UTF-8 are refused, not
            // replaced (a name with a replaced byte would silently differ from the server's real one).
            let (parsed, warnings) = try Preseed.parse(PreseedInput.read(path: file))
            warnings.forEach { out.warning("\($0.field): \($0.message)") }
            preseed = parsed
        } catch {
            out.error("\(error)")
            throw ExitCode(2)
        }
        let checked = preseed.validated()
        checked.warnings.forEach { out.warning("\($0.field): \($0.message)") }
        let errors = checked.errors
        if !errors.isEmpty {
            errors.forEach { out.error("\($0.field): \($0.message)") }
            out.line("The preseed file has \(errors.count) problem\(errors.count == 1 ? "" : "s"); nothing was changed.")
            throw ExitCode(2)
        }
        if validate {
            out.line("The preseed file is valid (\(preseed.systems.count) system\(preseed.systems.count == 1 ? "" : "s")).")
            return
        }
        let control = ControlClient(stateDir: daemon.stateDir)
        let me = try await control.info(recentServices: true)
        let isInitiator = preseed.initiator == me.name || (preseed.initiatorAddress != nil && preseed.initiatorAddress == me.address)
        if isInitiator {
            try await PreseedInitiator(checked: checked, control: control, out: out, dryRun: dryRun).run()
        } else {
            guard preseed.systems.contains(where: { $0.name == me.name }) else {
                out.error("This server (\(me.name)) is not listed under systems: add it, or run the file on a listed server")
                throw ExitCode(2)
            }
            try await JoinerRun(control: control, out: out).run(
                SessionOpen(role: .joiner, timeoutSeconds: preseed.sessionTimeout ?? 3600, passphrase: preseed.sessionPassphrase,
                            initiatorAddress: preseed.initiatorAddress, initiatorName: preseed.initiator,
                            lookupTimeoutSeconds: preseed.lookupTimeout ?? 60))
        }
    }
}
