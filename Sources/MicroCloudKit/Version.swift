/// The one place the version is kept: `microcloud --version`, `microcloudd --version`, what the daemon reports to its
/// peers, and the Debian package's version (scripts/package reads it from the built binary).
public enum MicroCloudVersion {
    public static let current = "0.1.0"
}
