import ArgumentParser
import CMalloc
import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import MicroCloudDaemon
import MicroCloudKit

@main
struct MicroCloudDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microcloudd",
        abstract: "The MicroCloud daemon: announces this server, proves trust sessions and joins its local services.",
        version: MicroCloudVersion.current)

    @Option(help: "Directory for the identity, control socket and membership.") var stateDir = "/var/lib/microcloud"
    @Option(help: "Member name (defaults to the host name).") var name: String?
    @Option(help: "Address to listen on and announce (defaults to the first global address).") var address: String?
    @Option(help: "Interface to announce on (defaults to the one owning --address).") var interface: String?
    @Option(help: "Port of the peer API.") var port = 9443
    @Option(help: "LXD's unix socket (default: the snap's, else /var/lib/lxd/unix.socket, whichever exists).") var lxdSocket: String?
    @Option(help: "MicroCeph's control socket.")
    var microcephSocket = "/var/snap/microceph/common/state/control.socket"
    @Option(help: "MicroOVN's control socket.")
    var microovnSocket = "/var/snap/microovn/common/state/control.socket"
    @Option(name: .customLong("only-disk"), help: "Report only this disk in the inventory (repeatable).") var onlyDisks: [String] = []
    @Flag(help: "Do not announce over mDNS.") var noAnnounce = false
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"

    func run() async throws {
        // Each key derivation allocates and frees a 16 MiB scrypt table. With the threshold fixed (at glibc's own
        // default), such buffers are always mapped and given back when freed; left dynamic, glibc raises the
        // threshold at the first free and keeps the next table in its heap for good.
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        var config = DaemonConfig(name: name ?? Daemon.hostName())
        config.nameFollowsHost = name == nil
        config.stateDir = stateDir
        config.address = address
        config.interface = interface
        config.port = port
        config.lxdSocket = lxdSocket ?? ProcessInfo.processInfo.environment["LXD_DIR"].map { $0 + "/unix.socket" }
        config.microcephSocket = microcephSocket
        config.microovnSocket = microovnSocket
        config.onlyDisks = onlyDisks
        config.announce = !noAnnounce
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "microcloudd")
        let daemon = try Daemon(config: config, logger: logger)
        try await daemon.start()
        await waitForTermination()
        await daemon.stop()
    }
}

/// Suspends until SIGTERM or SIGINT; the daemon then withdraws its announcement and exits cleanly.
func waitForTermination() async {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    let holder = SignalSources()
    let stream = AsyncStream<Int32> { continuation in
        holder.sources = [SIGTERM, SIGINT].map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            return source
        }
    }
    for await _ in stream { break }
    holder.sources.forEach { $0.cancel() }
}

/// Keeps the dispatch sources alive while we wait; touched only before and after the wait.
final class SignalSources: @unchecked Sendable {
    var sources: [DispatchSourceSignal] = []
}
