import MicroCloudKit

/// One terminal cell. A wide (2-column) grapheme sits in its lead cell with `width == 2`; the cell to its right
/// is a continuation cell (`width == 0`, empty text) that terminals never write themselves.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style
    public var width: UInt8

    public init(_ text: String, style: Style = .normal, width: UInt8 = 1) {
        self.text = text
        self.style = style
        self.width = width
    }

    public static let blank = Cell(" ")

    public var isContinuation: Bool { width == 0 }

    static func continuation(_ style: Style) -> Cell { Cell("", style: style, width: 0) }
}

/// Columns a grapheme takes on screen: 0 (not drawn), 1, or 2. Multi-scalar graphemes (emoji sequences) are
/// clamped to 2, which is what terminals draw.
@inline(__always)
func cellWidth(of ch: Character) -> Int {
    if let ascii = ch.asciiValue { return ascii >= 0x20 && ascii != 0x7F ? 1 : 0 }
    var width = 0
    for scalar in ch.unicodeScalars { width += columnWidth(of: scalar) }
    return min(width, 2)
}
