import Testing
import MicroCloudKit

/// Issue 10, smaller finding: non-UTF-8 bytes in names were replaced silently (U+FFFD); now they show as `\xNN`,
/// and a preseed with one is refused naming where.
struct VisibleBytesTests {
    @Test func validUTF8PassesUnchanged() {
        #expect(VisibleBytes.text(Array("micro01 ünï 🚀".utf8)) == "micro01 ünï 🚀")
        #expect(VisibleBytes.firstInvalidByte(Array("micro01 ünï".utf8)) == nil)
    }

    @Test func oddBytesShowEscapedAndKeepNamesApart() {
        let a = VisibleBytes.text([0x6D, 0x69, 0xFF, 0x31])           // "mi" 0xFF "1"
        let b = VisibleBytes.text([0x6D, 0x69, 0xFE, 0x31])
        #expect(a == "mi\\xFF1")
        #expect(a != b, "two different names stay different")
        #expect(VisibleBytes.text([0x61, 0xC3]) == "a\\xC3", "a character cut short")
        #expect(VisibleBytes.text([0xC3, 0xA9, 0x80, 0x41]) == "é\\x80A", "a stray continuation byte")
        #expect(VisibleBytes.text([0xED, 0xA0, 0x80]) == "\\xED\\xA0\\x80", "an encoded surrogate is not UTF-8")
    }

    @Test func theFirstInvalidByteIsNamed() {
        #expect(VisibleBytes.firstInvalidByte(Array("ab\n".utf8) + [0xC3, 0xA9, 0xFF]) == 5)
    }
}
