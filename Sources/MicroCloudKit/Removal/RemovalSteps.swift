import FoundationEssentials

/// The services a removal talks to, each through the member that drives it (any member of a cluster can remove
/// another), and how the cloud's own membership is recorded once the services let the member go.
public struct RemovalEnvironment: Sendable {
    public var lxd: LXDClient
    public var ceph: MicroCephClient?
    public var ovn: MicroclusterClient?
    /// Records the membership without `removed` on every member that stays, then (`tell`) tells `removed` that it
    /// left; returns why it could not be told.
    public var recordMembership: @Sendable (_ removed: String, _ tell: Bool) async throws -> [String]
    public var budgets = Budgets()

    public struct Budgets: Sendable {
        public var lxd: Duration = .seconds(180)
        /// One OSD: MicroCeph waits until its data is placed elsewhere; the lab's small pools take seconds.
        public var osd: Duration = .seconds(900)
        public var service: Duration = .seconds(180)
        public init() {}
    }

    public init(lxd: LXDClient, ceph: MicroCephClient?, ovn: MicroclusterClient?,
                recordMembership: @escaping @Sendable (_ removed: String, _ tell: Bool) async throws -> [String]) {
        self.lxd = lxd; self.ceph = ceph; self.ovn = ovn; self.recordMembership = recordMembership
    }
}

extension StepID {
    public static func leave(_ service: ServiceKind, _ member: String) -> StepID { StepID("\(service.pathName).leave.\(member)") }
    public static func removeOSD(_ member: String, _ osd: Int) -> StepID { StepID("microceph.osd-remove.\(member).\(osd)") }
    public static let lowerReplication: StepID = "microceph.replication.lower"
    public static func ovnLeftovers(_ member: String) -> StepID { StepID("microovn.leftovers.\(member)") }
}

public enum RemovalPhase {
    public static let lxd = "LXD"
    public static let ceph = "Ceph drain"
    public static let services = "services"
    public static let membership = "membership"
}

/// A removal as steps for `StepGraph`: LXD first (a refusal there changes nothing), then Ceph's OSDs one after the
/// other and MicroCeph, MicroOVN beside it, the cloud's membership last. Only lowering the pools' replication can
/// be undone; the rest say what remains.
public enum RemovalSteps {
    public static func steps(for plan: RemovalPlan, env: RemovalEnvironment) -> [Step] {
        let name = plan.member
        let force = plan.force
        var steps: [Step] = []
        var afterLXD: [StepID] = []
        if plan.services.contains(.lxd) {
            let lxd = env.lxd
            steps.append(Step(id: .leave(.lxd, name), member: name, title: "Remove \(name) from LXD", phase: RemovalPhase.lxd,
                              budget: env.budgets.lxd, remains: "\(name) is no longer an LXD member",
                              run: { context in
                                  if !force { try await Self.dropMemberVolumes(lxd, name, context) }
                                  try await lxd.removeClusterMember(name, force: force)
                              }))
            afterLXD = [.leave(.lxd, name)]
        }
        if plan.services.contains(.microceph), let ceph = env.ceph {
            var before = afterLXD
            if !plan.poolSizes.isEmpty {
                let sizes = plan.poolSizes
                steps.append(Step(id: .lowerReplication, title: "Lower the replication of "
                                    + sizes.map { "\($0.pool) to \($0.to)" }.joined(separator: ", "),
                                  phase: RemovalPhase.ceph, budget: env.budgets.service, dependsOn: afterLXD,
                                  run: { _ in
                                      for group in Dictionary(grouping: sizes, by: \.to) {
                                          try await ceph.setPoolSize(group.value.map(\.pool), size: group.key)
                                      }
                                  },
                                  cleanup: {
                                      for group in Dictionary(grouping: sizes, by: \.from) {
                                          try await ceph.setPoolSize(group.value.map(\.pool), size: group.key)
                                      }
                                  }))
                before = [.lowerReplication]
            }
            for osd in plan.osds {
                steps.append(Step(id: .removeOSD(name, osd.osd), member: name, title: "Drain and remove osd.\(osd.osd) (\(osd.path))",
                                  phase: RemovalPhase.ceph, budget: env.budgets.osd, dependsOn: before,
                                  serialGroup: "microceph.disks.\(name)",
                                  remains: "osd.\(osd.osd) of \(name) is removed from Ceph",
                                  run: { context in
                                      context.progress(plan.gone
                                          ? "osd.\(osd.osd) is down with \(name): MicroCeph takes it out and purges it; its copies are rebuilt from the other servers"
                                          : "MicroCeph drains osd.\(osd.osd): its data moves to the other servers first")
                                      try await ceph.removeDisk(osd: osd.osd, target: force ? nil : name, bypassSafety: false,
                                                                confirmDowngrade: force, timeout: 600)
                                  }))
            }
            steps.append(Step(id: .leave(.microceph, name), member: name, title: "Remove \(name) from MicroCeph",
                              phase: RemovalPhase.services, budget: env.budgets.service,
                              dependsOn: plan.osds.isEmpty ? before : plan.osds.map { .removeOSD(name, $0.osd) },
                              remains: "\(name) is no longer a MicroCeph member",
                              run: { _ in try await ceph.core.removeMember(name, force: force) }))
        }
        if plan.services.contains(.microovn), let ovn = env.ovn {
            steps.append(Step(id: .leave(.microovn, name), member: name, title: "Remove \(name) from MicroOVN",
                              phase: RemovalPhase.services, budget: env.budgets.service, dependsOn: afterLXD,
                              remains: "\(name) is no longer a MicroOVN member",
                              run: { _ in try await ovn.removeMember(name, force: force) }))
            if plan.gone {
                // MicroOVN deletes a member's chassis from the southbound database on that member as it leaves
                // (microovn's Leave hook); a member that is gone cannot.
                steps.append(Step(id: .ovnLeftovers(name), member: name, title: "OVN's chassis record of \(name)",
                                  phase: RemovalPhase.services, budget: .seconds(5), dependsOn: [.leave(.microovn, name)],
                                  tolerated: "",
                                  run: { _ in
                                      throw StepSetback("\(name)'s chassis stays in OVN's southbound database: MicroOVN deletes it "
                                                        + "only on the member that leaves, and \(name) did not answer",
                                                        advice: "On a member that runs OVN central: `microovn.ovn-sbctl chassis-del \(name)`")
                                  }))
            }
        }
        let services = steps.filter { $0.id == .leave(.microceph, name) || $0.id == .leave(.microovn, name) }.map(\.id)
        let remaining = plan.remaining
        let record = env.recordMembership
        let gone = plan.gone
        steps.append(Step(id: .leave(.microcloud, name), member: name, title: "Remove \(name) from the cloud's membership",
                          phase: RemovalPhase.membership, budget: env.budgets.service,
                          dependsOn: services.isEmpty ? afterLXD : services,
                          tolerated: "Run `microcloud reset` on \(name) before it joins a cloud again",
                          run: { context in
                              let unreached: [String]
                              do { unreached = try await record(name, !gone) } catch {
                                  throw StepSetback("The membership without \(name) was not recorded on every member: \(error)",
                                                    advice: "Run `microcloud remove \(name)` again once they answer: the services are done and are skipped")
                              }
                              context.progress("\(remaining.count) members stay: \(remaining.joined(separator: ", "))")
                              if gone || !unreached.isEmpty {
                                  let why = gone ? "it does not answer" : unreached.joined(separator: "; ")
                                  throw StepSetback("\(name) left the cloud, but its own daemon was not told (\(why))",
                                                    advice: "If \(name) comes back, run `microcloud reset` on it before it joins a cloud again")
                              }
                          }))
        return steps
    }

    /// LXD refuses to drop a member while volumes remain there: the images and backups volumes a MicroCloud puts on
    /// every member (and the server settings that point at them) go first.
    static func dropMemberVolumes(_ lxd: LXDClient, _ member: String, _ context: StepContext) async throws {
        let config = try await lxd.server(target: member).config
        var volumes: [(pool: String, name: String)] = []
        for key in ["storage.images_volume", "storage.backups_volume"] {
            guard let value = config[key]?.configString, !value.isEmpty else { continue }
            let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2 { volumes.append((parts[0], parts[1])) }
        }
        guard !volumes.isEmpty else { return }
        context.progress("Removing the images and backups volumes of \(member)")
        try await lxd.updateServerConfig(["storage.images_volume": "", "storage.backups_volume": ""], target: member)
        for v in volumes {
            do { try await lxd.deleteVolume(pool: v.pool, name: v.name, target: member) }
            catch let e as LXDError where e.isNotFound {}
        }
    }
}
