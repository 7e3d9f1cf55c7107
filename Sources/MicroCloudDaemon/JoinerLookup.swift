import FoundationEssentials
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

extension Daemon {
    /// Joiner: find the initiator (given address, or mDNS: a server announcing an open session), prove the
    /// passphrase to it, and wait for its confirmation (which arrives as a request on our peer API).
    func findInitiatorAndJoin(_ s: TrustSession, lookupTimeout: Duration) async {
        do {
            let target: String
            var announced: ServiceAnnouncement?
            if let given = s.initiatorAddress {
                target = given
            } else {
                let found = try await lookupInitiator(name: s.initiatorName, timeout: lookupTimeout)
                (target, announced) = (found.address, found)
            }
            let probe = try await TLSProbe.serverCertificate(host: target, port: config.port, credentials: identity.credentials)
            // Nothing a fake could use leaves before the certificate is checked against the announcement.
            switch InitiatorCheck.verdict(announced: announced, presented: probe.fingerprint, address: target) {
            case .refuse(let reason):
                log.warning("refused a fake initiator", metadata: ["address": "\(target)", "presented": "\(probe.fingerprint)"])
                throw DaemonError(reason)
            case .proceed(let line):
                await s.note(SessionEvent(kind: .initiatorCertificate, name: announced?.name, address: target,
                                          fingerprint: probe.fingerprint, message: line, announced: announced?.shortFingerprint))
            }
            let client = HTTPClient.tls(host: target, port: config.port, credentials: identity.credentials,
                                        pin: .fingerprint(probe.fingerprint), timeout: .seconds(30), source: address)
            // The salt comes from the initiator over the pinned connection, never from mDNS: a record that names the
            // real address and fingerprint with another salt changes nothing (and costs no attempt).
            let key = s.verifier.startKey(salt: try await Self.sessionSalt(client, at: target), passphrase: s.passphrase)
            let intent = JoinIntent(name: name, address: address, version: config.version,
                                    certificate: identity.certificatePEM, services: await recentServices())
            let body = Array(try JSONEncoder().encode(intent))
            let header = try await key.value.sign(body: body)
            await s.proving(to: Fingerprint(probe.fingerprint).hex)
            let response = try await client.send(HTTPRequest(method: "POST", path: "/1.0/session/join",
                                                             headers: ["Authorization": header, "Content-Type": "application/json"],
                                                             body: body))
            guard response.status == 200 else {
                let why = errorText(response)
                await s.note(SessionEvent(kind: .rejected, address: target, fingerprint: probe.fingerprint,
                                          message: "Failed to send our intent to join \"\(target)\": \(why)"))
                await s.end("Failed to find an eligible system: \(why)")
                await refreshAnnouncement()
                return
            }
            let info = try response.decode(ServerInfo.self)
            if let wanted = s.initiatorName, wanted != info.name {
                await s.end("Found \"\(info.name)\" at \(target), but the initiator should be \"\(wanted)\"")
                return
            }
            await s.setInitiator(Peer(name: info.name, address: target, fingerprint: Fingerprint(probe.fingerprint)))
            log.notice("found the initiator", metadata: ["name": "\(info.name)", "address": "\(target)"])
        } catch is CancellationError {
            return
        } catch {
            await s.end("Failed to find an eligible system: \(error)")
            await refreshAnnouncement()
        }
    }

    /// The salt of the initiator's open session, from `GET /1.0/session/salt`.
    private static func sessionSalt(_ client: HTTPClient, at target: String) async throws -> [UInt8] {
        let response = try await client.send(HTTPRequest(method: "GET", path: "/1.0/session/salt"))
        guard response.status == 200 else {
            throw DaemonError("the initiator at \(target) answered: \(errorText(response))")
        }
        guard let hex = try? response.decode(SessionSalt.self).salt, let salt = bytes(fromHex: hex),
              salt.count == JoinSignature.saltLength else {
            throw DaemonError("\(target) answered no usable session salt; is it a MicroCloud initiator of this version?")
        }
        return salt
    }

    /// The first server that announces an open initiator session on our interface (and has the wanted name).
    private func lookupInitiator(name: String?, timeout: Duration) async throws -> ServiceAnnouncement {
        @Sendable func initiator(_ seen: [String: ServiceAnnouncement]) -> ServiceAnnouncement? {
            seen.values.filter { $0.state == "session" && (name == nil || $0.name == name) }.min { $0.name < $1.name }
        }
        let browsing = try Discovery.snapshot(interface: interface, timeout: timeout) { initiator($0) != nil }
        let seen = await withTaskCancellationHandler { await browsing.value } onCancel: { browsing.cancel() }
        try Task.checkCancellation()
        guard let found = initiator(seen) else {
            throw DaemonError("no initiator with an open session was found within \(timeout.components.seconds)s" +
                              (name.map { " (looking for \"\($0)\")" } ?? "") + "; check the initiator runs `microcloud init`, or pass --initiator-address")
        }
        return found
    }
}
