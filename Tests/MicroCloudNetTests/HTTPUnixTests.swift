import Foundation
import MicroCloudKit
import Testing
@testable import MicroCloudNet

@Suite("HTTP over a unix socket")
struct HTTPUnixTests {
    @Test func roundTripCarriesMethodPathQueryHeadersAndBody() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try await HTTPServer.unix(path: dir.file("s.sock"), handler: echoHandler)
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let response = try await client.send(HTTPRequest(method: "PUT", path: "/1.0/things?name=a%20b&x=1",
                                                         headers: ["X-Test-Token": "t1", "content-type": "text/plain"],
                                                         body: Array("hello body".utf8)))
        await server.shutdown()

        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let echo = try response.decode(Echo.self)
        #expect(echo.method == "PUT")
        #expect(echo.path == "/1.0/things?name=a%20b&x=1")
        #expect(echo.query == ["name": "a b", "x": "1"])
        #expect(echo.headers["X-Test-Token"] == "t1")
        #expect(echo.headers["Content-Type"] == "text/plain")
        #expect(echo.body == "hello body")
        #expect(echo.isLocal)
        #expect(echo.peerFingerprint == nil)
        #expect(echo.remoteAddress == nil)
        #expect(client.target == "unix:\(dir.file("s.sock"))")
    }

    @Test func socketFileIsPrivateAndStaleOneIsReplaced() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("s.sock")
        // A socket file left behind by a server that died: nobody listens on it any more.
        let first = try await HTTPServer.unix(path: path, handler: echoHandler)
        try await first.shutdownLeavingSocketFile()
        #expect(FileManager.default.fileExists(atPath: path))

        let server = try await HTTPServer.unix(path: path, handler: echoHandler)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try await HTTPClient.unix(path: path).send(HTTPRequest(method: "GET", path: "/")).status == 200)

        // A live server's socket is not taken over.
        let error = await transportError { try await HTTPServer.unix(path: path, handler: echoHandler) }
        #expect(error?.reason.contains("already listening") == true)
        await server.shutdown()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func regularFileAtSocketPathIsLeftAlone() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("s.sock")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        let error = await transportError { try await HTTPServer.unix(path: path, handler: echoHandler) }
        #expect(error?.reason.contains("not a socket") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test func slowHandlerDoesNotBlockOtherRequests() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let gate = Gate()
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let server = try await HTTPServer.unix(path: dir.file("s.sock")) { request, context in
            if request.route == "/slow" {
                startedSignal.yield()
                await gate.wait()
                return HTTPResponse(status: 200, body: Array("slow done".utf8))
            }
            return HTTPResponse(status: 200, body: Array("fast".utf8))
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let slow = Task { try await client.send(HTTPRequest(method: "GET", path: "/slow")) }
        var iterator = started.makeAsyncIterator()
        await iterator.next()   // the slow handler is now parked

        // Completes while the slow one is still held: the server is not serialised behind it.
        let fast = try await client.send(HTTPRequest(method: "GET", path: "/fast"))
        #expect(fast.text == "fast")

        await gate.open()
        #expect(try await slow.value.text == "slow done")
        await server.shutdown()
    }

    @Test func bodyOverEightMiBGets413AndEightMiBPasses() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try await HTTPServer.unix(path: dir.file("s.sock")) { request, _ in
            HTTPResponse(status: 200, body: Array("\(request.body.count)".utf8))
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let limit = 8 * 1024 * 1024
        let atLimit = try await client.send(HTTPRequest(method: "POST", path: "/upload",
                                                        body: [UInt8](repeating: 65, count: limit)))
        let over = try await client.send(HTTPRequest(method: "POST", path: "/upload",
                                                     body: [UInt8](repeating: 65, count: limit + 1)))
        await server.shutdown()

        #expect(atLimit.status == 200)
        #expect(atLimit.text == "\(limit)")
        #expect(over.status == 413)
        #expect(over.text.contains("8 MiB"))
    }

    @Test func garbageAndAbandonedRequestsDoNotKillTheServer() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("s.sock")
        let server = try await HTTPServer.unix(path: path, handler: echoHandler)

        let answer = try await sendRaw(Array("\u{01}\u{02}NOT HTTP AT ALL\r\n\r\n".utf8) + [0xff, 0xfe, 0x00], toUnix: path)
        #expect(answer.hasPrefix("HTTP/1.1 400"))
        // A client that goes away halfway through its body.
        _ = try await sendRaw(Array("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nonly a bit".utf8),
                              toUnix: path, closeImmediately: true)
        // And one that leaves mid-header.
        _ = try await sendRaw(Array("GET /half HTTP/1.1\r\nHo".utf8), toUnix: path, closeImmediately: true)

        let response = try await HTTPClient.unix(path: path).send(HTTPRequest(method: "GET", path: "/after"))
        await server.shutdown()
        #expect(response.status == 200)
        #expect(try response.decode(Echo.self).path == "/after")
    }

    @Test func keepAliveConnectionServesRequestsInOrder() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("s.sock")
        let server = try await HTTPServer.unix(path: path) { request, _ in
            HTTPResponse(status: 200, body: Array("answer to \(request.path)".utf8))
        }
        // Three requests written back to back on one connection (curl and Go reuse connections like this).
        let raw = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /two HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        let answer = try await sendRaw(Array(raw.utf8), toUnix: path)
        await server.shutdown()

        let one = try #require(answer.range(of: "answer to /one"))
        let two = try #require(answer.range(of: "answer to /two"))
        let three = try #require(answer.range(of: "answer to /three"))
        #expect(one.lowerBound < two.lowerBound && two.lowerBound < three.lowerBound)
        #expect(answer.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
    }

    @Test func shutdownEndsInFlightRequestsWithAClearError() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let server = try await HTTPServer.unix(path: dir.file("s.sock")) { _, _ in
            startedSignal.yield()
            try? await Task.sleep(for: .seconds(600))   // a long-poll; cancelled by shutdown
            return HTTPResponse(status: 200)
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let pending = Task { await transportError { try await client.send(HTTPRequest(method: "GET", path: "/wait")) } }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        await server.shutdown()

        let error = await pending.value
        #expect(error?.reason == "connection closed before a complete response")
        #expect(!FileManager.default.fileExists(atPath: dir.file("s.sock")))
    }

    @Test func clientGoingAwayCancelsItsLongPoll() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (events, event) = AsyncStream<String>.makeStream()
        let server = try await HTTPServer.unix(path: dir.file("s.sock")) { _, _ in
            event.yield("started")
            do {
                try await Task.sleep(for: .seconds(600))
                event.yield("finished")
            } catch {
                event.yield("cancelled")
            }
            return HTTPResponse(status: 200)
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"))
        let poll = Task { try await client.send(HTTPRequest(method: "GET", path: "/1.0/events")) }
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == "started")
        poll.cancel()   // the caller gives up: its connection closes
        #expect(await iterator.next() == "cancelled")
        await #expect(throws: CancellationError.self) { try await poll.value }
        await server.shutdown()
    }

    @Test func largeAnswerWithConnectionCloseArrivesWhole() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let size = 24 << 20
        let server = try await HTTPServer.unix(path: dir.file("s.sock")) { _, _ in
            HTTPResponse(status: 200, body: [UInt8](repeating: 0x5a, count: size))
        }
        // Our client always asks for Connection: close, so the server closes right after this answer.
        let response = try await HTTPClient.unix(path: dir.file("s.sock")).send(HTTPRequest(method: "GET", path: "/big"))
        await server.shutdown()
        #expect(response.body.count == size)
    }

    @Test func missingSocketIsAClearError() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let client = HTTPClient.unix(path: dir.file("none.sock"))
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", path: "/")) }
        #expect(error?.target == "unix:\(dir.file("none.sock"))")
        #expect(error?.reason == "no such socket")
    }

    @Test func timeoutCoversTheWholeExchange() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let gate = Gate()
        let server = try await HTTPServer.unix(path: dir.file("s.sock")) { _, _ in
            await gate.wait()
            return HTTPResponse(status: 200)
        }
        let client = HTTPClient.unix(path: dir.file("s.sock"), timeout: .milliseconds(300))
        let error = await transportError { try await client.send(HTTPRequest(method: "GET", path: "/hang")) }
        await gate.open()
        await server.shutdown()
        #expect(error?.reason == "timed out after 0.3 s")
    }
}

extension HTTPServer {
    /// Simulates a crashed server: the listener goes, its socket file stays.
    func shutdownLeavingSocketFile() async throws {
        let path = try #require(socketPath)
        let copy = path + ".keep"
        try FileManager.default.linkItem(atPath: path, toPath: copy)
        await shutdown()
        try FileManager.default.moveItem(atPath: copy, toPath: path)
    }
}
