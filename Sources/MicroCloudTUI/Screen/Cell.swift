import MicroCloudKit

/// One terminal cell. A wide (2-column) grapheme sits in its lead cell with `width == 2`; the cell to its right
/// is a continuation cell (`width == 0`, empty text) that terminals never write themselves.
///
/// A plain value of 12 bytes with no reference inside: a frame makes, copies, compares and frees thousands of
/// cells, and a `String` per cell made each of those a retain/release or a string comparison.
public struct Cell: Hashable, Sendable {
    /// The grapheme: up to 7 UTF-8 bytes packed into the low bytes with their count in the top byte (ASCII, box
    /// drawing, CJK, most emoji), or for a longer one a top byte of 0xFF and its number in `LongGraphemes`.
    private var code: UInt64
    public var style: Style
    public var width: UInt8

    public init(_ text: String, style: Style = .normal, width: UInt8 = 1) {
        self.code = Cell.code(of: text)
        self.style = style
        self.width = width
    }

    /// A printable ASCII byte (the caller checks): what `Screen.put` draws for nearly all text.
    @inline(__always)
    init(ascii byte: UInt8, style: Style) {
        self.code = 1 << 56 | UInt64(byte)
        self.style = style
        self.width = 1
    }

    public var text: String {
        get {
            let count = Int(code >> 56)
            if count == 0xFF { return LongGraphemes.text(UInt32(truncatingIfNeeded: code)) }
            var bytes = code.littleEndian
            return withUnsafeBytes(of: &bytes) { String(decoding: $0.prefix(count), as: UTF8.self) }
        }
        set { code = Cell.code(of: newValue) }
    }

    /// The single byte when the cell holds one ASCII character.
    var asciiByte: UInt8? { code >> 56 == 1 ? UInt8(truncatingIfNeeded: code) : nil }

    public static let blank = Cell(ascii: 0x20, style: .normal)

    public var isContinuation: Bool { width == 0 }

    static func continuation(_ style: Style) -> Cell { Cell("", style: style, width: 0) }

    private static func code(of text: String) -> UInt64 {
        let utf8 = text.utf8
        guard utf8.count <= 7 else { return 0xFF << 56 | UInt64(LongGraphemes.number(of: text)) }
        var code = UInt64(utf8.count) << 56
        for (i, byte) in utf8.enumerated() { code |= UInt64(byte) << (8 * UInt64(i)) }
        return code
    }
}

/// Graphemes longer than 7 UTF-8 bytes (emoji sequences joined by ZWJ, long runs of combining marks), each stored
/// once for the life of the process and named by its number: there are few of them, and cells stay plain values.
enum LongGraphemes {
    private static let table = Locked<(numbers: [String: UInt32], texts: [String])>(([:], []))

    static func number(of text: String) -> UInt32 {
        table.withLock { t in
            if let n = t.numbers[text] { return n }
            let n = UInt32(t.texts.count)
            t.texts.append(text)
            t.numbers[text] = n
            return n
        }
    }

    static func text(_ number: UInt32) -> String { table.withLock { $0.texts[Int(number)] } }
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
