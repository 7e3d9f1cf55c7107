// Numbers and booleans in a preseed, converted by our own checked code. Yams' scalar constructors accept YAML 1.1's
// sexagesimal integers ("1:30") and multiply without overflow checks: `lookup_timeout: 1:0:0:0:0:0:0:0:0:0:0`
// stopped every server that read it with SIGILL. Here every spelling is read through the standard library's
// overflow-checked parsing, and a value that is not a plain whole number gets a message with the fix.

package enum PreseedScalar {
    /// Why a scalar is not a whole number, or the number. Accepted: decimal with an optional sign and `_`
    /// separators between digits, `0x` hexadecimal, `0o` octal (what YAML 1.2 and upstream's reader accept).
    package static func wholeNumber(_ text: String, _ path: String) -> Result<Int, PreseedError> {
        let body = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        let negative = text.hasPrefix("-")
        let (digits, radix): (Substring, Int)
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            (digits, radix) = (body.dropFirst(2), 16)
        } else if body.hasPrefix("0o") || body.hasPrefix("0O") {
            (digits, radix) = (body.dropFirst(2), 8)
        } else {
            (digits, radix) = (body, 10)
        }
        let plain = digits.split(separator: "_", omittingEmptySubsequences: false)
        let digitsValid = !digits.isEmpty
            && plain.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.hexDigitValue ?? radix) < radix } }
        guard digitsValid, let magnitude = UInt64(plain.joined(), radix: radix) else {
            if digitsValid { return .failure(outOfRange(text, path)) }
            if digits.contains(":"), digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":" || $0 == "_") }) {
                return .failure(PreseedError(field: path, "\(path) must be a whole number such as 60, not "
                    + "\"\(text)\": the 1:30 (base 60) form is not accepted; write the number of seconds or items."))
            }
            return .failure(PreseedError(field: path, "\(path) must be a whole number, not \"\(text)\"."))
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return .failure(outOfRange(text, path)) }
            return .success(magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude))
        }
        guard magnitude <= UInt64(Int.max) else { return .failure(outOfRange(text, path)) }
        return .success(Int(magnitude))
    }

    /// `true`/`false`, and YAML 1.1's yes/no/on/off that upstream's files use (`wipe: yes`), in any case.
    package static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    static func outOfRange(_ text: String, _ path: String) -> PreseedError {
        PreseedError(field: path, "\(path) is out of range: \"\(text)\". Use a whole number between "
            + "\(Int.min) and \(Int.max); a timeout is in seconds, at most 3600 for session_timeout.")
    }
}
