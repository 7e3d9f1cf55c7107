import Foundation
import Testing
import MicroCloudKit
import MicroCloudNet
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// Services found by their sockets, reported with their versions, and proxied to trusted callers. In the trust
/// session suite: its tests run one at a time (the test daemons share a port).
extension TrustSessionTests {
    @Test func aServiceInstalledWhileTheDaemonRunsIsReportedWithItsVersionAndProxied() async throws {
        let cloud = try await TestCloud.start(1)
        defer { Task { await cloud.stop() } }
        let control = HTTPClient.unix(path: cloud.dirs[0] + "/control.socket")
        #expect(try await cloud.control(0).info().services["MicroCeph"] == nil)
        #expect(try await cloud.control(0).info(recentServices: true).services["MicroCeph"] == nil)
        let absent = try await control.send(HTTPRequest(method: "GET", path: "/1.0/services/microceph/core/1.0"))
        #expect(absent.status == 503)
        #expect(errorText(absent).hasPrefix("MicroCeph is not installed on micro01"), "\(absent.text)")

        // MicroCeph appears: a microcluster answering GET /core/1.0 on the configured socket.
        let microceph = try await HTTPServer.unix(path: cloud.microcephSocket(0)) { request, _ in
            guard request.route == "/core/1.0" else { return .error(404, "not found") }
            return .json(JSONValue.object(["type": .string("sync"), "status_code": .number(200),
                                           "metadata": .object(["name": .string("micro01"), "version": .string("19.2.0"),
                                                                "ready": .bool(false), "address": .string("")])]))
        }
        defer { Task { await microceph.shutdown() } }
        let services = try await cloud.control(0).info().services
        #expect(services["MicroCeph"] == "19.2.0" && services["MicroOVN"] == nil && services["MicroCloud"] != nil)
        // A start-up may take the services as they were seen moments ago (no LXD round trip on its way); a plain
        // GET /1.0, as above, always asks, and refreshes what the next start-up takes.
        #expect(try await cloud.control(0).info(recentServices: true).services["MicroCeph"] == "19.2.0")

        let proxied = try await control.send(HTTPRequest(method: "GET", path: "/1.0/services/microceph/core/1.0"))
        let server = try await MicroclusterClient(transport: PrefixedTransport(base: control, prefix: "/1.0/services/microceph"),
                                            name: "MicroCeph on micro01").server()
        #expect(proxied.status == 200 && server.version == "19.2.0")
        let unknown = try await control.send(HTTPRequest(method: "GET", path: "/1.0/services/microceph/1.0/disks"))
        #expect(unknown.status == 404 && errorText(unknown) == "not found")
    }
}
