import Foundation
import Testing
@testable import MicroCloudKit

@Suite struct MicroclusterClientTests {
    @Test func bootstrapTokensAndMembersLeaveTheServiceAsUpstreamWould() async throws {
        let fake = FakeMicrocluster(member: "micro01", version: "19.2.0")
        let ceph = MicroCephClient(transport: fake, name: "MicroCeph on micro01")
        #expect(try await ceph.core.version() == "19.2.0")
        #expect(await ceph.core.isReady())
        try await ceph.bootstrap(name: "micro01", address: "10.0.0.1:7443", clusterNetwork: "10.0.0.0/24", publicNetwork: nil)
        #expect(fake.state.current.members == ["micro01"])
        #expect(fake.state.current.address == "10.0.0.1:7443")
        #expect(fake.state.current.config == ["ClusterNet": "10.0.0.0/24"])

        let token = try await ceph.issueToken(for: "micro02")
        #expect(!token.isEmpty)
        #expect(fake.state.current.tokens == ["micro02": 3_600_000_000_000])
        try await ceph.deleteToken(for: "micro02")
        #expect(fake.state.current.tokens.isEmpty)
        #expect(try await ceph.memberNames() == ["micro01"])
    }

    @Test func theServicesErrorsPassThroughWordForWordWithServiceMemberAndCall() async throws {
        let fake = FakeMicrocluster(member: "micro01")
        let core = MicroclusterClient(transport: fake, name: "MicroCeph on micro01")
        try await core.bootstrap(name: "micro01", address: "10.0.0.1:7443", config: [:])
        let again = await #expect(throws: LXDError.self) {
            try await core.bootstrap(name: "micro01", address: "10.0.0.1:7443", config: [:])
        }
        #expect(again?.description == "MicroCeph on micro01: POST /core/control failed (500): Unable to initialize cluster: Database is online")
        let missing = await #expect(throws: LXDError.self) { try await core.deleteToken(for: "micro09") }
        #expect(missing?.description == "MicroCeph on micro01: DELETE /core/1.0/tokens/micro09 failed (404): CoreTokenRecord not found")
    }

    @Test func aDiskMicroCephRefusesIsThrownWithItsMemberPathAndMicroCephsWords() async throws {
        let fake = FakeMicrocluster(member: "micro01")
        fake.state.withLock { $0.diskErrors["/dev/sdb"] = "failed to record disk: This \"disks\" entry already exists" }
        let ceph = MicroCephClient(transport: fake, name: "MicroCeph on micro01")
        try await ceph.addDisk(DiskChoice(path: "/dev/sdc", wipe: true), target: "micro02")
        let error = await #expect(throws: LXDError.self) {
            try await ceph.addDisk(DiskChoice(path: "/dev/sdb"), target: "micro02")
        }
        #expect(error?.description == "MicroCeph on micro02: POST /1.0/disks (/dev/sdb) failed: failed to record disk: This \"disks\" entry already exists")
        #expect(try await ceph.disks() == [CephDisk(osd: 0, path: "/dev/sdc", location: "micro02")])
    }
}

@Suite struct ServicesJoinerTests {
    /// Records which service each call went to, in order, across the joiner's services.
    final class CallOrder: @unchecked Sendable {
        let calls = Locked<[String]>([])
        func note(_ service: String) { calls.withLock { $0.append(service) } }
    }

    struct RecordingLXD: HTTPTransport {
        let order: CallOrder
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            order.note("LXD")
            throw TransportError(target: "unix:/var/lib/lxd/unix.socket", reason: "connection refused")
        }
    }

    func joiner(_ order: CallOrder, ceph: FakeMicrocluster, ovn: FakeMicrocluster) -> ServicesJoiner {
        ceph.onRequest = { _ in order.note("MicroCeph") }
        ovn.onRequest = { _ in order.note("MicroOVN") }
        let lxd = LocalLXDJoiner(name: "micro02", address: "10.0.0.2",
                                 lxd: LXDClient(transport: RecordingLXD(order: order), name: "LXD on micro02"),
                                 fetchCertificate: { _ in ("", "") })
        return ServicesJoiner(name: "micro02", address: "10.0.0.2",
                              microcluster: [.microceph: MicroclusterClient(transport: ceph, name: "MicroCeph on micro02"),
                                             .microovn: MicroclusterClient(transport: ovn, name: "MicroOVN on micro02")],
                              lxd: lxd)
    }

    @Test func microCephAndMicroOVNJoinBeforeLXDWithTheirPortsAndOVNsEncapAddress() async throws {
        let order = CallOrder()
        let ceph = FakeMicrocluster(member: "micro02"), ovn = FakeMicrocluster(member: "micro02")
        let lxdToken = LXDJoinToken(serverName: "micro02", fingerprint: "ab", addresses: ["10.0.0.1:8443"], secret: "s", expiresAt: "").encoded
        let error = await #expect(throws: (any Error).self) {
            try await joiner(order, ceph: ceph, ovn: ovn).join(services: [
                ServiceJoin(service: .lxd, token: lxdToken),
                ServiceJoin(service: .microovn, token: "ovn-token", ovnEncapIP: "10.1.0.2"),
                ServiceJoin(service: .microceph, token: "ceph-token"),
            ], progress: { _ in })
        }
        #expect("\(error!)".contains("LXD on micro02"))
        #expect(ceph.state.current.joinedWithToken == "ceph-token" && ceph.state.current.address == "10.0.0.2:7443")
        #expect(ceph.state.current.config == nil)
        #expect(ovn.state.current.joinedWithToken == "ovn-token" && ovn.state.current.address == "10.0.0.2:6443")
        #expect(ovn.state.current.config == ["ovn-encap-ip": "10.1.0.2"])
        let calls = order.calls.current
        #expect(calls.last == "LXD" && Set(calls.dropLast()) == ["MicroCeph", "MicroOVN"], "\(calls)")
    }

    @Test func aServiceThatRefusesTheJoinIsNamedWithTheMemberInItsOwnWords() async throws {
        let order = CallOrder()
        let ceph = FakeMicrocluster(member: "micro02"), ovn = FakeMicrocluster(member: "micro02")
        ceph.state.withLock { $0.members = ["micro02"] }
        let error = await #expect(throws: LXDError.self) {
            try await joiner(order, ceph: ceph, ovn: ovn).join(services: [ServiceJoin(service: .microceph, token: "t")],
                                                              progress: { _ in })
        }
        #expect(error?.description == "MicroCeph on micro02: POST /core/control failed (500): Unable to initialize cluster: Database is online")
        #expect(!order.calls.current.contains("LXD"))
    }

    @Test func aTokenForAServiceThatIsNotInstalledIsRefusedByName() async throws {
        let lxd = LocalLXDJoiner(name: "micro02", address: "10.0.0.2",
                                 lxd: LXDClient(transport: RecordingLXD(order: CallOrder()), name: "LXD on micro02"),
                                 fetchCertificate: { _ in ("", "") })
        let joiner = ServicesJoiner(name: "micro02", address: "10.0.0.2", microcluster: [:], lxd: lxd)
        let error = await #expect(throws: BootstrapError.self) {
            try await joiner.join(services: [ServiceJoin(service: .microceph, token: "t")], progress: { _ in })
        }
        #expect("\(error!)".contains("MicroCeph is not installed on micro02"))
    }
}
