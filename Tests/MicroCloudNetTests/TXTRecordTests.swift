import Foundation
import Testing
@testable import MicroCloudNet

@Suite struct TXTRecordTests {
    let sample = ServiceAnnouncement(name: "micro01", address: "10.0.0.11", port: 9443,
                                     shortFingerprint: "abcdef012345", version: "0.1.0", state: "ready")

    @Test func roundTrip() {
        let txt = TXTRecord.encode(sample)
        #expect(txt.contains("name=micro01"))
        #expect(txt.contains("fingerprint=abcdef012345"))
        #expect(TXTRecord.decode(txt, port: 9443) == sample)
        #expect(TXTRecord.problems(with: sample).isEmpty)
    }

    @Test(arguments: ServiceAnnouncement.knownStates)
    func everyStateRoundTrips(state: String) {
        var a = sample
        a.state = state
        #expect(TXTRecord.decode(TXTRecord.encode(a), port: a.port)?.state == state)
    }

    @Test(arguments: ["name", "address", "fingerprint", "version", "state"])
    func missingKeyIsNilWithReason(key: String) {
        let txt = TXTRecord.encode(sample).filter { !$0.hasPrefix(key + "=") }
        #expect(TXTRecord.decode(txt, port: 9443) == nil)
        #expect(throws: TXTRecordError.missingKey(key)) { try TXTRecord.parse(txt, port: 9443) }
    }

    @Test func emptyValueAndBadPortAreRejected() {
        let txt = TXTRecord.encode(sample).map { $0.hasPrefix("address=") ? "address=" : $0 }
        #expect(throws: TXTRecordError.emptyValue("address")) { try TXTRecord.parse(txt, port: 9443) }
        #expect(throws: TXTRecordError.badPort(0)) { try TXTRecord.parse(TXTRecord.encode(sample), port: 0) }
    }

    /// An older initiator's `salt` entry (or a forged one) is an unknown key: a joiner reads the salt from the
    /// initiator itself.
    @Test func aSaltEntryChangesNothing() {
        #expect(!TXTRecord.encode(sample).contains { $0.hasPrefix("salt=") })
        for bad in ["salt=0f0f", "salt=" + String(repeating: "0f", count: JoinSignature.saltLength)] {
            #expect(TXTRecord.decode(TXTRecord.encode(sample) + [bad], port: 9443) == sample)
        }
    }

    @Test func unknownKeysAndOddEntriesAreIgnored() {
        let txt = ["future=thing", "flag", "=novalue"] + TXTRecord.encode(sample) + ["NAME=shadowed", "extra=1"]
        #expect(TXTRecord.decode(txt, port: 9443) == sample)
    }

    @Test func keysAreCaseInsensitiveAndFirstWins() {
        let txt = TXTRecord.encode(sample).map { $0.hasPrefix("state=") ? "STATE=session" : $0 } + ["state=ready"]
        #expect(TXTRecord.decode(txt, port: 9443)?.state == "session")
    }

    @Test func valuesMayContainEquals() {
        var a = sample
        a.version = "1.0=beta"
        #expect(TXTRecord.decode(TXTRecord.encode(a), port: 9443)?.version == "1.0=beta")
    }

    @Test func longValuesStayWithin255Bytes() {
        var a = sample
        a.name = String(repeating: "é", count: 200)  // 400 bytes of UTF-8
        let txt = TXTRecord.encode(a)
        #expect(txt.allSatisfy { $0.utf8.count <= 255 })
        let nameEntry = txt.first { $0.hasPrefix("name=") } ?? ""
        #expect(nameEntry.utf8.count >= 254)  // cut at a character boundary, not shorter than needed
        #expect(nameEntry.dropFirst(5).allSatisfy { $0 == "é" })
        #expect(TXTRecord.problems(with: a).contains { $0.hasPrefix("name is 400 bytes") })
    }

    @Test func exactly255BytesIsAllowedAnd256IsNot() {
        var a = sample
        a.name = String(repeating: "n", count: 250)  // "name=" + 250 = 255
        #expect(TXTRecord.problems(with: a).isEmpty)
        #expect(TXTRecord.decode(TXTRecord.encode(a), port: 9443)?.name == a.name)
        let tooLong = TXTRecord.encode(sample).map { $0.hasPrefix("name=") ? "name=" + String(repeating: "n", count: 251) : $0 }
        #expect(throws: TXTRecordError.missingKey("name")) { try TXTRecord.parse(tooLong, port: 9443) }
    }

    @Test func codableRoundTripForMessages() throws {
        let data = try JSONEncoder().encode(sample)
        #expect(try JSONDecoder().decode(ServiceAnnouncement.self, from: data) == sample)
    }

    @Test func sequenceIsAnOptionalEntryOlderBrowsersIgnore() {
        let txt = TXTRecord.encode(sample, sequence: 1_796_186_409_154)
        #expect(TXTRecord.sequence(txt) == 1_796_186_409_154)
        #expect(TXTRecord.decode(txt, port: 9443) == sample)
        #expect(TXTRecord.sequence(TXTRecord.encode(sample)) == nil)
        #expect(TXTRecord.sequence(TXTRecord.encode(sample) + ["seq=soon"]) == nil)
    }
}
