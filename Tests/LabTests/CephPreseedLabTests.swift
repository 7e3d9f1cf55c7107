import Foundation
import Testing

/// `microcloud preseed` with distributed storage on the lab's 3 servers: the product drives the lab's MicroCeph
/// (real Ceph 16.2 behind MicroCeph's API), and the operator's checks run in the servers' namespaces.
extension LabSuite {
    @Suite("Ceph by preseed: MicroCeph, OSDs and LXD's remote pool on real Ceph",
           .enabled(if: MicroCephAPI.unavailableReason == nil, Comment(rawValue: MicroCephAPI.unavailableReason ?? "")))
    struct CephPreseed {
        /// A lab of 3 whose servers have MicroCeph (`MCLAB_MICROCEPH=1`: microcloudd is given the lab MicroCeph's socket).
        static func withMicroCeph(_ body: ([LabServer]) throws -> Void) throws {
            setenv("MCLAB_MICROCEPH", "1", 1)
            defer { unsetenv("MCLAB_MICROCEPH") }
            try Lab.with(servers: 3, body)
        }

        /// The lab's preseed (`Preseed.file`: the local pool on disk1 of each server) with disk2 and disk3 of every
        /// server for Ceph, wiped, plus `extra` top-level keys.
        static func file(_ servers: [LabServer], wipe: Bool = true, extra: String = "") -> String {
            Preseed.file(servers: servers, passphrase: "lab ceph preseed words")
                + "\n  ceph:\n    - find: serial == disk2.img || serial == disk3.img\n      wipe: \(wipe)\n" + extra
        }

        /// Runs the preseed everywhere, checks every server got through it and prints how long that took.
        static func run(_ servers: [LabServer], _ yaml: String, setbacks: Bool = false) throws -> String {
            let clock = ContinuousClock()
            let start = clock.now
            defer { print("ceph preseed: the run took \(clock.now - start)") }
            return try Preseed.runFormingCloud(servers, yaml: yaml, setbacks: setbacks)
        }

        /// `ceph status` as JSON, once 3 monitors are in quorum and `osds` OSDs are up and in (or 120 s passed).
        static func cephStatus(osds: Int) throws -> [String: Any] {
            try CephCLI.waitStatus(2, seconds: 120) {
                let map = $0["osdmap"] as? [String: Any]
                return ($0["quorum_names"] as? [String])?.count == 3
                    && map?["num_up_osds"] as? Int == osds && map?["num_in_osds"] as? Int == osds
            }
        }

        /// What an operator checks after the run: monitors, OSDs, pool sizes, LXD's pools and the default profile.
        static func expectCephCloud(_ servers: [LabServer], osds: Int) throws {
            let status = try cephStatus(osds: osds)
            #expect(status["quorum_names"] as? [String] == servers.map(\.name), "3 monitors in quorum: \(status["quorum_names"] ?? "")")
            let map = status["osdmap"] as? [String: Any] ?? [:]
            #expect(map["num_osds"] as? Int == osds && map["num_up_osds"] as? Int == osds && map["num_in_osds"] as? Int == osds,
                    "\(osds) OSDs up and in: \(map)")
            let health = (status["health"] as? [String: Any])?["status"] as? String ?? "?"
            print("ceph health after the run: \(health)\n\(try Lab.exec(1, "ceph", "health", "detail").stdout)")
            #expect(health != "HEALTH_ERR")
            let pools = try CephCLI.run(3, ["osd", "pool", "ls", "detail"]) as? [[String: Any]] ?? []
            let sizes = pools.map { "\($0["pool_name"] ?? "?")=\($0["size"] ?? "?")" }
            print("ceph pools: \(sizes)")
            #expect(pools.contains { $0["pool_name"] as? String == "lxd_remote" }, "LXD's pool exists in Ceph: \(sizes)")
            #expect(pools.allSatisfy { $0["size"] as? Int == 3 }, "every pool at size 3: \(sizes)")

            let lxdPools = try Lab.exec(2, "lxc", "storage", "list", "--format", "csv").stdout
            print("lxc storage list:\n\(lxdPools)")
            let rows = lxdPools.split(separator: "\n")
            #expect(rows.contains { $0.hasPrefix("local,btrfs,") && $0.hasSuffix(",CREATED") }, "local:\n\(lxdPools)")
            #expect(rows.contains { $0.hasPrefix("remote,ceph,") && $0.hasSuffix(",CREATED") }, "remote:\n\(lxdPools)")
            let profile = try Lab.exec(3, "lxc", "profile", "show", "default").stdout
            #expect(profile.contains("pool: remote") && profile.contains("path: /"), "the root disk is on remote:\n\(profile)")
        }

        /// One event of the run, as the initiator's `bootstrap.log` records it (JSON lines).
        struct LoggedEvent {
            let step: String
            let event: String
            let message: String
            let elapsed: Double?
            let time: Date
        }

        static func bootstrapLog(_ initiator: LabServer) throws -> [LoggedEvent] {
            let text = try String(contentsOfFile: initiator.stateDir + "/bootstrap.log", encoding: .utf8)
            let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            return try text.split(separator: "\n").map { line in
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                let time = o["time"] as? String ?? ""
                return LoggedEvent(step: o["step"] as? String ?? "", event: o["event"] as? String ?? "",
                                   message: (o["message"] ?? o["reason"]) as? String ?? "", elapsed: o["elapsed"] as? Double,
                                   time: (try? iso.parse(time)) ?? (try? Date.ISO8601FormatStyle().parse(time)) ?? .distantPast)
            }
        }

        /// Each planned disk's events, in the order they were logged, by "member path".
        static func diskEvents(_ log: [LoggedEvent], _ servers: [LabServer]) -> [String: [LoggedEvent]] {
            var out: [String: [LoggedEvent]] = [:]
            for s in servers {
                for path in s.disks.dropFirst() {
                    out["\(s.name) \(path)"] = log.filter { $0.step == "microceph.disk.\(s.name).\(path)" }
                }
            }
            return out
        }

        /// The OSDs the cluster lists (`GET /1.0/disks` on MicroCeph), as "member device" → OSD number. MicroCeph
        /// records each under the disk's stable path (the lab's /dev/disk/by-id link, as setStablePath in microceph's
        /// ceph/osd.go does), so each record must be such a link, and is keyed by the loop device it names.
        static func clusterOSDs(_ servers: [LabServer]) throws -> [String: Int] {
            let socket = servers[0].directory + "/microceph/control.socket"
            let disks = try MicroCephAPI.query(1, socket: socket, "GET", "/1.0/disks").metadata as? [[String: Any]] ?? []
            return Dictionary(disks.compactMap { d in
                guard let m = d["location"] as? String, let p = d["path"] as? String, let n = d["osd"] as? Int else { return nil }
                #expect(p.hasPrefix("/dev/disk/by-id/"), "osd.\(n) on \(m) recorded under its stable path: \(p)")
                return ("\(m) \(URL(fileURLWithPath: p).resolvingSymlinksInPath().path)", n)
            }, uniquingKeysWith: { a, _ in a })
        }

        /// A disk's events came in order (queued, started, wiping and adding, waiting until up and in, the OSD listed by the
        /// cluster, succeeded), at non-decreasing times; returns the OSD number the run confirmed.
        static func expectInOrder(_ key: String, _ events: [LoggedEvent], wipe: Bool = true) -> Int? {
            let kinds = events.map { $0.event == "progress" ? $0.message : $0.event }
            #expect(kinds.count == 6 && kinds.first == "queued" && kinds[1] == "started" && kinds.last == "succeeded"
                    && kinds[2] == (wipe ? "wiping and adding" : "adding") && kinds[3] == "waiting until up and in"
                    && kinds[4].hasPrefix("osd.") && kinds[4].hasSuffix(" listed by the cluster"),
                    "\(key): events in order: \(kinds)")
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time }, "\(key): times in order")
            return events.first { $0.message.hasSuffix(" listed by the cluster") }
                .flatMap { Int($0.message.dropFirst(4).prefix { $0.isNumber }) }
        }

        /// The Ceph phase's wall time (first disk started to last disk finished) and the sum of its disks' times.
        static func phaseFigures(_ events: [String: [LoggedEvent]]) -> (wall: Double, sum: Double) {
            let starts = events.values.compactMap { $0.first { $0.event == "started" }?.time }
            let ends = events.values.compactMap { $0.last { ["succeeded", "failed"].contains($0.event) }?.time }
            let sum = events.values.compactMap { e -> Double? in
                guard let s = e.first(where: { $0.event == "started" })?.time,
                      let f = e.last(where: { ["succeeded", "failed"].contains($0.event) })?.time else { return nil }
                return f.timeIntervalSince(s)
            }.reduce(0, +)
            guard let first = starts.min(), let last = ends.max() else { return (0, sum) }
            return (last.timeIntervalSince(first), sum)
        }

        @Test("3 servers, a local disk and 2 Ceph disks each: 3 mons in quorum, 6 OSDs up and in, pools at size 3, local and remote, root on remote, per-disk events in order and confirmed")
        func sixOSDs() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Self.withMicroCeph { servers in
                let output = try Self.run(servers, Self.file(servers))
                try Self.expectCephCloud(servers, osds: 6)

                // One line per disk in the preseed output, each with its time; a server's second disk waits for its
                // turn (MicroCeph adds one disk at a time per server) and says so.
                for s in servers {
                    for path in s.disks.dropFirst() {
                        #expect(output.contains("Ceph disk \(path) on \(s.name): up and in after "), "\(s.name) \(path)'s line:\n\(output)")
                    }
                    #expect(output.contains("Ceph disk \(s.disks[2]) on \(s.name): waiting for its turn"), "\(s.name)'s second disk:\n\(output)")
                }
                // Each disk's events in order, and the OSD the run confirmed is the one the cluster lists for it.
                let events = Self.diskEvents(try Self.bootstrapLog(servers[0]), servers)
                let osds = try Self.clusterOSDs(servers)
                #expect(osds.count == 6, "GET /1.0/disks: \(osds)")
                // A server's second disk starts once its first has finished: its time is its own, not the queue's.
                for s in servers {
                    let first = events["\(s.name) \(s.disks[1])"]?.last { $0.event == "succeeded" }?.time
                    let second = events["\(s.name) \(s.disks[2])"]?.first { $0.event == "started" }?.time
                    #expect(first != nil && second != nil && first! <= second!, "\(s.name): \(s.disks[2]) started before \(s.disks[1]) finished")
                }
                for (key, list) in events.sorted(by: { $0.key < $1.key }) {
                    let confirmed = Self.expectInOrder(key, list)
                    #expect(confirmed != nil && confirmed == osds[key], "\(key): the run confirmed osd.\(confirmed ?? -1), the cluster lists \(osds[key] ?? -1)")
                    let seconds = list.last?.elapsed.map { String(format: "%.1f s", $0) } ?? "?"
                    print("ceph preseed: \(key) up and in after \(seconds)")
                }
                let hosts = try CephCLI.osdsPerHost(1)
                #expect(hosts == Dictionary(uniqueKeysWithValues: servers.map { ($0.name, 2) }), "OSDs per crush host: \(hosts)")
                // Disks that are OSDs now are not offered again: micro02's inventory marks each with its OSD.
                let inventory = try ControlSocket.request(servers[1].stateDir + "/control.socket", "GET", "/1.0/inventory")
                let listed = inventory.envelope["disks"] as? [[String: Any]] ?? []
                for (i, path) in servers[1].disks.enumerated() {
                    let disk = listed.first { $0["id"] as? String == (path as NSString).lastPathComponent }
                    let osd = disk?["microcloud_ceph_osd"] as? Int
                    #expect(osd == (i == 0 ? nil : osds["micro02 \(path)"]), "micro02's inventory for \(path): \(disk ?? [:])")
                }
                let figures = Self.phaseFigures(events)
                print(String(format: "ceph preseed: Ceph phase wall time %.1f s, sum of its 6 disks' times %.1f s", figures.wall, figures.sum))
                let status = try Lab.exec(2, "microcloud", "status").stdout
                print("microcloud status:\n\(status)")
            }
        }

        @Test("a disk that holds a file system, without wipe, and CephFS asked: the disk reported with its server and what to do, the other 5 OSDs up, remote-fs a setback with LXD's reason and its definitions removed; the advised fix makes the CephFS volume active")
        func failingDiskAndCephFS() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Self.withMicroCeph { servers in
                // micro03's disk3 was used before: it holds a file system, and the preseed does not ask to wipe.
                let used = servers[2].disks[2]
                try Lab.exec(3, "mkfs.ext4", "-q", "-F", used)
                let output = try Self.run(servers, Self.file(servers, wipe: false, extra: "ceph:\n  cephfs: true\n"), setbacks: true)
                try Self.expectCephCloud(servers, osds: 5)

                // The disk: its own line with the server, MicroCeph's words, and the summary's what to do. MicroCeph
                // names the disk by the stable path it turned it into (setStablePath before its checks, ceph/osd.go).
                let stable = try #require(MicroCephAPI.stableLink(used), "the lab's /dev/disk/by-id link for \(used)")
                let refusal = "data device \(stable) is not pristine (contains data) - use --wipe to override"
                #expect(output.contains("Ceph disk \(used) on micro03: failed after "), "the disk's line:\n\(output)")
                #expect(output.contains("Not done: Add Ceph disk \(used) on micro03: MicroCeph on micro03: POST /1.0/disks (\(used)) failed: \(refusal)"),
                        "the summary names the server, the disk and MicroCeph's words:\n\(output)")
                #expect(output.contains("What to do: \(used) on micro03 holds data. If it may be erased, add it with `microceph disk add \(used) --wipe` on micro03"),
                        "what to do:\n\(output)")
                let events = Self.diskEvents(try Self.bootstrapLog(servers[0]), servers)
                let osds = try Self.clusterOSDs(servers)
                #expect(osds.count == 5 && osds["micro03 \(used)"] == nil, "GET /1.0/disks: \(osds)")
                for (key, list) in events.sorted(by: { $0.key < $1.key }) where key != "micro03 \(used)" {
                    let confirmed = Self.expectInOrder(key, list, wipe: false)
                    #expect(confirmed != nil && confirmed == osds[key], "\(key): confirmed osd.\(confirmed ?? -1), listed \(osds[key] ?? -1)")
                }
                let failed = events["micro03 \(used)"]?.map(\.event) ?? []
                #expect(failed == ["progress", "started", "progress", "failed"], "the failed disk's events: \(failed)")

                // remote-fs: a setback with LXD's reason, its pending definitions removed, the rest left working.
                let pools = try Lab.exec(1, "lxc", "storage", "list", "--format", "csv").stdout
                #expect(!pools.contains("remote-fs"), "remote-fs's definitions are removed:\n\(pools)")
                let setback = output.split(separator: "\n").first { $0.contains("Not done: Create storage pool remote-fs: ") } ?? ""
                #expect(setback.contains("its pending definitions were removed"), "remote-fs's setback:\n\(output)")
                let extensions = try Lab.lxdQuery(1, "/1.0") as? [String: Any]
                let canCreate = (extensions?["api_extensions"] as? [String])?.contains("storage_cephfs_create_missing") == true
                print("ceph preseed: LXD has storage_cephfs_create_missing: \(canCreate)\nremote-fs: \(setback)")
                let setbacks = canCreate ? "1 setback:" : "2 setbacks:"
                #expect(output.contains("MicroCloud is ready with \(setbacks) 3 members."), "the headline counts them:\n\(output)")
                if !canCreate {
                    #expect(setback.contains("this LXD cannot create a CephFS volume"), "LXD's reason:\n\(setback)")
                    #expect(output.contains("What to do: Create the volume with `ceph fs volume create lxd_cephfs`"), "the fix:\n\(output)")
                    // The operator follows the advice: the volume, then remote-fs by hand, where this kernel stops LXD.
                    try Lab.exec(1, "ceph", "fs", "volume", "create", "lxd_cephfs")
                }
                let status = try CephCLI.waitStatus(2, seconds: 120) { status in
                    ((status["fsmap"] as? [String: Any])?["by_rank"] as? [[String: Any]])?.first?["status"] as? String == "up:active"
                }
                let filesystems = try CephCLI.run(3, ["fs", "ls"]) as? [[String: Any]] ?? []
                #expect(filesystems.compactMap { $0["name"] as? String } == ["lxd_cephfs"], "ceph fs ls: \(filesystems)")
                #expect(((status["fsmap"] as? [String: Any])?["by_rank"] as? [[String: Any]])?.first?["status"] as? String == "up:active",
                        "the CephFS volume is active: \(status["fsmap"] ?? "")")
                for s in servers {
                    try Lab.exec(1, "lxc", "storage", "create", "remote-fs", "cephfs", "source=lxd_cephfs", "--target", s.name)
                }
                let mount = try Command.run([Lab.script, "exec", "1", "lxc", "storage", "create", "remote-fs", "cephfs"], environment: Lab.knobs)
                print("ceph preseed: remote-fs by hand, this kernel: \(mount.stdout)\(mount.stderr)")
                #expect(mount.succeeded || mount.stderr.contains("no such device"), "\(mount.failureDescription)")
                // Everything before it still works: the cloud as listed, the default profile on remote.
                try Self.expectCephCloud(servers, osds: 5)
            }
        }
    }
}
