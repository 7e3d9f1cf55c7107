import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit

/// `microcloud service`: the services of this cloud.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "The services of this cloud.", subcommands: [ServiceListCommand.self])
}

/// `microcloud service list`: each service's members as that service lists them.
struct ServiceListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List each service's members (MicroCloud, LXD, MicroCeph, MicroOVN) with address, role and status.")

    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let reader = try await StatusClient(control: ControlClient(stateDir: daemon.stateDir))
        print(await reader.serviceList().text, terminator: "")
    }
}
