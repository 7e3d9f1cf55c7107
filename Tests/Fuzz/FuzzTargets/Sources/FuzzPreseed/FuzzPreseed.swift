// libFuzzer target: a preseed file as `microcloud preseed` reads it, then as the initiator resolves it, and the plan
// written back as YAML (FuzzInput.preseed, which FuzzCorpusTests also runs on the seeds). A clean error is fine; a
// crash, a hang (-timeout), a memory blow-up (-rss_limit_mb) or a broken outcome is a finding.
import CFuzzerDriver
import FuzzInputs
import Glibc

@main enum FuzzPreseed {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzPreseed(data!, size) })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPreseed(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if case .broken(let why) = FuzzInput.preseed(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(why) }
    return 0
}
