import MicroCloudKit

extension SelectTable {
    /// Rows of chrome around the viewport for a given width: title lines, filter, borders, header, count, message.
    public func chromeHeight(width: Int) -> Int {
        wrapWords(title, width: max(1, width)).count + 1 + 4 + 1 + (message == nil ? 0 : 1)
    }

    /// Draws the table into `rect`: title, filter line, bordered table with a marker gutter
    /// (cursor `>`, then `✓` selected / `⨯` disabled), scroll arrows, the count line and the message.
    public func render(on screen: inout Screen, in rect: Rect, focused: Bool = true) {
        guard !rect.isEmpty else { return }
        let g = screen.glyphs
        var y = rect.y
        for line in wrapWords(title, width: rect.width) where y < rect.maxY {
            screen.put(line, at: Point(x: rect.x, y: y), style: .bold, maxWidth: rect.width)
            y += 1
        }
        // Filter line.
        if y < rect.maxY {
            var x = screen.put(" Filter \(g.vertical) ", at: Point(x: rect.x, y: y), style: .dim, maxWidth: rect.width)
            if filter.isEmpty {
                screen.put(filterPlaceholder, at: Point(x: x, y: y), style: .dim, maxWidth: rect.maxX - x)
            } else {
                x = screen.put(filter, at: Point(x: x, y: y), style: .warn, maxWidth: rect.maxX - x)
            }
            y += 1
        }
        let footer = 1 + (message == nil ? 0 : 1)
        let available = rect.maxY - y - 4 - footer  // borders, header, rule
        guard available >= 1 else { return }
        let height = min(viewportHeight, available)
        let shown = max(1, min(height, visibleCount))
        let start = SelectTable.scrolledTop(top: top, cursor: cursor, height: height, count: visibleCount)

        let widths = fitted(columnWidths, into: rect.width - 3 - (columns.count + 1) - 2 * columns.count)
        let left = rect.x + 3
        let tableWidth = widths.reduce(0, +) + 2 * widths.count + widths.count + 1
        func rule(_ l: String, _ m: String, _ r: String) -> String {
            l + widths.map { String(repeating: g.horizontal, count: $0 + 2) }.joined(separator: m) + r
        }
        func line(_ cells: [String]) -> String {
            g.vertical + zip(cells + Array(repeating: "", count: max(0, widths.count - cells.count)), widths)
                .map { " " + pad($0, toWidth: $1) + " " }.joined(separator: g.vertical) + g.vertical
        }
        let box = Style.dim
        screen.put(rule(g.topLeft, g.teeDown, g.topRight), at: Point(x: left, y: y), style: box, maxWidth: rect.maxX - left)
        y += 1
        screen.put(line(columns), at: Point(x: left, y: y), style: .bold, maxWidth: rect.maxX - left)
        restyleBorders(&screen, y: y, left: left, widths: widths, rect: rect, style: box)
        y += 1
        screen.put(rule(g.teeRight, g.cross, g.teeLeft), at: Point(x: left, y: y), style: box, maxWidth: rect.maxX - left)
        if start > 0 { screen.put(g.arrowUp, at: Point(x: rect.x, y: y), style: .accent) }
        y += 1

        let indices = visibleIndices
        if indices.isEmpty {
            let text = rows.isEmpty ? emptyText : "No rows match the filter"
            screen.put(line([]), at: Point(x: left, y: y), style: box, maxWidth: rect.maxX - left)
            screen.put(text, at: Point(x: left + 2, y: y), style: .dim, maxWidth: tableWidth - 4)
            y += 1
        }
        for v in start..<min(indices.count, start + shown) {
            let row = rows[indices[v]]
            let isCursor = v == cursor && focused
            var style: Style = row.disabled ? .error : (selected.contains(row.id) ? .selected : .normal)
            if isCursor { style = style.bold }
            if isCursor { screen.put(g.pointer, at: Point(x: rect.x, y: y), style: Style.warn.bold) }
            if row.disabled {
                screen.put(g.disabled, at: Point(x: rect.x + 1, y: y), style: .error)
            } else if selected.contains(row.id) {
                screen.put(g.check, at: Point(x: rect.x + 1, y: y), style: .ok)
            }
            screen.put(line(row.cells), at: Point(x: left, y: y), style: style, maxWidth: rect.maxX - left)
            restyleBorders(&screen, y: y, left: left, widths: widths, rect: rect, style: box)
            y += 1
        }
        screen.put(rule(g.bottomLeft, g.teeUp, g.bottomRight), at: Point(x: left, y: y), style: box, maxWidth: rect.maxX - left)
        if start + shown < indices.count { screen.put(g.arrowDown, at: Point(x: rect.x, y: y), style: .accent) }
        y += 1
        if y < rect.maxY {
            screen.put(countText, at: Point(x: rect.x + 3, y: y), style: .dim, maxWidth: rect.width - 3)
            y += 1
        }
        if let message, y < rect.maxY {
            screen.put(message, at: Point(x: rect.x + 3, y: y), style: messageStyle, maxWidth: rect.width - 3)
        }
    }

    /// Column separators keep the border style whatever the row style is.
    private func restyleBorders(_ screen: inout Screen, y: Int, left: Int, widths: [Int], rect: Rect, style: Style) {
        var x = left
        screen.restyle(Rect(x: x, y: y, width: 1, height: 1)) { _ in style }
        for w in widths {
            x += w + 3
            if x >= rect.maxX { break }
            screen.restyle(Rect(x: x, y: y, width: 1, height: 1)) { _ in style }
        }
    }

    /// Shrinks the widest columns first until the table fits (never below 3 columns each).
    func fitted(_ natural: [Int], into available: Int) -> [Int] {
        var w = natural.map { max($0, 1) }
        var excess = w.reduce(0, +) - max(available, 3 * w.count)
        while excess > 0 {
            guard let i = w.indices.max(by: { w[$0] < w[$1] }), w[i] > 3 else { break }
            let second = w.enumerated().filter { $0.offset != i }.map(\.element).max() ?? 3
            let cut = min(excess, max(1, w[i] - max(second, 3)))
            w[i] -= cut
            excess -= cut
        }
        return w
    }
}
