import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct BootstrapRunTests {
    static func token(_ joiner: String) -> String {
        LXDJoinToken(serverName: joiner, fingerprint: FakeLXDCluster.clusterFingerprint, addresses: ["10.0.0.1:8443"],
                     secret: "secret-for-\(joiner)", expiresAt: "2030-01-01T03:00:00Z").encoded
    }

    static func join(_ m: String, _ ip: String, op: Int) -> [String] {
        let cert = #"-----BEGIN CERTIFICATE-----\nFAKECLUSTERCERT\n-----END CERTIFICATE-----\n"#
        return [
            "\(m) GET /1.0",
            #"\#(m) PUT /1.0/cluster {"cluster_address":"10.0.0.1:8443","cluster_certificate":"\#(cert)","cluster_password":"\#(token(m))","enabled":true,"member_config":[],"server_address":"\#(ip):8443","server_name":"\#(m)"}"#,
            "\(m) GET /1.0/operations/op-\(op)/wait?timeout=300",
            "\(m) GET /1.0",
            "\(m) GET /internal/ready",
            "m1 GET /1.0/cluster/members?recursion=1",
        ]
    }

    static func volumes(_ m: String, ip: String, op: Int, extra: String) -> [String] {
        [
            #"m1 POST /1.0/storage-pools/local/volumes/custom?target=\#(m) {"config":{},"name":"images","type":"custom"}"#,
            "m1 GET /1.0/operations/op-\(op)/wait?timeout=300",
            #"m1 POST /1.0/storage-pools/local/volumes/custom?target=\#(m) {"config":{},"name":"backups","type":"custom"}"#,
            "m1 GET /1.0/operations/op-\(op + 1)/wait?timeout=300",
            "m1 GET /1.0?target=\(m)",
            #"m1 PUT /1.0?target=\#(m) {"config":{"cluster.https_address":"\#(ip):8443","core.https_address":"\#(ip):8443",\#(extra)"storage.backups_volume":"local/backups","storage.images_volume":"local/images"\#(m == "m1" ? #","user.microcloud":"0.1.0""# : "")}}"#,
        ]
    }

    /// One step at a time, so the REST sequence is fixed: this is the whole conversation with LXD.
    @Test func threeMemberBootstrapMakesExactlyTheseCalls() async throws {
        let f = await BootstrapFixture.make(maxParallel: 1)
        let (report, _) = try await f.run()
        #expect(report.failure == nil)
        let expected: [String] = [
            "m1 GET /1.0",   // extensions
            "m1 GET /1.0",   // config to merge into
            #"m1 PUT /1.0 {"config":{"cluster.https_address":"10.0.0.1:8443","core.https_address":"10.0.0.1:8443","core.trust_password":true,"user.microcloud":"0.1.0"}}"#,
            "m1 GET /1.0",   // not clustered yet?
            #"m1 PUT /1.0/cluster {"enabled":true,"server_name":"m1"}"#,
            "m1 GET /1.0/operations/op-1/wait?timeout=120",
            "m1 GET /1.0/cluster/members?recursion=1",
            #"m1 POST /1.0/cluster/members {"server_name":"m2"}"#,
            #"m1 POST /1.0/cluster/members {"server_name":"m3"}"#,
        ] + Self.join("m2", "10.0.0.2", op: 4) + Self.join("m3", "10.0.0.3", op: 5) + [
            #"m1 POST /1.0/storage-pools?target=m1 {"config":{"source":"/dev/sdb"},"description":"","driver":"zfs","name":"local"}"#,
            // m2 asked for a wipe, but 5.0.2 lacks storage_pool_source_wipe: no source.wipe key.
            #"m1 POST /1.0/storage-pools?target=m2 {"config":{"source":"/dev/sdc"},"description":"","driver":"zfs","name":"local"}"#,
            #"m1 POST /1.0/storage-pools?target=m3 {"config":{"source":"/dev/sdd"},"description":"","driver":"zfs","name":"local"}"#,
            #"m1 POST /1.0/storage-pools {"config":{},"description":"Local storage on ZFS","driver":"zfs","name":"local"}"#,
            #"m1 POST /1.0/networks?target=m1 {"config":{},"description":"","name":"lxdbr0","type":"bridge"}"#,
            #"m1 POST /1.0/networks?target=m2 {"config":{},"description":"","name":"lxdbr0","type":"bridge"}"#,
            #"m1 POST /1.0/networks?target=m3 {"config":{},"description":"","name":"lxdbr0","type":"bridge"}"#,
            #"m1 POST /1.0/networks {"config":{"ipv4.address":"10.78.0.1/24","ipv4.nat":"true","ipv6.address":"none"},"description":"Default bridge network","name":"lxdbr0","type":"bridge"}"#,
            "m1 GET /1.0/profiles/default",
            #"m1 PUT /1.0/profiles/default {"config":{},"description":"Default LXD profile","devices":{"eth0":{"name":"eth0","network":"lxdbr0","type":"nic"},"root":{"path":"/","pool":"local","type":"disk"}}}"#,
        ] + Self.volumes("m1", ip: "10.0.0.1", op: 6, extra: #""core.trust_password":true,"#)
          + Self.volumes("m2", ip: "10.0.0.2", op: 8, extra: "")
          + Self.volumes("m3", ip: "10.0.0.3", op: 10, extra: "")
        let actual = await f.fake.requests
        #expect(actual.count == expected.count)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            #expect(a == e, "request \(i + 1)")
        }
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
        #expect(report.skipped.map(\.reason).filter { $0 == "MicroCeph not installed" }.count == 5)

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
