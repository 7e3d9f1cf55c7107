// swift-tools-version:6.0
// Fuzz targets (libFuzzer) for the code that reads what others send: a package of its own, so the project's
// `swift build` and `scripts/test` never build them. `scripts/fuzz` builds and runs them (seeds in ../Corpus);
// see docs/reliability.md. (Its directory's name is its identity: one a checkout is unlikely to have.)
import Foundation
import PackageDescription

// A path dependency is known by its directory's name, which is the checkout's (main, a worktree, CI's clone).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let microcloud = repository.lastPathComponent.lowercased()

let package = Package(
    name: "microcloud-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: repository.path),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        // YAML text → Preseed.parse → validate → resolve against three servers → plan → YAML again.
        .executableTarget(name: "FuzzPreseed", dependencies: [
            "CFuzzerDriver",
            .product(name: "MicroCloudKit", package: microcloud),
        ]),
        // A `POST /1.0/session/join`'s Authorization header and body → signature check → intent → certificate → services.
        .executableTarget(name: "FuzzJoinIntent", dependencies: [
            "CFuzzerDriver",
            .product(name: "MicroCloudDaemon", package: microcloud),
            .product(name: "MicroCloudNet", package: microcloud),
            .product(name: "MicroCloudKit", package: microcloud),
        ]),
        // Bytes on a peer API connection → the server's HTTP pipeline with the daemon's body limits → a handler.
        .executableTarget(name: "FuzzPeerRequest", dependencies: [
            "CFuzzerDriver",
            .product(name: "MicroCloudDaemon", package: microcloud),
            .product(name: "MicroCloudNet", package: microcloud),
            .product(name: "MicroCloudKit", package: microcloud),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
    ]
)
