/// The review tables shown after bootstrap, read back from LXD: the same columns as `lxc cluster list`,
/// `lxc storage list` and `lxc network list` (LXD 5.0 headers), rows in natural name order; the profile as
/// `lxc profile show` prints it.
public enum ResultTables {
    public static func members(_ members: [LXDClusterMember]) -> TextTable {
        let rows = members.map {
            [$0.serverName, $0.url, $0.roles.joined(separator: "\n"), $0.architecture, $0.failureDomain,
             $0.description, $0.status.uppercased(), $0.message]
        }
        return TextTable(headers: ["NAME", "URL", "ROLES", "ARCHITECTURE", "FAILURE DOMAIN", "DESCRIPTION", "STATE",
                                   "MESSAGE"], rows: sortedByName(rows))
    }

    /// A clustered LXD has no per-cluster source, so lxc drops the SOURCE column there; pass `clustered: false` for
    /// a standalone server.
    public static func pools(_ pools: [LXDStoragePool], clustered: Bool = true) -> TextTable {
        let rows = pools.map { p -> [String] in
            [p.name, p.driver] + (clustered ? [] : [p.config["source"] ?? ""])
                + [p.description, String(p.usedBy.count), p.status.uppercased()]
        }
        let headers = ["NAME", "DRIVER"] + (clustered ? [] : ["SOURCE"]) + ["DESCRIPTION", "USED BY", "STATE"]
        return TextTable(headers: headers, rows: sortedByName(rows))
    }

    /// Loopback and unknown interfaces are left out, as lxc does.
    public static func networks(_ networks: [LXDNetwork]) -> TextTable {
        let rows = networks.filter { $0.type != "loopback" && $0.type != "unknown" }.map {
            [$0.name, $0.type, $0.managed ? "YES" : "NO", $0.config["ipv4.address"] ?? "",
             $0.config["ipv6.address"] ?? "", $0.description, String($0.usedBy.count), $0.status.uppercased()]
        }
        return TextTable(headers: ["NAME", "TYPE", "MANAGED", "IPV4", "IPV6", "DESCRIPTION", "USED BY", "STATE"],
                         rows: sortedByName(rows))
    }

    public static func profile(_ profile: LXDProfile) -> String { profileYAML(profile) }

    private static func sortedByName(_ rows: [[String]]) -> [[String]] {
        rows.sorted { naturalLess($0.first ?? "", $1.first ?? "") }
    }
}
