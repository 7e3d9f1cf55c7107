/// `microcloud service list` (upstream's words): per service "<Service>:" and its members as
/// NAME | ADDRESS | ROLE | STATUS, or "<Service>: Not initialized" / "not installed".
public struct ServiceList: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var name, address, role, status: String
        public init(name: String, address: String, role: String, status: String) {
            self.name = name; self.address = address; self.role = role; self.status = status
        }
    }

    /// Each service in bootstrap order; nil members: not installed on this server; empty: not initialized.
    public var services: [(kind: ServiceKind, members: [Member]?)]

    public init(services: [(kind: ServiceKind, members: [Member]?)]) { self.services = services }

    public static func == (a: ServiceList, b: ServiceList) -> Bool {
        a.services.map(\.kind) == b.services.map(\.kind) && a.services.map(\.members) == b.services.map(\.members)
    }

    public var text: String {
        services.map { kind, members -> String in
            guard let members else { return "\(kind.rawValue): not installed on this server" }
            guard !members.isEmpty else { return "\(kind.rawValue): Not initialized" }
            let rows = members.sorted { naturalLess($0.name, $1.name) }.map { [$0.name, $0.address, $0.role, $0.status] }
            var table = TextTable(headers: ["NAME", "ADDRESS", "ROLE", "STATUS"], rows: rows).render()
            while table.hasSuffix("\n") { table.removeLast() }
            return "\(kind.rawValue):\n" + table
        }.joined(separator: "\n") + "\n"
    }
}
