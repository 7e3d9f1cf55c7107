import Foundation
import Testing
@testable import MicroCloudNet

@Suite struct PassphraseTests {
    /// The committed wordlist, found from this file's path (tests run from the package root or elsewhere).
    static let wordlistPath: String = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("assets/wordlist").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "assets/wordlist"
    }()

    @Test func projectWordlistHasTheAdvertisedShape() throws {
        let words = try Passphrase.loadWordlist(Self.wordlistPath)
        #expect(words.count == 2048)
        #expect(Set(words).count == 2048)
        #expect(Set(words.map { $0.prefix(3) }).count == 2048, "first three letters must pick one word")
        #expect(words.allSatisfy { (3...6).contains($0.count) && $0.allSatisfy { ("a"..."z").contains($0) } })
    }

    @Test func generateDrawsFourListWords() throws {
        let words = try Passphrase.loadWordlist(Self.wordlistPath)
        let known = Set(words)
        var seen = Set<String>()
        for _ in 0..<50 {
            let phrase = Passphrase.generate(from: words)
            let parts = phrase.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            #expect(parts.count == 4)
            #expect(parts.allSatisfy(known.contains))
            #expect(Passphrase.normalise(phrase) == phrase)
            seen.insert(phrase)
        }
        #expect(seen.count > 45, "50 draws of 44 bits should essentially never repeat")
    }

    @Test func generateHonoursCountAndSmallLists() {
        #expect(Passphrase.generate(from: ["a"]) == "a a a a")
        #expect(Passphrase.generate(from: ["x", "y"], count: 6).split(separator: " ").count == 6)
    }

    @Test func uniformIndexCoversEveryIndex() {
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<300 { counts[Passphrase.uniformIndex(below: 3)] += 1 }
        #expect(counts.allSatisfy { $0 > 0 })
    }

    @Test(arguments: [
        ("abbey amaze brain cobble", "abbey amaze brain cobble"),
        ("  Abbey   AMAZE\tbrain\ncobble  ", "abbey amaze brain cobble"),
        ("notinlist words are fine", "notinlist words are fine"),
    ])
    func normaliseAcceptsFourTokens(input: String, expected: String) {
        #expect(Passphrase.normalise(input) == expected)
    }

    @Test(arguments: ["", "   ", "one two three", "one two three four five", "a\tb"])
    func normaliseRejectsOtherCounts(input: String) {
        #expect(Passphrase.normalise(input) == nil)
    }

    @Test func completionsAfterThreeLettersAreUnambiguous() throws {
        let words = try Passphrase.loadWordlist(Self.wordlistPath)
        #expect(Passphrase.completions(for: "", in: words).isEmpty)
        #expect(Passphrase.completions(for: "a", in: words).count > 1)
        for word in words.prefix(200) {
            #expect(Passphrase.completions(for: String(word.prefix(3)), in: words) == [word])
            #expect(Passphrase.completions(for: word.uppercased(), in: words) == [word])
        }
        #expect(Passphrase.completions(for: "qqq", in: words).isEmpty)
    }

    @Test func loadWordlistSkipsBlanksAndRejectsEmptyFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good").path
        try "# comment\nApple\n\n  pear \n".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try Passphrase.loadWordlist(good) == ["apple", "pear"])
        let empty = dir.appendingPathComponent("empty").path
        try "\n# nothing\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(throws: CryptoError.self) { try Passphrase.loadWordlist(empty) }
        #expect(throws: CryptoError.self) { try Passphrase.loadWordlist(dir.appendingPathComponent("missing").path) }
    }
}
