import Testing
@testable import MicroCloudTUI

@Suite struct ScreenTests {
    @Test func putClipsAtTheRightEdge() {
        var s = Screen(size: Size(width: 10, height: 2))
        let end = s.put("hello world", at: Point(x: 3, y: 0))
        #expect(end == 10)
        #expect(s.text(row: 0) == "   hello w")
        s.put("abcdef", at: Point(x: 0, y: 1), maxWidth: 4)
        #expect(s.text(row: 1) == "abcd")
    }

    @Test func wideGraphemesTakeTwoCellsAndNeverSplit() {
        var s = Screen(size: Size(width: 7, height: 1))
        s.put("a日本b", at: Point(x: 0, y: 0))
        #expect(s[1, 0].text == "日" && s[1, 0].width == 2 && s[2, 0].isContinuation)
        #expect(s[5, 0].text == "b")
        // A wide grapheme that would cross the edge leaves a blank instead.
        var t = Screen(size: Size(width: 4, height: 1))
        t.put("ab日本", at: Point(x: 1, y: 0))
        #expect(t.text(row: 0) == " ab")
        #expect(!t[3, 0].isContinuation)
    }

    @Test func overwritingHalfAWideGraphemeBlanksTheOtherHalf() {
        var s = Screen(size: Size(width: 6, height: 1))
        s.put("日本語", at: Point(x: 0, y: 0))
        s.put("x", at: Point(x: 1, y: 0))  // right half of 日
        #expect(s.text(row: 0) == " x本語")
        s.put("y", at: Point(x: 2, y: 0))  // left half of 本
        #expect(s.text(row: 0) == " xy 語")
        #expect(s.cells.filter(\.isContinuation).count == 1)
    }

    @Test func emojiAndCombiningMarksAreOneCellGrapheme() {
        var s = Screen(size: Size(width: 8, height: 1))
        s.put("é🙂|", at: Point(x: 0, y: 0))  // e + combining acute, then a wide emoji
        #expect(s[0, 0].text == "é" && s[0, 0].width == 1)
        #expect(s[1, 0].width == 2 && s[3, 0].text == "|")
    }

    @Test func boxUsesUnicodeLinesOrASCII() {
        var u = Screen(size: Size(width: 8, height: 3))
        u.box(u.bounds, title: "T")
        #expect(u.lines == ["┌ T ───┐", "│      │", "└──────┘"])
        var a = Screen(size: Size(width: 8, height: 3), glyphs: .ascii)
        a.box(a.bounds)
        #expect(a.lines == ["+------+", "|      |", "+------+"])
    }

    @Test func styleLayerMarksRoles() {
        var s = Screen(size: Size(width: 6, height: 1))
        s.put("ok", at: Point(x: 0, y: 0), style: .ok)
        s.put("E", at: Point(x: 3, y: 0), style: Style.error.bold)
        #expect(s.styleLayer(row: 0) == "oo E")
    }
}
