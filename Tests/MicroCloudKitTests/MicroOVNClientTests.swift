import Foundation
import Testing
@testable import MicroCloudKit

/// MicroOVN as its API answers (microcluster's envelope; `/1.0/services` as MicroOVN lists them): what the client
/// sends for bootstrap and join, and what it reads back for LXD's northbound connection.
final class FakeMicroOVN: HTTPTransport, @unchecked Sendable {
    let extensions: [String]
    let controls = Locked<[JSONValue]>([])
    let members: [(String, String)] = [("micro01", "10.0.0.11:6443"), ("micro02", "10.0.0.12:6443"),
                                       ("micro03", "[fd42::13]:6443")]
    var central = ["micro01", "micro02", "micro03"]

    init(extensions: [String] = ["internal:runtime_extension_v1", "custom_encapsulation_ip"]) {
        self.extensions = extensions
    }

    func send(_ r: HTTPRequest) async throws -> HTTPResponse {
        let body = (try? JSONDecoder().decode(JSONValue.self, from: Data(r.body))) ?? .null
        switch (r.method, r.route) {
        case ("GET", "/core/1.0"):
            return Self.sync(.object(["name": .string("micro01"), "address": .string("10.0.0.11:6443"),
                                      "version": .string("23.03.1"), "ready": .bool(!controls.current.isEmpty),
                                      "extensions": .array(extensions.map { .string($0) })]))
        case ("POST", "/core/control"):
            controls.withLock { $0.append(body) }
            return Self.sync(.null)
        case ("GET", "/core/1.0/cluster"):
            return Self.sync(.array(members.map { .object(["name": .string($0.0), "address": .string($0.1),
                                                           "role": .string("voter"), "status": .string("ONLINE")]) }))
        case ("GET", "/1.0/services"):
            let kinds = ["central", "chassis", "switch"]
            var list: [JSONValue] = []
            for (name, _) in members {
                for kind in kinds where kind != "central" || central.contains(name) {
                    list.append(.object(["service": .string(kind), "location": .string(name)]))
                }
            }
            return Self.sync(.array(list))
        default:
            return .json(JSONValue.object(["type": .string("error"), "error_code": .number(404), "error": .string("not found"),
                                           "metadata": .null]), status: 404)
        }
    }

    static func sync(_ metadata: JSONValue) -> HTTPResponse {
        .json(JSONValue.object(["type": .string("sync"), "status": .string("Success"), "status_code": .number(200),
                                "error_code": .number(0), "error": .string(""), "metadata": metadata]))
    }
}

@Suite struct MicroOVNClientTests {
    @Test func bootstrapSendsTheUnderlayAddressAsOVNEncapIP() async throws {
        let fake = FakeMicroOVN()
        try await MicroOVNClient(transport: fake, member: "micro01")
            .bootstrap(name: "micro01", address: "10.0.0.11:6443", encapIP: "10.0.1.11")
        let sent = try #require(fake.controls.current.first)
        #expect(sent["bootstrap"]?.bool == true && sent["name"]?.string == "micro01")
        #expect(sent["address"]?.string == "10.0.0.11:6443")
        #expect(sent["config"]?.object?.compactMapValues(\.string) == ["ovn-encap-ip": "10.0.1.11"])
    }

    @Test func withoutAnUnderlayNoConfigIsSent() async throws {
        let fake = FakeMicroOVN()
        try await MicroOVNClient(transport: fake, member: "micro02")
            .join(name: "micro02", address: "10.0.0.12:6443", token: "t0ken", encapIP: nil)
        let sent = try #require(fake.controls.current.first)
        #expect(sent["join_token"]?.string == "t0ken" && sent["bootstrap"]?.bool != true)
        #expect(sent["config"] == nil || sent["config"] == .null)
    }

    @Test func anUnderlayOnAMicroOVNWithoutTheExtensionIsRefusedBeforeAnyChange() async throws {
        let fake = FakeMicroOVN(extensions: ["internal:runtime_extension_v1"])
        await #expect {
            try await MicroOVNClient(transport: fake, member: "micro01")
                .bootstrap(name: "micro01", address: "10.0.0.11:6443", encapIP: "10.0.1.11")
        } throws: { error in
            "\(error)".contains("MicroOVN on micro01") && "\(error)".contains("lacks custom_encapsulation_ip")
                && "\(error)".contains("10.0.1.11")
        }
        #expect(fake.controls.current.isEmpty)
    }

    @Test func centralAddressesComeFromWhereCentralRuns() async throws {
        let fake = FakeMicroOVN()
        fake.central = ["micro01", "micro03"]
        let client = MicroOVNClient(transport: fake, member: "micro01")
        #expect(try await client.centralAddresses() == ["10.0.0.11", "fd42::13"])
        let services = try await client.services()
        #expect(Set(services.filter { $0.service == "chassis" }.map(\.location)) == ["micro01", "micro02", "micro03"])
    }
}
