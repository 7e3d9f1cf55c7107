// libFuzzer target: what the daemon does with a `POST /1.0/session/join` before it touches its session
// (FuzzInput.joinIntent, which FuzzCorpusTests also runs on the seeds). A clean refusal is fine; a crash, a hang
// (-timeout) or a memory blow-up (-rss_limit_mb) is a finding.
import CFuzzerDriver
import FuzzInputs
import Glibc

@main enum FuzzJoinIntent {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzJoinIntent(data!, size) })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJoinIntent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if case .broken(let why) = FuzzInput.joinIntent(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(why) }
    return 0
}
