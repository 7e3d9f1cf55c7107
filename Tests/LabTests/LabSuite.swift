import Testing

/// Every lab test, one at a time: they share one machine-wide lab (namespaces, bridges, a folder).
/// Skipped, with the reason printed, when not root or when LXD and friends are not installed.
@Suite("Lab", .serialized, .enabled(if: Lab.unavailableReason == nil, Comment(rawValue: Lab.unavailableReason ?? "")))
struct LabSuite {}
