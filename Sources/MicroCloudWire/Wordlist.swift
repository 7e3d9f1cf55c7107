import FoundationEssentials
import MicroCloudKit
import MicroCloudNet

/// The passphrase wordlist that ships beside the binaries (assets/wordlist).
public enum Wordlist {
    private static let cache = Locked<[String]?>(nil)

    public static func shared() throws -> [String] {
        if let words = cache.current { return words }
        guard let path = locate() else {
            throw DaemonError("Passphrase wordlist not found; set MICROCLOUD_WORDLIST or install assets/wordlist")
        }
        let words = try Passphrase.loadWordlist(path)
        cache.set(words)
        return words
    }

    /// $MICROCLOUD_WORDLIST, then <prefix>/share/microcloud/wordlist, then assets/wordlist above the executable.
    public static func locate() -> String? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["MICROCLOUD_WORDLIST"], fm.fileExists(atPath: env) { return env }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        let share = dir.deletingLastPathComponent().appendingPathComponent("share/microcloud/wordlist").path
        if fm.fileExists(atPath: share) { return share }
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("assets/wordlist").path
            if fm.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for fixed in ["/usr/share/microcloud/wordlist", fm.currentDirectoryPath + "/assets/wordlist"] where fm.fileExists(atPath: fixed) {
            return fixed
        }
        return nil
    }
}
