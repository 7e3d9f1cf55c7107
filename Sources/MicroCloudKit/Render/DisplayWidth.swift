/// Terminal column width of text: East Asian wide and fullwidth characters take 2 columns, combining marks and
/// zero-width characters none. Tables and the TUI align on this, never on `count`.
public func displayWidth(_ text: String) -> Int {
    var width = 0
    for byte in text.utf8 {  // ASCII (nearly every cell the TUI draws) needs no Unicode properties
        guard byte < 0x80 else { return text.unicodeScalars.reduce(0) { $0 + columnWidth(of: $1) } }
        if byte >= 0x20, byte != 0x7F { width += 1 }
    }
    return width
}

/// Width of one scalar in a terminal cell grid (0, 1 or 2).
public func columnWidth(of scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v == 0 { return 0 }
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    if v < 0x7F { return 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if v == 0x200B { return 0 }
    return isWide(v) ? 2 : 1
}

private func isWide(_ v: UInt32) -> Bool {
    // The East Asian Wide/Fullwidth blocks and emoji presentation ranges that terminals draw two columns wide.
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
         0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
         0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD,
         0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0,
         0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
         0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
         0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
         0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
         0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF,
         0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return true
    default:
        return false
    }
}

/// Cuts text to at most `limit` columns, ending in "…" when something was cut (a wide character never splits).
public func truncate(_ text: String, toWidth limit: Int) -> String {
    guard limit > 0 else { return "" }
    if displayWidth(text) <= limit { return text }
    var out = ""
    var used = 0
    for ch in text {
        let w = displayWidth(String(ch))
        if used + w > limit - 1 { break }
        out.append(ch)
        used += w
    }
    return out + "…"
}

/// Pads text with spaces on the right to exactly `width` columns (text wider than that is truncated).
public func pad(_ text: String, toWidth width: Int) -> String {
    let t = displayWidth(text) > width ? truncate(text, toWidth: width) : text
    return t + String(repeating: " ", count: max(0, width - displayWidth(t)))
}
