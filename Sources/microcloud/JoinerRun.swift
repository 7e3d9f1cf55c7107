import ArgumentParser
import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit

/// A joiner's session followed to its end: found the initiator, confirmed, joined (or why not).
struct JoinerRun {
    /// Follows the local session's events until it ends (joined, or ended for a reason).
    static func follow(_ control: ControlClient, _ handle: (SessionEvent) -> Void) async {
        do {
            for try await e in control.sessionEvents() { handle(e) }
        } catch {
            handle(SessionEvent(kind: .ended, message: "\(error)"))
        }
    }

    let control: ControlClient
    let out: ProgressPrinter

    func run(_ open: SessionOpen) async throws {
        _ = try await control.openSession(open)
        let own = try control.identity()
        if open.initiator_address == nil { out.line("Searching for an eligible system ...") }
        do {
            for try await e in control.sessionEvents() {
                switch e.kind {
                case .initiatorCertificate:
                    if let line = e.message { out.line(line) }
                case .initiatorFound:
                    out.line(" Found system \(e.name ?? "?") at \(e.address ?? "?") using fingerprint \(e.fingerprint.map { String($0.prefix(12)) } ?? "?")")
                    out.line("Select system \(try await control.info().name) on \(e.name ?? "the initiator") to let it join the cluster.")
                    out.line("Verify the fingerprint \(own.shortFingerprint) is displayed on system \(e.name ?? "the initiator").")
                case .confirmed:
                    out.line(" Received confirmation from system \(e.name ?? "the initiator")")
                    out.line("Complete the remaining configuration on the initiator ...")
                case .progress:
                    if let p = e.progress { out.event(p) }
                case .joined:
                    out.line("Successfully joined the MicroCloud cluster and closing the session.")
                    return
                case .rejected:
                    out.error(e.message ?? "rejected by the initiator")
                case .ended:
                    out.error(SessionWords.joinFailed(e.message ?? "the session ended"))
                    throw ExitCode(1)
                case .intent, .failedAttempt:
                    break
                }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            out.error("\(error)")
            throw ExitCode(1)
        }
        out.error(SessionWords.joinFailed("the session ended"))
        throw ExitCode(1)
    }
}
