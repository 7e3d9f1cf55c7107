import ArgumentParser
import Foundation
import MicroCloudKit
import MicroCloudNet

/// `microcloud discover`: who is out there, as the wizard's live table will see it.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "List MicroCloud servers announced over mDNS on the local subnet.")

    @Option(help: "Seconds to listen.") var timeout: Double = 3
    @Option(help: "Address whose interface and subnet to search (defaults to the first global address).") var address: String?
    @Option(help: "Only list servers in this subnet (defaults to the subnet of --address).") var subnet: String?
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table

    func run() async throws {
        let (iface, localCIDR) = try chooseInterface()
        let scope: CIDR
        if let subnet {
            guard let c = CIDR(subnet) else { throw ValidationError("--subnet \"\(subnet)\" is not a CIDR like 10.0.0.0/24") }
            scope = c
        } else {
            scope = localCIDR.network
        }
        let localAddresses = Set(HostInterfaces.list().flatMap { $0.addresses.compactMap { $0.split(separator: "/").first.map(String.init) } })
        let found = try await Discovery.snapshot(interface: iface.name, timeout: .milliseconds(Int(timeout * 1000))).value
        var rows: [DiscoveredServer] = []
        for a in found.values.sorted(by: { $0.name < $1.name }) {
            guard let ip = IPAddress(a.address), scope.contains(ip), !localAddresses.contains(a.address) else { continue }
            rows.append(await DiscoveredServer.verify(a))
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        case .table:
            let table = TextTable(headers: ["NAME", "ADDRESS", "FINGERPRINT", "VERSION", "STATE"],
                                  rows: rows.map { [$0.name, $0.address, String($0.fingerprint.prefix(12)), $0.version, $0.state] })
            print(table.render(), terminator: "")
        }
    }

    private func chooseInterface() throws -> (HostInterface, CIDR) {
        let interfaces = HostInterfaces.list()
        for iface in interfaces where iface.isUp {
            for cidrText in iface.addresses {
                guard let cidr = CIDR(cidrText) else { continue }
                if address == nil || cidr.address.description == address { return (iface, cidr) }
            }
        }
        throw ValidationError(address.map { "No interface owns the address \($0)" } ?? "No interface with a global address is up")
    }
}

enum OutputFormat: String, ExpressibleByArgument, Sendable { case table, json }

/// One row of `discover`: what was announced, with the full fingerprint read from the server's TLS handshake.
struct DiscoveredServer: Codable, Sendable {
    var name: String
    var address: String
    var fingerprint: String
    var version: String
    var state: String

    /// The announcement carries a short fingerprint; the certificate the server presents must start with it.
    static func verify(_ a: ServiceAnnouncement) async -> DiscoveredServer {
        var row = DiscoveredServer(name: a.name, address: a.address, fingerprint: a.shortFingerprint, version: a.version, state: a.state)
        do {
            let probe = try await TLSProbe.serverCertificate(host: a.address, port: a.port, credentials: nil, timeout: .seconds(3))
            if probe.fingerprint.hasPrefix(a.shortFingerprint) {
                row.fingerprint = probe.fingerprint
            } else {
                row.state = "fingerprint mismatch"
            }
        } catch {
            row.state = "unreachable"
        }
        return row
    }
}
