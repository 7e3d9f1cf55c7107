import MicroCloudKit

/// A one-line text input: cursor editing, paste, placeholder, a default used for empty input, inline validation
/// from a pure validator, and ghost-text completion accepted with Tab.
public struct TextField: Sendable {
    public enum Action: Equatable, Sendable {
        case ignored
        case handled
        /// Enter with valid input: the value (the default when the text was empty).
        case submit(String)
        case cancel
    }

    public var prompt: String
    /// Used when Enter is pressed on empty text; shown as `[default=…]` after the prompt.
    public var defaultValue: String
    public var placeholder: String
    /// Returns the error for a value, nil when it is fine.
    public var validate: @Sendable (String) -> String?
    /// Returns the text to show after the cursor as a suggestion for the current text (nil for none).
    public var complete: (@Sendable (String) -> String?)?
    /// Submit as soon as text is pasted (the passphrase prompt does this).
    public var submitOnPaste: Bool

    public private(set) var text: String
    /// Cursor position in characters, 0...text.count.
    public private(set) var cursor: Int
    /// Shown under the field after a failed submit; kept up to date while the text is edited.
    public private(set) var error: String?

    public init(prompt: String, text: String = "", defaultValue: String = "", placeholder: String = "",
                submitOnPaste: Bool = false,
                validate: @escaping @Sendable (String) -> String? = { _ in nil },
                complete: (@Sendable (String) -> String?)? = nil) {
        self.prompt = prompt
        self.text = text
        self.cursor = text.count
        self.defaultValue = defaultValue
        self.placeholder = placeholder
        self.submitOnPaste = submitOnPaste
        self.validate = validate
        self.complete = complete
    }

    /// What Enter would submit.
    public var value: String { text.isEmpty ? defaultValue : text }

    /// The completion suffix shown after the text (only with the cursor at the end).
    public var suggestion: String? {
        guard cursor == text.count, let s = complete?(text), !s.isEmpty else { return nil }
        return s
    }

    public mutating func handle(_ key: Key) -> Action {
        switch key {
        case .left: cursor = max(0, cursor - 1)
        case .right:
            if cursor == text.count, let s = suggestion { insert(s) } else { cursor = min(text.count, cursor + 1) }
        case .home: cursor = 0
        case .end: cursor = text.count
        case .backspace:
            guard cursor > 0 else { return .handled }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i)
            cursor -= 1
            edited()
        case .delete:
            guard cursor < text.count else { return .handled }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
            edited()
        case .tab:
            guard let s = suggestion else { return .ignored }
            insert(s)
        case .char(let c): insert(String(c))
        case .enter: return submit()
        case .escape: return .cancel
        case .up, .down, .pageUp, .pageDown, .backTab, .ctrlC: return .ignored
        }
        return .handled
    }

    /// Pasted text goes in at the cursor as one line (line ends become spaces, trailing ones dropped).
    public mutating func paste(_ pasted: String) -> Action {
        var t = pasted.map { $0.isNewline ? " " : $0 }.map(String.init).joined()
        while t.last == " " { t.removeLast() }
        insert(t)
        return submitOnPaste ? submit() : .handled
    }

    public mutating func setText(_ new: String) {
        text = new
        cursor = new.count
        error = nil
    }

    public mutating func submit() -> Action {
        if let e = validate(value) {
            error = e
            return .handled
        }
        error = nil
        return .submit(value)
    }

    private mutating func insert(_ s: String) {
        let i = text.index(text.startIndex, offsetBy: cursor)
        let before = text.count
        text.insert(contentsOf: s, at: i)
        cursor += text.count - before  // graphemes may merge with their neighbour
        edited()
    }

    private mutating func edited() {
        if error != nil { error = validate(value) }
    }
}

extension TextField {
    /// Rows the field needs at a width: prompt lines, the input line, the error line.
    public func height(width: Int) -> Int {
        wrapWords(promptLine, width: max(1, width)).count + 1 + (error == nil ? 0 : 1)
    }

    var promptLine: String { defaultValue.isEmpty ? prompt : "\(prompt) [default=\(defaultValue)]" }

    /// Draws the prompt (wrapped), the input line (`> ` then text, scrolled to keep the cursor in view, the
    /// cursor as a reversed cell, ghost completion or placeholder dimmed) and the error line.
    public func render(on screen: inout Screen, in rect: Rect, focused: Bool = true) {
        guard !rect.isEmpty else { return }
        var y = rect.y
        for line in wrapWords(promptLine, width: rect.width) where y < rect.maxY {
            screen.put(line, at: Point(x: rect.x, y: y), style: .bold, maxWidth: rect.width)
            y += 1
        }
        guard y < rect.maxY else { return }
        let x0 = screen.put("> ", at: Point(x: rect.x, y: y), style: .accent, maxWidth: rect.width)
        let field = rect.maxX - x0
        guard field > 1 else { return }
        let chars = Array(text)
        // First character shown: the cursor must fit with one cell to spare for itself.
        var first = 0
        var used = 0
        var k = cursor
        while k > 0 {
            let w = displayWidth(String(chars[k - 1]))
            if used + w > field - 1 { break }
            used += w
            k -= 1
        }
        first = k
        var x = x0
        for i in first..<chars.count {
            let c = String(chars[i])
            let w = displayWidth(c)
            if x + w > rect.maxX { break }
            x = screen.put(c, at: Point(x: x, y: y), style: i == cursor && focused ? .cursor : .normal)
        }
        if cursor == chars.count {
            let ghost = chars.isEmpty ? (placeholder.isEmpty ? nil : placeholder) : suggestion
            if let ghost, let head = ghost.first {
                let afterHead = focused ? screen.put(String(head), at: Point(x: x, y: y), style: .cursor) : x
                screen.put(focused ? String(ghost.dropFirst()) : ghost, at: Point(x: afterHead, y: y), style: .dim,
                           maxWidth: rect.maxX - afterHead)
            } else if focused {
                screen.put(" ", at: Point(x: x, y: y), style: .cursor, maxWidth: rect.maxX - x)
            }
        }
        y += 1
        if let error, y < rect.maxY {
            let text = "\(screen.glyphs.disabled) Invalid input, try again: \(error)"
            for line in wrapWords(text, width: rect.width) where y < rect.maxY {
                screen.put(line, at: Point(x: rect.x, y: y), style: .error, maxWidth: rect.width)
                y += 1
            }
        }
    }
}
