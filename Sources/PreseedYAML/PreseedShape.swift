// Yams' node tree is the wrong place to stop a hostile preseed: composing it hashes every mapping key, so an alias
// used as a key costs the size of its whole expanded tree (a 638-byte file with ten levels of ten aliases never
// ends), and a tens-of-megabytes file takes minutes and gigabytes. So before Yams sees the text, one pass over
// libyaml's event stream (linear, no tree) checks the size, refuses keys that are not plain names, and bounds
// what aliases expand to. CYaml is the C library inside Yams; its events are the only streaming view it offers.
import CYaml
import MicroCloudKit

/// How large a preseed file may be, and what its aliases may expand to.
public enum PreseedLimits {
    /// A preseed for hundreds of servers with their disks is well under 1 MiB.
    public static let maxBytes = 1 << 20
    /// Values (scalars, lists and mappings) after alias expansion.
    public static let maxValues = 200_000

    /// The refusal for a file over the limit; `bytes` is its size where it was read whole.
    static func tooLarge(bytes: Int?, limit: Int = maxBytes, source: String = "file") -> PreseedError {
        let mib = limit >= 1 << 20 ? " (\(limit >> 20) MiB)" : ""
        let size = bytes.map { "is \($0) bytes; the limit is \(limit) bytes\(mib)" } ?? "is over the limit of \(limit) bytes\(mib)"
        return PreseedError("The preseed \(source) \(size). "
            + "List only the servers and disks this cluster uses, or use storage filters (find) instead of one entry per disk.")
    }
}

enum PreseedShape {
    /// Throws a `PreseedError` naming the problem and its fix; returns quietly when the text is in bounds. A YAML
    /// syntax error stops the pass without throwing: `Yams.compose` reports it with its own line and column.
    static func check(_ yaml: String) throws {
        let bytes = yaml.utf8.count
        if bytes > PreseedLimits.maxBytes {
            throw PreseedLimits.tooLarge(bytes: bytes)
        }
        var walk = ShapeWalk()
        var text = Array(yaml.utf8)
        if text.isEmpty { return }
        try text.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                try walk.take(event)
            }
        }
    }
}

/// The state of the pass: open collections (with the key path for messages) and each anchor's expanded size.
private struct ShapeWalk {
    struct Frame {
        var isMapping: Bool
        var anchor: String?
        var values = 1
        var children = 0
        var lastKey: String?
        var atKey: Bool { isMapping && children % 2 == 0 }
    }

    var stack: [Frame] = []
    var anchorValues: [String: Int] = [:]
    var total = 0

    mutating func take(_ event: yaml_event_t) throws {
        let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            let value = string(event.data.scalar.value, length: event.data.scalar.length)
            try count(1, line: line, column: column)
            finish(values: 1, anchor: optional(event.data.scalar.anchor), key: value)
        case YAML_ALIAS_EVENT:
            let name = optional(event.data.alias.anchor) ?? ""
            if stack.last?.atKey == true {
                throw PreseedError(field: path, line: line, column: column,
                                   "\(placeName) uses the alias *\(name) as a key. Preseed keys must be plain names; "
                                   + "write the key out instead of an alias.")
            }
            let values = anchorValues[name] ?? 1
            try count(values, line: line, column: column, alias: name)
            finish(values: values, anchor: nil, key: nil)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            if stack.last?.atKey == true {
                throw PreseedError(field: path, line: line, column: column,
                                   "\(placeName) has a \(isMapping ? "mapping" : "list") as a key. Preseed keys "
                                   + "must be plain names such as \"systems\".")
            }
            try count(1, line: line, column: column)
            let anchor = isMapping ? optional(event.data.mapping_start.anchor)
                                   : optional(event.data.sequence_start.anchor)
            stack.append(Frame(isMapping: isMapping, anchor: anchor))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let done = stack.popLast() else { return }
            finish(values: done.values, anchor: done.anchor, key: nil)
        default:
            break
        }
    }

    /// Adds a finished value to its parent (and remembers an anchored value's size for later aliases).
    mutating func finish(values: Int, anchor: String?, key: String?) {
        if let anchor { anchorValues[anchor] = values }
        guard !stack.isEmpty else { return }
        if stack[stack.count - 1].atKey { stack[stack.count - 1].lastKey = key }
        stack[stack.count - 1].values += values
        stack[stack.count - 1].children += 1
    }

    mutating func count(_ values: Int, line: Int, column: Int, alias: String? = nil) throws {
        total += values
        guard total > PreseedLimits.maxValues else { return }
        let how = alias.map { " once the alias *\($0) is expanded" } ?? ""
        throw PreseedError(field: path.isEmpty ? nil : path, line: line, column: column,
                           "The preseed file holds more than \(PreseedLimits.maxValues) values\(how) (at "
                           + "\(placeName)). Aliases that repeat other aliases grow exponentially; write the values "
                           + "out, or use fewer aliases.")
    }

    /// The key path of the value being read, in the reader's style ("systems[2].storage").
    var path: String {
        var parts = ""
        for frame in stack {
            if frame.isMapping {
                guard let key = frame.lastKey, !frame.atKey else { break }
                parts += parts.isEmpty ? key : ".\(key)"
            } else {
                parts += "[\(frame.children)]"
            }
        }
        return parts
    }

    var placeName: String { path.isEmpty ? "The preseed file" : path }

    func optional(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
