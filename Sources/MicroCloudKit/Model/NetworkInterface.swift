/// A host network interface as LXD sees it (`GET /1.0/networks` + `/1.0/networks/<name>/state`), reduced to what
/// decides its use: uplink for OVN, or an addressed ("dedicated") interface for Ceph networks and the OVN underlay.
public struct NetworkInterface: Codable, Hashable, Sendable {
    public var name: String
    /// LXD network type: physical, bridge, bond, vlan, loopback, …
    public var type: String
    /// Operational state: "up" or "down".
    public var state: String
    /// Link type from the state call: "broadcast", "loopback", "point-to-point"…
    public var linkType: String?
    /// Managed by LXD (its own bridges) rather than a host interface.
    public var managed: Bool
    /// Global-scope addresses only, as "ip/prefix".
    public var addresses: [String]

    public init(name: String, type: String = "physical", state: String = "up", linkType: String? = "broadcast",
                managed: Bool = false, addresses: [String] = []) {
        self.name = name
        self.type = type
        self.state = state
        self.linkType = linkType
        self.managed = managed
        self.addresses = addresses
    }

    /// Builds the interface from LXD's two answers, keeping only global addresses.
    public init(network: LXDNetwork, state: LXDNetworkState) {
        self.init(name: network.name, type: network.type, state: state.state, linkType: state.type,
                  managed: network.managed,
                  addresses: state.addresses.filter { $0.scope == "global" }.map { "\($0.address)/\($0.netmask)" })
    }

    public var isUp: Bool { state == "up" }
    public var hasGlobalAddress: Bool { !addresses.isEmpty }
    public var cidrs: [CIDR] { addresses.compactMap(CIDR.init) }

    /// Unmanaged, up and addressed: usable for Ceph networks, the OVN underlay and MicroCloud's own traffic.
    public var isDedicatedCandidate: Bool { !managed && isUp && hasGlobalAddress }

    /// Unmanaged, up, broadcast, and either without addresses (physical, bridge, bond or vlan) or a bridge that
    /// keeps its addresses: what OVN's UPLINK network can take over as its parent.
    public var isUplinkCandidate: Bool {
        guard !managed, isUp, linkType == "broadcast" else { return false }
        if hasGlobalAddress { return type == "bridge" }
        return ["physical", "bridge", "bond", "vlan"].contains(type)
    }

    /// Why this interface cannot be an uplink, in words; nil when it can.
    public var uplinkRefusal: String? {
        if isUplinkCandidate { return nil }
        if managed { return "it is managed by LXD" }
        if !isUp { return "it is not up" }
        if linkType != "broadcast" { return "it is not a broadcast (Ethernet-like) link" }
        if hasGlobalAddress { return "it has IP addresses and is not a bridge" }
        return "its type \(type) cannot carry an uplink"
    }

    /// The first address of this interface inside `subnet`, as "ip/prefix".
    public func address(in subnet: CIDR) -> String? {
        addresses.first { CIDR($0).map { subnet.contains($0.address) } ?? false }
    }
}

/// `GET /1.0/networks/<name>/state`.
public struct LXDNetworkState: Codable, Hashable, Sendable {
    public struct Address: Codable, Hashable, Sendable {
        public var family: String
        public var address: String
        public var netmask: String
        public var scope: String
        public init(family: String, address: String, netmask: String, scope: String) {
            self.family = family
            self.address = address
            self.netmask = netmask
            self.scope = scope
        }
    }
    public var addresses: [Address]
    public var state: String
    public var type: String
    public var hwaddr: String
    public var mtu: Int

    public init(addresses: [Address], state: String = "up", type: String = "broadcast", hwaddr: String = "",
                mtu: Int = 1500) {
        self.addresses = addresses
        self.state = state
        self.type = type
        self.hwaddr = hwaddr
        self.mtu = mtu
    }

    private enum CodingKeys: String, CodingKey { case addresses, state, type, hwaddr, mtu }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        addresses = try c.decodeIfPresent([Address].self, forKey: .addresses) ?? []
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
        hwaddr = try c.decodeIfPresent(String.self, forKey: .hwaddr) ?? ""
        mtu = try c.decodeIfPresent(Int.self, forKey: .mtu) ?? 0
    }
}
