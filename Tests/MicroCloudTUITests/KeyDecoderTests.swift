import Testing
@testable import MicroCloudTUI

@Suite struct KeyDecoderTests {
    @Test func arrowsAndEditingKeysInTheirCommonEncodings() {
        let cases: [(String, Key)] = [
            ("\u{1B}[A", .up), ("\u{1B}[B", .down), ("\u{1B}[C", .right), ("\u{1B}[D", .left),
            ("\u{1B}OA", .up), ("\u{1B}OD", .left), ("\u{1B}[1;5C", .right),
            ("\u{1B}[H", .home), ("\u{1B}[F", .end), ("\u{1B}OH", .home), ("\u{1B}[1~", .home), ("\u{1B}[4~", .end),
            ("\u{1B}[7~", .home), ("\u{1B}[8~", .end), ("\u{1B}[3~", .delete),
            ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown), ("\u{1B}[Z", .backTab),
            ("\t", .tab), ("\r", .enter), ("\n", .enter), ("\u{7F}", .backspace), ("\u{08}", .backspace),
            ("\u{03}", .ctrlC), ("\u{1B}", .escape), (" ", .char(" ")),
        ]
        for (input, key) in cases {
            #expect(KeyDecoder.decode(input) == [.key(key)], "input \(Array(input.utf8))")
        }
    }

    @Test func textDecodesAsCharactersIncludingMultiByteUTF8() {
        #expect(KeyDecoder.decode("aé日🙂") == [.key(.char("a")), .key(.char("é")), .key(.char("日")), .key(.char("🙂"))])
    }

    @Test func aSequenceSplitAcrossReadsWaitsForTheRest() {
        var d = KeyDecoder()
        #expect(d.feed([0x1B]).isEmpty)
        #expect(d.feed([0x5B]).isEmpty)
        #expect(d.feed([0x42, 0x61]) == [.key(.down), .key(.char("a"))])
        // A UTF-8 character split in the middle.
        let bytes = Array("日".utf8)
        #expect(d.feed([bytes[0]]).isEmpty)
        #expect(d.feed(Array(bytes[1...])) == [.key(.char("日"))])
    }

    @Test func aLoneEscapeIsTheEscapeKeyOnlyAfterFlush() {
        var d = KeyDecoder()
        #expect(d.feed([0x1B]).isEmpty)
        #expect(d.hasPending)
        #expect(d.flush() == [.key(.escape)])
        #expect(KeyDecoder.decode("\u{1B}\u{1B}[A") == [.key(.escape), .key(.up)])
    }

    @Test func bracketedPasteBecomesOnePasteEvent() {
        let input = "x\u{1B}[200~alpha beta\r\ngamma\u{1B}[A\u{1B}[201~y"
        #expect(KeyDecoder.decode(input) == [.key(.char("x")), .paste("alpha beta\ngamma\u{1B}[A"), .key(.char("y"))])
    }

    @Test func aPasteArrivingInPiecesIsHeldUntilItsEnd() {
        var d = KeyDecoder()
        #expect(d.feed(Array("\u{1B}[200~one two".utf8)).isEmpty)
        #expect(d.isInPaste)
        #expect(d.feed(Array(" three\u{1B}[20".utf8)).isEmpty)
        #expect(d.feed(Array("1~".utf8)) == [.paste("one two three")])
        // An unfinished paste is delivered as it is when no more input comes.
        #expect(d.feed(Array("\u{1B}[200~half".utf8)).isEmpty)
        #expect(d.flush() == [.paste("half")])
    }

    @Test func unknownSequencesAndControlBytesAreDropped() {
        #expect(KeyDecoder.decode("\u{1B}[15~a\u{01}\u{1B}[2~b") == [.key(.char("a")), .key(.char("b"))])
        #expect(KeyDecoder.decode([0xFF, 0x61]) == [.key(.char("a"))])
    }
}
