extension StringProtocol {
    /// Without leading and trailing white space and line breaks (what Foundation's `.whitespacesAndNewlines` trims;
    /// here by `Character.isWhitespace`, so that the core and microcloudd link no Foundation).
    public var trimmedWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
