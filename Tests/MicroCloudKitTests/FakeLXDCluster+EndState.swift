@testable import MicroCloudKit

/// What the fake cluster holds, as an operator would list it: what bootstrap tests compare, whatever requests
/// got it there (an added PATCH changes no expectation unless it changes what exists).
struct LXDEndState: Equatable, CustomStringConvertible {
    /// A pool or a network: its cluster-wide part and each member's own config.
    struct Object: Equatable {
        var kind: String
        var description: String
        var status: String
        var config: [String: String]
        var members: [String: [String: String]]
    }

    var members: [String]
    var pools: [String: Object]
    var networks: [String: Object]
    var profile: LXDProfile
    /// Each member's server config, values as `lxc config show` prints them (a set secret reads "true").
    var serverConfig: [String: [String: String]]
    /// "pool/member/volume"
    var volumes: [String]
    var runningTokens: [String]

    var description: String {
        func object(_ name: String, _ o: Object) -> String {
            "  \(name): \(o.kind) \(o.status) \"\(o.description)\" \(o.config.sorted { $0.key < $1.key })\n"
                + o.members.keys.sorted().map { "    \($0): \(o.members[$0]!.sorted { $0.key < $1.key })" }.joined(separator: "\n")
        }
        return """
        members: \(members)
        pools:
        \(pools.keys.sorted().map { object($0, pools[$0]!) }.joined(separator: "\n"))
        networks:
        \(networks.keys.sorted().map { object($0, networks[$0]!) }.joined(separator: "\n"))
        profile: \(profile.description) \(profile.devices.keys.sorted().map { "\($0)=\(profile.devices[$0]!.sorted { $0.key < $1.key })" })
        server config:
        \(serverConfig.keys.sorted().map { "  \($0): \(serverConfig[$0]!.sorted { $0.key < $1.key })" }.joined(separator: "\n"))
        volumes: \(volumes)
        running tokens: \(runningTokens)
        """
    }
}

extension FakeLXDCluster {
    var endState: LXDEndState {
        func text(_ v: JSONValue) -> String {
            switch v {
            case .string(let s): s
            case .bool(let b): String(b)
            default: FakeLXDCluster.canonical(v)
            }
        }
        return LXDEndState(
            members: members,
            pools: pools.mapValues { p in
                .init(kind: p.driver, description: p.description, status: p.created ? "Created" : "Pending",
                      config: p.config, members: p.pending)
            },
            networks: networks.mapValues { n in
                .init(kind: n.type, description: n.description, status: n.created ? "Created" : "Pending",
                      config: n.config, members: n.pending)
            },
            profile: profile,
            serverConfig: daemons.mapValues { $0.config.mapValues(text) },
            volumes: volumes.sorted(),
            runningTokens: runningTokens)
    }
}
