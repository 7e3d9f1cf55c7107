/// What a piece of text means; the terminal maps roles to colours (or to attributes when it has none).
public enum ColorRole: UInt8, Sendable, CaseIterable {
    case normal, dim, accent, ok, warn, error, selected, cursor

    /// One letter per role, used by the style layer of `VirtualTerminal` renderings.
    public var marker: Character {
        switch self {
        case .normal: "."
        case .dim: "d"
        case .accent: "a"
        case .ok: "o"
        case .warn: "w"
        case .error: "e"
        case .selected: "s"
        case .cursor: "c"
        }
    }
}

/// Colour roles for foreground and background plus text attributes. Small and `Equatable` so diffs stay cheap.
public struct Style: Hashable, Sendable {
    public struct Attributes: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bold = Attributes(rawValue: 1)
        public static let reverse = Attributes(rawValue: 2)
        public static let underline = Attributes(rawValue: 4)
    }

    public var fg: ColorRole
    /// `.normal` means the terminal's own background.
    public var bg: ColorRole
    public var attributes: Attributes

    public init(fg: ColorRole = .normal, bg: ColorRole = .normal, attributes: Attributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let normal = Style()
    public static let dim = Style(fg: .dim)
    public static let accent = Style(fg: .accent)
    public static let ok = Style(fg: .ok)
    public static let warn = Style(fg: .warn)
    public static let error = Style(fg: .error)
    public static let selected = Style(fg: .selected)
    public static let bold = Style(attributes: .bold)
    /// The text-input cursor: a reversed cell.
    public static let cursor = Style(fg: .cursor, attributes: .reverse)

    public var bold: Style { with(.bold) }
    public var reverse: Style { with(.reverse) }
    public var underline: Style { with(.underline) }

    public func with(_ extra: Attributes) -> Style {
        var s = self
        s.attributes.formUnion(extra)
        return s
    }
}
