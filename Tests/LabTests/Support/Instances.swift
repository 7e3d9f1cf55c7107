import Foundation
import Testing

/// Instances of the lab's busybox image (`scripts/lab image`) on a formed cloud, driven from the first member.
enum Instances {
    static let image = "lab-busybox"

    static func name(_ server: LabServer) -> String { "c-\(server.name)" }

    /// Launches one instance per member (`--target`, root disk on `pool`, NIC from the default profile) and waits
    /// until each has an IPv4 address from DHCP; returns name → address ("" where none came in time).
    static func launchOnEveryMember(_ servers: [LabServer], pool: String, seconds: Double = 60) throws -> [String: String] {
        for server in servers { try launch(name(server), on: server, pool: pool) }
        let names = Set(servers.map(name))
        var addresses: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(seconds)
        repeat {
            addresses = try self.addresses().filter { names.contains($0.key) }
            if addresses.count == names.count && addresses.values.allSatisfy({ !$0.isEmpty }) { break }
            usleep(500_000)
        } while ContinuousClock.now < deadline
        let list = try Lab.exec(1, "lxc", "list", "-c", "nsL4").stdout
        print("lxc list on \(servers[0].name):\n\(list)")
        for n in names.sorted() {
            #expect(addresses[n].map { !$0.isEmpty } == true, "\(n) got an address from DHCP within \(Int(seconds)) s:\n\(list)")
        }
        return addresses
    }

    /// `lxc launch`, once more after a failure: LXD gives `ovn-nbctl --wait=sb` 10 s, which a loaded 2-core CI
    /// machine can miss ("signal: alarm clock"); the first failure is printed, a second one fails the test.
    static func launch(_ instance: String, on server: LabServer, pool: String) throws {
        let arguments = ["lxc", "launch", image, instance, "--target", server.name, "-s", pool]
        let first = try Command.run([Lab.script, "exec", "1"] + arguments, environment: Lab.knobs)
        guard !first.succeeded else { return }
        print("lxc launch \(instance) failed once, trying again: \(first.stderr)")
        _ = try? Command.run([Lab.script, "exec", "1", "lxc", "delete", "--force", instance], environment: Lab.knobs)
        try Command.check([Lab.script, "exec", "1"] + arguments, environment: Lab.knobs)
    }

    /// Each instance's first IPv4 address on eth0, as `lxc list` reports it.
    static func addresses() throws -> [String: String] {
        let csv = try Lab.exec(1, "lxc", "list", "--format", "csv", "-c", "n4").stdout
        var result: [String: String] = [:]
        for line in csv.split(separator: "\n") {
            let fields = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2 else { continue }
            let address = fields[1].replacingOccurrences(of: "\"", with: "").split(separator: " ").first.map(String.init) ?? ""
            result[String(fields[0])] = address
        }
        return result
    }

    struct Ping {
        let ok: Bool
        let output: String
        /// busybox ping's statistics lines, e.g. "3 packets transmitted, 3 packets received, 0% packet loss".
        var summary: String {
            output.split(separator: "\n").filter { $0.contains("packets transmitted") || $0.contains("round-trip") }
                .joined(separator: "; ")
        }
    }

    /// `ping -c 3` from inside instance `from` (run through the first member's LXD, which forwards to its member).
    static func ping(from: String, _ target: String) -> Ping {
        let result = try? Command.run([Lab.script, "exec", "1", "lxc", "exec", from, "--", "ping", "-c", "3", "-W", "3", target],
                                      environment: Lab.knobs)
        return Ping(ok: result?.status == 0, output: (result?.stdout ?? "") + (result?.stderr ?? ""))
    }
}
