/// A table drawn the way `lxc` draws its lists: `+---+` rules, `|` separators, a centred header row, a rule after
/// the header and after every row, cells left-aligned. Columns are measured in terminal columns (`displayWidth`), so
/// CJK and emoji line up. A cell may hold several lines ("\n"), as lxc shows cluster roles.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        // Short rows are padded, long ones cut, so every row has one cell per header.
        self.rows = rows.map { row in
            (0..<headers.count).map { $0 < row.count ? row[$0] : "" }
        }
    }

    /// The table as text, one line per "\n", ending with a newline. With `maxWidth`, the widest columns give up
    /// columns (their cells cut with "…") until every line fits, as far as one column each allows.
    public func render(maxWidth: Int? = nil) -> String {
        let widths = columnWidths(maxWidth: maxWidth)
        let rule = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+"
        var lines = [rule]
        let header = zip(headers, widths).map { h, w -> String in
            let text = truncate(h, toWidth: w)
            let gap = w - displayWidth(text)
            return String(repeating: " ", count: gap / 2) + text + String(repeating: " ", count: gap - gap / 2)
        }
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append(rule)
        for row in rows {
            let cells = row.map(cellLines)
            let height = cells.map(\.count).max() ?? 1
            for i in 0..<height {
                let parts = zip(cells, widths).map { lines, w in pad(i < lines.count ? lines[i] : "", toWidth: w) }
                lines.append("| " + parts.joined(separator: " | ") + " |")
            }
            lines.append(rule)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Natural width of each column (widest header or cell line), then shrunk to fit `maxWidth`.
    func columnWidths(maxWidth: Int?) -> [Int] {
        var widths = headers.map(displayWidth)
        for row in rows {
            for (i, cell) in row.enumerated() {
                widths[i] = max(widths[i], cellLines(cell).map(displayWidth).max() ?? 0)
            }
        }
        guard let maxWidth, !widths.isEmpty else { return widths }
        // Each column costs its width plus " | " framing; the line also has one leading "|".
        var excess = widths.reduce(0, +) + 3 * widths.count + 1 - maxWidth
        while excess > 0 {
            let widest = widths.max()!
            guard widest > 1, let i = widths.lastIndex(of: widest) else { break }
            widths[i] -= 1
            excess -= 1
        }
        return widths
    }

    private func cellLines(_ cell: String) -> [String] {
        cell.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
