/// A grid of cells: what a view returns and a terminal draws. Drawing clips at the edges; nothing wraps.
public struct Screen: Equatable, Sendable {
    public let size: Size
    public var glyphs: Glyphs
    public private(set) var cells: [Cell]

    public init(size: Size, glyphs: Glyphs = .unicode, fill: Cell = .blank) {
        self.size = size
        self.glyphs = glyphs
        self.cells = Array(repeating: fill, count: size.width * size.height)
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// Writes `text` from `at` going right, clipped at the screen's right edge or after `maxWidth` columns,
    /// whichever comes first. Returns the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, at: Point, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard at.y >= 0, at.y < size.height else { return at.x }
        let limit = min(size.width, maxWidth.map { at.x + max(0, $0) } ?? size.width)
        var x = at.x
        let row = at.y * size.width
        if x >= 0, let end = putASCII(text, row: row, x: x, limit: limit, style: style) { return end }
        for ch in text {
            if x >= limit { break }
            let w = cellWidth(of: ch)
            if w == 0 { continue }
            if x < 0 {  // starts left of the screen: skip columns, never half a wide char
                x += w
                continue
            }
            if x + w > limit {  // a wide char that does not fit: blank the last column instead
                set(row, x, Cell(" ", style: style))
                x += 1
                break
            }
            set(row, x, Cell(String(ch), style: style, width: UInt8(w)))
            x += w
        }
        return x
    }

    /// `put` for text that is all ASCII (nearly all the wizard draws): one cell per printable byte, no grapheme
    /// breaking and no Unicode properties. Nil when the text has other characters.
    private mutating func putASCII(_ text: String, row: Int, x start: Int, limit: Int, style: Style) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            var x = start
            for byte in bytes {
                guard byte < 0x80 else { return nil }
            }
            for byte in bytes where byte >= 0x20 && byte != 0x7F {  // control characters take no cell
                if x >= limit { break }
                set(row, x, Cell(ascii: byte, style: style))
                x += 1
            }
            return x
        }
    }

    /// Fills a rectangle (clipped to the screen) with one narrow grapheme.
    public mutating func fill(_ rect: Rect, with text: String = " ", style: Style = .normal) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        let cell = Cell(text, style: style)
        for y in r.y..<r.maxY {
            let row = y * size.width
            for x in r.x..<r.maxX { set(row, x, cell) }
        }
    }

    /// Changes only the style of the cells in a rectangle (e.g. to highlight a cursor row).
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * size.width + x].style = transform(cells[y * size.width + x].style) }
        }
    }

    public mutating func hline(_ rect: Rect, y: Int, style: Style = .normal) {
        fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: glyphs.horizontal, style: style)
    }

    public mutating func vline(x: Int, y: Int, height: Int, style: Style = .normal) {
        fill(Rect(x: x, y: y, width: 1, height: height), with: glyphs.vertical, style: style)
    }

    /// A box along the edges of `rect`, with an optional title in the top border.
    public mutating func box(_ rect: Rect, style: Style = .normal, title: String? = nil, titleStyle: Style = .bold) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let g = glyphs
        hline(Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1), y: rect.y, style: style)
        hline(Rect(x: rect.x + 1, y: rect.maxY - 1, width: rect.width - 2, height: 1), y: rect.maxY - 1, style: style)
        vline(x: rect.x, y: rect.y + 1, height: rect.height - 2, style: style)
        vline(x: rect.maxX - 1, y: rect.y + 1, height: rect.height - 2, style: style)
        put(g.topLeft, at: Point(x: rect.x, y: rect.y), style: style)
        put(g.topRight, at: Point(x: rect.maxX - 1, y: rect.y), style: style)
        put(g.bottomLeft, at: Point(x: rect.x, y: rect.maxY - 1), style: style)
        put(g.bottomRight, at: Point(x: rect.maxX - 1, y: rect.maxY - 1), style: style)
        if let title, rect.width > 4 {
            put(" \(title) ", at: Point(x: rect.x + 1, y: rect.y), style: titleStyle, maxWidth: rect.width - 2)
        }
    }

    /// Copies another screen into this one with its top left at `at` (clipped).
    public mutating func blit(_ other: Screen, at: Point) {
        for y in 0..<other.size.height where at.y + y >= 0 && at.y + y < size.height {
            var x = 0
            while x < other.size.width {
                let c = other[x, y]
                let tx = at.x + x
                if c.width > 0, tx >= 0, tx + Int(c.width) <= size.width { set((at.y + y) * size.width, tx, c) }
                x += max(1, Int(c.width))
            }
        }
    }

    /// The text of one row (wide graphemes once, continuation cells skipped).
    public func text(row y: Int, trimmingTrailingSpaces trim: Bool = true) -> String {
        var s = ""
        let start = y * size.width
        for i in start..<start + size.width where cells[i].width > 0 { s += cells[i].text }
        if trim {
            while s.last == " " { s.removeLast() }
        }
        return s
    }

    /// All rows as text, one line each.
    public var lines: [String] { (0..<size.height).map { text(row: $0) } }

    func clip(_ rect: Rect) -> Rect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(size.width, rect.maxX), y1 = min(size.height, rect.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Sets one cell and repairs wide graphemes it cuts in half (their other half becomes a blank).
    @inline(__always)
    private mutating func set(_ row: Int, _ x: Int, _ cell: Cell) {
        let i = row + x
        let old = cells[i]
        if old.width == 0, x > 0, cells[i - 1].width == 2 {
            cells[i - 1] = Cell(ascii: 0x20, style: cells[i - 1].style)
        } else if old.width == 2, x + 1 < size.width {
            cells[i + 1] = Cell(ascii: 0x20, style: old.style)
        }
        cells[i] = cell
        if cell.width == 2 {
            let next = cells[i + 1]
            if next.width == 2, x + 2 < size.width { cells[i + 2] = Cell(ascii: 0x20, style: next.style) }
            cells[i + 1] = .continuation(cell.style)
        }
    }

    mutating func replace(row: Int, column: Int, with run: [Cell]) {
        let start = row * size.width + column
        cells.replaceSubrange(start..<start + run.count, with: run)
    }
}
