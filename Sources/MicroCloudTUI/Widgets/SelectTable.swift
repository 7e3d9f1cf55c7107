import MicroCloudKit

/// A selectable table (behaviour of upstream's table widget, cmd/tui/selectable_table.go): columns, a filter, a cursor, a scrolling
/// viewport, selections and disabled rows keyed by row id, and live insert/update/remove that keep the cursor on
/// the row it was on. Value type: `handle` changes it, `render` draws it.
public struct SelectTable<ID: Hashable & Sendable>: Sendable {
    public struct Row: Sendable, Equatable {
        public var id: ID
        public var cells: [String]
        public var disabled: Bool

        public init(id: ID, cells: [String], disabled: Bool = false) {
            self.id = id
            self.cells = cells
            self.disabled = disabled
        }
    }

    public enum Action: Equatable, Sendable {
        /// The key means nothing here; the caller may use it.
        case ignored
        case handled
        case confirm
        case cancel
    }

    public var title: String
    public let columns: [String]
    /// A line under the table, e.g. why the selection cannot be confirmed.
    public var message: String?
    public var messageStyle: Style = .error
    public var filterPlaceholder = "<type to filter rows>"
    public var emptyText = "No rows yet"
    /// Rows the viewport shows; `handle` scrolls by it. The view shows fewer when it has less room.
    public var viewportHeight: Int

    /// Where new rows go: before the first row they sort before (nil: at the end, in arrival order). The order
    /// must depend only on a row's id, since an update replaces a row in place.
    public var order: (@Sendable (Row, Row) -> Bool)?

    public private(set) var rows: [Row] = []
    public private(set) var selected: Set<ID> = []
    public private(set) var filter = ""
    /// Index into `visibleRows` of the cursor row.
    public private(set) var cursor = 0
    /// Index into `visibleRows` of the first row in the viewport.
    public private(set) var top = 0
    private var position: [ID: Int] = [:]
    /// Lower-cased cells of each row joined, so filtering does not lower-case 1,000 rows per key.
    private var searchKeys: [[UInt8]] = []
    /// Indices into `rows` that pass the filter, ascending.
    private var visible: [Int] = []
    private var widths: ColumnWidths

    public init(title: String, columns: [String], rows: [Row] = [], viewportHeight: Int = 10,
                order: (@Sendable (Row, Row) -> Bool)? = nil) {
        self.title = title
        self.columns = columns
        self.order = order
        self.viewportHeight = max(1, viewportHeight)
        self.widths = ColumnWidths(headers: columns)
        for row in rows { upsert(row) }
    }

    // MARK: reading

    public var visibleRows: [Row] { visible.map { rows[$0] } }
    public var visibleCount: Int { visible.count }
    public var cursorRow: Row? { visible.isEmpty ? nil : rows[visible[cursor]] }
    /// Selected rows in table order (disabled rows are never selected).
    public var selectedRows: [Row] { rows.filter { selected.contains($0.id) } }
    public func row(id: ID) -> Row? { position[id].map { rows[$0] } }

    /// "3 of 5 selected", plus how many the filter shows when one is set.
    public var countText: String {
        var s = "\(selected.count) of \(rows.count) selected"
        if !filter.isEmpty { s += ", \(visible.count) shown" }
        return s
    }

    // MARK: keys

    public mutating func handle(_ key: Key) -> Action {
        switch key {
        case .up: moveCursor(to: cursor - 1)
        case .down: moveCursor(to: cursor + 1)
        case .pageUp: moveCursor(to: cursor - viewportHeight)
        case .pageDown: moveCursor(to: cursor + viewportHeight)
        case .home: moveCursor(to: 0)
        case .end: moveCursor(to: visible.count - 1)
        case .char(" "): toggleCursorRow()
        case .right: selectAllVisible()
        case .left: selected.removeAll()
        case .char(let c): setFilter(filter + String(c))
        case .backspace:
            guard !filter.isEmpty else { return .handled }
            setFilter(String(filter.dropLast()))
        case .delete: setFilter("")
        case .enter: return .confirm
        case .escape: return .cancel
        case .tab, .backTab, .ctrlC: return .ignored
        }
        return .handled
    }

    public mutating func toggleCursorRow() {
        guard let row = cursorRow, !row.disabled else { return }
        if selected.contains(row.id) { selected.remove(row.id) } else { selected.insert(row.id) }
    }

    public mutating func selectAllVisible() {
        for i in visible where !rows[i].disabled { selected.insert(rows[i].id) }
    }

    public mutating func setSelected(_ ids: Set<ID>) {
        selected = Set(ids.filter { id in position[id].map { !rows[$0].disabled } ?? false })
    }

    public mutating func setFilter(_ text: String) {
        filter = text
        refilter()
        cursor = 0
        top = 0
    }

    public mutating func moveCursor(to index: Int) {
        cursor = max(0, min(index, visible.count - 1))
        scrollToCursor()
    }

    /// Changes the viewport height (after a resize) and keeps the cursor in view.
    public mutating func setViewportHeight(_ height: Int) {
        viewportHeight = max(1, height)
        scrollToCursor()
    }

    // MARK: live updates

    /// Adds a row (at the end, or where `order` puts it), or replaces the row with the same id in place.
    public mutating func upsert(_ row: Row) {
        let keep = cursorRow?.id
        let key = SelectTable.searchKey(row.cells)
        if let i = position[row.id] {
            widths.replace(rows[i].cells, with: row.cells)
            rows[i] = row
            searchKeys[i] = key
            if row.disabled { selected.remove(row.id) }
            let shown = matches(key)
            let at = insertionPoint(of: i)
            let wasShown = at < visible.count && visible[at] == i
            if shown && !wasShown { visible.insert(i, at: at) }
            if !shown && wasShown { visible.remove(at: at) }
        } else if let order, let i = rows.firstIndex(where: { order(row, $0) }) {
            rows.insert(row, at: i)
            searchKeys.insert(key, at: i)
            widths.add(row.cells)
            for j in i..<rows.count { position[rows[j].id] = j }
            let at = insertionPoint(of: i)
            for k in at..<visible.count { visible[k] += 1 }
            if matches(key) { visible.insert(i, at: at) }
        } else {
            position[row.id] = rows.count
            rows.append(row)
            searchKeys.append(key)
            widths.add(row.cells)
            if matches(key) { visible.append(rows.count - 1) }
        }
        restoreCursor(on: keep)
    }

    public mutating func remove(id: ID) {
        guard let i = position[id] else { return }
        let keep = cursorRow?.id
        let oldCursor = cursor
        widths.remove(rows[i].cells)
        rows.remove(at: i)
        searchKeys.remove(at: i)
        position[id] = nil
        for j in i..<rows.count { position[rows[j].id] = j }
        selected.remove(id)
        let at = insertionPoint(of: i)
        if at < visible.count, visible[at] == i { visible.remove(at: at) }
        for k in at..<visible.count { visible[k] -= 1 }
        if keep == id {
            cursor = max(0, min(oldCursor, visible.count - 1))  // the row below takes the cursor's place
            scrollToCursor()
        } else {
            restoreCursor(on: keep)
        }
    }

    public mutating func setDisabled(id: ID, _ disabled: Bool) {
        guard let i = position[id], rows[i].disabled != disabled else { return }
        rows[i].disabled = disabled
        if disabled { selected.remove(id) }
    }

    // MARK: internals

    static func searchKey(_ cells: [String]) -> [UInt8] { Array(cells.map { $0.lowercased() }.joined(separator: "\u{0}").utf8) }

    // Case-insensitive (upstream is case-sensitive): operators type "micro" for "Micro01".
    private func matches(_ key: [UInt8]) -> Bool { filter.isEmpty || SelectTable.contains(key, Array(filter.lowercased().utf8)) }

    /// Byte substring search over UTF-8 (graphemes do not matter for a filter, speed does).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var k = 1
                        while k < n.count, h[i + k] == n[k] { k += 1 }
                        if k == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// Where raw index `i` is, or would go, in `visible` (binary search: `visible` is ascending).
    private func insertionPoint(of i: Int) -> Int {
        var lo = 0, hi = visible.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if visible[mid] < i { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private mutating func refilter() {
        if filter.isEmpty {
            visible = Array(rows.indices)
        } else {
            let needle = Array(filter.lowercased().utf8)
            visible = searchKeys.indices.filter { SelectTable.contains(searchKeys[$0], needle) }
        }
        cursor = max(0, min(cursor, visible.count - 1))
    }

    private mutating func restoreCursor(on id: ID?) {
        if let id, let raw = position[id], let v = visible.firstIndex(of: raw) { cursor = v }
        cursor = max(0, min(cursor, visible.count - 1))
        scrollToCursor()
    }

    private mutating func scrollToCursor() {
        top = SelectTable.scrolledTop(top: top, cursor: cursor, height: viewportHeight, count: visible.count)
    }

    static func scrolledTop(top: Int, cursor: Int, height: Int, count: Int) -> Int {
        var t = top
        if cursor < t { t = cursor }
        if cursor >= t + height { t = cursor - height + 1 }
        return max(0, min(t, count - height))
    }

    var columnWidths: [Int] { widths.maxima }
    var visibleIndices: [Int] { visible }
}

/// The widest cell per column, kept up to date as rows come and go: a count of cells per width, so a row that
/// shrinks or leaves does not mean measuring every row again.
struct ColumnWidths: Sendable {
    private var counts: [[Int]]
    private(set) var maxima: [Int]
    private let headers: [Int]

    init(headers: [String]) {
        self.headers = headers.map(displayWidth)
        counts = headers.map { _ in [] }
        maxima = self.headers
    }

    mutating func add(_ cells: [String]) { change(cells, by: 1) }
    mutating func remove(_ cells: [String]) { change(cells, by: -1) }

    mutating func replace(_ old: [String], with new: [String]) {
        remove(old)
        add(new)
    }

    private mutating func change(_ cells: [String], by delta: Int) {
        for (c, text) in cells.prefix(counts.count).enumerated() {
            let w = displayWidth(text)
            if w >= counts[c].count { counts[c] += Array(repeating: 0, count: w - counts[c].count + 1) }
            counts[c][w] += delta
            if delta > 0 {
                maxima[c] = max(maxima[c], w)
            } else if w == maxima[c], counts[c][w] == 0 {
                var m = w
                while m > 0, counts[c][m] == 0 { m -= 1 }
                maxima[c] = max(headers[c], m)
            }
        }
    }
}
