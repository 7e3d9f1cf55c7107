import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct BootstrapRunTests {
    /// What the fixture's plan leaves on the fake LXD 5.0.2 cluster, whatever requests got it there.
    static var planned: LXDEndState {
        func server(_ ip: String, _ extra: [String: String] = [:]) -> [String: String] {
            ["cluster.https_address": "\(ip):8443", "core.https_address": "\(ip):8443",
             "storage.images_volume": "local/images", "storage.backups_volume": "local/backups"].merging(extra) { $1 }
        }
        return LXDEndState(
            members: ["m1", "m2", "m3"],
            pools: ["local": .init(kind: "zfs", description: "Local storage on ZFS", status: "Created", config: [:],
                                   // m2 asked for a wipe, but 5.0.2 lacks storage_pool_source_wipe: no source.wipe key.
                                   members: ["m1": ["source": "/dev/sdb"], "m2": ["source": "/dev/sdc"], "m3": ["source": "/dev/sdd"]])],
            networks: ["lxdbr0": .init(kind: "bridge", description: "Default bridge network", status: "Created",
                                       config: ["ipv4.address": "10.78.0.1/24", "ipv4.nat": "true", "ipv6.address": "none"],
                                       members: ["m1": [:], "m2": [:], "m3": [:]])],
            profile: LXDProfile(name: "default", description: "Default LXD profile",
                                devices: ["root": ["type": "disk", "path": "/", "pool": "local"],
                                          "eth0": ["type": "nic", "name": "eth0", "network": "lxdbr0"]]),
            serverConfig: ["m1": server("10.0.0.1", ["core.trust_password": "true", "user.microcloud": "0.1.0"]),
                           "m2": server("10.0.0.2"), "m3": server("10.0.0.3")],
            volumes: ["m1", "m2", "m3"].flatMap { ["local/\($0)/backups", "local/\($0)/images"] }.sorted(),
            runningTokens: [])
    }

    /// One step at a time or eight at once: the same cluster. The fake drops lxdbr0's description on the final
    /// create as LXD 5.0.2 does, so the description here is the one the bootstrap sets again afterwards.
    @Test(arguments: [1, 8])
    func threeMemberBootstrapLeavesThePlannedCluster(maxParallel: Int) async throws {
        let f = await BootstrapFixture.make(maxParallel: maxParallel)
        let (report, _) = try await f.run(maxParallel: maxParallel)
        #expect(report.failure == nil)
        let state = await f.fake.endState
        #expect(state == Self.planned, "the fake holds:\n\(state)")
    }

    @Test func bootstrapperStreamsEventsAndTheClusterReadsBackAsPlanned() async throws {
        let f = await BootstrapFixture.make(maxParallel: 4)
        let bootstrapper = f.bootstrapper
        var events: [ProgressEvent] = []
        for try await event in bootstrapper.run(f.plan) { events.append(event) }
        let report = try #require(bootstrapper.report)
        #expect(report.succeeded)
        #expect(report.remains.isEmpty && report.undone.isEmpty && report.notRun.isEmpty)
        #expect(report.phaseTimings.map(\.phase) == ["services bootstrap", "joins", "storage", "networks", "profile", "total"])
        // Bootstrap, 2 tokens, replication; this plan picks no Ceph disk, so there is no disk step to skip.
        #expect(report.skipped.map(\.reason).filter { $0 == "MicroCeph not installed" }.count == 4)

        // Every started step ends exactly once, after it started.
        let started = events.filter { $0.kind.name == "started" }.map(\.stepID)
        let ended = events.filter { ["succeeded", "failed"].contains($0.kind.name) }.map(\.stepID)
        #expect(Set(started) == Set(ended) && started.count == ended.count)
        #expect(Set(report.done.map(\.id)) == Set(started))

        let snapshot = try await ClusterReadback.read(lxd: f.environment.lxd)
        #expect(snapshot.members.map(\.serverName) == ["m1", "m2", "m3"])
        #expect(snapshot.pools.map { "\($0.name) \($0.driver) \($0.status) \($0.locations)" } == [#"local zfs Created ["m1", "m2", "m3"]"#])
        #expect(snapshot.networks.filter(\.managed).map { "\($0.name) \($0.type) \($0.config["ipv4.address"] ?? "")" } == ["lxdbr0 bridge 10.78.0.1/24"])
        #expect(snapshot.profile.devices["root"] == ["type": "disk", "path": "/", "pool": "local"])
        #expect(snapshot.profile.devices["eth0"] == ["type": "nic", "name": "eth0", "network": "lxdbr0"])
        for m in ["m1", "m2", "m3"] {
            #expect(await f.fake.config(of: m)["storage.images_volume"] == .string("local/images"))
            #expect(await f.fake.volumes.contains("local/\(m)/backups"))
        }
        #expect(await f.fake.runningTokens.isEmpty)
    }

    @Test func joinsNeverOverlapEvenWhenEverythingElseRunsInParallel() async throws {
        let trace = Trace()
        struct Tracing: MemberAgent {
            let inner: any MemberAgent, name: String, trace: Trace
            func join(services: [ServiceJoin], progress: @escaping @Sendable (ProgressEvent) -> Void) async throws {
                trace.note("start \(name)")
                for _ in 0..<5 { await Task.yield() }
                try await inner.join(services: services, progress: progress)
                trace.note("end \(name)")
            }
        }
        let f = await BootstrapFixture.make(maxParallel: 8) { fake in
            var agents: [String: any MemberAgent] = [:]
            for (name, address) in BootstrapFixture.members.dropFirst() {
                let lxd = LXDClient(transport: fake.transport(name), name: "LXD on \(name)")
                agents[name] = Tracing(inner: LocalLXDJoiner(name: name, address: address, lxd: lxd,
                                                             fetchCertificate: BootstrapFixture.fetchCertificate),
                                       name: name, trace: trace)
            }
            return agents
        }
        let (report, _) = try await f.run(maxParallel: 8)
        #expect(report.succeeded)
        let notes = trace.all
        #expect(notes.count == 4)
        // start, end, start, end: the second join starts only after the first ended.
        #expect(notes.enumerated().allSatisfy { $0.element.hasPrefix($0.offset % 2 == 0 ? "start" : "end") })
    }

    @Test func planMistakesAreRefusedBeforeAnythingRuns() async throws {
        let f = await BootstrapFixture.make()
        var plan = f.plan
        plan.initiator = "m9"
        #expect(throws: BootstrapError("plan: initiator \"m9\" is not one of the members; add it to members")) {
            try f.bootstrapper.steps(for: plan)
        }
        var env = f.environment
        env.agents["m3"] = nil
        #expect(throws: BootstrapError("no way to reach m3 to make it join; it must be a verified peer")) {
            try Bootstrapper(env).steps(for: f.plan)
        }
        #expect(await f.fake.requests.isEmpty)
    }

    @Test func aBridgeIsNeverLeftToPickItsOwnSubnet() async throws {
        let f = await BootstrapFixture.make()
        var plan = f.plan
        plan.fallbackBridge = BridgePlan(name: "lxdbr0", ipv4: "auto")
        var failure: BootstrapFailed?
        do { for try await _ in Bootstrapper(f.environment).run(plan) {} } catch let e as BootstrapFailed { failure = e }
        let report = try #require(failure?.report)
        #expect(report.failure?.step.id == "lxd.network.lxdbr0")
        #expect(report.failure?.message == "plan: bridge lxdbr0 ipv4 must be an explicit address such as 10.78.0.1/24 or none, not auto")
        #expect(await !f.fake.requests.contains { $0.contains("auto") })
    }

    @Test func aJoinerChecksTheClusterCertificateAgainstTheToken() async throws {
        let f = await BootstrapFixture.make { fake in
            let lxd = LXDClient(transport: fake.transport("m2"), name: "LXD on m2")
            return ["m2": LocalLXDJoiner(name: "m2", address: "10.0.0.2", lxd: lxd) { _ in
                ("-----BEGIN CERTIFICATE-----\nIMPOSTOR\n-----END CERTIFICATE-----\n", "0123456789abcdef")
            }]
        }
        let (report, _) = try await f.run()
        #expect(report.failure?.step.id == "join.m2")
        #expect(report.failure?.message == "m2: unable to connect to any of the cluster members specified in the join token (10.0.0.1:8443 presents certificate 0123456789ab, the token expects 5ee1b7e4f2c0)")
        #expect(await !f.fake.requests.contains { $0.hasPrefix("m2 PUT") })
    }
}
