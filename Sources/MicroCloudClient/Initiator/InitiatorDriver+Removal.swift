import FoundationEssentials
import MicroCloudKit
import MicroCloudNet
import MicroCloudWire

/// `microcloud remove`, driven from the member it runs on: the facts read through this member's daemon, the plan
/// decided on them, the steps run through the same step graph as a bootstrap.
extension InitiatorDriver {
    /// The cloud as its services describe it (members, units, OSDs, pools), the instances on each member, and
    /// whether `member`'s daemon answers.
    public func removalFacts(for member: String) async throws -> RemovalFacts {
        let members = try await control.members()
        let reader = try await StatusClient(control: control)
        let cloud = await reader.status(members: members, snapshot: try await reader.snapshot())
        let lxd = LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)")
        var unreachable: [String: String] = [:]
        if let peer = members.first(where: { $0.name == member }), peer.fingerprint != local.fingerprint {
            do {
                let r = try await links.daemon(peer, timeout: .seconds(5)).send(HTTPRequest(method: "GET", path: "/1.0"))
                if r.status != 200 { unreachable[member] = "its daemon answered \(r.status): \(errorText(r))" }
            } catch {
                unreachable[member] = "its daemon at \(peer.address) did not answer: \(error)"
            }
        }
        return RemovalFacts(cloud: cloud, instances: try await lxd.instancesByMember(), unreachable: unreachable)
    }

    /// The removal's steps, wired to this member's services and to the members' daemons.
    public func removalSteps(_ plan: RemovalPlan) -> [Step] {
        let local = self.local
        let links = self.links
        let control = self.control
        let env = RemovalEnvironment(
            lxd: LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)"),
            ceph: plan.services.contains(.microceph)
                ? MicroCephClient(transport: links.service(.microceph, local), name: "MicroCeph on \(local.name)") : nil,
            ovn: plan.services.contains(.microovn)
                ? MicroclusterClient(transport: links.service(.microovn, local), name: "MicroOVN on \(local.name)") : nil,
            recordMembership: { removed, tell in
                try await Self.recordRemoval(removed: removed, tell: tell, control: control, links: links)
            })
        return RemovalSteps.steps(for: plan, env: env)
    }

    /// Runs the removal; every step's events go to `emit`, the report comes back.
    public func remove(_ plan: RemovalPlan, emit: @escaping @Sendable (ProgressEvent) -> Void) async throws -> BootstrapReport {
        let log = EventFile(path: control.stateDir + "/remove.log")
        let graph = try StepGraph(removalSteps(plan), maxParallel: 2)
        return await graph.run { event in
            log.write(event)
            emit(event)
        }
    }

    /// The members that stay record the membership without `removed` (a failure there fails the step: the cloud
    /// must agree on who it is); then `removed` is told it left. Returns what could not tell `removed`.
    static func recordRemoval(removed: String, tell: Bool, control: ControlClient, links: MemberLinks) async throws -> [String] {
        let members = try await control.members()
        let staying = members.filter { $0.name != removed }
        let failures = await push(staying, to: staying, links: links)
        if !failures.isEmpty { throw DaemonError("The membership was not recorded on " + failures.joined(separator: "; ")) }
        guard tell, let gone = members.first(where: { $0.name == removed }) else { return [] }
        return await push([], to: [gone], links: links, timeout: .seconds(10))
    }
}
