import MicroCloudKit

/// A selectable table (behaviour of upstream's table widget, §10.2): columns, a filter, a cursor, a scrolling
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

    public private(set) var rows: [Row] = []
    public private(set) var selected: Set<ID> = []
    public private(set) var filter = ""
    /// Index into `visibleRows` of the cursor row.
    public private(set) var cursor = 0
    /// Index into `visibleRows` of the first row in the viewport.
    public private(set) var top = 0
    private var position: [ID: Int] = [:]
    private var visible: [Int] = []
    private var naturalWidths: [Int]

    public init(title: String, columns: [String], rows: [Row] = [], viewportHeight: Int = 10) {
        self.title = title
        self.columns = columns
        self.viewportHeight = max(1, viewportHeight)
        self.naturalWidths = columns.map(displayWidth)
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

    /// Adds a row at the end, or replaces the row with the same id in place.
    public mutating func upsert(_ row: Row) {
        let keep = cursorRow?.id
        if let i = position[row.id] {
            let oldCells = rows[i].cells
            rows[i] = row
            if row.disabled { selected.remove(row.id) }
            widen(with: row.cells)
            if zip(oldCells, row.cells).contains(where: { displayWidth($0) > displayWidth($1) }) { recomputeWidths() }
            refilter()
        } else {
            position[row.id] = rows.count
            rows.append(row)
            widen(with: row.cells)
            if matches(row) { visible.append(rows.count - 1) }
        }
        restoreCursor(on: keep)
    }

    public mutating func remove(id: ID) {
        guard let i = position[id] else { return }
        let keep = cursorRow?.id
        let oldCursor = cursor
        rows.remove(at: i)
        position[id] = nil
        for j in i..<rows.count { position[rows[j].id] = j }
        selected.remove(id)
        recomputeWidths()
        refilter()
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

    private func matches(_ row: Row) -> Bool {
        // Case-insensitive (upstream is case-sensitive): operators type "micro" for "Micro01".
        filter.isEmpty || row.cells.contains { $0.lowercased().contains(filter.lowercased()) }
    }

    private mutating func refilter() {
        if filter.isEmpty {
            visible = Array(rows.indices)
        } else {
            let needle = filter.lowercased()
            visible = rows.indices.filter { i in rows[i].cells.contains { $0.lowercased().contains(needle) } }
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

    private mutating func widen(with cells: [String]) {
        for (i, c) in cells.prefix(naturalWidths.count).enumerated() {
            naturalWidths[i] = max(naturalWidths[i], displayWidth(c))
        }
    }

    private mutating func recomputeWidths() {
        naturalWidths = columns.map(displayWidth)
        for row in rows { widen(with: row.cells) }
    }

    var columnWidths: [Int] { naturalWidths }
    var visibleIndices: [Int] { visible }
}
