import FoundationEssentials
import Testing
@testable import MicroCloudKit
import PreseedYAML

/// Preseed keys come from one table, a run validates once, and events and messages share one JSON encoding.
@Suite struct PreseedSpelledOnceTests {
    /// A file whose only problem is a warning (CephFS asked for, no Ceph disk given).
    static let yaml = """
        initiator: micro01
        lookup_subnet: 10.0.0.0/24
        session_passphrase: a b c d
        systems:
        - name: micro01
          storage:
            local:
              path: \(Fixture.path(1))
        ceph:
          cephfs: true
        """

    @Test func aRunValidatesOnceAndShowsEachWarningOnce() throws {
        let (preseed, _) = try Preseed.parse(Self.yaml)
        let checked = preseed.validated()
        #expect(checked.warnings.map(\.field) == ["ceph.cephfs"])
        // What the command printed already is not handed back by the resolution that follows.
        let (plan, after) = checked.resolve(inventories: Fixture.lab, localName: "micro01")
        #expect(plan != nil)
        #expect(!after.contains { $0.field == "ceph.cephfs" }, "\(after)")
        // Resolving a bare preseed (tests, fuzzing) still reports it, once.
        let all = preseed.resolve(inventories: Fixture.lab, localName: "micro01").issues
        #expect(all.filter { $0.field == "ceph.cephfs" }.count == 1)
    }

    @Test func everyKeyTheWriterWritesIsOneTheParserKnows() throws {
        let yaml = Fixture.labPlan.preseedYAML(passphrase: "a b c d")
        let (_, warnings) = try Preseed.parse(yaml)
        #expect(warnings == [])
        let written = Set(yaml.split(separator: "\n").compactMap { line -> String? in
            let text = String(line).trimming(" ").drop { $0 == "-" || $0 == " " }
            guard !text.hasPrefix("#"), let colon = text.firstIndex(of: ":") else { return nil }
            return String(text[..<colon])
        })
        let known = Set(PreseedKey.allCases.map(\.rawValue))
        #expect(written.subtracting(known).isEmpty, "\(written.subtracting(known))")
    }

    @Test func eventsAndMessagesShareOneEncodingThatKeepsSlashes() {
        let event = ProgressEvent(stepID: "lxd.pool.local", member: "micro01", title: "Create /dev/sdb",
                                  kind: .failed(message: "no /dev/sdb"), time: Date(timeIntervalSince1970: 0))
        #expect(event.jsonLine.contains("\"title\":\"Create /dev/sdb\""))
        #expect(JSONLine.message("warning", "disk /dev/sdb") == #"{"message":"disk /dev/sdb","type":"warning"}"#)
    }
}
