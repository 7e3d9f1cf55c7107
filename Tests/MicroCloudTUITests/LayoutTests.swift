import Testing
@testable import MicroCloudTUI

@Suite struct LayoutTests {
    static let chrome = Chrome(
        title: "Select the servers that should join the cluster", step: 3, stepCount: 12, remaining: 3541,
        passphrase: "pilot orbit canvas ember",
        plan: [.init("Address 10.0.0.1 (enp5s0)"), .init("Services LXD, MicroCeph, MicroOVN"),
               .init("! MicroOVN not found on micro04", style: .warn)],
        hints: [KeyHint("↑/↓", "move"), KeyHint("space", "select"), KeyHint("→/←", "all/none"),
                KeyHint("enter", "confirm"), KeyHint("esc", "back"), KeyHint("ctrl-c", "quit")])

    static func table() -> SelectTable<String> {
        var t = SelectTable<String>(
            title: "Systems will appear in the table as they are detected. Select those that should join the cluster:",
            columns: ["NAME", "ADDRESS", "FINGERPRINT"],
            rows: SelectTableTests.servers(4).map { .init(id: $0.id, cells: $0.cells) })
        _ = t.handle(.char(" "))
        _ = t.handle(.down)
        return t
    }

    static func screen(_ size: Size) -> Screen {
        let t = table()
        return Layout.render(chrome, size: size) { s, r in t.render(on: &s, in: r) }
    }

    @Test func at80x24TheSidePanelIsHidden() {
        let s = Self.screen(Size(width: 80, height: 24))
        #expect(!s.plainText.contains("Plan so far"))
        #expect(s.text(row: 0) == " Step 3 of 12  Select the servers that should join the cluster    session 59:01")
        #expect(s.text(row: 1).hasSuffix("─ passphrase pilot orbit canvas ember ─"))
        #expect(s.text(row: 23).contains("ctrl-c quit"))
        #expect(s.text(row: 23).contains("enter confirm"))
        Golden.check("layout-80x24", s.plainText)
    }

    @Test func at132x43TheSidePanelShowsThePlan() {
        let s = Self.screen(Size(width: 132, height: 43))
        #expect(s.plainText.contains("Plan so far"))
        #expect(s.plainText.contains("! MicroOVN not found on micro04"))
        Golden.check("layout-132x43", s.plainText)
    }

    @Test func aLongTitleGivesWayToTheRightSide() {
        var c = Self.chrome
        c.title = String(repeating: "very long title ", count: 10)
        let s = Layout.render(c, size: Size(width: 80, height: 24)) { _, _ in }
        #expect(s.text(row: 0).hasSuffix("session 59:01"))
        #expect(s.text(row: 0).contains("…"))
    }

    @Test func belowMinimumSizeOnlyTheNoticeShows() {
        let s = Layout.render(Self.chrome, size: Size(width: 60, height: 20)) { s, r in s.put("MAIN", at: Point(x: r.x, y: r.y)) }
        #expect(!s.plainText.contains("MAIN"))
        #expect(s.plainText.contains("Terminal too small (need 80x24, have"))
        Golden.check("too-small-60x20", s.plainText)
        #expect(Layout.regions(for: Size(width: 80, height: 23)) == nil)
        #expect(Layout.regions(for: Size(width: 79, height: 24)) == nil)
        #expect(Layout.regions(for: Size(width: 80, height: 24))?.side == nil)
        #expect(Layout.regions(for: Size(width: 100, height: 24))?.side != nil)
    }

    @Test func aFewMinutesLeftIsAWarning() {
        var c = Self.chrome
        c.remaining = 299
        let s = Layout.render(c, size: Size(width: 80, height: 24)) { _, _ in }
        #expect(s.styleLayer(row: 0).hasSuffix("WWWW"))
    }
}
