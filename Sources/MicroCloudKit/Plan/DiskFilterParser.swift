// Lexer and recursive-descent parser of the disk filter language (see DiskFilter). Precedence: `!` binds tightest,
// then comparisons, then `&&`, then `||`.

struct FilterToken: Sendable {
    enum Kind: Equatable, Sendable {
        case word(String), quoted(String), op(String), lparen, rparen, and, or, not
    }
    var kind: Kind
    var position: Int

    var text: String {
        switch kind {
        case .word(let s): return s
        case .quoted(let s): return "'\(s)'"
        case .op(let s): return s
        case .lparen: return "("
        case .rparen: return ")"
        case .and: return "&&"
        case .or: return "||"
        case .not: return "!"
        }
    }
}

enum FilterLexer {
    static func tokens(_ text: String) throws -> [FilterToken] {
        let chars = Array(text)
        var out: [FilterToken] = []
        var i = 0
        func peek(_ k: Int) -> Character? { i + k < chars.count ? chars[i + k] : nil }
        while i < chars.count {
            let c = chars[i], pos = i + 1
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            switch c {
            case "(": out.append(.init(kind: .lparen, position: pos)); i += 1
            case ")": out.append(.init(kind: .rparen, position: pos)); i += 1
            case "&", "|":
                guard peek(1) == c else {
                    throw DiskFilterError(position: pos, "expected \(c)\(c); a single \(c) is not an operator")
                }
                out.append(.init(kind: c == "&" ? .and : .or, position: pos)); i += 2
            case "=":
                guard peek(1) == "=" else { throw DiskFilterError(position: pos, "expected == (use == to compare)") }
                out.append(.init(kind: .op("=="), position: pos)); i += 2
            case "!", "<", ">":
                if peek(1) == "=" {
                    out.append(.init(kind: .op("\(c)="), position: pos)); i += 2
                } else {
                    out.append(.init(kind: c == "!" ? .not : .op(String(c)), position: pos)); i += 1
                }
            case "'", "\"":
                var value = ""
                var j = i + 1
                var closed = false
                while j < chars.count {
                    if chars[j] == c { closed = true; break }
                    if c == "\"" && chars[j] == "\\" && j + 1 < chars.count {
                        j += 1
                        switch chars[j] {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        default: value.append(chars[j])
                        }
                    } else {
                        value.append(chars[j])
                    }
                    j += 1
                }
                guard closed else {
                    throw DiskFilterError(position: pos, "unterminated quoted value; add the closing \(c)")
                }
                out.append(.init(kind: .quoted(value), position: pos))
                i = j + 1
            default:
                var word = ""
                while i < chars.count, !" \t\n()&|=!<>'\"".contains(chars[i]) {
                    word.append(chars[i])
                    i += 1
                }
                out.append(.init(kind: .word(word), position: pos))
            }
        }
        return out
    }
}

struct FilterParser {
    let tokens: [FilterToken]
    /// Position reported for "unexpected end".
    let end: Int
    var index = 0

    init(tokens: [FilterToken], end: Int) {
        self.tokens = tokens
        self.end = end
    }

    var current: FilterToken? { index < tokens.count ? tokens[index] : nil }

    mutating func parseExpression() throws -> FilterExpr {
        guard !tokens.isEmpty else {
            throw DiskFilterError(position: 1, "the filter is empty; expected a condition such as size > 10GiB")
        }
        let e = try parseOr()
        if let t = current {
            throw DiskFilterError(position: t.position, "unexpected \"\(t.text)\"; expected && or || to join conditions")
        }
        return e
    }

    mutating func parseOr() throws -> FilterExpr {
        var left = try parseAnd()
        while current?.kind == .or {
            index += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    mutating func parseAnd() throws -> FilterExpr {
        var left = try parseUnary()
        while current?.kind == .and {
            index += 1
            left = .and(left, try parseUnary())
        }
        return left
    }

    mutating func parseUnary() throws -> FilterExpr {
        if current?.kind == .not {
            index += 1
            return .not(try parseUnary())
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws -> FilterExpr {
        guard let t = current else {
            throw DiskFilterError(position: end, "unexpected end of filter; expected a field name, ( or !")
        }
        if t.kind == .lparen {
            index += 1
            let inner = try parseOr()
            guard current?.kind == .rparen else {
                throw DiskFilterError(position: current?.position ?? end,
                                      "expected ) to close the ( at position \(t.position)")
            }
            index += 1
            return inner
        }
        guard case .word(let name) = t.kind else {
            throw DiskFilterError(position: t.position,
                                  "unexpected \"\(t.text)\"; expected a field name (such as size, model, type), ( or !")
        }
        guard let field = FilterField(rawValue: name) else {
            let hint = closest(name, in: DiskFilter.fields).map { " Did you mean \"\($0)\"?" } ?? ""
            throw DiskFilterError(position: t.position, "unknown field \"\(name)\".\(hint) Known fields: "
                + DiskFilter.fields.joined(separator: ", "))
        }
        index += 1
        guard let opToken = current, case .op(let opText) = opToken.kind, let op = FilterOp(rawValue: opText) else {
            if field.kind == .flag { return .compare(field, .eq, .flag(true)) }
            throw DiskFilterError(position: current?.position ?? end,
                                  "expected a comparison (==, !=, <, >, <=, >=) after \"\(name)\"")
        }
        index += 1
        guard let valueToken = current else {
            throw DiskFilterError(position: end, "unexpected end of filter; expected a value after \(opText)")
        }
        let raw: String
        switch valueToken.kind {
        case .word(let s), .quoted(let s): raw = s
        default:
            throw DiskFilterError(position: valueToken.position,
                                  "expected a value after \(opText), found \"\(valueToken.text)\"")
        }
        index += 1
        return .compare(field, op, try typedValue(raw, for: field, op: op, at: valueToken.position))
    }

    private func typedValue(_ raw: String, for field: FilterField, op: FilterOp, at pos: Int) throws -> FilterValue {
        switch field.kind {
        case .text:
            return .text(raw)
        case .number:
            guard let n = parseByteSize(raw) else {
                if field == .size {
                    throw DiskFilterError(position: pos, "invalid size \"\(raw)\"; expected a number with an "
                        + "optional unit (B, kB, MB, GB, TB, PB, EB, KiB, MiB, GiB, TiB, PiB, EiB)")
                }
                throw DiskFilterError(position: pos, "invalid number \"\(raw)\" for \(field.rawValue)")
            }
            return .number(n)
        case .flag:
            guard op == .eq || op == .ne else {
                throw DiskFilterError(position: pos, "\(field.rawValue) is true or false; compare it with == or !=")
            }
            switch raw {
            case "true": return .flag(true)
            case "false": return .flag(false)
            default:
                throw DiskFilterError(position: pos, "invalid value \"\(raw)\" for \(field.rawValue); expected true or false")
            }
        }
    }
}
