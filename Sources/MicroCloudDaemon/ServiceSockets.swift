import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MicroCloudKit
import MicroCloudWire
import MicroCloudNet

/// Where this server's services listen. A service is installed when its socket exists (as upstream decides);
/// the check runs on every use, so a service installed while the daemon runs is found without a restart.
struct ServiceSockets: Sendable {
    /// LXD's socket when not told: the snap's first, then Debian's.
    static let lxdDefaults = ["/var/snap/lxd/common/lxd/unix.socket", "/var/lib/lxd/unix.socket"]

    let candidates: [ServiceKind: [String]]

    init(config: DaemonConfig) {
        candidates = [
            .lxd: config.lxdSocket.map { [$0] } ?? Self.lxdDefaults,
            .microceph: [config.microcephSocket],
            .microovn: [config.microovnSocket],
        ]
    }

    /// The socket of an installed service; nil when none of its paths exists.
    func installed(_ kind: ServiceKind) -> String? {
        (candidates[kind] ?? []).first { Self.isSocket($0) }
    }

    /// The socket to talk to: the installed one, else the first candidate (its absence then shows in the error).
    func path(_ kind: ServiceKind) -> String {
        installed(kind) ?? candidates[kind]?.first ?? ""
    }

    /// A client for the service's socket. MicroCeph answers `POST /1.0/disks` only once the OSD is made (minutes);
    /// LXD's long calls are background operations, waited for in shorter requests.
    func client(_ kind: ServiceKind, timeout: Duration? = nil) -> HTTPClient {
        HTTPClient.unix(path: path(kind), timeout: timeout ?? (kind == .lxd ? .seconds(60) : .seconds(300)))
    }

    static func isSocket(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK
    }
}

extension Daemon {
    /// How long the trust exchange reuses `services()`: it needs them several times within a second or two (our
    /// intent, each intent checked, each answer, the confirmation), each time an LXD round trip on the way.
    static let servicesFreshness: Duration = .seconds(10)

    /// `services()`, reused while at most `servicesFreshness` old.
    func recentServices() async -> [String: String] {
        if let (at, value) = servicesSnapshot, ContinuousClock.now - at < Self.servicesFreshness { return value }
        return await services()
    }

    /// Installed services and their versions: LXD from `GET /1.0`, MicroCeph and MicroOVN from microcluster's
    /// `GET /core/1.0` (an older release's `/cluster/1.0`, marked: `ServiceVersion`); a socket that does not answer
    /// leaves its service out. MicroCloud is always there.
    func services() async -> [String: String] {
        var out: [String: String] = [ServiceKind.microcloud.rawValue: config.version]
        await withTaskGroup(of: (ServiceKind, String?).self) { group in
            for kind in [ServiceKind.lxd, .microceph, .microovn] where sockets.installed(kind) != nil {
                group.addTask { (kind, await self.version(of: kind)) }
            }
            for await (kind, version) in group { if let version { out[kind.rawValue] = version } }
        }
        servicesSnapshot = (ContinuousClock.now, out)   // the newest answer is what `recentServices` reuses
        return out
    }

    private nonisolated func version(of kind: ServiceKind) async -> String? {
        let transport = sockets.client(kind, timeout: .seconds(5))
        if kind == .lxd {
            guard let metadata: JSONValue = try? await lxdMetadata(transport, "/1.0") else { return nil }
            let version = LXDServer(metadata: metadata).serverVersion
            return version.isEmpty ? nil : version
        }
        // An older release (microcluster's `/cluster/1.0`) is recorded as such, not left out as "not installed".
        let version = try? await MicroclusterClient(transport: transport, name: kind.rawValue).installedVersion()
        return version.flatMap { $0.isEmpty ? nil : $0 }
    }
}
