/// A scrollable list of styled lines (summaries, warnings, errors), following the end unless scrolled away.
public struct LogView: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var text: String
        public var style: Style
        public init(_ text: String, style: Style = .normal) {
            self.text = text
            self.style = style
        }
    }

    public private(set) var lines: [Line] = []
    /// Lines kept at most; the oldest go first.
    public let limit: Int
    /// Lines scrolled up from the end (0 = following the end).
    public private(set) var offsetFromEnd = 0
    public var pageSize = 10

    public init(lines: [Line] = [], limit: Int = 5000) {
        self.limit = max(1, limit)
        self.lines = Array(lines.suffix(self.limit))
    }

    public mutating func append(_ text: String, style: Style = .normal) {
        lines.append(Line(text, style: style))
        if lines.count > limit { lines.removeFirst(lines.count - limit) }
        if offsetFromEnd > 0 { offsetFromEnd = min(offsetFromEnd + 1, max(0, lines.count - 1)) }
    }

    public mutating func clear() {
        lines.removeAll()
        offsetFromEnd = 0
    }

    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .up: scroll(by: 1)
        case .down: scroll(by: -1)
        case .pageUp: scroll(by: pageSize)
        case .pageDown: scroll(by: -pageSize)
        case .home: offsetFromEnd = max(0, lines.count - 1)
        case .end: offsetFromEnd = 0
        default: return false
        }
        return true
    }

    private mutating func scroll(by delta: Int) {
        offsetFromEnd = max(0, min(lines.count - 1, offsetFromEnd + delta))
    }

    /// The window of lines ending `offsetFromEnd` lines before the end; ↑/↓ in the last column when more exist.
    public func render(on screen: inout Screen, in rect: Rect) {
        guard !rect.isEmpty else { return }
        let end = max(0, lines.count - offsetFromEnd)
        let start = max(0, end - rect.height)
        for (k, line) in lines[start..<end].enumerated() {
            screen.put(line.text, at: Point(x: rect.x, y: rect.y + k), style: line.style, maxWidth: rect.width - 1)
        }
        if start > 0 { screen.put(screen.glyphs.arrowUp, at: Point(x: rect.maxX - 1, y: rect.y), style: .accent) }
        if end < lines.count {
            screen.put(screen.glyphs.arrowDown, at: Point(x: rect.maxX - 1, y: rect.y + max(0, min(rect.height, end - start) - 1)),
                       style: .accent)
        }
    }
}
