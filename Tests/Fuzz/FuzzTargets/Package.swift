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
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        // Each target hands one input to FuzzInputs (Tests/Fuzz/Inputs, a library of the project's package, which
        // FuzzCorpusTests also runs on the seeds); see FuzzInput for what each one runs.
        // YAML text → Preseed.parse → validate → resolve against three servers → plan → YAML again.
        .executableTarget(name: "FuzzPreseed", dependencies: [
            "CFuzzerDriver", .product(name: "FuzzInputs", package: microcloud),
        ]),
        // A `POST /1.0/session/join`'s Authorization header and body → signature check → intent → certificate,
        // name and address → services.
        .executableTarget(name: "FuzzJoinIntent", dependencies: [
            "CFuzzerDriver", .product(name: "FuzzInputs", package: microcloud),
        ]),
        // Bytes on a peer API connection → the server's HTTP pipeline with the daemon's body limits → a handler.
        .executableTarget(name: "FuzzPeerRequest", dependencies: [
            "CFuzzerDriver", .product(name: "FuzzInputs", package: microcloud),
        ]),
    ]
)
