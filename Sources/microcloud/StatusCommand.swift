import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit

/// `microcloud status`: the cloud as its live APIs describe it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the members, Ceph and OVN, storage pools, networks and default profile of this MicroCloud.")

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func run() async throws {
        let control = ControlClient(stateDir: daemon.stateDir)
        let members = try await control.members()
        guard !members.isEmpty else {
            throw ValidationError("MicroCloud is not initialized. Run 'microcloud init' first")
        }
        let client = try await StatusClient(control: control)
        let snapshot = try await client.snapshot()
        let report = StatusReport(await client.status(members: members, snapshot: snapshot))
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(StatusDocument(snapshot: snapshot, report: report)), as: UTF8.self))
            return
        }
        print(report.text)
        print("")
        print(RunSummary.tables(snapshot))
    }
}
