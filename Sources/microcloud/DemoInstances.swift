import Foundation
import MicroCloudKit

/// The demo's last act: the cloud the wizard formed runs something. One instance of the lab's busybox image per
/// member (root on `local`, NIC from the default profile: OVN's `default`, or `lxdbr0` without OVN), then `lxc list`
/// with their addresses. Lab-only (`scripts/lab image`, `scripts/lab tunnels`), like everything the demo drives.
struct DemoInstances {
    static let image = "lab-busybox"

    let lab: String
    let servers: [LabStatus]
    let ovn: Bool

    static func name(_ server: LabStatus) -> String { "c-\(server.name)" }

    /// Whether the wizard left a cloud: the `local` pool exists on the first member.
    var cloudFormed: Bool {
        (try? Subprocess.run([lab, "exec", "1", "lxc", "storage", "show", "local"]))?.status == 0
    }

    func run() throws {
        print("\nThe cloud in use: an instance on every member (image \(Self.image), root on local).")
        // OVN's geneve between lab servers needs their addresses on an OVS bridge (userspace datapath).
        if ovn { try Shell.run([lab, "tunnels"]) }
        try Shell.run([lab, "image", "1"])
        for server in servers {
            try Shell.run([lab, "exec", "1", "lxc", "launch", Self.image, Self.name(server), "--target", server.name, "-s", "local"])
        }
        waitForAddresses(seconds: 30)
        print(try Shell.capture([lab, "exec", "1", "lxc", "list", "-c", "nsL4"]))
    }

    /// Until every instance shows an IPv4 address (DHCP from OVN or from lxdbr0's dnsmasq), or `seconds` passed.
    func waitForAddresses(seconds: Int) {
        for _ in 0..<(seconds * 2) {
            let csv = (try? Shell.capture([lab, "exec", "1", "lxc", "list", "--format", "csv", "-c", "n4"])) ?? ""
            let addressed = csv.split(separator: "\n").filter { $0.contains("(eth0)") }.count
            if addressed >= servers.count { return }
            usleep(500_000)
        }
    }
}
