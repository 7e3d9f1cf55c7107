import Foundation
import Testing
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// A session ends when the process that opened it does. A killed process stays a zombie until its parent reaps it,
/// and `kill(pid, 0)` still succeeds on a zombie: the lab showed a session kept open for its whole hour that way.
struct OwnerProcessTests {
    @Test func aLiveProcessHasNotEnded() {
        #expect(!Daemon.processEnded(getpid()))
    }

    @Test func aZombieHasEndedAndSoHasAReapedOne() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        try #require(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0)
        var seenAsZombie = false
        for _ in 0..<100 where !seenAsZombie {       // not reaped yet: a zombie once it has exited
            Thread.sleep(forTimeInterval: 0.02)
            seenAsZombie = Daemon.processEnded(pid)
        }
        #expect(seenAsZombie, "an exited, unreaped child counts as ended")
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(Daemon.processEnded(pid))
    }
}
