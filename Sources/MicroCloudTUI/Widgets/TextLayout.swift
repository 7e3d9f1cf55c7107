import MicroCloudKit

/// Word-wraps text to lines of at most `width` columns (by display width). Words longer than a line are cut.
public func wrapWords(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        var lineWidth = 0
        for word in paragraph.split(separator: " ") {
            var w = String(word)
            var ww = displayWidth(w)
            while ww > width {  // hard-break a word that cannot fit on any line
                if lineWidth > 0 {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                var head = ""
                var hw = 0
                for ch in w {
                    let cw = displayWidth(String(ch))
                    if hw + cw > width { break }
                    head.append(ch)
                    hw += cw
                }
                lines.append(head)
                w = String(w.dropFirst(head.count))
                ww = displayWidth(w)
            }
            if w.isEmpty { continue }
            if lineWidth == 0 {
                line = w
                lineWidth = ww
            } else if lineWidth + 1 + ww <= width {
                line += " " + w
                lineWidth += 1 + ww
            } else {
                lines.append(line)
                line = w
                lineWidth = ww
            }
        }
        lines.append(line)
    }
    return lines
}
