import MicroCloudKit

/// A key and what it does, shown in the footer.
public struct KeyHint: Sendable, Equatable {
    public var key: String
    public var label: String
    public init(_ key: String, _ label: String) {
        self.key = key
        self.label = label
    }
}

/// What the frame around every wizard screen shows.
public struct Chrome: Sendable, Equatable {
    public var title: String
    public var step: Int?
    public var stepCount: Int?
    /// Seconds left in the trust session.
    public var remaining: Double?
    public var passphrase: String?
    /// "Plan so far" lines for the side panel.
    public var plan: [LogView.Line]
    public var hints: [KeyHint]
    /// False where the main panel needs the whole width (wide result tables).
    public var sidePanel: Bool

    public init(title: String, step: Int? = nil, stepCount: Int? = nil, remaining: Double? = nil,
                passphrase: String? = nil, plan: [LogView.Line] = [], hints: [KeyHint] = [], sidePanel: Bool = true) {
        self.sidePanel = sidePanel
        self.title = title
        self.step = step
        self.stepCount = stepCount
        self.remaining = remaining
        self.passphrase = passphrase
        self.plan = plan
        self.hints = hints
    }
}

/// The frame: header (step, title, session time, passphrase), main panel, side panel ("Plan so far", only from
/// 100 columns), footer (key hints). Below 80x24 it shows only a notice asking for a bigger terminal.
public enum Layout {
    public static let minimumSize = Size(width: 80, height: 24)
    public static let sidePanelFromWidth = 100

    public struct Regions: Sendable, Equatable {
        public var header: Rect
        public var main: Rect
        public var side: Rect?
        public var footer: Rect
    }

    public static func fits(_ size: Size) -> Bool {
        size.width >= minimumSize.width && size.height >= minimumSize.height
    }

    /// Where things go at a size; nil when the terminal is too small.
    public static func regions(for size: Size, sidePanel: Bool = true) -> Regions? {
        guard fits(size) else { return nil }
        let all = Rect(size: size)
        let (_, rest) = all.splitTop(2)
        let (body, footer) = rest.splitBottom(2)
        var main = body.inset(dx: 1, dy: 1)
        var side: Rect?
        if sidePanel, size.width >= sidePanelFromWidth {
            let sideWidth = min(44, size.width / 3)
            let (m, s) = body.splitRight(sideWidth)
            main = Rect(x: m.x + 1, y: m.y + 1, width: m.width - 3, height: m.height - 2)
            side = Rect(x: s.x + 1, y: s.y + 1, width: s.width - 2, height: s.height - 2)
        }
        return Regions(header: Rect(x: 0, y: 0, width: size.width, height: 2), main: main, side: side,
                       footer: Rect(x: 0, y: footer.maxY - 1, width: size.width, height: 1))
    }

    /// A whole screen: the frame from `chrome` and the main panel drawn by `main` into the rectangle it is given.
    public static func render(_ chrome: Chrome, size: Size, glyphs: Glyphs = .unicode,
                              main: (inout Screen, Rect) -> Void) -> Screen {
        guard let r = regions(for: size, sidePanel: chrome.sidePanel) else { return tooSmall(size: size, glyphs: glyphs) }
        var s = Screen(size: size, glyphs: glyphs)
        s.hline(Rect(x: 0, y: 1, width: size.width, height: 1), y: 1, style: .dim)
        s.hline(Rect(x: 0, y: size.height - 2, width: size.width, height: 1), y: size.height - 2, style: .dim)
        if let side = r.side {
            let x = side.x - 2
            s.vline(x: x, y: 2, height: size.height - 4, style: .dim)
            s.put(glyphs.teeDown, at: Point(x: x, y: 1), style: .dim)
            s.put(glyphs.teeUp, at: Point(x: x, y: size.height - 2), style: .dim)
            drawPlan(chrome.plan, on: &s, in: side)
        }
        drawHeader(chrome, on: &s, in: r.header)
        drawHints(chrome.hints, on: &s, in: r.footer)
        main(&s, r.main)
        return s
    }

    /// The notice shown instead of the wizard when the terminal is smaller than 80x24.
    public static func tooSmall(size: Size, glyphs: Glyphs = .unicode) -> Screen {
        var s = Screen(size: size, glyphs: glyphs)
        let text = "Terminal too small (need \(minimumSize), have \(size)). Enlarge the window, or press Ctrl-C to quit."
        let lines = wrapWords(text, width: max(1, size.width - 2))
        let top = max(0, (size.height - lines.count) / 2)
        for (k, line) in lines.enumerated() {
            let x = max(0, (size.width - displayWidth(line)) / 2)
            s.put(line, at: Point(x: x, y: top + k), style: k == 0 ? Style.warn.bold : .normal)
        }
        return s
    }

    /// Row 0: step and title on the left, the session countdown on the right. The passphrase sits on the right
    /// of the rule under it, so the title keeps its room even at 80 columns.
    private static func drawHeader(_ c: Chrome, on s: inout Screen, in r: Rect) {
        var rightWidth = 0
        if let rem = c.remaining {
            let clock = formatClock(rem)
            rightWidth = displayWidth("session " + clock)
            let x = s.put("session ", at: Point(x: r.maxX - 1 - rightWidth, y: r.y), style: .dim)
            s.put(clock, at: Point(x: x, y: r.y), style: rem < 300 ? Style.warn.bold : .bold)
        }
        var lx = r.x + 1
        if let n = c.step, let m = c.stepCount {
            lx = s.put("Step \(n) of \(m)  ", at: Point(x: lx, y: r.y), style: .dim)
        }
        let room = max(0, r.maxX - 1 - rightWidth - 2 - lx)
        s.put(truncate(c.title, toWidth: room), at: Point(x: lx, y: r.y), style: .bold, maxWidth: room)
        if let p = c.passphrase {
            let label = " passphrase ", words = p + " "
            let x0 = r.maxX - 1 - displayWidth(label) - displayWidth(words)
            let x = s.put(label, at: Point(x: max(r.x, x0), y: r.y + 1), style: .dim)
            s.put(words, at: Point(x: x, y: r.y + 1), style: Style.accent.bold)
        }
    }

    private static func drawPlan(_ lines: [LogView.Line], on s: inout Screen, in r: Rect) {
        s.put("Plan so far", at: Point(x: r.x, y: r.y), style: .bold, maxWidth: r.width)
        guard r.height > 2 else { return }
        let room = r.height - 2
        if lines.isEmpty {
            s.put("Nothing chosen yet", at: Point(x: r.x, y: r.y + 2), style: .dim, maxWidth: r.width)
            return
        }
        let shown = lines.count > room ? Array(lines.prefix(room - 1)) : lines
        for (k, line) in shown.enumerated() {
            s.put(truncate(line.text, toWidth: r.width), at: Point(x: r.x, y: r.y + 2 + k), style: line.style)
        }
        if lines.count > room {
            s.put("… \(lines.count - shown.count) more", at: Point(x: r.x, y: r.y + 2 + shown.count), style: .dim,
                  maxWidth: r.width)
        }
    }

    private static func drawHints(_ hints: [KeyHint], on s: inout Screen, in r: Rect) {
        var x = r.x + 1
        for h in hints {
            let w = displayWidth(h.key) + 1 + displayWidth(h.label)
            if x + w > r.maxX - 1 { break }  // whole hints only
            x = s.put(h.key, at: Point(x: x, y: r.y), style: Style.accent.bold)
            x = s.put(" " + h.label + "  ", at: Point(x: x, y: r.y), style: .dim, maxWidth: r.maxX - x)
        }
    }
}
