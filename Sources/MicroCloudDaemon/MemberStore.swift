import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MicroCloudKit
import MicroCloudWire

/// The MicroCloud membership this daemon belongs to, kept in the state dir so trust survives restarts.
public struct MemberStore: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func load() -> [Peer] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return (try? JSONDecoder().decode([Peer].self, from: data)) ?? []
    }

    public func save(_ members: [Peer]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let tmp = path + ".tmp"
        try encoder.encode(members).write(to: URL(fileURLWithPath: tmp))
        chmod(tmp, 0o600)
        _ = rename(tmp, path)
    }
}
