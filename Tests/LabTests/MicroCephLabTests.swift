import Foundation
import Testing

/// The lab's MicroCeph: requests replayed as upstream's client builds them, outcomes asserted in real Ceph.
extension LabSuite {
    @Suite("lab MicroCeph", .enabled(if: MicroCephAPI.unavailableReason == nil,
                                     Comment(rawValue: MicroCephAPI.unavailableReason ?? "")))
    struct MicroCephLab {
        /// What `scripts/lab status --json` says about a server's MicroCeph.
        struct Member: Decodable {
            let name: String
            let address: String
            let subnet: String
            let disks: [String]
            let microcephSocket: String
        }

        static func members() throws -> [Member] {
            let result = try Lab.run("status", "--json")
            return try JSONDecoder().decode([Member].self, from: Data(result.stdout.utf8))
        }

        static func query(_ member: Int, _ members: [Member], _ method: String, _ path: String,
                          body: String? = nil) throws -> MicroCephAPI.Reply {
            try MicroCephAPI.query(member, socket: members[member - 1].microcephSocket, method, path, body: body)
        }

        /// Times `body` and prints the figure (a measurement, not an assertion).
        static func timed<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
            let clock = ContinuousClock()
            let start = clock.now
            let value = try body()
            print("microceph: \(label): \(clock.now - start)")
            return value
        }

        @Test("3 servers bootstrap and join, 2 OSDs each, pools at size 3, MicroCeph's disk errors, CephFS active, LXD's view")
        func cluster() throws {
            try Lab.with(servers: 3) { _ in
                let m = try Self.members()
                #expect(m.allSatisfy { $0.microcephSocket.hasSuffix("/microceph/control.socket") })
                try Self.formCluster(m)
                try Self.addDisks(m)
                try Self.sizePools(m)
                try Self.diskErrors(m)
                try Self.coreEndpoints(m)
                try Self.cephFS(m)
                try Self.removeMember(m)
            }
        }

        /// POST /core/control: bootstrap on server 1, then joins with tokens from server 1, one after the other.
        static func formCluster(_ m: [Member]) throws {
            let before = try query(1, m, "GET", "/core/1.0/cluster")
            #expect(before.status == 503 && before.error == "Database is not yet initialized", "\(before)")
            let info = try query(1, m, "GET", "/core/1.0")
            #expect((info.metadata as? [String: Any])?["ready"] as? Bool == false, "\(info)")

            let subnet = m[0].subnet
            let boot = try timed("bootstrap on \(m[0].name)") {
                try query(1, m, "POST", "/core/control", body: MicroCephAPI.bootstrap(
                    name: m[0].name, address: "\(m[0].address):7443", config: ["ClusterNet": subnet, "PublicNet": subnet]))
            }
            #expect(boot.isSync, "\(boot)")
            let again = try query(1, m, "POST", "/core/control", body: MicroCephAPI.bootstrap(
                name: m[0].name, address: "\(m[0].address):7443", config: [:]))
            #expect(again.status == 500 && again.error == "Unable to initialize cluster: Database is online", "\(again)")

            for i in 2...3 {
                let token = try query(1, m, "POST", "/core/control/tokens", body: MicroCephAPI.tokenRequest(name: m[i - 1].name))
                let secret = try #require(token.metadata as? String, "\(token)")
                let decoded = try #require(Data(base64Encoded: secret).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
                #expect((decoded["join_addresses"] as? [String])?.contains("\(m[0].address):7443") == true, "\(decoded)")
                let join = try timed("join of \(m[i - 1].name)") {
                    try query(i, m, "POST", "/core/control", body: MicroCephAPI.join(
                        name: m[i - 1].name, address: "\(m[i - 1].address):7443", token: secret))
                }
                #expect(join.isSync, "\(join)")
            }
            let status = try CephCLI.waitStatus(2, seconds: 60) { ($0["quorum_names"] as? [String])?.count == 3 }
            #expect(status["quorum_names"] as? [String] == m.map(\.name), "3 monitors in quorum: \(status)")
        }

        /// POST /1.0/disks, one request per disk, all 6 at once (each server takes its two in turn).
        static func addDisks(_ m: [Member]) throws {
            let clock = ContinuousClock()
            let start = clock.now
            let requests = try m.enumerated().flatMap { i, member in
                try member.disks.dropFirst().map { disk in
                    (member.name, disk, try Background(
                        [Lab.script, "exec", String(i + 1), "curl", "-sS", "--max-time", "600", "--unix-socket",
                         member.microcephSocket, "-X", "POST", "-w", "\n%{http_code}", "--data-binary",
                         MicroCephAPI.disksPost(path: disk, wipe: false), "http://microceph/1.0/disks"],
                        tag: "disk-\(member.name)"))
                }
            }
            for (name, disk, request) in requests {
                #expect(request.wait() == 0, "\(request.output)")
                let reply = try MicroCephAPI.decode(Command.read(request.stdout))
                let report = (reply.metadata as? [String: Any])?["report"] as? [[String: Any]]
                #expect(report?.count == 1 && report?.first?["report"] as? String == "Success", "\(name) \(disk): \(reply)")
                print("microceph: OSD on \(name) \(disk) answered after \(clock.now - start)")
            }
            print("microceph: 6 OSDs added in \(clock.now - start) (all requests at once)")

            let status = try CephCLI.waitStatus(3, seconds: 120) {
                let osds = $0["osdmap"] as? [String: Any]
                return osds?["num_up_osds"] as? Int == 6 && osds?["num_in_osds"] as? Int == 6
            }
            let osdmap = status["osdmap"] as? [String: Any]
            #expect(osdmap?["num_osds"] as? Int == 6 && osdmap?["num_up_osds"] as? Int == 6
                    && osdmap?["num_in_osds"] as? Int == 6, "6 OSDs up and in: \(osdmap ?? [:])")
            print("microceph: 6 OSDs up and in after \(clock.now - start)")

            // Each OSD sits under its own server's crush host, and MicroCeph lists it under its stable path: the
            // lab's /dev/disk/by-id link to the loop device sent (setStablePath in microceph's ceph/osd.go).
            let hosts = try CephCLI.osdsPerHost(1)
            #expect(hosts == Dictionary(uniqueKeysWithValues: m.map { ($0.name, 2) }), "OSDs per crush host: \(hosts)")
            let disks = try query(2, m, "GET", "/1.0/disks").metadata as? [[String: Any]] ?? []
            for member in m {
                let paths = disks.filter { $0["location"] as? String == member.name }.compactMap { $0["path"] as? String }
                #expect(paths.allSatisfy { $0.hasPrefix("/dev/disk/by-id/") }, "GET /1.0/disks for \(member.name): \(disks)")
                #expect(Set(paths.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }) == Set(member.disks.dropFirst()),
                        "GET /1.0/disks for \(member.name): \(disks)")
            }
        }

        /// MicroCloud's replication step: GET /1.0/pools, then PUT /1.0/pools-op for its pools below min(OSDs, 3).
        static func sizePools(_ m: [Member]) throws {
            // A pool made while fewer OSDs existed (as LXD's `remote` pool is on a cluster that grows).
            try Lab.exec(1, "ceph", "osd", "pool", "create", "lxd_remote", "16")
            try Lab.exec(1, "ceph", "osd", "pool", "application", "enable", "lxd_remote", "rbd")
            try Lab.exec(1, "ceph", "osd", "pool", "set", "lxd_remote", "size", "2")
            let pools = try query(1, m, "GET", "/1.0/pools").metadata as? [[String: Any]] ?? []
            let target = min((try query(1, m, "GET", "/1.0/disks").metadata as? [Any])?.count ?? 0, 3)
            let small = pools.filter { MicroCephAPI.microCloudPools.contains($0["pool"] as? String ?? "")
                && ($0["size"] as? Int ?? 0) < target }.compactMap { $0["pool"] as? String }
            #expect(small == ["lxd_remote"], "pools below size \(target): \(pools)")
            let put = try timed("pools-op") {
                try query(2, m, "PUT", "/1.0/pools-op", body: MicroCephAPI.poolPut(pools: small.isEmpty ? [""] : small, size: target))
            }
            #expect(put.isSync, "\(put)")
            let detail = try CephCLI.run(3, ["osd", "pool", "ls", "detail"]) as? [[String: Any]] ?? []
            #expect(!detail.isEmpty && detail.allSatisfy { $0["size"] as? Int == 3 },
                    "every pool at size 3: \(detail.map { "\($0["pool_name"] ?? "?")=\($0["size"] ?? "?")" })")
            let size = try Lab.exec(2, "ceph", "config", "get", "mon", "osd_pool_default_size").stdout
            #expect(size.trimmingCharacters(in: .whitespacesAndNewlines) == "3")

            // LXD's ceph driver takes the pool (pool-level work is userspace); a volume needs `rbd map`,
            // which this kernel lacks (no CONFIG_BLK_DEV_RBD): LXD's message says so.
            try timed("lxc storage create remote ceph") {
                try Lab.exec(1, "lxc", "storage", "create", "remote", "ceph", "ceph.osd.pool_name=lxd_remote")
            }
            let lxdPools = try Lab.exec(1, "lxc", "storage", "list", "--format", "csv").stdout
            #expect(lxdPools.contains("remote,ceph,") && lxdPools.contains("CREATED"), "lxc storage list:\n\(lxdPools)")
            let volume = try Command.run([Lab.script, "exec", "1", "lxc", "storage", "volume", "create", "remote", "v1",
                                          "size=64MiB"], environment: Lab.knobs)
            #expect(!volume.succeeded && volume.stderr.contains("rbd: map failed"), "\(volume.failureDescription)")
            print("microceph: LXD volume on remote, this kernel: \(volume.stderr.split(separator: "\n").last ?? "")")
        }

        /// A disk that is already an OSD, busy (the local pool's), wrong, or to be encrypted here: MicroCeph's text.
        static func diskErrors(_ m: [Member]) throws {
            func add(_ i: Int, _ path: String, wipe: Bool, encrypt: Bool = false) throws -> String {
                let reply = try query(i, m, "POST", "/1.0/disks", body: MicroCephAPI.disksPost(path: path, wipe: wipe, encrypt: encrypt))
                #expect(reply.isSync, "\(reply)")
                let report = ((reply.metadata as? [String: Any])?["report"] as? [[String: Any]])?.first
                #expect(report?["report"] as? String == "Failure" && report?["path"] as? String == path, "\(reply)")
                return report?["error"] as? String ?? ""
            }
            let osd = m[0].disks[1]
            #expect(try add(1, osd, wipe: true) == "failed to record disk: This \"disks\" entry already exists")

            let local = m[1].disks[0]
            try Lab.exec(2, "lxc", "storage", "create", "local", "btrfs", "source=\(local)")
            // MicroCeph names the disk by the stable path it turned it into (setStablePath first: ceph/osd.go).
            let stable = try #require(MicroCephAPI.stableLink(local), "the lab's /dev/disk/by-id link for \(local)")
            #expect(try add(2, local, wipe: false) == "data device \(stable) is not pristine (contains data) - use --wipe to override")
            #expect(try add(2, local, wipe: true)
                    == "failed to prepare data device: device \(stable) is currently mounted and cannot be used - aborting")

            let wrong = "/dev/disk/by-id/no-such-disk"
            #expect(try add(3, wrong, wipe: false) == "failed to set stable disk path: invalid disk path: \(wrong)")

            let encrypted = try add(3, m[2].disks[0], wipe: true, encrypt: true)
            #expect(encrypted.hasPrefix("failed to prepare data device: encryption unsupported on this machine: "), "\(encrypted)")
            print("microceph: encrypt on this kernel: \(encrypted)")

            let osdmap = (try CephCLI.run(1, ["status"]) as? [String: Any])?["osdmap"] as? [String: Any]
            #expect(osdmap?["num_osds"] as? Int == 6, "failed additions leave no OSD behind: \(osdmap ?? [:])")
        }

        /// Members, tokens, services and configs as MicroCloud reads them.
        static func coreEndpoints(_ m: [Member]) throws {
            let members = try query(3, m, "GET", "/core/1.0/cluster").metadata as? [[String: Any]] ?? []
            #expect(members.compactMap { $0["name"] as? String } == m.map(\.name), "\(members)")
            #expect(members.allSatisfy { $0["status"] as? String == "ONLINE" }, "\(members)")
            #expect(members.compactMap { $0["address"] as? String } == m.map { "\($0.address):7443" })

            let issued = try query(2, m, "POST", "/core/control/tokens", body: MicroCephAPI.tokenRequest(name: "micro09"))
            #expect(issued.isSync, "\(issued)")
            let listed = try query(1, m, "GET", "/core/control/tokens").metadata as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["name"] as? String } == ["micro09"], "\(listed)")
            #expect(try query(3, m, "DELETE", "/core/1.0/tokens/micro09").isSync)
            let gone = try query(3, m, "DELETE", "/core/1.0/tokens/micro09")
            #expect(gone.status == 404, "\(gone)")

            let services = try query(1, m, "GET", "/1.0/services").metadata as? [[String: Any]] ?? []
            for kind in ["mon", "mgr", "mds", "osd"] {
                let places = Set(services.filter { $0["service"] as? String == kind }.compactMap { $0["location"] as? String })
                #expect(places == Set(m.map(\.name)), "\(kind) on every server: \(services)")
            }
            let configs = try query(2, m, "GET", "/1.0/configs", body: MicroCephAPI.configQuery).metadata as? [[String: Any]] ?? []
            let values = Dictionary(uniqueKeysWithValues: configs.compactMap { c in
                (c["key"] as? String).map { ($0, c["value"] as? String ?? "") } })
            #expect(values["public_network"] == m[0].subnet && values["cluster_network"] == m[0].subnet, "\(configs)")
            let remote = try query(1, m, "GET", "/1.0/disks?target=\(m[2].name)")
            #expect(remote.isSync && (remote.metadata as? [Any])?.count == 6, "?target= runs on that member: \(remote)")
        }

        /// DELETE /core/1.0/cluster/{name}: refused while the member holds OSDs, done with force=1
        /// (`microcloud remove --force`): its daemons stop and its monitor leaves the monmap.
        static func removeMember(_ m: [Member]) throws {
            let refused = try query(1, m, "DELETE", "/core/1.0/cluster/\(m[2].name)")
            #expect(refused.status == 500 && refused.error == "Node \(m[2].name) still has disks configured, remove before proceeding",
                    "\(refused)")
            let removed = try timed("forced removal of \(m[2].name)") {
                try query(1, m, "DELETE", "/core/1.0/cluster/\(m[2].name)?force=1")
            }
            #expect(removed.isSync, "\(removed)")
            let members = try query(2, m, "GET", "/core/1.0/cluster").metadata as? [[String: Any]] ?? []
            #expect(members.compactMap { $0["name"] as? String } == [m[0].name, m[1].name], "\(members)")
            let status = try CephCLI.waitStatus(1, seconds: 60) { ($0["quorum_names"] as? [String])?.count == 2 }
            #expect(status["quorum_names"] as? [String] == [m[0].name, m[1].name], "2 monitors left: \(status["quorum_names"] ?? "")")
            let left = try query(3, m, "GET", "/core/1.0/cluster")
            #expect(left.status == 503, "the removed member forgot the cluster: \(left)")
        }

        /// CephFS as LXD's `remote-fs` asks for it: a volume served by one of MicroCeph's MDS daemons.
        static func cephFS(_ m: [Member]) throws {
            // `fs volume` is the mgr's volumes module: it answers once a mgr is active
            let mgr = try CephCLI.waitStatus(1, seconds: 120) { ($0["mgrmap"] as? [String: Any])?["available"] as? Bool == true }
            #expect((mgr["mgrmap"] as? [String: Any])?["available"] as? Bool == true, "an active mgr: \(mgr["mgrmap"] ?? "")")
            try timed("ceph fs volume create") { try Lab.exec(1, "ceph", "fs", "volume", "create", "lxd_cephfs") }
            let status = try CephCLI.waitStatus(2, seconds: 90) { status in
                let fsmap = status["fsmap"] as? [String: Any]
                return (fsmap?["up"] as? Int ?? 0) >= 1 && (fsmap?["by_rank"] as? [[String: Any]])?.first?["status"] as? String == "up:active"
            }
            let filesystems = try CephCLI.run(3, ["fs", "ls"]) as? [[String: Any]] ?? []
            #expect(filesystems.compactMap { $0["name"] as? String } == ["lxd_cephfs"], "ceph fs ls: \(filesystems)")
            let rank = ((status["fsmap"] as? [String: Any])?["by_rank"] as? [[String: Any]])?.first
            #expect(rank?["status"] as? String == "up:active", "the CephFS volume is active: \(status["fsmap"] ?? "")")
            // LXD's cephfs driver mounts with the kernel client, which this kernel lacks (no CONFIG_CEPH_FS).
            let mount = try Command.run([Lab.script, "exec", "1", "lxc", "storage", "create", "remote-fs", "cephfs",
                                         "source=lxd_cephfs"], environment: Lab.knobs)
            #expect(!mount.succeeded && mount.stderr.contains("using \"ceph\": no such device"), "\(mount.failureDescription)")
            print("microceph: LXD remote-fs, this kernel: \(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            let health = ((status["health"] as? [String: Any])?["status"] as? String) ?? "?"
            print("microceph: health at the end: \(health): \(try Lab.exec(1, "ceph", "health", "detail").stdout)")
            #expect(health != "HEALTH_ERR")
        }
    }
}
