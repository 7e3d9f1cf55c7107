#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file helpers with explicit modes, for secrets in the state dir.
package enum SecureFiles {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func mode(of path: String) throws -> mode_t {
        var st = stat()
        guard stat(path, &st) == 0 else { throw posixError("stat \(path)") }
        return st.st_mode & 0o7777
    }

    static func setMode(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw posixError("chmod \(path)") }
    }

    /// `mkdir -p`; only directories it creates get `mode`.
    static func makeDirectory(_ path: String, mode: mode_t) throws {
        guard !path.isEmpty else { throw CryptoError("state directory path is empty") }
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw CryptoError("\(path) exists and is not a directory") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]), mode: 0o755)
        }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw posixError("mkdir \(path)") }
        _ = chmod(path, mode)  // umask may have removed bits we asked for
    }

    static func readText(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw posixError("open \(path)") }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw posixError("read \(path)") }
            if n == 0 { break }
            data.append(contentsOf: chunk.prefix(n))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes a temp file created with `mode` (never wider), fsyncs it and renames it over `path`.
    static func writeAtomically(_ path: String, _ text: String, mode: mode_t) throws {
        let temp = path + ".tmp"
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw posixError("create \(temp)") }
        var ok = false
        defer { if !ok { unlink(temp) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw posixError("chmod \(temp)") }
            try writeAll(fd, text, temp)
            guard fsync(fd) == 0 else { throw posixError("fsync \(temp)") }
        }
        guard rename(temp, path) == 0 else { throw posixError("rename \(temp) to \(path)") }
        ok = true
    }

    /// Appends `text` to the existing file at `path` (O_APPEND: each call's text lands at the end, whole).
    package static func append(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw posixError("open \(path)") }
        defer { close(fd) }
        try writeAll(fd, text, path)
    }

    private static func writeAll(_ fd: Int32, _ text: String, _ path: String) throws {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw posixError("write \(path)") }
            written += n
        }
    }

    static func posixError(_ what: String) -> CryptoError {
        CryptoError("\(what): \(String(cString: strerror(errno)))")
    }
}
