import FoundationEssentials

/// MicroOVN's API on microcluster's core: bootstrap and join with the optional underlay
/// address (`ovn-encap-ip`, MicroOVN's `custom_encapsulation_ip` extension), tokens, members, and the services
/// (`central`, `chassis`, `switch`) with the member each runs on. The transport is the local control socket, or
/// a member's `microcloudd` peer proxy (`/1.0/services/microovn/…`) for a remote one.
public struct MicroOVNClient: OVNAPI, MicroclusterService {
    /// The port MicroOVN's cluster listens on (upstream's `OVNPort`).
    public static let port = ServiceKind.microovn.port
    /// OVN's northbound database port, for LXD's `network.ovn.northbound_connection`.
    public static let northboundPort = 6641
    /// The API extension behind `ovn-encap-ip` in bootstrap and join.
    public static let encapExtension = "custom_encapsulation_ip"

    public let core: MicroclusterClient
    /// How long bootstrap waits for the new cluster to list its first member (upstream: 1 min).
    public var memberWait: Duration = .seconds(60)

    public init(transport: any HTTPTransport, member: String) {
        core = MicroclusterClient(transport: transport, name: "MicroOVN on \(member)")
    }

    public init(core: MicroclusterClient) {
        self.core = core
    }

    /// `config` of `POST /core/control`: the underlay address when one is chosen.
    static func config(encapIP: String?) -> [String: String] {
        guard let ip = encapIP, !ip.isEmpty else { return [:] }
        return ["ovn-encap-ip": ip]
    }

    public func bootstrap(name: String, address: String, encapIP: String?) async throws {
        try await requireEncapSupport(encapIP)
        try await core.bootstrap(name: name, address: address, config: Self.config(encapIP: encapIP))
        try await core.waitForMember(nil, within: memberWait)
    }

    /// A joiner's own MicroOVN joins the cluster its token names (`address` is this member's "ip:6443").
    public func join(name: String, address: String, token: String, encapIP: String?) async throws {
        try await requireEncapSupport(encapIP)
        try await core.join(name: name, address: address, token: token, config: Self.config(encapIP: encapIP))
    }

    /// `GET /1.0/services`: which OVN service runs on which member.
    public func services() async throws -> [OVNServiceLocation] { try await core.get("/1.0/services") }

    /// The addresses of the members running `central` (NB/SB databases), in MicroOVN's member order: what LXD's
    /// `network.ovn.northbound_connection` lists (as upstream builds it, from the members' cluster addresses).
    public func centralAddresses() async throws -> [String] {
        let members = try await core.members()
        let address = Dictionary(members.map { ($0.name, splitHostPort($0.address, defaultPort: Self.port).0) },
                                 uniquingKeysWith: { a, _ in a })
        let central = try await services().filter { $0.service == "central" }.map(\.location)
        let missing = central.filter { address[$0] == nil }
        if !missing.isEmpty {
            throw LXDError(target: core.name, call: "GET /1.0/services", code: nil,
                           message: "central runs on \(missing.joined(separator: ", ")), which the member list does not name")
        }
        return central.compactMap { address[$0] }
    }

    /// An underlay address needs MicroOVN's `custom_encapsulation_ip`; without it MicroOVN would ignore the address
    /// and tunnel over the MicroCloud network, so say so before anything changes.
    func requireEncapSupport(_ encapIP: String?) async throws {
        guard let ip = encapIP, !ip.isEmpty else { return }
        let server = try await core.server()
        if !server.extensions.contains(Self.encapExtension) {
            throw LXDError(target: core.name, call: "GET /core/1.0", code: nil,
                           message: "this MicroOVN (\(server.version)) lacks \(Self.encapExtension), so it cannot use "
                               + "the underlay address \(ip); update MicroOVN or plan no dedicated underlay")
        }
    }
}

/// One entry of MicroOVN's `GET /1.0/services`: `{"service": "central", "location": "micro01"}`.
public struct OVNServiceLocation: Codable, Sendable, Hashable {
    public var service: String
    public var location: String

    public init(service: String, location: String) {
        self.service = service
        self.location = location
    }
}
