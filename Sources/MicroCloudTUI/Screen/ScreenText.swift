extension Screen {
    /// The screen as plain text: one line per row, trailing spaces trimmed.
    public var plainText: String { lines.joined(separator: "\n") }

    /// One marker per cell saying how it is styled: space for plain text, the role's letter otherwise
    /// (`d`im, `a`ccent, `o`k, `w`arn, `e`rror, `s`elected, `c`ursor), upper case when bold, `#` when reversed,
    /// `b` for bold plain text. Wide graphemes get two markers, so the layer lines up under the text.
    public func styleLayer(row y: Int) -> String {
        var s = ""
        for x in 0..<size.width {
            let st = self[x, y].style
            let m: Character
            if st.attributes.contains(.reverse) {
                m = "#"
            } else if st.fg == .normal {
                m = st.attributes.contains(.bold) ? "b" : " "
            } else {
                m = st.attributes.contains(.bold) ? Character(st.fg.marker.uppercased()) : st.fg.marker
            }
            s.append(m)
        }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Text and style layer interleaved: each text line is followed by its style line prefixed with `~`
    /// (omitted when the row is unstyled). Readable in golden files.
    public var styledText: String {
        var out: [String] = []
        for y in 0..<size.height {
            out.append(text(row: y))
            let layer = styleLayer(row: y)
            if !layer.isEmpty { out.append("~" + layer) }
        }
        return out.joined(separator: "\n")
    }
}
