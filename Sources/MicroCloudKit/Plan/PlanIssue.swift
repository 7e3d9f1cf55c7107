/// One problem found in a plan or a preseed file: which field, which member, what is wrong and how to fix it.
public struct PlanIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable {
        case error, warning
    }

    public var severity: Severity
    /// Dotted key path in preseed terms, e.g. "ovn.ipv4_range" or "systems[micro02].storage.local".
    public var field: String
    public var member: String?
    public var message: String

    public init(_ severity: Severity, field: String, member: String? = nil, _ message: String) {
        self.severity = severity
        self.field = field
        self.member = member
        self.message = message
    }

    public static func error(_ field: String, member: String? = nil, _ message: String) -> PlanIssue {
        PlanIssue(.error, field: field, member: member, message)
    }

    public static func warning(_ field: String, member: String? = nil, _ message: String) -> PlanIssue {
        PlanIssue(.warning, field: field, member: member, message)
    }

    public var isError: Bool { severity == .error }

    /// "error: ovn.ipv4_range: …"
    public var description: String { "\(severity.rawValue): \(field): \(message)" }
}

extension Array where Element == PlanIssue {
    public var errors: [PlanIssue] { filter(\.isError) }
    public var warnings: [PlanIssue] { filter { !$0.isError } }
    public var hasErrors: Bool { contains(where: \.isError) }
}

/// Field path of a member's key, e.g. `systems[micro02].storage.local`.
func memberField(_ name: String, _ key: String? = nil) -> String {
    key.map { "systems[\(name)].\($0)" } ?? "systems[\(name)]"
}
