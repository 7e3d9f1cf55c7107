import Foundation
import CNcursesw

/// Everything that runs on the curses thread: setup, the input/draw loop, the blit, teardown.
/// Not Sendable on purpose: it is created and used on that one thread only.
final class CursesSession {
    private let link: CursesLink
    private let options: CursesTerminal.Options
    private var screenRef: OpaquePointer?
    private var win: UnsafeMutablePointer<WINDOW>?
    private var utf8 = true
    private var palette = Palette(color: false)
    private var lastDrawn: Screen?
    private var decoder = KeyDecoder()
    private var lastInput = ContinuousClock.now
    private var size = Size.zero

    init(link: CursesLink, options: CursesTerminal.Options) {
        self.link = link
        self.options = options
    }

    func run() {
        if let failure = setUp() {
            tearDown()
            link.reportStart(.failure(.init(reason: failure)))
            link.markFinished()
            return
        }
        link.reportStart(.success(.init(ascii: !utf8, color: palette.color)))
        loop()
        tearDown()
        link.markFinished()
    }

    // MARK: setup and teardown

    private func setUp() -> String? {
        setlocale(LC_ALL, "")
        utf8 = cw_codeset_is_utf8() != 0  // otherwise: draw ASCII only, never garbage

        // stderr goes to a log file while curses owns the screen; the signal handlers know how to undo it.
        let logFD = open(options.logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if logFD >= 0 {
            TerminalGuard.savedStderr = dup(2)
            dup2(logFD, 2)
            close(logFD)
        }
        // Before newterm: curses installs its own SIGINT/SIGTERM/SIGWINCH handlers only where none is set.
        TerminalGuard.install(wakeFD: link.wakeWrite, logPath: options.logPath)

        let withoutRep = TerminfoWithoutRep.prepare(term: ProcessInfo.processInfo.environment["TERM"])
        let newScreen = newterm(nil, cw_stdout(), cw_stdin())
        withoutRep?.finish()
        guard let sp = newScreen else {
            return "this terminal type is unknown to curses (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"))"
        }
        screenRef = sp
        TerminalGuard.cursesActive = 1
        win = cw_stdscr()
        raw()  // Ctrl-C arrives as a byte (an event), not as SIGINT
        noecho()
        nonl()
        keypad(win, false)  // escape sequences reach KeyDecoder raw
        nodelay(win, true)
        intrflush(win, false)
        curs_set(0)
        palette = Palette(color: options.color && has_colors())
        if palette.color {
            start_color()
            palette.defaultColors = use_default_colors() == OK
            palette.manyColors = cw_colors() >= 16
        }
        wrefresh(win)
        if options.bracketedPaste {
            TerminalGuard.writeAll(1, Array("\u{1B}[?2004h".utf8))
            TerminalGuard.pasteEnabled = 1
        }
        size = Size(width: Int(cw_cols()), height: Int(cw_lines()))
        link.withLock { $0.size = size }
        return nil
    }

    private func tearDown() {
        TerminalGuard.emergencyRestore()
        if let sp = screenRef {
            delscreen(sp)
            screenRef = nil
        }
        TerminalGuard.uninstall()
    }

    // MARK: loop

    private func loop() {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: link.wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            // Input, a screen to draw and signals (the wake pipe) all end the wait: without a half-read key
            // sequence to time out, an idle wizard sleeps here until something happens.
            let waitMs: Int32 = decoder.hasPending ? (decoder.isInPaste ? 250 : 25) : -1
            _ = poll(&fds, 2, waitMs)
            TerminalGuard.parkIfCrashed()
            var quit = false
            var drawNow = false
            var events: [TerminalEvent] = []
            for byte in drainWakePipe() {
                switch byte {
                case TerminalGuard.WakeByte.interrupt: events.append(.key(.ctrlC))
                case TerminalGuard.WakeByte.terminate: events.append(.terminate)
                case TerminalGuard.WakeByte.resize: if let e = checkResize() { events.append(e); drawNow = true }
                case TerminalGuard.WakeByte.quit: quit = true
                default: drawNow = true
                }
            }
            events += readInput(&drawNow)
            link.post(events)
            if drawNow, let screen = link.withLock({ s -> Screen? in
                defer { s.pendingScreen = nil }
                return s.pendingScreen
            }) {
                TerminalGuard.parkIfCrashed()
                blit(screen)
            }
            if quit { return }
        }
    }

    private func drainWakePipe() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(link.wakeRead, &buf, buf.count)
            if n <= 0 { return out }
            out += buf[0..<n]
        }
    }

    private func readInput(_ drawNow: inout Bool) -> [TerminalEvent] {
        var bytes: [UInt8] = []
        var events: [TerminalEvent] = []
        while true {
            var wch: wint_t = 0
            let r = wget_wch(win, &wch)
            if r == ERR { break }
            if r == KEY_CODE_YES {
                if Int32(wch) == KEY_RESIZE, let e = checkResize() {
                    events.append(e)
                    drawNow = true
                }
                continue
            }
            if let scalar = Unicode.Scalar(UInt32(wch)) { bytes += Array(String(Character(scalar)).utf8) }
        }
        if !bytes.isEmpty {
            lastInput = .now
            events += decoder.feed(bytes)
        } else if decoder.hasPending {
            let patience: Duration = decoder.isInPaste ? .milliseconds(1000) : .milliseconds(25)
            if ContinuousClock.now - lastInput >= patience { events += decoder.flush() }
        }
        return events
    }

    /// Reads the tty's size; when it changed, tells curses and returns the event.
    private func checkResize() -> TerminalEvent? {
        var rows: Int32 = 0, cols: Int32 = 0
        if cw_tty_size(1, &rows, &cols) == 0, rows != cw_lines() || cols != cw_cols() {
            resizeterm(rows, cols)
        }
        let new = Size(width: Int(cw_cols()), height: Int(cw_lines()))
        guard new != size else { return nil }
        size = new
        lastDrawn = nil  // everything is repainted after a resize
        link.withLock { $0.size = new }
        return .resize(new)
    }

    // MARK: drawing

    /// Writes only the cells that differ from the last screen drawn, then lets curses send them.
    private func blit(_ screen: Screen) {
        let base: Screen
        if let last = lastDrawn, last.size == screen.size {
            base = last
        } else {
            werase(win)
            base = Screen(size: screen.size)
        }
        var cc = cchar_t()
        var wbuf = [wchar_t](repeating: 0, count: 6)
        for change in screen.diff(from: base) {
            var x = change.column
            let y = Int32(change.row)
            for cell in change.cells {
                guard cell.width > 0 else { continue }
                let (attr, pair) = palette.attributes(for: cell.style)
                if utf8 {
                    put(cell.text, y, x, attr, pair, &cc, &wbuf)
                } else {
                    put(Glyphs.asciiFallback(cell.text), y, x, attr, pair, &cc, &wbuf)
                    if cell.width == 2 { put(" ", y, x + 1, attr, pair, &cc, &wbuf) }
                }
                x += Int(cell.width)
            }
        }
        lastDrawn = screen
        wnoutrefresh(win)
        doupdate()
    }

    private func put(_ text: String, _ y: Int32, _ x: Int, _ attr: attr_t, _ pair: Int16,
                     _ cc: inout cchar_t, _ wbuf: inout [wchar_t]) {
        var n = 0
        for scalar in text.unicodeScalars where n < 5 {  // a cchar_t holds at most 5 wide chars
            wbuf[n] = wchar_t(bitPattern: scalar.value)
            n += 1
        }
        wbuf[n] = 0
        if setcchar(&cc, wbuf, attr, pair, nil) != OK {
            wbuf[1] = 0  // a sequence curses refuses (e.g. emoji with joiners): its first character
            guard setcchar(&cc, wbuf, attr, pair, nil) == OK else { return }
        }
        _ = mvwadd_wch(win, y, Int32(x), &cc)
    }
}

/// Maps style roles to curses attributes and colour pairs (allocated on first use).
struct Palette {
    var color: Bool
    var defaultColors = true
    var manyColors = false
    private var pairs: [UInt16: Int16] = [:]
    private var cache: [Style: (attr_t, Int16)] = [:]

    init(color: Bool) { self.color = color }

    mutating func attributes(for style: Style) -> (attr_t, Int16) {
        if let hit = cache[style] { return hit }
        var attr = cw_a_normal()
        if style.attributes.contains(.bold) { attr |= cw_a_bold() }
        if style.attributes.contains(.reverse) { attr |= cw_a_reverse() }
        if style.attributes.contains(.underline) { attr |= cw_a_underline() }
        var pair: Int16 = 0
        if color {
            let fg = colour(style.fg, foreground: true)
            let bg = colour(style.bg, foreground: false)
            if style.fg == .dim && !manyColors { attr |= cw_a_dim() }
            pair = pairNumber(fg, bg)
        } else {
            switch style.fg {  // monochrome: meaning through attributes
            case .dim: attr |= cw_a_dim()
            case .accent, .warn, .error: attr |= cw_a_bold()
            case .cursor where !style.attributes.contains(.reverse): attr |= cw_a_reverse()
            default: break
            }
            if style.bg != .normal { attr |= cw_a_reverse() }
        }
        cache[style] = (attr, pair)
        return (attr, pair)
    }

    private func colour(_ role: ColorRole, foreground: Bool) -> Int16 {
        switch role {
        case .normal: return defaultColors ? -1 : Int16(foreground ? COLOR_WHITE : COLOR_BLACK)
        case .dim: return manyColors ? 8 : (defaultColors ? -1 : Int16(COLOR_WHITE))
        case .accent: return Int16(COLOR_CYAN)
        case .ok, .selected: return Int16(COLOR_GREEN)
        case .warn, .cursor: return Int16(COLOR_YELLOW)
        case .error: return Int16(COLOR_RED)
        }
    }

    private mutating func pairNumber(_ fg: Int16, _ bg: Int16) -> Int16 {
        if fg == -1 && bg == -1 { return 0 }
        let key = UInt16(UInt8(bitPattern: Int8(truncatingIfNeeded: fg))) << 8
            | UInt16(UInt8(bitPattern: Int8(truncatingIfNeeded: bg)))
        if let p = pairs[key] { return p }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < cw_color_pairs() else { return 0 }
        init_pair(next, fg, bg)
        pairs[key] = next
        return next
    }
}
