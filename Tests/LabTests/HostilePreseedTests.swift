import Foundation
import Testing

/// Issue 10, reproducers 6 and 7 through the real CLI: `microcloud preseed --validate` on each hostile file must
/// exit 2 with a message, never die of a signal (the SIGILL of an overflow) or run past its budget (the alias
/// bomb). Needs no lab: --validate touches no network; coreutils `timeout` bounds each run.
@Suite struct HostilePreseedTests {
    static let budgetSeconds = 20

    static var aliasBomb: String {
        var yaml = "l0: &l0 [x]\n"
        for i in 1...9 { yaml += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        return yaml + "? *l9\n: x\n"
    }

    static let cases: [(name: String, yaml: String, says: String)] = [
        ("lookup_timeout", "initiator: micro01\nlookup_timeout: 1:0:0:0:0:0:0:0:0:0:0\nsystems:\n- name: micro01\n",
         "lookup_timeout must be a whole number"),
        ("session_timeout", "initiator: micro01\nsession_timeout: 153722867280912931:0\nsystems:\n- name: micro01\n",
         "session_timeout must be a whole number"),
        ("find_max", "initiator: micro01\nsystems:\n- name: micro01\nstorage:\n  local:\n  - find: type == nvme\n"
            + "    find_max: 153722867280912931:0\n", "storage.local[0].find_max must be a whole number"),
        ("alias bomb", aliasBomb, "write the values out"),
    ]

    @Test(arguments: cases.indices)
    func validateRefusesTheFileAndExits(_ index: Int) throws {
        let c = Self.cases[index]
        try #require(MicroCloudCLI.built, "build first: swift build")
        let file = Command.temporaryFile("preseed.yaml")
        try c.yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try Command.run(["timeout", "-s", "KILL", "\(Self.budgetSeconds)",
                                 MicroCloudCLI.path, "preseed", "--validate", "--file", file.path])
        #expect(r.status == 2, "\(c.name): \(r.failureDescription)")   // 137: hung past the budget; 132: SIGILL
        #expect((r.stdout + r.stderr).contains(c.says), "\(c.name): \(r.failureDescription)")
    }

    /// Issue 10, smaller finding: a byte that is not UTF-8 in a name was replaced silently; now the file is refused.
    @Test func aNameWithANonUTF8ByteIsRefusedNamingTheLine() throws {
        try #require(MicroCloudCLI.built, "build first: swift build")
        let file = Command.temporaryFile("preseed.yaml")
        try Data(Array("initiator: micro01\nsystems:\n- name: micro".utf8) + [0xFF] + Array("01\n".utf8)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try Command.run(["timeout", "-s", "KILL", "\(Self.budgetSeconds)",
                                 MicroCloudCLI.path, "preseed", "--validate", "--file", file.path])
        #expect(r.status != 0 && r.status < 128, "\(r.failureDescription)")
        #expect((r.stdout + r.stderr).contains("is not UTF-8 text: byte 41 (line 3)"), "\(r.failureDescription)")
    }

    /// Issue 20: a 600 MB preseed (file or stdin) was read whole before the 1 MiB check (1.87 GB peak). Now the
    /// reader stops one byte past the limit: refused at once, in flat memory (GNU time's peak resident size).
    @Test(arguments: ["--file /dev/zero", "< <(head -c 600000000 /dev/zero)"])
    func anEndlessOrHugePreseedIsRefusedInFlatMemory(_ source: String) throws {
        try #require(MicroCloudCLI.built, "build first: swift build")
        let r = try Command.run(["bash", "-c", "exec /usr/bin/time -f 'peak %M KB %e s' timeout -s KILL \(Self.budgetSeconds) "
                                 + "'\(MicroCloudCLI.path)' preseed --validate \(source)"])
        #expect(r.status == 2, "\(r.failureDescription)")
        #expect(r.stderr.contains("is over the limit of 1048576 bytes (1 MiB)"), "\(r.failureDescription)")
        let peakKB = r.stderr.split(separator: "\n").last { $0.hasPrefix("peak ") }?.split(separator: " ")[1]
        print("preseed \(source): \(r.stderr.split(separator: "\n").last ?? "")")
        #expect((Int(peakKB ?? "") ?? .max) < 50 << 10, "peak over 50 MB: \(r.failureDescription)")
    }
}