/// Turns raw terminal input bytes into events: UTF-8 text, control keys, CSI/SS3 escape sequences (xterm,
/// rxvt, linux console) and bracketed paste (`ESC[200~ … ESC[201~`). Pure: bytes in, events out. Sequences cut
/// off at the end of the input stay pending until more bytes arrive or `flush()` says none will.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Decodes a complete input: a trailing lone ESC is the Escape key.
    public static func decode(_ bytes: [UInt8]) -> [TerminalEvent] {
        var d = KeyDecoder()
        return d.feed(bytes) + d.flush()
    }

    public static func decode(_ text: String) -> [TerminalEvent] { decode(Array(text.utf8)) }

    public var hasPending: Bool { !pending.isEmpty }
    /// True while inside a bracketed paste (the caller waits longer for its end than for an escape sequence).
    public var isInPaste: Bool { pending.starts(with: KeyDecoder.pasteStart) }

    public mutating func feed(_ bytes: [UInt8]) -> [TerminalEvent] {
        pending += bytes
        return drain(final: false)
    }

    /// No more input came in time: a pending ESC is the Escape key, an unfinished paste is delivered as it is,
    /// other cut-off sequences are dropped.
    public mutating func flush() -> [TerminalEvent] { drain(final: true) }

    static let pasteStart: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E]  // ESC [ 2 0 0 ~
    static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~

    private enum Step {
        case event(TerminalEvent?, consumed: Int)
        case incomplete
    }

    private mutating func drain(final: Bool) -> [TerminalEvent] {
        var events: [TerminalEvent] = []
        var i = 0
        let bytes = pending
        while i < bytes.count {
            switch step(bytes, i, final: final) {
            case .event(let event, let consumed):
                if let event { events.append(event) }
                i += consumed
            case .incomplete:
                pending = Array(bytes[i...])
                return events
            }
        }
        pending = []
        return events
    }

    private func step(_ b: [UInt8], _ i: Int, final: Bool) -> Step {
        let c = b[i]
        switch c {
        case 0x1B: return escape(b, i, final: final)
        case 0x0D:
            // CR LF from some terminals is one Enter.
            if i + 1 < b.count, b[i + 1] == 0x0A { return .event(.key(.enter), consumed: 2) }
            return .event(.key(.enter), consumed: 1)
        case 0x0A: return .event(.key(.enter), consumed: 1)
        case 0x09: return .event(.key(.tab), consumed: 1)
        case 0x7F, 0x08: return .event(.key(.backspace), consumed: 1)
        case 0x03: return .event(.key(.ctrlC), consumed: 1)
        case 0x00..<0x20: return .event(nil, consumed: 1)
        default: return utf8(b, i, final: final)
        }
    }

    private func utf8(_ b: [UInt8], _ i: Int, final: Bool) -> Step {
        let c = b[i]
        let length: Int
        switch c {
        case 0x00..<0x80: length = 1
        case 0xC2..<0xE0: length = 2
        case 0xE0..<0xF0: length = 3
        case 0xF0..<0xF5: length = 4
        default: return .event(nil, consumed: 1)  // stray continuation or invalid lead byte
        }
        if i + length > b.count { return final ? .event(nil, consumed: b.count - i) : .incomplete }
        var scalarValue = UInt32(length == 1 ? c : c & (0xFF >> (length + 1)))
        for k in 1..<length {
            let cont = b[i + k]
            guard cont & 0xC0 == 0x80 else { return .event(nil, consumed: k) }
            scalarValue = scalarValue << 6 | UInt32(cont & 0x3F)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { return .event(nil, consumed: length) }
        if scalarValue == 0x7F { return .event(.key(.backspace), consumed: 1) }
        return .event(.key(.char(Character(scalar))), consumed: length)
    }

    private func escape(_ b: [UInt8], _ i: Int, final: Bool) -> Step {
        guard i + 1 < b.count else { return final ? .event(.key(.escape), consumed: 1) : .incomplete }
        switch b[i + 1] {
        case 0x5B: return csi(b, i, final: final)  // ESC [
        case 0x4F:  // ESC O (SS3: application cursor keys)
            guard i + 2 < b.count else { return final ? .event(nil, consumed: 2) : .incomplete }
            let key: Key? = switch b[i + 2] {
            case 0x41: .up
            case 0x42: .down
            case 0x43: .right
            case 0x44: .left
            case 0x48: .home
            case 0x46: .end
            case 0x4D: .enter
            default: nil
            }
            return .event(key.map { .key($0) }, consumed: 3)
        default:
            // ESC then another key (Alt+key, or Escape typed fast): Escape now, the rest decodes on its own.
            return .event(.key(.escape), consumed: 1)
        }
    }

    private func csi(_ b: [UInt8], _ i: Int, final: Bool) -> Step {
        // ESC [ params (0x30–0x3F)* intermediates (0x20–0x2F)* final (0x40–0x7E)
        var j = i + 2
        while j < b.count, (0x20...0x3F).contains(b[j]) { j += 1 }
        guard j < b.count else { return final ? .event(nil, consumed: b.count - i) : .incomplete }
        let finalByte = b[j]
        guard (0x40...0x7E).contains(finalByte) else { return .event(nil, consumed: j - i) }
        let params = String(decoding: b[(i + 2)..<j], as: UTF8.self)
        let consumed = j + 1 - i
        let first = params.split(separator: ";").first.flatMap { Int($0) }
        switch finalByte {
        case 0x41: return .event(.key(.up), consumed: consumed)
        case 0x42: return .event(.key(.down), consumed: consumed)
        case 0x43: return .event(.key(.right), consumed: consumed)
        case 0x44: return .event(.key(.left), consumed: consumed)
        case 0x48: return .event(.key(.home), consumed: consumed)
        case 0x46: return .event(.key(.end), consumed: consumed)
        case 0x5A: return .event(.key(.backTab), consumed: consumed)
        case 0x7E:
            switch first {
            case 200: return paste(b, i + consumed, final: final, startedAt: i)
            case 1, 7: return .event(.key(.home), consumed: consumed)
            case 4, 8: return .event(.key(.end), consumed: consumed)
            case 3: return .event(.key(.delete), consumed: consumed)
            case 5: return .event(.key(.pageUp), consumed: consumed)
            case 6: return .event(.key(.pageDown), consumed: consumed)
            default: return .event(nil, consumed: consumed)  // insert, F-keys, a stray paste end
            }
        default: return .event(nil, consumed: consumed)
        }
    }

    private func paste(_ b: [UInt8], _ contentStart: Int, final: Bool, startedAt: Int) -> Step {
        let end = KeyDecoder.pasteEnd
        var k = contentStart
        while k + end.count <= b.count {
            if b[k] == 0x1B, b[k..<(k + end.count)].elementsEqual(end) {
                return .event(.paste(pasteText(b[contentStart..<k])), consumed: k + end.count - startedAt)
            }
            k += 1
        }
        guard final else { return .incomplete }
        return .event(.paste(pasteText(b[contentStart...])), consumed: b.count - startedAt)
    }

    private func pasteText(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
