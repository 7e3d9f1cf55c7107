/// A run of cells on one row that differ from what the terminal shows. Runs never start on a continuation cell and
/// never end between a wide grapheme and its continuation, so a terminal can write them as they are.
public struct Change: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public var cells: [Cell]

    public init(row: Int, column: Int, cells: [Cell]) {
        self.row = row
        self.column = column
        self.cells = cells
    }
}

extension Screen {
    /// Unchanged cells shorter than this between two changed ones are sent anyway: one write beats a cursor move.
    static let diffGapLimit = 4

    /// The runs that turn `old` into this screen. A screen of another size differs in every row.
    public func diff(from old: Screen) -> [Change] {
        let w = size.width
        guard old.size == size else {
            return (0..<size.height).map { y in Change(row: y, column: 0, cells: Array(cells[y * w..<(y + 1) * w])) }
        }
        var changes: [Change] = []
        cells.withUnsafeBufferPointer { new in
            old.cells.withUnsafeBufferPointer { prev in
                for y in 0..<size.height {
                    let base = y * w
                    var x = 0
                    while x < w {
                        if new[base + x] == prev[base + x] {
                            x += 1
                            continue
                        }
                        var start = x
                        if new[base + start].width == 0, start > 0 { start -= 1 }
                        var end = x + 1
                        var gap = 0
                        var j = end
                        while j < w {
                            if new[base + j] != prev[base + j] {
                                end = j + 1
                                gap = 0
                            } else {
                                gap += 1
                                if gap > Screen.diffGapLimit { break }
                            }
                            j += 1
                        }
                        if end < w, new[base + end].width == 0 { end += 1 }
                        changes.append(Change(row: y, column: start, cells: Array(new[base + start..<base + end])))
                        x = end
                    }
                }
            }
        }
        return changes
    }

    /// Applies runs from `diff` (what a terminal does with them).
    public mutating func apply(_ changes: [Change]) {
        for c in changes { replace(row: c.row, column: c.column, with: c.cells) }
    }
}
