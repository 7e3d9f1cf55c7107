import ArgumentParser
import Foundation
import MicroCloudDaemon
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
        let driver = try await InitiatorDriver(control: ControlClient(stateDir: daemon.stateDir))
        print(await driver.serviceList().text, terminator: "")
    }
}
