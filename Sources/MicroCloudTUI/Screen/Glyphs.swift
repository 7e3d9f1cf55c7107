/// The symbols the UI draws, in a Unicode set and an ASCII set for terminals without a UTF-8 locale.
public struct Glyphs: Sendable, Equatable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var teeRight: String  // ├
    public var teeLeft: String  // ┤
    public var teeDown: String  // ┬
    public var teeUp: String  // ┴
    public var cross: String  // ┼
    public var check: String
    public var disabled: String
    public var pointer: String
    public var arrowUp: String
    public var arrowDown: String
    public var bullet: String
    public var warning: String
    public var barFull: String
    public var barEmpty: String
    public var spinner: [String]
    public var isASCII: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeRight: "├", teeLeft: "┤", teeDown: "┬", teeUp: "┴", cross: "┼",
        check: "✓", disabled: "⨯", pointer: ">", arrowUp: "↑", arrowDown: "↓", bullet: "·", warning: "!",
        barFull: "█", barEmpty: "░", spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"], isASCII: false)

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeRight: "+", teeLeft: "+", teeDown: "+", teeUp: "+", cross: "+",
        check: "*", disabled: "x", pointer: ">", arrowUp: "^", arrowDown: "v", bullet: ".", warning: "!",
        barFull: "#", barEmpty: ".", spinner: ["|", "/", "-", "\\"], isASCII: true)

    /// What an ASCII-only terminal shows for a grapheme it cannot draw (used by the curses blit as a last resort).
    public static func asciiFallback(_ text: String) -> String {
        if text.allSatisfy(\.isASCII) { return text }
        switch text {
        case "─", "━", "═": return "-"
        case "│", "┃", "║": return "|"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
        case "✓", "✔": return "*"
        case "⨯", "✗", "×": return "x"
        case "↑": return "^"
        case "↓": return "v"
        case "→", "›", "▸", "▶": return ">"
        case "←", "‹", "◂", "◀": return "<"
        case "…": return "."
        case "·", "•": return "."
        case "█": return "#"
        case "░": return "."
        default: return "?"
        }
    }
}
