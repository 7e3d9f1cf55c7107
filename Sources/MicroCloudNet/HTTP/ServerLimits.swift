#if canImport(Glibc)
import Glibc
#endif
import MicroCloudKit

/// What one peer, and all peers together, may hold of the server: connections (file descriptors), time to send a
/// request, and body bytes kept in memory. Without them, 2,000 idle connections from one host used up a 1024-fd
/// limit and every other client timed out, and 40 unfinished 8 MiB bodies took the daemon from 60 to 460 MB.
public struct ServerLimits: Sendable {
    /// Open connections from one remote address; more are closed as soon as they are accepted.
    public var connectionsPerHost: Int
    /// Open connections in total; kept below the descriptor limit so the daemon can always open its own files,
    /// LXD's socket and outgoing connections.
    public var connections: Int
    /// Body bytes buffered across all connections at once; a request that would go past it gets 503.
    public var bufferedBodyBytes: Int
    /// How long a client may take to deliver a whole request (TLS handshake included), or sit idle between
    /// requests. A server facing the network sets it short, so slow or silent clients (slowloris) give their
    /// descriptor back quickly; the default is lenient for the local socket.
    public var requestReadTimeout: Duration
    /// The largest body a request may carry, decided from its method, path and caller (its certificate's
    /// fingerprint; nil without one, and on a unix socket) before any body byte is kept: a caller the server does
    /// not know takes small bodies only.
    public var bodyLimit: @Sendable (_ method: String, _ path: String, _ peer: String?) -> Int

    /// Largest body any route may take (LXD requests proxied for trusted peers).
    public static let maxBody = 8 << 20

    public init(connectionsPerHost: Int = 64, connections: Int = ServerLimits.connectionBudget(),
                bufferedBodyBytes: Int = 16 << 20, requestReadTimeout: Duration = .seconds(120),
                bodyLimit: @escaping @Sendable (_ method: String, _ path: String, _ peer: String?) -> Int = { _, _, _ in ServerLimits.maxBody }) {
        self.connectionsPerHost = connectionsPerHost
        self.connections = connections
        self.bufferedBodyBytes = bufferedBodyBytes
        self.requestReadTimeout = requestReadTimeout
        self.bodyLimit = bodyLimit
    }

    /// The soft descriptor limit minus a reserve for everything else the daemon opens, at most 4096.
    public static func connectionBudget(reserve: Int = 256) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 512 }
        let soft = limit.rlim_cur == rlim_t.max ? 4096 + reserve : Int(clamping: limit.rlim_cur)
        return max(16, min(4096, soft - reserve))
    }
}

/// Admission and byte accounting shared by one server's connections.
struct ConnectionBudget: Sendable {
    struct State {
        var perHost: [String: Int] = [:]
        var total = 0
        var bufferedBytes = 0
    }
    let limits: ServerLimits
    private let state = Locked(State())

    init(limits: ServerLimits) { self.limits = limits }

    /// Counts a new connection from `host` (nil: unix socket), or says no; `release` undoes an admission.
    func admit(host: String?) -> Bool {
        state.withLock { s in
            guard s.total < limits.connections else { return false }
            if let host {
                guard s.perHost[host, default: 0] < limits.connectionsPerHost else { return false }
                s.perHost[host, default: 0] += 1
            }
            s.total += 1
            return true
        }
    }

    func release(host: String?) {
        state.withLock { s in
            s.total -= 1
            if let host {
                let left = s.perHost[host, default: 1] - 1
                s.perHost[host] = left > 0 ? left : nil
            }
        }
    }

    /// Takes `bytes` from the shared body budget, or says no.
    func reserve(_ bytes: Int) -> Bool {
        state.withLock { s in
            guard s.bufferedBytes + bytes <= limits.bufferedBodyBytes else { return false }
            s.bufferedBytes += bytes
            return true
        }
    }

    func unreserve(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.bufferedBytes -= bytes }
    }

    var bufferedBytes: Int { state.withLock { $0.bufferedBytes } }
}
