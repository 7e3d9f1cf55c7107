#if canImport(Glibc)
import Glibc
#endif
import Testing
import MicroCloudKit
import PreseedYAML

/// Issue 20: a 600 MB preseed (file or stdin) was read whole before the 1 MiB check (1.87 GB peak). The reader
/// stops one byte past the limit, whatever the source holds.
@Suite struct PreseedInputTests {
    func refusal(_ path: String?) -> PreseedError? {
        do { _ = try PreseedInput.read(path: path); return nil } catch { return error as? PreseedError }
    }

    @Test func aSourceThatNeverEndsIsRefusedAtTheLimit() {
        let error = refusal("/dev/zero")
        #expect(error?.message.hasPrefix("The preseed file \"/dev/zero\" is over the limit of \(PreseedLimits.maxBytes) bytes (1 MiB).") == true)
        #expect(error?.message.contains("storage filters") == true)
    }

    @Test func aFileAtTheLimitIsRead() throws {
        let path = "/tmp/preseed-input-\(getpid()).yaml"
        defer { unlink(path) }
        let text = "initiator: micro01\n" + String(repeating: "#", count: PreseedLimits.maxBytes - 20) + "\n"
        #expect(text.utf8.count == PreseedLimits.maxBytes)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, text.utf8.count) }
        close(fd)
        #expect(try PreseedInput.read(path: path) == text)
    }

    @Test func aMissingFileIsNamed() {
        #expect(refusal("/nonexistent/preseed.yaml")?.message
                == "Cannot read the preseed file \"/nonexistent/preseed.yaml\": No such file or directory")
    }

    @Test func bytesThatAreNotUTF8AreRefusedWithTheirPlace() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes: [UInt8] = Array("initiator: micro01\nsystems:\n- name: mi".utf8) + [0xC3, 0x28]
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, bytes.count) }
        close(fds[1])
        defer { close(fds[0]) }
        #expect(throws: PreseedError("The preseed input is not UTF-8 text: byte 38 (line 3) is not part of a UTF-8 "
                                     + "character; save the file as UTF-8")) {
            _ = try PreseedInput.readText(fds[0], limit: PreseedLimits.maxBytes, source: "input")
        }
    }
}
