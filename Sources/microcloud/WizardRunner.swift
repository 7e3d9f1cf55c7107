import Foundation
import MicroCloudClient
import MicroCloudWire
import MicroCloudKit
import MicroCloudNet
import MicroCloudTUI

/// Performs the wizard's effects by asking the initiator driver and rendering what it yields as messages. Only
/// discovery (mDNS rows before anyone proved the passphrase) and saving a preseed file are the runner's own.
final class WizardRunner: Sendable {
    let driver: InitiatorDriver
    let sessionTimeout: Int
    let passphrase: String?

    init(driver: InitiatorDriver, sessionTimeout: Int, passphrase: String?) {
        self.driver = driver
        self.sessionTimeout = sessionTimeout
        self.passphrase = passphrase
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
                let opened = try await driver.openSession(timeoutSeconds: sessionTimeout, passphrase: passphrase)
                Task { await self.followSession(sink) }
                return [.sessionOpened(passphrase: opened.passphrase ?? "", expiresAt: opened.expires_at,
                                       localName: driver.local.name, localFingerprint: opened.fingerprint)]
            } catch {
                return [.failed("Cannot open the trust session: \(error)")]
            }
        case .startDiscovery(let interface):
            await browse(interface: interface, sink)
            return []
        case .confirm(let fingerprints):
            do {
                try await driver.confirm(fingerprints)
                return []
            } catch {
                return [.failed("The selected servers could not be confirmed: \(error)")]
            }
        case .fetchInventories:
            let gathered = await driver.inventories()
            return [.inventories(gathered.found, problems: gathered.problems)]
        case .runBootstrap(let plan):
            for await update in driver.run(plan) {
                switch update {
                case .progress(let event): sink.send(.progress(event))
                case .finished(.formed(let report, let snapshot)): return [.bootstrapFinished(report, snapshot)]
                case .finished(.failed(let report)): return [.bootstrapFailed(report)]
                }
            }
            return []
        case .savePreseed(let path, let yaml):
            do {
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o600)   // it holds the session passphrase
                return [.saved(path)]
            } catch {
                return [.failed("Cannot write \(path): \(error.localizedDescription)")]
            }
        case .abort(let reason):
            await driver.abort(reason: reason)
            return []
        case .quit, .sequence:
            return []   // the program runner ends the program and runs sequences itself
        }
    }

    /// Intents proven in the session become verified rows; the session's end is reported once.
    private func followSession(_ sink: MessageSink<WizardMessage>) async {
        do {
            for try await e in driver.sessionEvents() {
                switch e.kind {
                case .intent:
                    if let name = e.name, let address = e.address, let fp = e.fingerprint {
                        sink.send(.intent(Server(name: name, address: address, fingerprint: Fingerprint(fp), version: "", state: .verified)))
                    }
                case .ended:
                    sink.send(.sessionEnded(e.message ?? SessionWords.sessionEnded))
                default: break
                }
            }
        } catch {
            sink.send(.sessionEnded("\(error)"))
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
                guard a.name != driver.local.name else { continue }
                sink.send(.discovery(Server(name: a.name, address: a.address, fingerprint: Fingerprint(a.shortFingerprint),
                                            version: a.version, state: .discovered)))
            case .gone(let name):
                sink.send(.serverGone(name))
            }
        }
    }
}
