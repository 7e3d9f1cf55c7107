// libFuzzer target: bytes a peer sends on a connection to the peer API, through the server's own pipeline
// (admission, NIO's HTTP/1.1 parser, the error handler, the daemon's body limits by route and the shared body
// budget) to a handler that reads what every route reads first (route, query, headers). TLS is left out: this is
// what runs behind it. A clean 4xx is fine; a crash, a hang (-timeout), a memory blow-up (-rss_limit_mb), or body
// budget still held after the connection closed (it would starve every later request) is a finding.
import CFuzzerDriver
import Glibc
import Dispatch
@_spi(Fuzzing) import MicroCloudDaemon
import MicroCloudKit
@_spi(Fuzzing) import MicroCloudNet
import NIOCore
import NIOEmbedded

@main enum FuzzPeerRequest {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzPeerRequest(data!, size) })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPeerRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let done = DispatchSemaphore(value: 0)
    Task {
        await serve(bytes)
        done.signal()
    }
    done.wait()
    return 0
}

/// One server for the whole run, as the daemon has: budgets leaked by one connection would show in later ones.
let server = HTTPServerPipeline(limits: Daemon.peerLimits) { request, _ in
    let summary = "\(request.method) \(request.route) \(request.query.count) \(request.headers.count) \(request.body.count)"
    return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array(summary.utf8))
}
let peer = try! SocketAddress(ipAddress: "10.0.0.12", port: 40000)

func serve(_ bytes: [UInt8]) async {
    let channel = NIOAsyncTestingChannel()
    channel.remoteAddress = peer
    do {
        try await channel.testingEventLoop.executeInContext { try server.install(on: channel) }
        try await channel.connect(to: peer).get()
        _ = try? await channel.writeInbound(ByteBuffer(bytes: bytes))
        // Handlers run in tasks and answer on the loop; an answer lets the next pipelined request through.
        repeat {
            while server.runningTasks > 0 { await Task.yield() }
            await channel.testingEventLoop.run()
        } while server.runningTasks > 0
        while (try? await channel.readOutbound(as: IOData.self)) ?? nil != nil {}
        _ = try? await channel.finish(acceptAlreadyClosed: true)
    } catch {
        fatalError("the server's pipeline could not take a connection: \(error)")
    }
    guard server.bufferedBodyBytes == 0 else {
        fatalError("\(server.bufferedBodyBytes) body bytes still held from the shared budget after the connection closed")
    }
}
