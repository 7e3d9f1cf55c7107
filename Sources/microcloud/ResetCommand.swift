import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit

/// `microcloud reset`: this server forgets the cloud it belonged to, so it can join one again (after
/// `microcloud remove --force` removed it while it was gone). Its services are left as they are.
struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Forget this server's cloud membership so it can join a cloud again; its services are left as they are.")

    @Flag(help: "Forget the membership even while LXD still lists this server among other members.") var force = false
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let out = ProgressPrinter(json: false)
        let control = ControlClient(stateDir: daemon.stateDir)
        let members = try await control.members()
        guard !members.isEmpty else {
            out.line("This server is not a member of a cloud: nothing to reset.")
            return
        }
        if let session = try? await control.sessionStatus(), session.active {
            out.error("A trust session is open on this server; reset it once the session ended")
            throw ExitCode(2)
        }
        let driver = try await InitiatorDriver(control: control)
        let me = driver.local.name
        let lxd = LXDClient(transport: driver.links.lxd(driver.local), name: "LXD on \(me)")
        let others = ((try? await lxd.clusterMembers()) ?? []).map(\.serverName).filter { $0 != me }
        if !others.isEmpty && !force {
            out.error("\(me) is still in LXD's cluster with \(others.joined(separator: ", ")): remove it from its cloud first "
                      + "(`microcloud remove \(me)` on another member), or pass --force to forget the membership anyway")
            throw ExitCode(2)
        }
        try await control.recordMembers([])
        out.line("\(me) forgot its cloud of \(members.count) members (\(members.map(\.name).joined(separator: ", "))); "
                 + "it can join a cloud again. Its services were left as they are.")
    }
}
