import Foundation
import Testing

/// A server whose MicroCeph is an older release: the lab's stand-in on micro02 plays MicroCeph reef on microcluster
/// before its `/cluster` → `/core` rename (`MCLAB_OLDER_RELEASE=micro02`). The preseed exits 2 naming the service,
/// the version found and the one needed, and nothing changes on any server.
extension LabSuite {
    @Suite("An older MicroCeph release is refused before anything changes",
           .enabled(if: MicroCephAPI.unavailableReason == nil, Comment(rawValue: MicroCephAPI.unavailableReason ?? "")))
    struct OlderRelease {
        static let words = "MicroCeph 18.2.4 on micro02 is an older release: it serves microcluster's /cluster/1.0 API, "
            + "not the /core/1.0 MicroCloud uses. MicroCloud needs MicroCeph 19.2 (Squid) or newer. Refresh MicroCeph "
            + "on micro02 (snap refresh microceph --channel squid/stable), or set up the cloud without it."

        @Test("a preseed exits 2 with the service, the version found and the one needed; LXD and MicroCeph stay as they were")
        func preseedRefusesAnOlderMicroCeph() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Self.withOlderMicroCeph { servers in
                // What the stand-in answers: /core/1.0 is unknown on micro02, /cluster/1.0 tells its version.
                let socket = servers[1].directory + "/microceph/control.socket"
                #expect(try MicroCephAPI.query(2, socket: socket, "GET", "/core/1.0").status == 404)
                let older = try MicroCephAPI.query(2, socket: socket, "GET", "/cluster/1.0")
                #expect((older.metadata as? [String: Any])?["version"] as? String == "18.2.4", "\(older)")

                let yaml = Preseed.file(servers: servers, passphrase: "lab older release words")
                    + "\n  ceph:\n    - find: serial == disk2.img\n      wipe: true\n"
                let results = try Preseed.runEverywhere(servers, yaml: yaml)
                for (server, r) in zip(servers, results) { print("--- preseed on \(server.name) (exit \(r.status))\n\(r.output)") }
                #expect(results[0].status == 2, "the initiator exits 2:\n\(results[0].output)")
                #expect(results[0].output.contains("Error: services: " + Self.words), "\(results[0].output)")
                #expect(results[0].output.contains("Nothing was changed."))
                for r in results.dropFirst() {
                    #expect(r.status != 0 && r.output.contains("Initiator aborted the setup: services: " + Self.words),
                            "a joiner is told why:\n\(r.output)")
                }

                try Self.expectNothingChanged(servers)
            }
        }

        @Test("the wizard's review names the service, the version found and the one needed, and the plan cannot start")
        func wizardRefusesAnOlderMicroCeph() throws {
            try #require(MicroCloudCLI.built && Tmux.available, "build first (swift build), with tmux installed")
            try Self.withOlderMicroCeph { servers in
                let tmux = Tmux(name: "wizard-older-release", width: 132, height: 43)
                defer { tmux.stop() }
                try LabSuite.Wizard.startWizard(tmux, servers[0])
                let joiners = try LabSuite.Wizard.startJoiners(servers)
                defer { joiners.forEach { $0.stop() } }
                _ = try tmux.wait(for: "2 found: 2 verified", timeout: 60)
                tmux.keys("Right"); tmux.keys("Enter")
                _ = try tmux.wait(for: "Select exactly one disk from each cluster member", timeout: 120)
                for key in ["Space", "Down", "Down", "Down", "Space", "Down", "Down", "Down", "Space"] { tmux.keys(key) }
                _ = try tmux.wait(for: "3 of 9 selected", timeout: 10)
                tmux.keys("Enter")
                // MicroCeph is installed on every server, so its questions come; the review says what is wrong.
                _ = try tmux.wait(for: "Select from the available unpartitioned disks", timeout: 30)
                for _ in 0..<6 { tmux.keys("Space"); tmux.keys("Down") }
                _ = try tmux.wait(for: "6 of 6 selected", timeout: 10)
                tmux.keys("Enter")
                _ = try tmux.wait(for: "encrypt the selected disks", timeout: 10)
                tmux.keys("Enter")
                _ = try tmux.wait(for: "Ceph internal traffic", timeout: 10)
                tmux.keys("Enter")
                _ = try tmux.wait(for: "Ceph public", timeout: 10)
                tmux.keys("Enter")
                _ = try tmux.wait(for: "Review the plan", timeout: 20)
                tmux.keys("End")                                      // down to the checks and "Set up the cloud"
                let review = try tmux.wait(until: "the review's checks with the older release named", timeout: 20) {
                    Self.folded($0).contains("⨯ " + Self.words)
                }
                print("--- the review\n\(review)")
                tmux.keys("Enter")
                let refused = try tmux.wait(for: "The plan has problems", timeout: 10)
                #expect(refused.contains("Review the plan"), "still on the review:\n\(refused)")
                try Self.expectNothingChanged(servers)
                tmux.keys("C-c")
                _ = try tmux.wait(for: "WIZARD-EXITED", timeout: 30)
            }
        }

        /// A lab of 3 with MicroCeph, micro02's an older release.
        static func withOlderMicroCeph(_ body: ([LabServer]) throws -> Void) throws {
            setenv("MCLAB_MICROCEPH", "1", 1)
            setenv("MCLAB_OLDER_RELEASE", "micro02", 1)
            defer { unsetenv("MCLAB_MICROCEPH"); unsetenv("MCLAB_OLDER_RELEASE") }
            try Lab.with(servers: 3, body)
        }

        /// The screen's words with line breaks, the review's margins and column padding folded into single spaces.
        static func folded(_ screen: String) -> String {
            screen.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" || $0 == "|" }).joined(separator: " ")
        }

        /// No LXD is clustered or listens on the network, no MicroCeph was bootstrapped.
        static func expectNothingChanged(_ servers: [LabServer]) throws {
            for index in 1...3 {
                let server = try Lab.lxdQuery(index, "/1.0") as? [String: Any] ?? [:]
                let env = server["environment"] as? [String: Any] ?? [:]
                #expect(env["server_clustered"] as? Bool == false, "LXD on server \(index) is not clustered")
                let config = server["config"] as? [String: Any] ?? [:]
                #expect(config["core.https_address"] == nil, "LXD on server \(index) got no address: \(config)")
                let path = index == 2 ? "/cluster/1.0" : "/core/1.0"
                let info = try MicroCephAPI.query(index, socket: servers[index - 1].directory + "/microceph/control.socket",
                                                  "GET", path)
                #expect((info.metadata as? [String: Any])?["ready"] as? Bool == false,
                        "MicroCeph on server \(index) is not bootstrapped")
            }
        }
    }
}
