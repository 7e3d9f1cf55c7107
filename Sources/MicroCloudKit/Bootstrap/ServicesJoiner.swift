import FoundationEssentials

/// A joiner's own side of a join: every service it got a token for, in upstream's order — MicroCeph
/// and MicroOVN in parallel through microcluster's `POST /core/control`, then LXD last (its member config may name
/// pools that need the other services). A failure names the service and the member, in the service's own words.
public struct ServicesJoiner: MemberAgent {
    public let name: String
    /// The member's own address (no port).
    public let address: String
    /// The member's microcluster services (MicroCeph, MicroOVN) by kind: only those installed.
    public let microcluster: [ServiceKind: MicroclusterClient]
    public let lxd: LocalLXDJoiner

    public init(name: String, address: String, microcluster: [ServiceKind: MicroclusterClient], lxd: LocalLXDJoiner) {
        self.name = name; self.address = address; self.microcluster = microcluster; self.lxd = lxd
    }

    /// What a service is told besides its token (`config` of `POST /core/control`). MicroOVN's encapsulation
    /// address is its only one today; a service's further join specifics belong here.
    public static func joinConfig(_ join: ServiceJoin) -> [String: String] {
        switch join.service {
        case .microovn: join.ovnEncapIP.map { ["ovn-encap-ip": $0] } ?? [:]
        default: [:]
        }
    }

    public func join(services: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws {
        let first = services.filter { $0.service == .microceph || $0.service == .microovn }
        let name = self.name, address = self.address
        for join in first where microcluster[join.service] == nil {
            throw BootstrapError("\(join.service.rawValue) is not installed on \(name); install it there or plan the cloud without it")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for join in first {
                let client = microcluster[join.service]!
                group.addTask {
                    let service = join.service.rawValue
                    progress(Self.event(name, "Joining the \(service) cluster"))
                    if join.service == .microovn {
                        try await MicroOVNClient(core: client).requireEncapSupport(join.ovnEncapIP)
                    }
                    try await client.join(name: name, address: hostPort(address, join.service.port), token: join.token,
                                          config: Self.joinConfig(join))
                    progress(Self.event(name, "\(service) joined"))
                }
            }
            try await group.waitForAll()
        }
        let lxdJoins = services.filter { $0.service == .lxd }
        if !lxdJoins.isEmpty { try await lxd.join(services: lxdJoins, progress: progress) }
    }

    public static func event(_ member: String, _ message: String) -> ProgressEvent {
        ProgressEvent(stepID: .join(member), member: member, title: "Join \(member)",
                      kind: .progress(fraction: nil, message: message))
    }
}
