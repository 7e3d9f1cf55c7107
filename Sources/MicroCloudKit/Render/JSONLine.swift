import FoundationEssentials

/// One compact JSON line (sorted keys, `/` left as is): how events read in bootstrap.log and in `--format json`,
/// and how that output's messages read beside them. The one encoder of both.
public enum JSONLine {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    /// A message of `--format json`: `{"message": text, "type": "message" | "warning" | "error"}`.
    public static func message(_ type: String, _ text: String) -> String {
        encode(["type": type, "message": text])
    }
}
