import Foundation
import Testing

/// `microcloud discover` on real servers: real avahi-daemons, real microcloudd identities.
extension LabSuite {
    @Suite struct Discovery {
        struct Row: Decodable { let name, address, fingerprint, version, state: String }

        func discover(from index: Int, _ server: LabServer) throws -> [Row] {
            let result = try Lab.exec(index, "env", "MICROCLOUD_STATE_DIR=\(server.stateDir)",
                                      MicroCloudCLI.path, "discover", "--timeout", "3", "--format", "json")
            return try JSONDecoder().decode([Row].self, from: Data(result.stdout.utf8))
        }

        /// `openssl x509 -noout -fingerprint -sha256` of the server's certificate file, as lowercase hex.
        func opensslFingerprint(_ server: LabServer) throws -> String {
            try opensslFingerprint(path: server.stateDir + "/server.crt")
        }

        func opensslFingerprint(path: String) throws -> String {
            let r = try Command.check(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path])
            let hex = r.stdout.split(separator: "=").last.map(String.init) ?? ""
            return hex.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        }

        @Test("discover in server 1 lists servers 2 and 3 with their addresses and certificate fingerprints; stopped servers go, started ones come")
        func listsTheOtherServers() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 3) { servers in
                let rows = try discover(from: 1, servers[0])
                #expect(rows.map(\.name) == ["micro02", "micro03"])
                for (row, server) in zip(rows, servers.dropFirst()) {
                    #expect(row.address == server.address)
                    #expect(row.fingerprint == (try opensslFingerprint(server)))
                    #expect(row.state == "ready")
                }

                try Lab.run("stop-daemon", "3")
                let afterStop = try discover(from: 1, servers[0])
                #expect(afterStop.map(\.name) == ["micro02"], "a stopped server withdraws its announcement")

                try Lab.run("start-daemon", "3")
                let afterStart = try discover(from: 1, servers[0])
                #expect(afterStart.map(\.name) == ["micro02", "micro03"], "a started server appears")
            }
        }

        @Test("discover limits itself to the local subnet unless --subnet widens it")
        func subnetScope() throws {
            try #require(MicroCloudCLI.built, "build first: swift build")
            try Lab.with(servers: 2) { servers in
                let elsewhere = try Lab.exec(1, "env", "MICROCLOUD_STATE_DIR=\(servers[0].stateDir)", MicroCloudCLI.path,
                                             "discover", "--timeout", "2", "--format", "json", "--subnet", "192.0.2.0/24")
                #expect(elsewhere.stdout.filter { !$0.isWhitespace } == "[]")
            }
        }
    }
}

/// The CLI the lab tests run: the debug build, or $MICROCLOUD (as scripts/lab reads it: a release build, the package's).
enum MicroCloudCLI {
    static let path = ProcessInfo.processInfo.environment["MICROCLOUD"]
        ?? Lab.repository.appendingPathComponent(".build/debug/microcloud").path
    static var built: Bool { FileManager.default.isExecutableFile(atPath: path) }
}
