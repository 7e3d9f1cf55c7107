/// What LXD and microcluster accept as a member's name: a host name, dot-separated labels of letters, digits and
/// hyphens. One rule for every name a member gets: a planned system's and a join intent's.
public enum MemberName {
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// How to write one, for messages that refuse a name.
    public static let rule = "Use letters, digits and hyphens (at most 63 per label), not starting or ending with a hyphen."
}
