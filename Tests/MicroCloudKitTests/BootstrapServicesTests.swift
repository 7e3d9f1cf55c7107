import Foundation
import Testing
@testable import MicroCloudKit

/// Records what the bootstrap asks of MicroCeph and MicroOVN, and keeps their member lists.
actor FakeMicroServices: CephAPI, OVNAPI {
    var calls: [String] = []
    var cephMembers: [String] = []
    var ovnMembers: [String] = []
    var osds: [CephDisk] = []
    /// Disks MicroCeph refuses, by path, with its words.
    var refused: [String: String] = [:]

    func note(_ s: String) { calls.append(s) }
    func joined(_ service: ServiceKind, _ member: String) {
        if service == .microceph { cephMembers.append(member) } else { ovnMembers.append(member) }
    }
    func refuse(_ path: String, _ why: String) { refused[path] = why }

    // CephAPI
    func bootstrap(name: String, address: String, clusterNetwork: String?, publicNetwork: String?) async throws {
        note("ceph bootstrap \(name) \(address) \(clusterNetwork ?? "-") \(publicNetwork ?? "-")"); cephMembers = [name]
    }
    func issueToken(for joiner: String) async throws -> String { note("token \(joiner)"); return "token-\(joiner)" }
    func deleteToken(for joiner: String) async throws { note("delete token \(joiner)") }
    func memberNames() async throws -> [String] { cephMembers }
    func addDisk(_ disk: DiskChoice, target: String?) async throws {
        note("ceph disk \(target ?? "-") \(disk.path)")
        if let why = refused[disk.path] { throw BootstrapError("MicroCeph on \(target ?? "-"): \(why)") }
        osds.append(CephDisk(osd: osds.count, path: disk.path, location: target ?? "-"))
    }
    func disks() async throws -> [CephDisk] { osds }
    func poolSizes() async throws -> [String: Int] { [".mgr": 1, "other": 1] }
    func setPoolSize(_ pools: [String], size: Int) async throws { note("pool size \(pools) \(size)") }

    // OVNAPI (same actor plays both; the token and member calls above answer for Ceph)
    func bootstrap(name: String, address: String, encapIP: String?) async throws {
        note("ovn bootstrap \(name) \(address) \(encapIP ?? "-")"); ovnMembers = [name]
    }
    func centralAddresses() async throws -> [String] { ["10.0.0.1", "10.0.0.2"] }
}

/// MicroOVN's view of the same fake, with its own member list.
struct OVNView: OVNAPI {
    let fake: FakeMicroServices
    func bootstrap(name: String, address: String, encapIP: String?) async throws {
        try await fake.bootstrap(name: name, address: address, encapIP: encapIP)
    }
    func issueToken(for joiner: String) async throws -> String { await fake.note("ovn token \(joiner)"); return "ovn-\(joiner)" }
    func deleteToken(for joiner: String) async throws { await fake.note("ovn delete token \(joiner)") }
    func memberNames() async throws -> [String] { await fake.ovnMembers }
    func centralAddresses() async throws -> [String] { try await fake.centralAddresses() }
}

/// A peer that joins LXD in-process and "joins" MicroCeph/MicroOVN on the fake, adding its Ceph disks.
struct AllServicesAgent: MemberAgent {
    let lxd: LocalLXDJoiner
    let services: FakeMicroServices
    func join(services joins: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws {
        for join in joins where join.service != .lxd {
            await services.note("\(lxd.name) joins \(join.service.rawValue) encap=\(join.ovnEncapIP ?? "-")")
            await services.joined(join.service, lxd.name)
        }
        try await lxd.join(services: joins.filter { $0.service == .lxd }, progress: progress)
    }
}

@Suite struct BootstrapServicesTests {
    @Test func withCephAndOVNTheHooksRunAndLXDGetsRemotePoolsAndOVNNetworks() async throws {
        let services = FakeMicroServices()
        let base = await BootstrapFixture.make(maxParallel: 1)
        var env = base.environment
        for (name, _) in BootstrapFixture.members.dropFirst() {
            env.agents[name] = AllServicesAgent(lxd: env.agents[name] as! LocalLXDJoiner, services: services)
        }
        env.ceph = services
        env.ovn = OVNView(fake: services)
        var plan = base.plan
        plan.services = [.microcloud, .lxd, .microceph, .microovn]
        plan.localPool = nil
        plan.ceph = CephPlan(cephfs: true, internalNetwork: "10.0.1.0/24", publicNetwork: "10.0.0.0/24")
        plan.ovn = OVNPlan(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.100-192.0.2.200", dnsServers: ["192.0.2.53"])
        for i in plan.members.indices {
            plan.members[i].cephDisks = [DiskChoice(path: "/dev/vd\(i)")]
            plan.members[i].uplinkInterface = "eth1"
            plan.members[i].underlayIP = "10.0.2.\(i + 1)"
        }
        let events = Locked<[ProgressEvent]>([])
        let report = try await StepGraph(try Bootstrapper(env).steps(for: plan), maxParallel: 1).run { e in events.withLock { $0.append(e) } }
        #expect(report.failure == nil)

        #expect(await services.calls == [
            "ceph bootstrap m1 10.0.0.1:7443 10.0.1.0/24 10.0.0.0/24",
            "ovn bootstrap m1 10.0.0.1:6443 10.0.2.1",
            "token m2", "ovn token m2", "token m3", "ovn token m3",
            "m2 joins MicroCeph encap=-", "m2 joins MicroOVN encap=10.0.2.2",
            "m3 joins MicroCeph encap=-", "m3 joins MicroOVN encap=10.0.2.3",
            "ceph disk m1 /dev/vd0", "ceph disk m2 /dev/vd1", "ceph disk m3 /dev/vd2",
            "pool size [\".mgr\"] 3",
        ])
        // What LXD holds afterwards: remote pools on Ceph, UPLINK and the OVN network, LXD pointed at OVN.
        let state = await base.fake.endState
        let cephRBD = "layering,striping,exclusive-lock,object-map,fast-diff,deep-flatten"
        #expect(state.pools == [
            "remote": .init(kind: "ceph", description: "Distributed storage on Ceph", status: "Created",
                            config: ["ceph.osd.pool_name": "lxd_remote", "ceph.rbd.du": "false", "ceph.rbd.features": cephRBD],
                            members: ["m1": ["source": "lxd_remote"], "m2": ["source": "lxd_remote"], "m3": ["source": "lxd_remote"]]),
            // LXD 5.0.2 has no storage_cephfs_create_missing: it gets no create keys (it would refuse them) and uses the
            // volume named by `source` (the real one refuses a missing volume: see the CephPreseed lab test).
            "remote-fs": .init(kind: "cephfs", description: "Distributed file-system storage using CephFS", status: "Created",
                               config: [:],
                               members: ["m1": ["source": "lxd_cephfs"], "m2": ["source": "lxd_cephfs"], "m3": ["source": "lxd_cephfs"]]),
        ], "\(state)")
        #expect(state.networks == [
            // Defined per member, so LXD 5.0.2 drops the description on the final create; the bootstrap sets it again.
            "UPLINK": .init(kind: "physical", description: "Uplink for OVN networks", status: "Created",
                            config: ["dns.nameservers": "192.0.2.53", "ipv4.gateway": "192.0.2.1/24",
                                     "ipv4.ovn.ranges": "192.0.2.100-192.0.2.200"],
                            members: ["m1": ["parent": "eth1"], "m2": ["parent": "eth1"], "m3": ["parent": "eth1"]]),
            "default": .init(kind: "ovn", description: "Default OVN network", status: "Created", config: ["network": "UPLINK"],
                             members: ["m1": [:], "m2": [:], "m3": [:]]),
        ], "\(state)")
        #expect(state.serverConfig["m1"]?["network.ovn.northbound_connection"] == "ssl:10.0.0.1:6641,ssl:10.0.0.2:6641")
        #expect(await base.fake.profile.devices == ["root": ["type": "disk", "path": "/", "pool": "remote"],
                                                    "eth0": ["type": "nic", "name": "eth0", "network": "default"]])
        // No local pool: no images/backups volumes.
        #expect(await base.fake.volumes.isEmpty)
    }
}

extension BootstrapFixture {
    /// This fixture with MicroCeph (`ceph`) on its three members, the joiners joining it through `services`, and
    /// member i's Ceph disks `disks(i)`: the environment and the plan.
    func withCeph(_ ceph: any CephAPI, services: FakeMicroServices, disks: (Int) -> [DiskChoice]) -> (BootstrapEnvironment, ClusterPlan) {
        var env = environment
        for (name, _) in Self.members.dropFirst() {
            env.agents[name] = AllServicesAgent(lxd: env.agents[name] as! LocalLXDJoiner, services: services)
        }
        env.ceph = ceph
        var plan = plan
        plan.services = [.microcloud, .lxd, .microceph]
        plan.localPool = nil
        plan.ceph = CephPlan(internalNetwork: "10.0.0.0/24", publicNetwork: "10.0.0.0/24")
        for i in plan.members.indices { plan.members[i].cephDisks = disks(i) }
        return (env, plan)
    }
}

@Suite struct BootstrapCephDiskTests {
    @Test func aDiskMicroCephRefusesIsReportedAndTheOthersReplicationAndPoolsGoOn() async throws {
        let services = FakeMicroServices()
        await services.refuse("/dev/vdb2", "data device /dev/vdb2 is not pristine (contains data) - use --wipe to override")
        let base = await BootstrapFixture.make(maxParallel: 4)
        let (env, plan) = base.withCeph(services, services: services) { i in
            let disk = ["a", "b", "c"][i]
            return [DiskChoice(path: "/dev/vd\(disk)1", wipe: true), DiskChoice(path: "/dev/vd\(disk)2")]
        }
        let steps = try Bootstrapper(env).steps(for: plan)
        // A server's first disk waits only for the server to be a MicroCeph member, the next for the one before it
        // (MicroCeph adds one disk at a time per server).
        #expect(steps.first { $0.id == .cephDisk("m1", "/dev/vda1") }?.dependsOn == [.bootstrap(.microceph)])
        #expect(steps.first { $0.id == .cephDisk("m3", "/dev/vdc1") }?.dependsOn == [.join("m3")])
        #expect(steps.first { $0.id == .cephDisk("m3", "/dev/vdc2") }?.dependsOn == [.cephDisk("m3", "/dev/vdc1")])
        let events = Locked<[ProgressEvent]>([])
        CephDiskProgress.queuedEvents(plan: plan, steps: steps).forEach { e in events.withLock { $0.append(e) } }
        let report = try await StepGraph(steps, maxParallel: 4).run { e in events.withLock { $0.append(e) } }

        #expect(report.failure == nil, "\(report.failureLines)")
        #expect(report.setbacks.map(\.step.id) == [.cephDisk("m2", "/dev/vdb2")])
        #expect(report.setbacks.first?.message == "MicroCeph on m2: data device /dev/vdb2 is not pristine (contains data) - use --wipe to override")
        #expect(report.setbackLines.first?.text.hasPrefix("Not done: Add Ceph disk /dev/vdb2 on m2: MicroCeph on m2") == true)
        #expect(report.setbacks.first?.advice
                == "/dev/vdb2 on m2 holds data. If it may be erased, add it with `microceph disk add /dev/vdb2 --wipe` on m2")
        // What Ceph and LXD hold afterwards: five OSDs where they were asked for, replication, the remote pool.
        #expect(Set(await services.osds.map { "\($0.location) \($0.path)" })
                == ["m1 /dev/vda1", "m1 /dev/vda2", "m2 /dev/vdb1", "m3 /dev/vdc1", "m3 /dev/vdc2"])
        #expect(await services.calls.contains("pool size [\".mgr\"] 3"))
        #expect(await base.fake.endState.pools["remote"]?.status == "Created")

        // Per disk, its events in order: started, the working words, then up and in (or failed).
        for m in plan.members {
            for disk in m.cephDisks {
                let mine = events.current.filter { $0.stepID == .cephDisk(m.name, disk.path) }.map(\.kind)
                var words = mine.compactMap { if case .progress(_, let w) = $0 { w } else { nil } }
                #expect(mine.first == .progress(fraction: nil, message: "queued") && mine.dropFirst().first?.name == "started")
                words.removeFirst()
                #expect(words.first == (disk.wipe ? "wiping and adding" : "adding"))
                if disk.path == "/dev/vdb2" {
                    #expect(mine.last?.name == "failed" && words.count == 1, "\(mine)")
                } else {
                    #expect(words.dropFirst().first == "waiting until up and in" && words.last?.hasSuffix("listed by the cluster") == true)
                    #expect(mine.last?.name == "succeeded", "\(mine)")
                }
            }
        }
        var progress = CephDiskProgress(plan: plan)
        events.current.forEach { progress.apply($0) }
        #expect(progress.upAndIn == 5 && progress.failed == 1 && progress.isFinished)
    }
}

/// Issue 20: a preseed whose run added 4 of 6 OSDs printed "MicroCloud is ready" and exited 0.
@Suite struct RunOutcomeWordsTests {
    @Test func aRunWithSetbacksSaysSoAndHasItsOwnExitCode() {
        #expect(RunSummary.ready(setbacks: 0) == "MicroCloud is ready")
        #expect(RunSummary.ready(setbacks: 2) == "MicroCloud is ready with 2 setbacks")
        #expect(RunSummary.text(nil, setbacks: 1).hasPrefix("MicroCloud is ready with 1 setback."))
        #expect(RunSummary.setbackClosing(1)
                == "MicroCloud is ready with 1 setback: each \"Not done\" line above says what was not done and what to do.")
        #expect(![0, 1, 2].contains(RunSummary.setbackExitCode))
    }
}
