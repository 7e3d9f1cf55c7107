import Testing
@testable import MicroCloudKit
import PreseedYAML

/// Issue 10, reproducers 6 and 7 and the 50 MB file: preseeds that crashed, hung or exhausted the reader are now
/// refused with a message that names the key and the fix. (The same files run through the real CLI in
/// LabTests' HostilePreseedTests, where a crash or hang shows as an exit signal or a timeout.)
@Suite struct PreseedHostileTests {
    static let base = "initiator: micro01\nsystems:\n- name: micro01\n"

    func refusal(_ yaml: String) throws -> PreseedError {
        do {
            _ = try Preseed.parse(yaml)
        } catch let error as PreseedError {
            return error
        }
        Issue.record("parsed without an error")
        throw PreseedError("parsed")
    }

    /// Reproducer 6: YAML 1.1 base-60 integers overflowed inside Yams' constructor (SIGILL).
    @Test(arguments: [("lookup_timeout: 1:0:0:0:0:0:0:0:0:0:0\n", "lookup_timeout"),
                      ("session_timeout: 153722867280912931:0\n", "session_timeout"),
                      ("storage:\n  local:\n  - find: type == nvme\n    find_max: 153722867280912931:0\n",
                       "storage.local[0].find_max")])
    func sexagesimalNumbersAreRefusedNamingTheKey(_ line: String, _ key: String) throws {
        let error = try refusal(Self.base + line)
        #expect(error.field == key)
        #expect(error.message.contains("\(key) must be a whole number such as 60"))
        #expect(error.message.contains("base 60"))
        #expect(error.line != nil)
    }

    @Test func numbersBeyondTheIntegerRangeAreRefused() throws {
        let error = try refusal(Self.base + "lookup_timeout: 99999999999999999999\n")
        #expect(error.field == "lookup_timeout")
        #expect(error.message.contains("out of range"))
        let negative = try refusal(Self.base + "session_timeout: -0x8000000000000001\n")
        #expect(negative.message.contains("out of range"))
    }

    @Test func plainNumbersAndBooleansStillRead() throws {
        let yaml = Self.base + "lookup_timeout: 1_200\nsession_timeout: 0x258\nceph:\n  cephfs: yes\n"
        let (p, _) = try Preseed.parse(yaml)
        #expect(p.lookupTimeout == 1200 && p.sessionTimeout == 600 && p.ceph?.cephfs == true)
        #expect(PreseedScalar.wholeNumber("-9223372036854775808", "k") == .success(Int.min))
        #expect(PreseedScalar.wholeNumber("12ab", "k") == .failure(PreseedError(field: "k",
            "k must be a whole number, not \"12ab\".")))
    }

    /// Reproducer 7: an alias used as a key made Yams hash the whole aliased tree (~7x per level; never ended).
    @Test func aliasBombIsRefusedBeforeYamsBuildsTheTree() throws {
        var yaml = "l0: &l0 [x]\n"
        for i in 1...9 { yaml += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "? *l9\n: x\n"
        let error = try refusal(yaml)
        #expect(error.message.contains("more than \(PreseedLimits.maxValues) values once the alias *l4 is expanded"))
        #expect(error.message.contains("write the values out"))
        #expect(error.field?.hasPrefix("l5[") == true)
    }

    @Test func anAliasAsAKeyIsRefused() throws {
        let error = try refusal("a: &a [x]\nsystems:\n  ? *a\n  : y\n")
        #expect(error.field == "systems")
        #expect(error.message.contains("systems uses the alias *a as a key"))
        #expect(error.line == 3)
        let list = try refusal("systems:\n  [a, b]: c\n")
        #expect(list.message.contains("systems has a list as a key"))
    }

    @Test func aFewAliasesAsValuesStillWork() throws {
        let yaml = "initiator: micro01\nsystems:\n- name: micro01\n  storage:\n    local: &d {path: /dev/sdb, wipe: true}\n"
            + "- name: micro02\n  storage:\n    local: *d\n"
        let (p, _) = try Preseed.parse(yaml)
        #expect(p.systems.map { $0.storage?.local?.path } == ["/dev/sdb", "/dev/sdb"])
    }

    /// "A valid 50 MB preseed takes 100 s and 1.9 GB": anything over the limit is refused before parsing.
    @Test func anOversizedFileIsRefusedWithTheLimit() throws {
        let system = "- name: micro01\n  address: 10.0.0.1\n"
        let yaml = "initiator: micro01\nsystems:\n" + String(repeating: system, count: PreseedLimits.maxBytes / system.utf8.count + 1)
        let error = try refusal(yaml)
        #expect(error.message.contains("the limit is \(PreseedLimits.maxBytes) bytes"))
        #expect(error.message.contains("storage filters"))
    }
}
