import MicroCloudKit

/// One line of bootstrap progress: a step, on which member, in what state, how long against its budget.
public struct ProgressItem: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case pending
        case running
        case done
        case failed(String)
        case skipped(String?)
    }

    /// How far a long step is: a fraction for a bar, a count ("3/8 disks"), an estimate of the time left.
    public struct Amount: Sendable, Equatable {
        public var fraction: Double?
        public var done: Int?
        public var total: Int?
        public var unit: String?
        public var remaining: Double?

        public init(fraction: Double? = nil, done: Int? = nil, total: Int? = nil, unit: String? = nil,
                    remaining: Double? = nil) {
            self.fraction = fraction
            self.done = done
            self.total = total
            self.unit = unit
            self.remaining = remaining
        }

        var effectiveFraction: Double? {
            if let fraction { return min(1, max(0, fraction)) }
            if let done, let total, total > 0 { return min(1, Double(done) / Double(total)) }
            return nil
        }
    }

    public var id: StepID
    public var title: String
    public var member: String?
    public var state: State
    /// Seconds on the program's clock (the same clock the view's `now` uses).
    public var started: Double?
    public var finished: Double?
    public var budget: Double?
    public var amount: Amount?

    public init(id: StepID, title: String, member: String? = nil, state: State = .pending, started: Double? = nil,
                finished: Double? = nil, budget: Double? = nil, amount: Amount? = nil) {
        self.id = id
        self.title = title
        self.member = member
        self.state = state
        self.started = started
        self.finished = finished
        self.budget = budget
        self.amount = amount
    }

    public func elapsed(now: Double) -> Double? {
        guard let started else { return nil }
        return (finished ?? now) - started
    }
}

/// The bootstrap progress screen's list: one line per item plus a detail line for a bar or an error, scrolled
/// with the keys, following the newest activity until the operator scrolls away.
public struct ProgressList: Sendable {
    public private(set) var items: [ProgressItem] = []
    private var position: [StepID: Int] = [:]
    /// First line shown (in rendered lines).
    public private(set) var top = 0
    /// Keeps the last running or failed item in view; scrolling up turns it off, End turns it back on.
    public private(set) var follow = true
    public var pageSize = 10

    public init(items: [ProgressItem] = []) {
        for item in items { upsert(item) }
    }

    public mutating func upsert(_ item: ProgressItem) {
        if let i = position[item.id] {
            items[i] = item
        } else {
            position[item.id] = items.count
            items.append(item)
        }
    }

    public mutating func update(id: StepID, _ change: (inout ProgressItem) -> Void) {
        guard let i = position[id] else { return }
        change(&items[i])
    }

    public func item(id: StepID) -> ProgressItem? { position[id].map { items[$0] } }

    public var doneCount: Int { items.filter { $0.state == .done }.count }
    public var failedCount: Int { items.filter { if case .failed = $0.state { true } else { false } }.count }

    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .up: scroll(by: -1)
        case .down: scroll(by: 1)
        case .pageUp: scroll(by: -pageSize)
        case .pageDown: scroll(by: pageSize)
        case .home: scroll(by: -top)
        case .end: follow = true
        default: return false
        }
        return true
    }

    private mutating func scroll(by delta: Int) {
        follow = false
        top = max(0, top + delta)
    }

    // MARK: view

    struct Line {
        var segments: [(String, Style)]
        var item: Int
    }

    func lines(width: Int, now: Double, glyphs: Glyphs) -> [Line] {
        let memberWidth = min(16, items.compactMap { $0.member.map(displayWidth) }.max() ?? 0)
        let timeWidth = 13
        let titleWidth = max(8, width - 2 - (memberWidth > 0 ? memberWidth + 2 : 0) - timeWidth - 1)
        var out: [Line] = []
        for (n, item) in items.enumerated() {
            let (icon, iconStyle) = stateIcon(item.state, now: now, glyphs: glyphs)
            var segs: [(String, Style)] = [(icon + " ", iconStyle)]
            let titleStyle: Style = item.state == .running ? .bold : (item.state == .pending ? .dim : .normal)
            segs.append((pad(item.title, toWidth: titleWidth), titleStyle))
            if memberWidth > 0 { segs.append(("  " + pad(item.member ?? "", toWidth: memberWidth), .dim)) }
            segs.append((" " + timeText(item, now: now).leftPadded(to: timeWidth), timeStyle(item, now: now)))
            out.append(Line(segments: segs, item: n))
            if case .failed(let why) = item.state {
                for l in wrapWords(why, width: max(1, width - 4)) { out.append(Line(segments: [("    " + l, .error)], item: n)) }
            } else if case .skipped(let why?) = item.state {
                out.append(Line(segments: [("    " + why, .dim)], item: n))
            } else if item.state == .running, let amount = item.amount {
                out.append(Line(segments: amountSegments(amount, width: width - 4, glyphs: glyphs), item: n))
            }
        }
        return out
    }

    private func stateIcon(_ s: ProgressItem.State, now: Double, glyphs: Glyphs) -> (String, Style) {
        switch s {
        case .pending: return (glyphs.bullet, .dim)
        case .running: return (glyphs.spinner[Int((now * 8).rounded(.down)) % glyphs.spinner.count], .accent)
        case .done: return (glyphs.check, .ok)
        case .failed: return (glyphs.disabled, .error)
        case .skipped: return ("-", .dim)
        }
    }

    private func timeText(_ item: ProgressItem, now: Double) -> String {
        guard let elapsed = item.elapsed(now: now) else {
            return item.budget.map { "/ " + formatClock($0) } ?? ""
        }
        guard let budget = item.budget else { return formatClock(elapsed) }
        return formatClock(elapsed) + " / " + formatClock(budget)
    }

    private func timeStyle(_ item: ProgressItem, now: Double) -> Style {
        if let e = item.elapsed(now: now), let b = item.budget, e > b { return .warn }
        return .dim
    }

    private func amountSegments(_ a: ProgressItem.Amount, width: Int, glyphs: Glyphs) -> [(String, Style)] {
        var segs: [(String, Style)] = [("    ", .normal)]
        var info: [String] = []
        if let done = a.done, let total = a.total { info.append("\(done)/\(total)" + (a.unit.map { " " + $0 } ?? "")) }
        if let r = a.remaining { info.append("~" + formatClock(r) + " left") }
        let infoText = info.joined(separator: " · ")
        if let f = a.effectiveFraction {
            let barWidth = max(4, min(30, width - displayWidth(infoText) - 10))
            let full = Int((f * Double(barWidth)).rounded(.down))
            segs.append(("[", .dim))
            segs.append((String(repeating: glyphs.barFull, count: full), .accent))
            segs.append((String(repeating: glyphs.barEmpty, count: barWidth - full), .dim))
            segs.append(("] ", .dim))
            segs.append(("\(Int((f * 100).rounded(.down)))%".leftPadded(to: 4) + " ", .normal))
        }
        segs.append((infoText, .dim))
        return segs
    }

    /// Draws as many lines as fit, scrolled to `top` (or following the activity), with ↑/↓ when lines are hidden.
    public func render(on screen: inout Screen, in rect: Rect, now: Double) {
        guard !rect.isEmpty else { return }
        let all = lines(width: rect.width - 1, now: now, glyphs: screen.glyphs)
        let start = visibleStart(lineCount: all.count, height: rect.height, all: all)
        for (k, line) in all[start..<min(all.count, start + rect.height)].enumerated() {
            var x = rect.x
            for (text, style) in line.segments {
                x = screen.put(text, at: Point(x: x, y: rect.y + k), style: style, maxWidth: rect.maxX - 1 - x)
            }
        }
        if start > 0 { screen.put(screen.glyphs.arrowUp, at: Point(x: rect.maxX - 1, y: rect.y), style: .accent) }
        if start + rect.height < all.count {
            screen.put(screen.glyphs.arrowDown, at: Point(x: rect.maxX - 1, y: rect.maxY - 1), style: .accent)
        }
    }

    private func visibleStart(lineCount: Int, height: Int, all: [Line]) -> Int {
        let maxTop = max(0, lineCount - height)
        guard follow else { return min(top, maxTop) }
        // Follow: the last item that is running or failed, else the last done one, at the bottom of the view.
        let focus = items.lastIndex { if case .failed = $0.state { true } else { $0.state == .running } }
            ?? items.lastIndex { $0.state == .done }
        guard let focus, let lastLine = all.lastIndex(where: { $0.item == focus }) else { return 0 }
        return max(0, min(maxTop, lastLine - height + 2))
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        let w = displayWidth(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
