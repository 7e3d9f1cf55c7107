import MicroCloudKit
import NIOCore
import NIOPosix

/// The socket file of a unix listener: stale ones are replaced, live ones are left alone, new ones appear
/// only once they are private (0600).
enum UnixSocketFile {
    /// sockaddr_un holds 108 bytes including the terminating NUL.
    private static let maxPathBytes = 107

    /// Removes a socket file nobody listens on any more; refuses to touch anything else.
    static func removeIfStale(_ path: String, target: String) async throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & 0o170000 == 0o140000 else {
            throw TransportError(target: target, reason: "the path exists and is not a socket; move it away or pick another path")
        }
        if let live = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path).get() {
            try? await live.close()
            throw TransportError(target: target, reason: "another process is already listening on this socket")
        }
        unlink(path)
    }

    /// Binds on a temporary name, makes it 0600, then renames it into place, so no client can connect while it is
    /// still open to everyone. Falls back to bind-then-chmod when the temporary name would be too long.
    static func bindPrivately(_ path: String, target: String,
                              bind: (String) async throws -> Channel) async throws -> Channel {
        let temporary = path + ".tmp"
        let usesTemporary = temporary.utf8.count <= maxPathBytes
        let listener: Channel
        do {
            listener = try await bind(usesTemporary ? temporary : path)
        } catch {
            throw TransportError(target: target, reason: "cannot listen: \(failureReason(error, timeout: .zero))")
        }
        let bound = usesTemporary ? temporary : path
        guard chmod(bound, 0o600) == 0, !usesTemporary || rename(temporary, path) == 0 else {
            let reason = errnoText(errno)
            try? await listener.close()
            unlink(bound)
            throw TransportError(target: target, reason: "cannot set up the socket file: \(reason)")
        }
        return listener
    }

    static func remove(_ path: String) {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & 0o170000 == 0o140000 { unlink(path) }
    }

    private static func errnoText(_ code: CInt) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
