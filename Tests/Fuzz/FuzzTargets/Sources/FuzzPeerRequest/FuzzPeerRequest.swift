// libFuzzer target: bytes a peer sends on a connection to the peer API, through the server's own pipeline
// (FuzzInput.peerRequest, which FuzzCorpusTests also runs on the seeds). A clean 4xx is fine; a crash, a hang
// (-timeout), a memory blow-up (-rss_limit_mb), or body budget still held after the connection closed (it would
// starve every later request) is a finding.
import CFuzzerDriver
import Dispatch
@_spi(Fuzzing) import FuzzInputs
import Glibc

@main enum FuzzPeerRequest {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzPeerRequest(data!, size) })
    }
}

/// One server for the whole run, as the daemon has: budgets leaked by one connection would show in later ones.
let server = FuzzInput.peerServer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPeerRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let done = DispatchSemaphore(value: 0)
    Task {
        if case .broken(let why) = await FuzzInput.peerRequest(bytes, on: server) { fatalError(why) }
        done.signal()
    }
    done.wait()
    return 0
}
