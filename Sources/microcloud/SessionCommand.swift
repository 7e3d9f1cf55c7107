import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire

/// `microcloud session`: see this server's trust session, and close one nobody is left to finish.
struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Show this server's trust session; --clear closes it (its joiners are told).")

    @Flag(help: "Close the session, whoever opened it (a run that was killed, a wizard on another terminal).") var clear = false
    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let control = ControlClient(stateDir: daemon.stateDir)
        let status: SessionStatus
        do {
            status = try await control.sessionStatus()
        } catch {
            print("No trust session on this server.")
            return
        }
        let owner = status.owner_pid.map { pid in "pid \(pid)" + (kill(pid, 0) == 0 ? "" : " (gone)") } ?? "unknown"
        if status.active {
            print("Active \(status.role.rawValue) session, opened by \(owner), until \(status.expires_at.formatted(.iso8601)).")
        } else {
            print("The last \(status.role.rawValue) session ended: \(status.ended ?? "timed out").")
        }
        if !status.peers.isEmpty { print("Peers: \(status.peers.joined(separator: ", "))") }
        guard clear else { return }
        guard status.active else { print("Nothing to clear."); return }
        try await control.abort(reason: "The session was cleared on \(try await control.info().name) with `microcloud session --clear`")
        print("The session is closed; its joiners were told.")
    }
}
