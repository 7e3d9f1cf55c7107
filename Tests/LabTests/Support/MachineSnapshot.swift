import Foundation

/// The parts of the machine the lab touches, as a person would list them before and after:
/// `ip netns list`, `ip route` (blackholes included), `losetup -a`, bridges and other links,
/// mounts, and processes that belong to the lab.
///
/// Only lines that name something of this lab are kept (its namespace prefix, bridges, subnet,
/// folder, and the /run/netns mount): anything the lab leaves behind carries one of those, and
/// other people's namespaces on a shared machine do not make the comparison flaky.
struct MachineSnapshot: Equatable {
    var namespaces: [String]
    var routes: [String]
    var loopDevices: [String]
    var links: [String]
    var bridges: [String]
    var mounts: [String]
    var labProcesses: [String]

    static func take() throws -> MachineSnapshot {
        MachineSnapshot(
            namespaces: try lines("ip", "netns", "list").filter(concernsLab),
            routes: try (lines("ip", "-4", "route", "show", "table", "all")
                + lines("ip", "-6", "route", "show", "table", "all")).filter(concernsLab),
            loopDevices: try lines("losetup", "-a").filter(concernsLab),
            links: try lines("ip", "-o", "link", "show").map(linkName).filter(concernsLab),
            bridges: try lines("ip", "-o", "link", "show", "type", "bridge").map(linkName).filter(concernsLab),
            mounts: mountPoints().filter(concernsLab),
            labProcesses: labProcessesRunning())
    }

    /// What changed, one readable line per difference.
    func differences(from before: MachineSnapshot) -> [String] {
        var out: [String] = []
        func compare(_ what: String, _ old: [String], _ new: [String]) {
            let added = Set(new).subtracting(old).sorted(), removed = Set(old).subtracting(new).sorted()
            if !added.isEmpty { out.append("\(what) added: \(added)") }
            if !removed.isEmpty { out.append("\(what) removed: \(removed)") }
        }
        compare("namespaces", before.namespaces, namespaces)
        compare("routes", before.routes, routes)
        compare("loop devices", before.loopDevices, loopDevices)
        compare("links", before.links, links)
        compare("bridges", before.bridges, bridges)
        compare("mounts", before.mounts, mounts)
        compare("lab processes", before.labProcesses, labProcesses)
        return out
    }

    /// Whether a line names something of this lab.
    static func concernsLab(_ line: String) -> Bool {
        if line.contains(Lab.base + "/") || line.contains(Lab.net + ".") || line.hasPrefix("/run/netns ") {
            return true
        }
        if Lab.bridges.contains(where: { line.contains($0) }) { return true }
        var rest = Substring(line)
        while let found = rest.range(of: Lab.nsPrefix) {  // "mcl" followed by a digit: mcl1, mcl2-e ...
            rest = rest[found.upperBound...]
            if rest.first?.isNumber == true { return true }
        }
        return false
    }

    private static func lines(_ arguments: String...) throws -> [String] {
        try Command.check(arguments).stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// "4: mclbr0: <BROADCAST,...>" -> "mclbr0" ("eth0@if9" -> "eth0").
    private static func linkName(_ line: String) -> String {
        let fields = line.split(separator: ":", maxSplits: 2)
        guard fields.count > 1 else { return line }
        let name = fields[1].trimmingCharacters(in: .whitespaces)
        return String(name.split(separator: "@").first ?? Substring(name))
    }

    /// Mount point, filesystem type and source of every mount in this (the root) mount namespace.
    private static func mountPoints() -> [String] {
        let info = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").map { line in
            let halves = line.components(separatedBy: " - ")
            let left = halves[0].split(separator: " "), right = halves.count > 1 ? halves[1].split(separator: " ") : []
            let point = left.count > 4 ? String(left[4]) : "?"
            return ([point] + right.prefix(2).map(String.init)).joined(separator: " ")
        }.sorted()
    }

    /// Processes that carry the lab's tag or its paths: after `down` there must be none.
    private static func labProcessesRunning() -> [String] {
        let tag = Data("MCLAB_LAB=\(Lab.base)".utf8), path = Data("\(Lab.base)/".utf8)  // whole entry: not /tmp/mclab-x
        let me = String(getpid())
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?
            .filter { $0.allSatisfy(\.isNumber) && $0 != me } ?? []
        return pids.compactMap { pid -> String? in
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            let tagged = environ.split(separator: 0).contains { Data($0) == tag }
            guard tagged || cmdline.range(of: path) != nil else { return nil }
            let command = String(decoding: cmdline.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return "\(pid) \(command)"
        }.sorted()
    }
}
