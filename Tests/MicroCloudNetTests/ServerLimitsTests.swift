import Foundation
import MicroCloudKit
import Testing
@testable import MicroCloudNet

/// The server's budgets at the transport level (issue 10, reproducers 4 and 5; the real daemon under a descriptor
/// limit is LabSuite/PeerBudgetTests).
@Suite struct ServerLimitsTests {
    @Test func aRoutesSmallLimitRefusesALargerBodyFromItsHead() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let limits = ServerLimits { _, path, _ in path == "/small" ? 64 : ServerLimits.maxBody }
        let server = try await HTTPServer.unix(path: dir.file("s.sock"), limits: limits) { request, _ in
            HTTPResponse(status: 200, body: Array("\(request.body.count)".utf8))
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let small = try await client.send(HTTPRequest(method: "POST", path: "/small", body: [UInt8](repeating: 1, count: 64)))
        let over = try await client.send(HTTPRequest(method: "POST", path: "/small", body: [UInt8](repeating: 1, count: 65)))
        let elsewhere = try await client.send(HTTPRequest(method: "POST", path: "/large", body: [UInt8](repeating: 1, count: 4096)))
        await server.shutdown()
        #expect(small.status == 200 && small.text == "64")
        #expect(over.status == 413 && over.text.contains("64 bytes, the limit of this endpoint"))
        #expect(elsewhere.status == 200 && elsewhere.text == "4096")
    }

    @Test func bodiesBeyondTheSharedBudgetGet503AndTheBudgetComesBack() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try await HTTPServer.unix(path: dir.file("s.sock"), limits: ServerLimits(bufferedBodyBytes: 1024)) { request, _ in
            HTTPResponse(status: 200, body: Array("\(request.body.count)".utf8))
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let over = try await client.send(HTTPRequest(method: "POST", path: "/x", body: [UInt8](repeating: 1, count: 2048)))
        let first = try await client.send(HTTPRequest(method: "POST", path: "/x", body: [UInt8](repeating: 1, count: 1024)))
        let again = try await client.send(HTTPRequest(method: "POST", path: "/x", body: [UInt8](repeating: 1, count: 1024)))
        await server.shutdown()
        #expect(over.status == 503)
        #expect(first.status == 200 && again.status == 200, "the budget is given back after each request")
    }

    @Test func connectionsPerHostAndInTotalAreCounted() {
        let budget = ConnectionBudget(limits: ServerLimits(connectionsPerHost: 2, connections: 3))
        #expect(budget.admit(host: "10.0.0.1") && budget.admit(host: "10.0.0.1"))
        #expect(!budget.admit(host: "10.0.0.1"))
        #expect(budget.admit(host: "10.0.0.2"))
        #expect(!budget.admit(host: "10.0.0.3"), "the total is reached")
        budget.release(host: "10.0.0.1")
        #expect(budget.admit(host: "10.0.0.1"))
        #expect(ServerLimits.connectionBudget(reserve: 256) <= 4096)
    }
}
