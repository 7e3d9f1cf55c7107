import Foundation
import Testing
@testable import MicroCloudKit

/// MicroCeph's `GET /1.0/configs` as upstream answers it (microceph/api/configs.go cmdConfigsGet): the handler decodes
/// a `types.Config` body even on this GET, so a request without one is a 500 `EOF`; an empty key lists every option.
final class FakeMicroCephConfigs: HTTPTransport, @unchecked Sendable {
    let bodies = Locked<[JSONValue]>([])

    func send(_ r: HTTPRequest) async throws -> HTTPResponse {
        guard r.method == "GET", r.route == "/1.0/configs" else { return Self.error(404, "not found") }
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(r.body)) else { return Self.error(500, "EOF") }
        bodies.withLock { $0.append(body) }
        return .json(JSONValue.object(["type": .string("sync"), "status_code": .number(200), "metadata": .array([
            .object(["key": .string("cluster_network"), "value": .string("10.0.0.0/24"), "wait": .bool(false), "skip_restart": .bool(false)]),
            .object(["key": .string("public_network"), "value": .string("10.1.0.0/24"), "wait": .bool(false), "skip_restart": .bool(false)]),
        ])]))
    }

    static func error(_ code: Int, _ text: String) -> HTTPResponse {
        .json(JSONValue.object(["type": .string("error"), "error_code": .number(Double(code)), "error": .string(text),
                                "metadata": .null]), status: code)
    }
}

@Suite struct MicroCephConfigsTests {
    @Test func configsSendsTheBodyMicroCephDecodesAndReadsEveryOption() async throws {
        let fake = FakeMicroCephConfigs()
        let configs = try await MicroCephClient(transport: fake).configs()
        #expect(configs == ["cluster_network": "10.0.0.0/24", "public_network": "10.1.0.0/24"])
        #expect(fake.bodies.current == [.object(["key": .string(""), "value": .string(""), "wait": .bool(false),
                                                 "skip_restart": .bool(false)])])
    }
}
