import Foundation
import Testing
@testable import MicroCloudNet

@Suite struct HostInterfacesTests {
    /// `ip -o addr show scope global` as (interface, CIDR) pairs: what a user would check against.
    private func ipGlobalAddresses() throws -> Set<String> {
        let out = try NetTestShell.run("ip", ["-o", "addr", "show", "scope", "global"])
        guard out.status == 0 else { return [] }
        var result = Set<String>()
        for line in out.stdout.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count > 3, f[2] == "inet" || f[2] == "inet6" else { continue }
            let name = f[1].split(separator: "@").first.map(String.init) ?? String(f[1])
            result.insert("\(name) \(f[3])")
        }
        return result
    }

    @Test func listMatchesIpAddr() throws {
        let interfaces = HostInterfaces.list()
        let lo = interfaces.first { $0.name == "lo" }
        #expect(lo != nil && lo!.index == 1 && lo!.isUp)
        #expect(lo?.addresses.isEmpty == true, "loopback addresses are not global")
        #expect(interfaces.map(\.index) == interfaces.map(\.index).sorted())
        #expect(Set(interfaces.map(\.name)).count == interfaces.count)
        let ours = Set(interfaces.flatMap { i in i.addresses.map { "\(i.name) \($0)" } })
        let theirs = try ipGlobalAddresses()
        if !theirs.isEmpty { #expect(ours == theirs) }
    }

    @Test func owningFindsTheInterface() {
        #expect(HostInterfaces.owning(address: "127.0.0.1")?.name == "lo")
        #expect(HostInterfaces.owning(address: "127.0.0.1/8")?.name == "lo")
        #expect(HostInterfaces.owning(address: "192.0.2.123") == nil)  // TEST-NET-1, never assigned here
        #expect(HostInterfaces.owning(address: "not an address") == nil)
        for interface in HostInterfaces.list() {
            for cidr in interface.addresses {
                #expect(HostInterfaces.owning(address: cidr)?.name == interface.name)
            }
        }
    }

    @Test func addressScopes() {
        #expect(IPAddress("10.0.0.5")?.isGlobal == true)
        #expect(IPAddress("127.0.0.1")?.isGlobal == false)
        #expect(IPAddress("169.254.1.1")?.isGlobal == false)
        #expect(IPAddress("fd00::5")?.isGlobal == true)
        #expect(IPAddress("fe80::1")?.isGlobal == false)
        #expect(IPAddress("::1")?.isGlobal == false)
        #expect(IPAddress("255.255.255.0")?.prefixLength == 24)
        #expect(IPAddress("fd00:0::5")?.text == "fd00::5")
    }

    @Test func stderrGuardRedirectsAndRestores() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try StderrGuard.redirect(to: path)
        #expect(StderrGuard.isRedirected)
        let line = Array("from the guard test\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        StderrGuard.restore()
        StderrGuard.restore()  // second call is harmless
        #expect(!StderrGuard.isRedirected)
        // contains, not ==: the test runner may log a line from a parallel test during the short window
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("from the guard test\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: HostError.self) { try StderrGuard.redirect(to: "/nonexistent-dir/x.log") }
        #expect(!StderrGuard.isRedirected)
    }
}
