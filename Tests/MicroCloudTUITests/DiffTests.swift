import Testing
@testable import MicroCloudTUI

@Suite struct DiffTests {
    private func screen(_ rows: [String], width: Int = 12) -> Screen {
        var s = Screen(size: Size(width: width, height: rows.count))
        for (y, r) in rows.enumerated() { s.put(r, at: Point(x: 0, y: y)) }
        return s
    }

    @Test func identicalScreensHaveNoChanges() {
        let a = screen(["hello", "world"])
        #expect(a.diff(from: a).isEmpty)
    }

    @Test func onlyChangedRunsAreListed() {
        let old = screen(["hello world", "second line", "third"])
        let new = screen(["hello World", "second line", "thirD"])
        let changes = new.diff(from: old)
        #expect(changes == [Change(row: 0, column: 6, cells: [Cell("W")]),
                            Change(row: 2, column: 4, cells: [Cell("D")])])
    }

    @Test func nearbyChangesMergeIntoOneRun() {
        let changes = screen(["aXcXe"]).diff(from: screen(["abcde"]))
        #expect(changes.count == 1)
        #expect(changes[0].column == 1 && changes[0].cells.count == 3)
    }

    @Test func runsKeepWideGraphemesWhole() {
        let old = screen(["ab日本cd"])
        let new = screen(["ab日x cd"])
        for change in new.diff(from: old) {
            #expect(!change.cells[0].isContinuation, "a run starts on a continuation cell")
            if let last = change.cells.last, last.width == 2 { Issue.record("a run ends inside a wide grapheme") }
        }
    }

    @Test(arguments: 0..<40)
    func applyingTheDiffToTheOldScreenGivesTheNewOne(seed: Int) {
        var rng = SplitMix(seed: UInt64(seed))
        let alphabet = ["a", "b", " ", "日", "本", "🙂", "é", "─", "x"]
        func random() -> Screen {
            var s = Screen(size: Size(width: 17, height: 5))
            for _ in 0..<12 {
                let text = (0..<Int(rng.next() % 8)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
                let style = Style(fg: ColorRole.allCases[Int(rng.next() % 8)])
                s.put(text, at: Point(x: Int(rng.next() % 17), y: Int(rng.next() % 5)), style: style)
            }
            return s
        }
        let old = random(), new = random()
        var applied = old
        applied.apply(new.diff(from: old))
        #expect(applied == new)
    }

    @Test func aResizedScreenIsSentWhole() {
        let old = screen(["abc"], width: 5)
        let new = screen(["abc", "def"], width: 6)
        var blank = Screen(size: new.size)
        blank.apply(new.diff(from: old))
        #expect(blank == new)
    }
}

/// Small deterministic generator for property-style tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
