// A preseed is read with a bound: `--file /dev/zero` or a 600 MB pipe used to be read whole before the size check
// (1.87 GB peak). Reading stops one byte past the limit, so memory stays flat whatever the source holds.
#if canImport(Glibc)
import Glibc
#endif
import MicroCloudKit

public enum PreseedInput {
    /// The text of the file at `path`, or of standard input when `path` is nil. Throws a `PreseedError` naming
    /// the source and its fix: unreadable, over `PreseedLimits.maxBytes`, or not UTF-8.
    public static func read(path: String?, limit: Int = PreseedLimits.maxBytes) throws -> String {
        let source = path.map { "file \"\($0)\"" } ?? "input"
        let fd: Int32
        if let path {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw PreseedError("Cannot read the preseed file \"\(path)\": \(String(cString: strerror(errno)))")
            }
        } else {
            fd = STDIN_FILENO
        }
        defer { if path != nil { close(fd) } }
        return try readText(fd, limit: limit, source: source)
    }

    /// The UTF-8 text of `fd`, up to `limit` bytes.
    public static func readText(_ fd: Int32, limit: Int, source: String) throws -> String {
        let bytes = try readBounded(fd, limit: limit, source: source)
        if let offset = VisibleBytes.firstInvalidByte(bytes) {
            let line = bytes[..<offset].filter { $0 == UInt8(ascii: "\n") }.count + 1
            throw PreseedError("The preseed \(source) is not UTF-8 text: byte \(offset) (line \(line)) is not part of "
                + "a UTF-8 character; save the file as UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Up to `limit` bytes; one byte more is the refusal, so a source that never ends costs `limit + 1` bytes.
    static func readBounded(_ fd: Int32, limit: Int, source: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var filled = 0
        while filled <= limit {
            let got = bytes.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + filled, limit + 1 - filled)
            }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw PreseedError("Cannot read the preseed \(source): \(String(cString: strerror(errno)))")
            }
            filled += got
        }
        if filled > limit { throw PreseedLimits.tooLarge(bytes: nil, limit: limit, source: source) }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
