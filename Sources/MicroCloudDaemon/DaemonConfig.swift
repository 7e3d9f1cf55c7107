import FoundationEssentials
import MicroCloudKit

/// Everything `microcloudd` is told at start. Production defaults; the lab overrides paths, name and disks.
public struct DaemonConfig: Sendable {
    public var stateDir: String = "/var/lib/microcloud"
    /// Member name; defaults to the host name.
    public var name: String
    /// The name came from the host name (not --name): follow it when it changes, until the server is a member.
    public var nameFollowsHost = false
    /// Address to listen on and announce; defaults to the first global address of `interface` (or of any interface).
    public var address: String?
    /// Interface to announce on; defaults to the one owning `address`.
    public var interface: String?
    public var port: Int = 9443
    /// LXD's unix socket; nil: the snap's, else Debian's (`ServiceSockets.lxdDefaults`), whichever exists.
    public var lxdSocket: String?
    /// MicroCeph's and MicroOVN's control sockets (the snaps' paths unless told otherwise). A service is installed
    /// when its socket exists; that is checked on every use, so a service installed later is noticed.
    public var microcephSocket: String = "/var/snap/microceph/common/state/control.socket"
    public var microovnSocket: String = "/var/snap/microovn/common/state/control.socket"
    /// When set, inventory reports only these disks: on a shared kernel (the lab) every server sees every loop device.
    public var onlyDisks: [String] = []
    /// Announce over mDNS (off only for tests without Avahi).
    public var announce: Bool = true
    public var version: String = MicroCloudVersion.current

    public init(name: String) { self.name = name }

    public var controlSocket: String { stateDir + "/control.socket" }
    public var membersFile: String { stateDir + "/members.json" }
}
