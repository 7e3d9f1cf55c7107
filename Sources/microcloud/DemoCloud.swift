import Foundation

/// What the demo's servers have: by default the whole cloud (LXD, MicroCeph, MicroOVN and an OVN uplink candidate
/// on each), with `--lxd-only` LXD alone.
struct DemoCloud {
    /// The lab's spare interface is a veth, which LXD types "unknown", and only a physical NIC, bond, VLAN or bridge
    /// can be an uplink (upstream's cmd/microcloud/ask.go): each server puts it in this bridge (unaddressed, up), as an operator with a
    /// veth-fed host would, and the bridge is the uplink the OVN screens offer.
    static let uplinkBridge = "uplinkbr0"

    let lxdOnly: Bool

    /// Whether the lab gives microcloudd the sockets of its MicroCeph and MicroOVN (scripts/lib/services.sh): the
    /// servers "have the snaps". Said either way, so the demo does not depend on the lab's default.
    var labEnvironment: [String: String] {
        let on = lxdOnly ? "0" : "1"
        return ["MCLAB_MICROCEPH": on, "MCLAB_MICROOVN": on]
    }

    /// Gives each server its uplink bridge (the lab is up, the wizard not yet started).
    func prepare(_ lab: String, _ servers: [LabStatus]) throws {
        guard !lxdOnly else { return }
        for (i, server) in servers.enumerated() {
            for command in [["ip", "link", "add", Self.uplinkBridge, "type", "bridge"],
                            ["ip", "link", "set", server.uplink, "master", Self.uplinkBridge],
                            ["ip", "link", "set", Self.uplinkBridge, "up"]] {
                try Shell.run([lab, "exec", String(i + 1)] + command)
            }
        }
    }

    /// Answers that fit the OVN form: a subnet of its own derived from the lab's (10.233.0.0/24 for 10.231.0.0/24);
    /// nothing routes it, LXD and OVN only store it.
    static func uplinkExample(labSubnet: String) -> (gateway: String, first: String, last: String) {
        let o = labSubnet.split(separator: "/")[0].split(separator: ".").compactMap { Int($0) }
        let net = o.count == 4 ? "\(o[0]).\(min(o[1] + 2, 255)).\(o[2])" : "192.0.2"
        return ("\(net).1/24", "\(net).100", "\(net).150")
    }

    /// What to answer, printed before the wizard opens (and seen again once it closes).
    func guide(_ servers: [LabStatus]) -> String {
        if lxdOnly {
            return "The servers have LXD only (--lxd-only): the wizard skips the Ceph and OVN screens."
        }
        let u = Self.uplinkExample(labSubnet: servers.first?.subnet ?? "")
        return """
            The servers have LXD, MicroCeph and MicroOVN (real Ceph and OVN daemons), 3 disks each and an uplink bridge.
            In the wizard:
              Local disks    one per server
              Ceph disks     the other ones
              Ceph networks  the defaults
              OVN uplinks    \(Self.uplinkBridge) on each server
              OVN addresses  e.g. IPv4 gateway \(u.gateway), range \(u.first) to \(u.last), no IPv6
                             (the lab routes none of it)
            """
    }

    /// Commands (for `scripts/lab exec`) that show what the wizard made.
    var inspection: [String] {
        lxdOnly ? ["2 lxc cluster list", "1 lxc storage list"]
            : ["2 lxc cluster list", "1 ceph -s", "1 lxc storage list", "1 lxc network list"]
    }
}
