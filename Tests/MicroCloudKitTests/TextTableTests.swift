import Testing
@testable import MicroCloudKit

@Suite struct TextTableTests {
    @Test func lxcStyle() {
        let t = TextTable(headers: ["NAME", "STATE", "TYPE"],
                          rows: [["c1", "RUNNING", "CONTAINER"], ["container-two", "STOPPED", "VM"]])
        #expect(t.render() == """
        +---------------+---------+-----------+
        |     NAME      |  STATE  |   TYPE    |
        +---------------+---------+-----------+
        | c1            | RUNNING | CONTAINER |
        +---------------+---------+-----------+
        | container-two | STOPPED | VM        |
        +---------------+---------+-----------+

        """)
    }

    @Test func emptyTableIsHeaderAndClosingRule() {
        #expect(TextTable(headers: ["NAME", "URL"], rows: []).render() == """
        +------+-----+
        | NAME | URL |
        +------+-----+

        """)
    }

    @Test func wideCharactersAlign() {
        let t = TextTable(headers: ["NAME", "DESCRIPTION"],
                          rows: [["micro01", "存储池"], ["micro02", "🚀 fast"], ["Ｍ２", "e\u{301}t\u{E9}"]])
        let out = t.render()
        #expect(out == """
        +---------+-------------+
        |  NAME   | DESCRIPTION |
        +---------+-------------+
        | micro01 | 存储池      |
        +---------+-------------+
        | micro02 | 🚀 fast     |
        +---------+-------------+
        | Ｍ２    | DECOMPOSED  |
        +---------+-------------+

        """.replacingOccurrences(of: "DECOMPOSED", with: "e\u{301}t\u{E9}       "))
        let widths = Set(out.split(separator: "\n").map { displayWidth(String($0)) })
        #expect(widths == [25], "every line is 25 columns on a terminal")
    }

    @Test func multiLineCellsGrowTheRow() {
        let t = TextTable(headers: ["NAME", "ROLES"], rows: [["micro01", "database-leader\ndatabase"]])
        #expect(t.render() == """
        +---------+-----------------+
        |  NAME   |      ROLES      |
        +---------+-----------------+
        | micro01 | database-leader |
        |         | database        |
        +---------+-----------------+

        """)
    }

    @Test func shortRowsArePadded() {
        let t = TextTable(headers: ["A", "B"], rows: [["x"], ["y", "z", "dropped"]])
        #expect(t.rows == [["x", ""], ["y", "z"]])
    }

    @Test func longCellsAreCutToFitMaxWidth() {
        let long = "Distributed file-system storage using CephFS, created by MicroCloud on every member"
        let t = TextTable(headers: ["NAME", "DRIVER", "DESCRIPTION", "STATE"],
                          rows: [["remote-fs", "cephfs", long, "CREATED"], ["local", "zfs", "Local storage on ZFS", "CREATED"]])
        let natural = t.render()
        #expect(natural.split(separator: "\n").allSatisfy { displayWidth(String($0)) == 118 })
        let out = t.render(maxWidth: 60)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { displayWidth($0) == 60 }, "\(out)")
        #expect(lines[3] == "| remote-fs | cephfs | Distributed file-system … | CREATED |")
        #expect(lines[5] == "| local     | zfs    | Local storage on ZFS      | CREATED |", "short cells untouched")
    }

    @Test func severalWideColumnsShareTheCut() {
        let t = TextTable(headers: ["A", "B"], rows: [[String(repeating: "a", count: 30), String(repeating: "b", count: 20)]])
        let lines = t.render(maxWidth: 37).split(separator: "\n").map(String.init)
        #expect(lines[3] == "| aaaaaaaaaaaaaa… | bbbbbbbbbbbbbb… |", "both cut to 15 columns")
    }

    @Test func wideCharactersAreNeverSplitByTheCut() {
        let t = TextTable(headers: ["X"], rows: [["存储池存储池"]])
        let lines = t.render(maxWidth: 10).split(separator: "\n").map(String.init)
        #expect(lines[3] == "| 存储…  |", "6 columns: 存储 + … and one space, not half of 池")
        #expect(lines.allSatisfy { displayWidth($0) == 10 })
    }

    @Test func impossibleWidthStillRendersOneColumnEach() {
        let out = TextTable(headers: ["NAME", "URL"], rows: [["micro01", "https://10.0.0.11:8443"]]).render(maxWidth: 3)
        #expect(out.split(separator: "\n").first == "+---+---+")
        #expect(out.contains("| … | … |"))
    }
}
