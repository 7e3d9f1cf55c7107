import Testing
import MicroCloudKit

/// The small pure-Swift stand-ins for Foundation calls that keep Foundation (and ICU) out of microcloudd: they must
/// read as Foundation's did.
@Suite struct FoundationFreeTextTests {
    @Test func cFormatPrintsNumbersAsPrintfDoes() {
        #expect(cFormat("%.2fs", 1.5) == "1.50s")
        #expect(cFormat("%.2fs", 0.125) == "0.12s")  // printf rounds the binary value half to even
        #expect(cFormat("%6.1fs", 12.34) == "  12.3s")
        #expect(cFormat(" %3.0f%%", 7.0) == "   7%")
        #expect(cFormat("%04d-%x", Int32(42), UInt32(255)) == "0042-ff")
        #expect(cFormat("%.3f", 1e100).count == 105)  // longer than the first buffer
    }

    @Test func percentEncodingKeepsOnlyUnreservedCharacters() {
        #expect(percentEncoded("micro-01.a_b~") == "micro-01.a_b~")
        #expect(percentEncoded("a b/c?é") == "a%20b%2Fc%3F%C3%A9")
        #expect(percentDecoded(percentEncoded("a b/c?é")) == "a b/c?é")
    }

    @Test func percentDecodingRefusesWhatFoundationRefused() {
        #expect(percentDecoded("%41+b") == "A+b")
        #expect(percentDecoded("%c3%a9") == "é")
        #expect(percentDecoded("%4") == nil)
        #expect(percentDecoded("%zz") == nil)
        #expect(percentDecoded("%FF") == nil)  // not UTF-8
    }

    @Test func trimmedWhitespaceDropsSpacesAndLineBreaksAtBothEnds() {
        #expect(" \t token \r\n".trimmedWhitespace == "token")
        #expect("a b".trimmedWhitespace == "a b")
        #expect(" \n ".trimmedWhitespace == "")
    }

    @Test func detachThreadRunsTheBodyOnAThreadOfItsOwn() async {
        let ran = await withCheckedContinuation { continuation in detachThread { continuation.resume(returning: true) } }
        #expect(ran)
    }
}
