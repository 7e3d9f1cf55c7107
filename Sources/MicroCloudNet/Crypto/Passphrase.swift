#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Session passphrases: four words drawn with the CSPRNG from the project's wordlist (`assets/wordlist`).
public enum Passphrase {
    public static let wordCount = 4

    /// One word per line; blank lines and `#` comments are skipped, words are lowercased.
    public static func loadWordlist(_ path: String) throws -> [String] {
        let text = try SecureFiles.readText(path)
        let words = text.split(whereSeparator: \.isNewline)
            .map { trimmed($0).lowercased() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !words.isEmpty else { throw CryptoError("wordlist \(path) has no words") }
        if let bad = words.first(where: { $0.contains(where: \.isWhitespace) }) {
            throw CryptoError("wordlist \(path): \"\(bad)\" has whitespace inside; put one word per line")
        }
        return words
    }

    /// `count` words, each drawn uniformly and independently, joined by single spaces.
    public static func generate(from words: [String], count: Int = wordCount) -> String {
        precondition(!words.isEmpty, "Passphrase.generate needs a non-empty wordlist")
        return (0..<count).map { _ in words[uniformIndex(below: words.count)] }.joined(separator: " ")
    }

    /// What a joiner typed, in the form the HMAC key is derived from: whitespace-separated tokens, exactly
    /// four, lowercased, joined by one space. nil when the count is wrong. Words are not checked against the list.
    public static func normalise(_ input: String) -> String? {
        let tokens = input.split(whereSeparator: \.isWhitespace)
        guard tokens.count == wordCount else { return nil }
        return tokens.map { $0.lowercased() }.joined(separator: " ")
    }

    /// Wordlist entries starting with `prefix` (the word being typed), in list order; empty prefix → none.
    /// With the project's list, three letters pick at most one word.
    public static func completions(for prefix: String, in words: [String]) -> [String] {
        let p = prefix.lowercased()
        guard !p.isEmpty else { return [] }
        return words.filter { $0.hasPrefix(p) }
    }

    private static func trimmed(_ s: Substring) -> String {
        String(s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Rejection sampling: the lowest 2^32 mod n draws are redrawn, so what is left is whole blocks of n values
    /// and `r % n` favours no index.
    static func uniformIndex(below bound: Int) -> Int {
        precondition(bound > 0 && bound <= Int(UInt32.max))
        let n = UInt32(bound)
        let threshold = (0 &- n) % n  // 2^32 mod n: the size of the biased tail at the bottom
        while true {
            let r = Crypto.randomBytes(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            if r >= threshold { return Int(r % n) }
        }
    }
}
