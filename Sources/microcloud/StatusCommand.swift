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
        let lxd = CloudStatus.Cluster(members: Dictionary(snapshot.members.map { ($0.serverName, $0.status.uppercased()) },
                                                          uniquingKeysWith: { a, _ in a }))
        let status = CloudStatus(members: members.map { .init(name: $0.name, address: $0.address) }, lxd: lxd)
        print(StatusReport(status).text)
        print("")
        print(RunSummary.tables(snapshot))
    }
}
