// swift-tools-version:6.0
import PackageDescription

// Arrows go one way: microcloud -> TUI / Client -> Wire -> Net -> Kit; microcloudd -> Daemon -> Wire -> Net -> Kit.
// The CLI never links the daemon's server side, nor the daemon the CLI's client half. The core (Kit) imports no C bridge and no NIO.
// How release executables are linked on Linux (measured on microcloudd idle, docs/benchmarks.md): lld packs the
// ~100,000 relative relocations of the position-independent binary into a few KiB (-z pack-relative-relocs, which
// glibc 2.36 reads), where 2.4 MiB of them were read at every start; and the symbol table stays unexported (the
// static Swift runtime's link file asks for -export-dynamic, which the dynamic linker then searched). Together
// 3.5 MiB less resident per process. Debug builds and the tests link as before.
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                 .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "microcloud",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "microcloud", targets: ["microcloud"]),
        .executable(name: "microcloudd", targets: ["microcloudd"]),
        // For the fuzz targets (Tests/Fuzz, a package of its own that depends on this one).
        .library(name: "MicroCloudKit", targets: ["MicroCloudKit"]),
        .library(name: "MicroCloudNet", targets: ["MicroCloudNet"]),
        .library(name: "MicroCloudWire", targets: ["MicroCloudWire"]),
        .library(name: "MicroCloudDaemon", targets: ["MicroCloudDaemon"]),
        .library(name: "FuzzInputs", targets: ["FuzzInputs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // No pkgConfig for ncursesw and avahi: their .pc files add -D flags, which SwiftPM rejects with a warning; the shim sets what it needs.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CAvahi", providers: [.apt(["libavahi-client-dev"])]),
        .systemLibrary(name: "CMalloc"),
        // The system OpenSSL's libcrypto (Debian's libssl3) for identity, HMAC and scrypt; no libssl: TLS is
        // swift-nio-ssl's BoringSSL, whose symbols all carry the CNIOBoringSSL_ prefix, so the two never clash.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // The core links FoundationEssentials only (no Foundation, ICU or Yams), and so does microcloudd: its resident
        // memory follows the code linked into it (docs/benchmarks.md).
        .target(name: "MicroCloudKit"),
        // Reading preseed YAML (Yams, which links Foundation): the CLI reads files, the daemon never does. Writing
        // YAML stays in the core, in pure Swift.
        .target(name: "PreseedYAML", dependencies: ["MicroCloudKit", .product(name: "Yams", package: "Yams")]),
        // Identity (P-256 key, self-signed certificate, fingerprint), HMAC and scrypt on the system OpenSSL
        // (COpenSSL), as the design card says; TLS on swift-nio-ssl.
        .target(name: "MicroCloudNet", dependencies: [
            "MicroCloudKit", "CAvahi", "COpenSSL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What crosses the daemon's sockets: the JSON bodies, the proxy paths, the error words. The daemon serves
        // them and the client sends them.
        .target(name: "MicroCloudWire", dependencies: ["MicroCloudNet", "MicroCloudKit"]),
        // The daemon's server side (microcloudd).
        .target(name: "MicroCloudDaemon", dependencies: [
            "MicroCloudWire", "MicroCloudNet", "MicroCloudKit", .product(name: "Logging", package: "swift-log"),
        ]),
        // The CLI's half: the control-socket client, the one initiator driver, the read-only status client.
        .target(name: "MicroCloudClient", dependencies: ["MicroCloudWire", "MicroCloudNet", "MicroCloudKit"]),
        .target(name: "MicroCloudTUI", dependencies: ["MicroCloudKit", "CNcursesw"]),
        .executableTarget(name: "microcloud", dependencies: [
            "MicroCloudTUI", "MicroCloudClient", "MicroCloudWire", "MicroCloudNet", "MicroCloudKit", "PreseedYAML",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: releaseLinking),
        .executableTarget(name: "microcloudd", dependencies: [
            "MicroCloudDaemon", "MicroCloudWire", "MicroCloudNet", "MicroCloudKit", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: releaseLinking),

        // Figures, not tests: scripts/bench runs it in release mode.
        .executableTarget(name: "microcloud-bench", dependencies: ["MicroCloudTUI", "MicroCloudKit"]),

        // What each fuzz target does with one input (Tests/Fuzz/Inputs): the fuzz package's targets call it, and
        // FuzzCorpusTests replays the seed corpus through it in scripts/test.
        .target(name: "FuzzInputs", dependencies: [
            "MicroCloudDaemon", "MicroCloudWire", "MicroCloudNet", "MicroCloudKit", "PreseedYAML",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ], path: "Tests/Fuzz/Inputs"),

        .testTarget(name: "MicroCloudKitTests", dependencies: [
            "MicroCloudKit", "PreseedYAML", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "MicroCloudNetTests", dependencies: ["MicroCloudNet", "MicroCloudKit"]),
        .testTarget(name: "MicroCloudDaemonTests", dependencies: [
            "MicroCloudDaemon", "MicroCloudClient", "MicroCloudWire", "MicroCloudNet", "MicroCloudKit",
        ]),
        .testTarget(name: "MicroCloudTUITests", dependencies: ["MicroCloudTUI", "MicroCloudKit", "PreseedYAML"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "LabTests", dependencies: ["MicroCloudKit"]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzInputs"]),
    ]
)
