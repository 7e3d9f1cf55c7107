import Foundation
import MicroCloudKit
import MicroCloudNet

/// The initiator's path from a confirmed selection to a formed cloud, shared by `preseed` and the wizard:
/// gather inventories, run the bootstrap, record the membership, read the result back.
public struct InitiatorFlow: Sendable {
    public let control: ControlClient
    public let links: MemberLinks
    public let version: String

    public init(control: ControlClient) async throws {
        let info = try await control.info()
        let identity = try control.identity()
        self.control = control
        self.version = info.version
        self.links = MemberLinks(local: MemberRecord(name: info.name, address: info.address, fingerprint: identity.fingerprint),
                                 stateDir: control.stateDir, credentials: identity.credentials)
    }

    public var local: MemberRecord { links.local }

    /// Every member's inventory, fetched in parallel; a member that cannot answer is reported by name.
    public func inventories(of members: [MemberRecord]) async -> (found: [Inventory], problems: [String]) {
        await withTaskGroup(of: (String, Result<Inventory, Error>).self) { group in
            for m in members {
                group.addTask {
                    do {
                        let r = try await links.daemon(m, timeout: .seconds(60)).send(HTTPRequest(method: "GET", path: "/1.0/inventory"))
                        guard r.status == 200 else { throw DaemonError(errorText(r)) }
                        return (m.name, .success(try r.decode(Inventory.self)))
                    } catch {
                        return (m.name, .failure(error))
                    }
                }
            }
            var found: [Inventory] = []
            var problems: [String] = []
            for await (name, result) in group {
                switch result {
                case .success(let inv): found.append(inv)
                case .failure(let e): problems.append("Cannot read the inventory of \(name): \(e)")
                }
            }
            return (found.sorted { $0.name < $1.name }, problems.sorted())
        }
    }

    /// A bootstrapper wired to this cloud: the local LXD through the daemon's proxy, peers through their daemons.
    public func bootstrapper(members: [MemberRecord], options: BootstrapOptions = BootstrapOptions()) -> Bootstrapper {
        var agents: [String: any MemberAgent] = [:]
        for m in members where m.fingerprint != local.fingerprint {
            agents[m.name] = RemoteMemberAgent(member: m, daemon: links.daemon(m), members: members)
        }
        var opts = options
        opts.microcloudVersion = version
        return Bootstrapper(BootstrapEnvironment(lxd: LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)"),
                                                 agents: agents, options: opts))
    }

    /// After a successful bootstrap: this daemon remembers the membership (peers got it with their tokens).
    public func recordMembership(_ members: [MemberRecord]) async throws {
        try await control.recordMembers(members)
    }

    /// The tables of the review screen, read from the live cluster.
    public func readback() async throws -> ClusterSnapshot {
        try await ClusterReadback.read(lxd: LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)"))
    }
}
