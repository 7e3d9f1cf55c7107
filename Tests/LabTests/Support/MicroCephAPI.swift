import Foundation

/// The lab's MicroCeph (scripts/lib/microceph) driven through its control socket with curl, inside the
/// server's namespaces, with request bodies built the way upstream's Go client encodes them
/// (canonical/microcluster's `types.Control` and `TokenRequest`, canonical/microceph's `types.DisksPost`,
/// `types.PoolPut`, `types.Config`: every field, Go's zero values included).
enum MicroCephAPI {
    /// Ceph's daemons and librados's Python binding are installed (scripts/setup installs them).
    static let unavailableReason: String? = {
        for tool in ["ceph-mon", "ceph-mgr", "ceph-osd", "ceph-mds", "ceph", "curl"] where !Lab.onPath(tool) {
            return "the lab's MicroCeph needs `\(tool)`, which is not installed: run scripts/setup"
        }
        if (try? Command.run(["/usr/bin/python3", "-c", "import rados"]).succeeded) != true {
            return "the lab's MicroCeph needs python3-rados: run scripts/setup"
        }
        return nil
    }()

    /// One decoded reply: the HTTP status and microcluster's envelope.
    struct Reply: CustomStringConvertible {
        let status: Int
        let envelope: [String: Any]

        var metadata: Any? { envelope["metadata"] }
        var error: String { envelope["error"] as? String ?? "" }
        var isSync: Bool { envelope["type"] as? String == "sync" && envelope["status_code"] as? Int == 200 }
        var description: String { "HTTP \(status) \(envelope)" }
    }

    struct BadReply: Error, CustomStringConvertible {
        let description: String
    }

    /// `METHOD path` on server `index`'s socket; `body` is sent as is (nil: no body, as Go sends nil).
    static func query(_ index: Int, socket: String, _ method: String, _ path: String, body: String? = nil) throws -> Reply {
        var arguments = ["curl", "-sS", "--max-time", "600", "--unix-socket", socket, "-X", method,
                         "-H", "Content-Type: application/json", "-w", "\n%{http_code}"]
        if let body { arguments += ["--data-binary", body] }
        arguments.append("http://microceph\(path)")
        let result = try Command.check([Lab.script, "exec", String(index)] + arguments, environment: Lab.knobs)
        return try decode(result.stdout)
    }

    static func decode(_ output: String) throws -> Reply {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let code = lines.last.flatMap({ Int($0) }),
              let json = try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8)),
              let envelope = json as? [String: Any]
        else { throw BadReply(description: "not a microcluster reply: \(output)") }
        return Reply(status: code, envelope: envelope)
    }

    static func json(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: bodies as upstream's client encodes them

    /// microcluster `types.Control` for a bootstrap (MicroCloud: config keys only when set).
    static func bootstrap(name: String, address: String, config: [String: String]) -> String {
        json(["bootstrap": true, "config": config, "join_token": "", "address": address, "name": name] as [String: Any])
    }

    /// microcluster `types.Control` for a join (MicroCloud passes a nil config for MicroCeph).
    static func join(name: String, address: String, token: String) -> String {
        json(["bootstrap": false, "config": NSNull(), "join_token": token, "address": address, "name": name] as [String: Any])
    }

    /// microcluster `types.TokenRequest`: MicroCloud's 1 hour, as Go's time.Duration (nanoseconds).
    static func tokenRequest(name: String) -> String {
        json(["name": name, "expire_after": 3_600_000_000_000] as [String: Any])
    }

    /// microceph `types.DisksPost` as MicroCloud sends it: one path per request.
    static func disksPost(path: String, wipe: Bool, encrypt: Bool = false) -> String {
        json(["path": [path], "wipe": wipe, "encrypt": encrypt, "waldev": NSNull(), "walwipe": false,
              "walencrypt": false, "dbdev": NSNull(), "dbwipe": false, "dbencrypt": false] as [String: Any])
    }

    /// microceph `types.PoolPut`.
    static func poolPut(pools: [String], size: Int) -> String {
        json(["pools": pools, "size": size] as [String: Any])
    }

    /// microceph `types.Config` with every field at Go's zero value (MicroCloud's ClusterConfig).
    static let configQuery = json(["key": "", "value": "", "wait": false, "skip_restart": false] as [String: Any])

    /// The pools MicroCloud sizes after adding OSDs (microcloud `main_init.go`).
    static let microCloudPools: Set<String> = [".mgr", "lxd_remote", "lxd_cephfs", "lxd_cephfs_data", "lxd_cephfs_meta"]

    /// The lab's /dev/disk/by-id link to `device` (what udev would make, and MicroCeph records).
    static func stableLink(_ device: String) -> String? {
        let folder = "/dev/disk/by-id"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }
            .first { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path == device }
    }
}

/// `ceph ... -f json` in a server's namespaces, decoded.
enum CephCLI {
    static func run(_ index: Int, _ arguments: [String]) throws -> Any {
        let result = try Command.check([Lab.script, "exec", String(index), "ceph", "--connect-timeout", "30"]
                                       + arguments + ["-f", "json"], environment: Lab.knobs)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: .fragmentsAllowed)
    }

    /// `ceph osd tree` on server `index`: how many OSDs each crush host (a server's name) holds.
    static func osdsPerHost(_ index: Int) throws -> [String: Int] {
        let nodes = (try run(index, ["osd", "tree"]) as? [String: Any])?["nodes"] as? [[String: Any]] ?? []
        return Dictionary(nodes.filter { $0["type"] as? String == "host" }.compactMap { node in
            (node["name"] as? String).map { ($0, (node["children"] as? [Int])?.count ?? 0) }
        }, uniquingKeysWith: { a, _ in a })
    }

    /// Polls `condition` on `ceph status` every half second for up to `seconds`; returns the last status.
    static func waitStatus(_ index: Int, seconds: Int, until condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var status: [String: Any] = [:]
        repeat {
            status = try run(index, ["status"]) as? [String: Any] ?? [:]
            if condition(status) { return status }
            usleep(500_000)
        } while ContinuousClock.now < deadline
        return status
    }
}
