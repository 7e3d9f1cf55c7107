import Foundation
import Testing

/// Golden files: plain text of a screen under `Golden/`. `UPDATE_GOLDEN=1 swift test …` writes them into the
/// source tree; otherwise the text is compared and a mismatch shows the differing lines.
enum Golden {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    static func check(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        let text = actual.hasSuffix("\n") ? actual : actual + "\n"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            do {
                try text.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("cannot write golden \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("golden file \(name).txt is missing; run with UPDATE_GOLDEN=1 to create it.\nActual:\n\(text)",
                         sourceLocation: sourceLocation)
            return
        }
        if expected != text {
            Issue.record("screen differs from golden \(name).txt (UPDATE_GOLDEN=1 to accept):\n\(lineDiff(expected, text))",
                         sourceLocation: sourceLocation)
        }
    }

    /// A readable diff: every differing line as "-expected" / "+actual" with its number.
    static func lineDiff(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let l = i < e.count ? String(e[i]) : nil
            let r = i < a.count ? String(a[i]) : nil
            if l != r {
                out.append(String(format: "%3d -|%@|", i + 1, l ?? "<none>"))
                out.append(String(format: "%3d +|%@|", i + 1, r ?? "<none>"))
            }
        }
        return out.joined(separator: "\n")
    }
}
