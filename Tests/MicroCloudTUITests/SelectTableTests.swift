import Testing
@testable import MicroCloudTUI

@Suite struct SelectTableTests {
    typealias Table = SelectTable<String>

    static func servers(_ n: Int) -> [Table.Row] {
        (1...n).map { i in
            let name = "micro" + (i < 10 ? "00" : i < 100 ? "0" : "") + "\(i)"
            return Table.Row(id: name, cells: [name, "10.0.\(i / 250).\(i % 250 + 1)", String(format: "%012x", i * 7919)])
        }
    }

    static func table(_ n: Int) -> Table {
        Table(title: "Select the servers that should join the cluster:", columns: ["NAME", "ADDRESS", "FINGERPRINT"],
              rows: servers(n))
    }

    static func draw(_ t: Table, _ size: Size = Size(width: 80, height: 20)) -> Screen {
        var s = Screen(size: size)
        t.render(on: &s, in: s.bounds)
        return s
    }

    @Test func spaceTogglesAndRightSelectsAllVisibleLeftSelectsNone() {
        var t = Self.table(5)
        t.upsert(.init(id: "micro003", cells: ["micro003", "10.0.0.4", "-"], disabled: true))
        #expect(t.handle(.char(" ")) == .handled)
        #expect(t.selected == ["micro001"])
        #expect(t.handle(.char(" ")) == .handled)
        #expect(t.selected.isEmpty)
        _ = t.handle(.right)
        #expect(t.selected == ["micro001", "micro002", "micro004", "micro005"], "disabled rows are never selected")
        #expect(t.countText == "4 of 5 selected")
        for c in "005" { _ = t.handle(.char(c)) }
        _ = t.handle(.left)
        #expect(t.selected.isEmpty, "← clears selections hidden by the filter too")
    }

    @Test func aDisabledRowCannotBeToggled() {
        var t = Self.table(3)
        t.setDisabled(id: "micro001", true)
        _ = t.handle(.char(" "))
        #expect(t.selected.isEmpty)
    }

    @Test func filterMatchesAnyColumnResetsTheCursorAndKeepsSelections() {
        var t = Self.table(30)
        _ = t.handle(.down)
        _ = t.handle(.char(" "))  // micro002
        for c in "10.0.0.1" { _ = t.handle(.char(c)) }
        #expect(t.cursor == 0)
        #expect(t.visibleCount == 10)  // 10.0.0.10 … 10.0.0.19
        #expect(t.visibleRows.allSatisfy { $0.cells[1].contains("10.0.0.1") })
        #expect(t.selected == ["micro002"])
        _ = t.handle(.delete)
        #expect(t.filter.isEmpty && t.visibleCount == 30)
        for c in "MICRO02" { _ = t.handle(.char(c)) }
        #expect(t.visibleRows.map(\.id) == (20...29).map { "micro0\($0)" })
        _ = t.handle(.backspace)
        #expect(t.filter == "MICRO0")
    }

    @Test func liveInsertUpdateRemoveKeepTheCursorOnItsRow() {
        var t = Self.table(5)
        _ = t.handle(.down)
        _ = t.handle(.down)
        #expect(t.cursorRow?.id == "micro003")
        t.upsert(.init(id: "micro000", cells: ["micro000", "10.0.0.9", "x"]))
        #expect(t.cursorRow?.id == "micro003")
        t.remove(id: "micro001")
        #expect(t.cursorRow?.id == "micro003")
        t.upsert(.init(id: "micro002", cells: ["micro002", "10.9.9.9", "changed"]))
        #expect(t.cursorRow?.id == "micro003")
        #expect(t.row(id: "micro002")?.cells[2] == "changed")
        // The cursor row itself goes away: the row below takes its place.
        t.remove(id: "micro003")
        #expect(t.cursorRow?.id == "micro004")
        // A filtered view: a new matching row appears, the cursor stays.
        for c in "micro00" { _ = t.handle(.char(c)) }
        _ = t.handle(.end)
        let before = t.cursorRow?.id
        t.upsert(.init(id: "micro006", cells: ["micro006", "10.0.0.7", "y"]))
        #expect(t.cursorRow?.id == before)
        #expect(t.visibleRows.last?.id == "micro006")
    }

    @Test func anOrderedTableInsertsInPlaceUnderAFilterAndKeepsTheCursor() {
        var t = Table(title: "t", columns: ["NAME"], order: { $0.id < $1.id })
        for id in ["b2", "a9", "b7"] { t.upsert(.init(id: id, cells: [id])) }
        #expect(t.rows.map(\.id) == ["a9", "b2", "b7"])
        _ = t.handle(.char("b"))
        _ = t.handle(.down)
        #expect(t.cursorRow?.id == "b7")
        t.upsert(.init(id: "b1", cells: ["b1"]))   // shown, before the cursor
        t.upsert(.init(id: "a1", cells: ["a1"]))   // filtered out
        t.upsert(.init(id: "b9", cells: ["b9"]))   // shown, at the end
        #expect(t.visibleRows.map(\.id) == ["b1", "b2", "b7", "b9"])
        #expect(t.cursorRow?.id == "b7")
        _ = t.handle(.backspace)
        #expect(t.visibleRows.map(\.id) == ["a1", "a9", "b1", "b2", "b7", "b9"])
        #expect(t.row(id: "b2")?.cells == ["b2"])
    }

    @Test func anUpdateMovesARowInOrOutOfTheFilteredView() {
        var t = Self.table(6)
        for c in "micro00" { _ = t.handle(.char(c)) }
        _ = t.handle(.down)
        t.upsert(.init(id: "micro004", cells: ["renamed", "192.168.1.1", "-"]))
        #expect(t.visibleRows.map(\.id) == ["micro001", "micro002", "micro003", "micro005", "micro006"])
        #expect(t.cursorRow?.id == "micro002")
        t.upsert(.init(id: "micro004", cells: ["micro004", "10.0.0.5", "-"]))
        #expect(t.visibleRows.map(\.id) == ["micro001", "micro002", "micro003", "micro004", "micro005", "micro006"])
        t.remove(id: "micro001")
        #expect(t.visibleRows.map(\.id) == ["micro002", "micro003", "micro004", "micro005", "micro006"])
        #expect(t.cursorRow?.id == "micro002")
        _ = t.handle(.end)
        t.upsert(.init(id: "zzz", cells: ["zzz", "1.1.1.1", "-"]))
        #expect(t.visibleCount == 5, "a new row that does not match stays hidden")
    }

    @Test func columnsShrinkWhenTheWidestCellGoes() {
        var t = Self.table(3)
        t.upsert(.init(id: "long", cells: ["a-very-long-server-name", "10.0.0.9", "-"]))
        #expect(t.columnWidths[0] == 23)
        t.upsert(.init(id: "long", cells: ["short", "10.0.0.9", "-"]))
        #expect(t.columnWidths[0] == 8)
        t.upsert(.init(id: "long", cells: ["a-very-long-server-name", "10.0.0.9", "-"]))
        t.remove(id: "long")
        #expect(t.columnWidths == [8, 8, 12])
    }

    @Test func removingASelectedRowDropsItsSelection() {
        var t = Self.table(3)
        _ = t.handle(.right)
        t.remove(id: "micro002")
        #expect(t.selected == ["micro001", "micro003"])
        #expect(t.countText == "2 of 2 selected")
    }

    @Test func viewportScrollsAtTheEdges() {
        var t = Self.table(200)
        for _ in 0..<9 { _ = t.handle(.down) }
        #expect(t.top == 0)
        _ = t.handle(.down)
        #expect(t.top == 1)
        _ = t.handle(.pageDown)
        #expect(t.cursor == 20 && t.top == 11)
        _ = t.handle(.end)
        #expect(t.cursor == 199 && t.top == 190)
        _ = t.handle(.home)
        #expect(t.cursor == 0 && t.top == 0)
    }

    @Test func twoHundredRowsScrolledToTheMiddle() {
        var t = Self.table(200)
        for _ in 0..<100 { _ = t.handle(.down) }
        _ = t.handle(.char(" "))
        _ = t.handle(.down)
        _ = t.handle(.char(" "))
        let s = Self.draw(t)
        #expect(s.text(row: 4).hasPrefix("↑ "), "rows hidden above")
        #expect(s.text(row: 15).hasPrefix("↓ "), "rows hidden below")
        Golden.check("select-table-200-middle", s.styledText)
    }

    @Test func twoHundredRowsScrolledToTheEnd() {
        var t = Self.table(200)
        _ = t.handle(.end)
        t.message = "Select at least one server"
        let s = Self.draw(t)
        #expect(!s.plainText.contains("↓"))
        Golden.check("select-table-200-end", s.plainText)
    }

    @Test func wideCharactersStayAligned() {
        let t = SelectTable<Int>(
            title: "Disks (CJK and emoji names stay aligned):", columns: ["LOCATION", "MODEL", "CAPACITY"],
            rows: [
                .init(id: 1, cells: ["micro01", "QEMU HARDDISK", "10.00GiB"]),
                .init(id: 2, cells: ["サーバー二", "ディスク", "1.00TiB"]),
                .init(id: 3, cells: ["🙂 host", "NVMe 🚀", "512.00GiB"]),
                .init(id: 4, cells: ["micro04", "很长的型号名称很长的型号名称很长的型号名称很长的型号", "2.00GiB"]),
            ])
        var s = Screen(size: Size(width: 60, height: 14))
        t.render(on: &s, in: s.bounds)
        // Every table line has its borders at the same columns.
        let borderColumns = (2..<10).map { y in (0..<60).filter { s[$0, y].text == "│" || s[$0, y].text == "┼" || s[$0, y].text == "┬" || s[$0, y].text == "┴" || s[$0, y].text == "┌" || s[$0, y].text == "├" || s[$0, y].text == "└" || s[$0, y].text == "┐" || s[$0, y].text == "┤" || s[$0, y].text == "┘" } }
        #expect(Set(borderColumns).count == 1, "border columns differ: \(borderColumns)")
        Golden.check("select-table-wide-chars", s.plainText)
    }

    @Test func emptyTableSaysSo() {
        let t = Table(title: "Waiting for servers:", columns: ["NAME", "ADDRESS"])
        let s = Self.draw(t, Size(width: 40, height: 8))
        #expect(s.plainText.contains("No rows yet"))
        #expect(s.plainText.contains("0 of 0 selected"))
    }

    @Test func asciiModeDrawsWithPlainCharacters() {
        var t = Self.table(3)
        _ = t.handle(.char(" "))
        var s = Screen(size: Size(width: 60, height: 10), glyphs: .ascii)
        t.render(on: &s, in: s.bounds)
        #expect(s.plainText.allSatisfy { $0.isASCII })
        #expect(s.text(row: 5).hasPrefix(">* | micro001"))
    }
}
