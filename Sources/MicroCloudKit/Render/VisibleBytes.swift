/// Text from bytes that should be UTF-8 but come from outside (an mDNS TXT record, the host name): valid UTF-8 as it
/// is, each byte that is not part of a valid character as `\xNN`. Decoding with replacement would turn different
/// names into the same "micro\u{FFFD}1" without a trace; escaped, the odd byte shows and two names stay apart.
public enum VisibleBytes {
    public static func text<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let all = Array(bytes)
        if let valid = String(validating: all, as: UTF8.self) { return valid }
        var out = ""
        var i = 0
        while i < all.count {
            if let (character, length) = character(in: all, at: i) {
                out += character
                i += length
            } else {
                let hex = String(all[i], radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                i += 1
            }
        }
        return out
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil when all of it is (for a message that
    /// refuses the input and says where).
    public static func firstInvalidByte(_ bytes: [UInt8]) -> Int? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var i = 0
        while i < bytes.count {
            guard let (_, length) = character(in: bytes, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// The character whose encoding starts at `i`, and its length in bytes; nil when the bytes there are not UTF-8.
    private static func character(in all: [UInt8], at i: Int) -> (String, Int)? {
        let lead = all[i]
        let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
        guard length > 0, i + length <= all.count, let text = String(validating: all[i..<i + length], as: UTF8.self) else { return nil }
        return (text, length)
    }
}
