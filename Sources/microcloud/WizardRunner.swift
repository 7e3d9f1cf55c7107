import Foundation
import MicroCloudDaemon
import MicroCloudKit
import MicroCloudNet
import MicroCloudTUI

/// Performs the wizard's effects: the only place where `microcloud init` touches the daemon, the network and files.
/// Everything it learns goes back to the pure wizard as messages.
final class WizardRunner: Sendable {
    let control: ControlClient
    let flow: InitiatorFlow
    let sessionTimeout: Int
    let passphrase: String?
    private let members = Locked<[MemberRecord]>([])
    private let finished = Locked<Bool>(false)
    /// The wizard asks for confirmation and inventories at once; peers answer inventory calls only once confirmed.
    private let confirmation: Confirmation

    init(control: ControlClient, flow: InitiatorFlow, sessionTimeout: Int, passphrase: String?) {
        self.control = control
        self.flow = flow
        self.sessionTimeout = sessionTimeout
        self.passphrase = passphrase
        self.confirmation = Confirmation(control: control)
    }

    static func hostAddresses() -> [HostAddress] {
        HostInterfaces.list().filter(\.isUp).flatMap { iface in
            iface.addresses.map { HostAddress(interface: iface.name, cidr: $0) }
        }
    }

    func perform(_ effect: WizardEffect, _ sink: MessageSink<WizardMessage>) async -> [WizardMessage] {
        switch effect {
        case .openSession:
            do {
                let opened = try await control.openSession(SessionOpen(role: .initiator, timeoutSeconds: sessionTimeout,
                                                                       passphrase: passphrase))
                Task { await self.followSession(sink) }
                return [.sessionOpened(passphrase: opened.passphrase ?? "", expiresAt: opened.expires_at,
                                       localName: flow.local.name, localFingerprint: opened.fingerprint)]
            } catch {
                return [.failed("Cannot open the trust session: \(error)")]
            }
        case .startDiscovery(let interface):
            await browse(interface: interface, sink)
            return []
        case .confirm(let fingerprints):
            do {
                try await confirmation.ensure(fingerprints)
                return []
            } catch {
                return [.failed("\(error)")]
            }
        case .fetchInventories(let servers):
            let peers = servers.filter { $0.name != flow.local.name }.map(\.fingerprint)
            do {
                try await confirmation.ensure(peers)
            } catch {
                return [.inventories([], problems: ["The selected servers could not be confirmed: \(error)"])]
            }
            let records = [flow.local] + servers.filter { $0.name != flow.local.name }
                .map { MemberRecord(name: $0.name, address: $0.address, fingerprint: $0.fingerprint) }
            members.withLock { $0 = records }
            let gathered = await flow.inventories(of: records)
            return [.inventories(gathered.found, problems: gathered.problems)]
        case .runBootstrap(let plan):
            return await bootstrap(plan, sink)
        case .savePreseed(let path, let yaml):
            do {
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o600)   // it holds the session passphrase
                return [.saved(path)]
            } catch {
                return [.failed("Cannot write \(path): \(error.localizedDescription)")]
            }
        case .abort(let reason):
            try? await control.abort(reason: reason)
            return []
        case .quit:
            return []
        }
    }

    /// Intents proven in the session become verified rows; the session's end is reported once.
    private func followSession(_ sink: MessageSink<WizardMessage>) async {
        var cursor = 0
        while !Task.isCancelled {
            guard let batch = try? await control.events(after: cursor, wait: 10) else {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            cursor = batch.next
            for e in batch.events {
                switch e.kind {
                case .intent:
                    if let name = e.name, let address = e.address, let fp = e.fingerprint {
                        sink.send(.intent(Server(name: name, address: address, fingerprint: fp, version: "", state: .verified)))
                    }
                case .ended:
                    if !finished.current { sink.send(.sessionEnded(e.message ?? "The trust session ended")) }
                    return
                default: break
                }
            }
        }
    }

    /// Servers announced over mDNS on the chosen interface, as they come and go.
    private func browse(interface: String, _ sink: MessageSink<WizardMessage>) async {
        let stream: AsyncStream<DiscoveryEvent>
        do {
            stream = try Discovery.browse(interface: interface)
        } catch {
            sink.send(.failed("mDNS discovery is not available (\(error)); joiners can still reach this server with `microcloud join --initiator-address`"))
            return
        }
        for await event in stream {
            switch event {
            case .appeared(let a), .updated(let a):
                guard a.name != flow.local.name else { continue }
                sink.send(.discovery(Server(name: a.name, address: a.address, fingerprint: a.shortFingerprint,
                                            version: a.version, state: .discovered)))
            case .gone(let name):
                sink.send(.serverGone(name))
            }
        }
    }

    private func bootstrap(_ plan: ClusterPlan, _ sink: MessageSink<WizardMessage>) async -> [WizardMessage] {
        let records = plan.members.map { MemberRecord(name: $0.name, address: $0.address, fingerprint: $0.fingerprint) }
        let bootstrapper = flow.bootstrapper(members: records)
        let log = EventFile(path: control.stateDir + "/bootstrap.log")
        do {
            for try await event in bootstrapper.run(plan) {
                log.write(event)
                sink.send(.progress(event))
            }
            try await flow.recordMembership(records)
            finished.withLock { $0 = true }
            try? await control.abort(reason: "The cloud is formed")
            let snapshot = try? await flow.readback()
            return [.bootstrapFinished(bootstrapper.report ?? BootstrapReport(), snapshot)]
        } catch let failed as BootstrapFailed {
            try? await control.abort(reason: "Initiator aborted the setup: \(failed)")
            return [.bootstrapFailed(failed.report)]
        } catch {
            try? await control.abort(reason: "Initiator aborted the setup")
            var report = bootstrapper.report ?? BootstrapReport()
            if report.failure == nil { report.remains.append("\(error)") }
            return [.bootstrapFailed(report)]
        }
    }

    /// After the screen is gone: a wizard that was abandoned still tells the joiners (an effect may have been cut short).
    func finish(_ final: WizardState) async {
        if let reason = final.abortReason, !finished.current {
            try? await control.abort(reason: reason)
        }
    }
}

/// Confirms the selected joiners exactly once, whichever effect asks first; the other waits for the same outcome.
actor Confirmation {
    let control: ControlClient
    private var running: Task<Void, Error>?

    init(control: ControlClient) { self.control = control }

    func ensure(_ fingerprints: [String]) async throws {
        if let running { return try await running.value }
        let control = self.control
        let task = Task {
            if fingerprints.isEmpty {
                try await control.abort(reason: "The initiator continues alone")
            } else {
                try await control.confirm(fingerprints)
            }
        }
        running = task
        try await task.value
    }
}

/// The bootstrap's events as JSON lines in the state dir, so the run can be read again after the screen is gone.
struct EventFile: Sendable {
    let path: String

    init(path: String) {
        self.path = path
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
    }

    func write(_ event: ProgressEvent) {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((event.jsonLine + "\n").utf8))
    }
}
