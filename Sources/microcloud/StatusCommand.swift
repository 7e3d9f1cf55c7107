import ArgumentParser
import Foundation
import MicroCloudDaemon
import MicroCloudKit

/// `microcloud status`: the cloud as its live APIs describe it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the members, storage pools, networks and default profile of this MicroCloud.")

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func run() async throws {
        let control = ControlClient(stateDir: daemon.stateDir)
        let members = try await control.members()
        guard !members.isEmpty else {
            throw ValidationError("MicroCloud is not initialized. Run 'microcloud init' first")
        }
        let snapshot = try await InitiatorDriver(control: control).readback()
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(snapshot), as: UTF8.self))
            return
        }
        let online = snapshot.members.filter { $0.status.uppercased() == "ONLINE" }.count
        print(" Status: \(online == snapshot.members.count ? "HEALTHY" : "WARNING")  (\(online) of \(snapshot.members.count) members online)")
        if members.count < 3 { print(" ! Reliability risk: 3 systems are required for effective fault tolerance") }
        print(RunSummary.tables(snapshot))
    }
}
