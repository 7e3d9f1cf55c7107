import Foundation
@_spi(Fuzzing) import FuzzInputs
import Testing

/// Every seed of the fuzz corpus (Tests/Fuzz/Corpus, issue 10's reproducers among them) through what its fuzz target
/// runs (FuzzInput), without libFuzzer or an instrumented build: each ends with an answer or a clear refusal, never
/// a trap or a broken outcome, so a seed that once crashed the product stays fixed by scripts/test.
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    /// The seeds of one target, by file name.
    static func seeds(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let dir = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map { name in
            (name, Array(try Data(contentsOf: dir.appendingPathComponent(name))))
        }
    }

    static func check(_ outcomes: [(name: String, outcome: FuzzOutcome)]) {
        for (name, outcome) in outcomes {
            switch outcome {
            case .accepted: break
            case .refused(let why): #expect(!why.isEmpty, "\(name): a refusal says why")
            case .broken(let why): Issue.record("\(name): \(why)")
            }
        }
    }

    static func outcome(_ outcomes: [(name: String, outcome: FuzzOutcome)], _ name: String) -> FuzzOutcome? {
        outcomes.first { $0.name == name }?.outcome
    }

    @Test func preseedSeeds() throws {
        let seeds = try Self.seeds("preseed")
        #expect(seeds.count >= 21)
        let outcomes: [(name: String, outcome: FuzzOutcome)] = seeds.map { ($0.name, FuzzInput.preseed($0.bytes)) }
        Self.check(outcomes)
        // Reproducers 6 and 7 are refused with their reason; the example files make a plan.
        for name in ["repro6-find-max-base60.yaml", "repro6-lookup-timeout-base60.yaml", "repro6-session-timeout-base60.yaml"] {
            guard case .refused(let why) = Self.outcome(outcomes, name) else { Issue.record("\(name) is refused"); continue }
            #expect(why.contains("base 60"), "\(name): \(why)")
        }
        guard case .refused(let why) = Self.outcome(outcomes, "repro7-alias-key-bomb.yaml") else {
            Issue.record("the alias bomb is refused"); return
        }
        #expect(why.contains("alias"), "\(why)")
        let plans = outcomes.filter { if case .accepted = $0.outcome { true } else { false } }.map(\.name)
        print("preseed seeds that make a plan: \(plans)")
        #expect(!plans.isEmpty, "some seed goes all the way to a plan and back to YAML")
    }

    @Test func joinIntentSeeds() throws {
        let seeds = try Self.seeds("join-intent")
        #expect(seeds.count >= 18)
        let outcomes: [(name: String, outcome: FuzzOutcome)] = seeds.map { ($0.name, FuzzInput.joinIntent($0.bytes)) }
        Self.check(outcomes)
        #expect(Self.outcome(outcomes, "valid-signed.txt") == .accepted("intent from micro02"))
        for name in ["altered-after-signing.txt", "wrong-passphrase.txt", "no-header.txt", "signed-bad-name.txt",
                     "signed-other-address.txt", "signed-other-certificate.txt", "signed-nested.txt"] {
            guard case .refused = Self.outcome(outcomes, name) else { Issue.record("\(name) is refused"); continue }
        }
        guard case .refused(let name) = Self.outcome(outcomes, "signed-bad-name.txt"),
              case .refused(let address) = Self.outcome(outcomes, "signed-other-address.txt") else { return }
        #expect(name.contains("is not a valid member name"), "\(name)")
        #expect(address.contains("gives the address 10.0.0.66, but it came from 10.0.0.12"), "\(address)")
    }

    @Test func peerRequestSeeds() async throws {
        let seeds = try Self.seeds("peer-request")
        #expect(seeds.count >= 24)
        // One server for all of them, as the fuzz target (and the daemon) has: a budget one leaks shows in the next.
        let server = FuzzInput.peerServer()
        var outcomes: [(name: String, outcome: FuzzOutcome)] = []
        for seed in seeds { outcomes.append((seed.name, await FuzzInput.peerRequest(seed.bytes, on: server))) }
        Self.check(outcomes)
        guard case .accepted = Self.outcome(outcomes, "get-1.0.http") else { Issue.record("GET /1.0 is answered"); return }
        guard case .accepted = Self.outcome(outcomes, "query-empty-key.http") else {
            Issue.record("?= is answered (it trapped before HTTPRequestQueryTests' fix)"); return
        }
    }
}
