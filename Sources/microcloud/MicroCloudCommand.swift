import Foundation
import ArgumentParser
import MicroCloudKit

@main
struct MicroCloudCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microcloud",
        abstract: "Turn a handful of servers into one private cloud (LXD, MicroCeph, MicroOVN).",
        version: MicroCloudVersion.current,
        subcommands: [InitCommand.self, JoinCommand.self, PreseedCommand.self, StatusCommand.self, SessionCommand.self,
                      DiscoverCommand.self, DemoCommand.self, RemoveCommand.self, ResetCommand.self, ServiceCommand.self])
}

/// Options every command that talks to the local daemon shares.
struct DaemonOptions: ParsableArguments {
    @Option(help: "microcloudd's state directory (identity, control socket); $MICROCLOUD_STATE_DIR sets the default.")
    var stateDir = ProcessInfo.processInfo.environment["MICROCLOUD_STATE_DIR"] ?? "/var/lib/microcloud"
}
