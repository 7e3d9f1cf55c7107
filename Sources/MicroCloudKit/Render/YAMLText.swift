/// A string as a YAML scalar: plain when YAML would read it back as the same string, double-quoted otherwise
/// (booleans, numbers, nulls, indicators, leading/trailing spaces, control characters).
public func yamlScalar(_ text: String) -> String {
    if isPlainSafe(text) { return text }
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

private func isPlainSafe(_ text: String) -> Bool {
    guard let first = text.first, let last = text.last else { return false }
    if first == " " || last == " " { return false }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
    if text.contains(": ") || text.contains(" #") || last == ":" { return false }
    if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return false }
    // Whatever the resolver would turn into a bool, number, null or timestamp must be quoted.
    return !resolvesAsNonString(text)
}

/// Whether a YAML 1.1 reader (Yams' `Resolver.default`, which `Preseed.parse` uses) reads the plain scalar as a bool,
/// int, float, merge key, null, timestamp or value rather than a string. These are its rules (one alternation, code
/// point by code point, the optional line break at the end being ICU's `$`), here in pure Swift so that writing YAML
/// does not link Yams, and with it Foundation and ICU, into microcloudd. A test checks that the two agree.
package func resolvesAsNonString(_ text: String) -> Bool {
    (try? yamlNonString.matchingSemantics(.unicodeScalar).wholeMatch(in: text)) != nil
}

private nonisolated(unsafe) let yamlNonString = #/
    (?:
      # bool
      yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      # int
    | [-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
    | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
      # float
    | [-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
    | \.[0-9_]+(?:[eE][-+][0-9]+)?
    | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
      # merge, null (also the empty string), value
    | << | ~ | null | Null | NULL | (?:) | =
      # timestamp
    | [0-9]{4}-[0-9]{2}-[0-9]{2}
    | [0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
      (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?
    )
    (?:\r\n|[\n\r\u{85}\u{2028}\u{2029}])?
    /#

/// `lxc profile show`-style YAML of a profile: keys sorted, empty maps as `{}`, empty lists as `[]`.
public func profileYAML(_ profile: LXDProfile) -> String {
    var lines: [String] = []
    lines += yamlMap("config", profile.config, indent: 0)
    lines.append("description: \(yamlScalar(profile.description))")
    if profile.devices.isEmpty {
        lines.append("devices: {}")
    } else {
        lines.append("devices:")
        for name in profile.devices.keys.sorted() {
            lines += yamlMap(name, profile.devices[name] ?? [:], indent: 2)
        }
    }
    lines.append("name: \(yamlScalar(profile.name))")
    if profile.usedBy.isEmpty {
        lines.append("used_by: []")
    } else {
        lines.append("used_by:")
        lines += profile.usedBy.map { "- \(yamlScalar($0))" }
    }
    return lines.joined(separator: "\n") + "\n"
}

private func yamlMap(_ key: String, _ map: [String: String], indent: Int) -> [String] {
    let pad = String(repeating: " ", count: indent)
    if map.isEmpty { return ["\(pad)\(yamlScalar(key)): {}"] }
    return ["\(pad)\(yamlScalar(key)):"] + map.keys.sorted().map { "\(pad)  \(yamlScalar($0)): \(yamlScalar(map[$0]!))" }
}
