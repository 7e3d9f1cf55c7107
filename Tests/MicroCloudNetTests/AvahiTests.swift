import Foundation
import Synchronization
import Testing
@testable import MicroCloudNet

/// Publish, browse, update, withdraw and name clashes against real avahi-daemons (see AvahiLab.swift).
@Suite(.serialized, AvahiLabTrait())
struct AvahiTests {
    private func requireLab() throws {
        if let reason = AvahiLab.unavailable { try Test.cancel("no private avahi-daemon: \(reason)") }
    }

    private func announcement(_ name: String, state: String = "ready") -> ServiceAnnouncement {
        ServiceAnnouncement(name: name, address: "10.0.0.11", port: 9443, shortFingerprint: "abcdef012345",
                            version: "0.1.0", state: state)
    }

    private func uniqueName() -> String { "mc-\(UUID().uuidString.prefix(8).lowercased())" }

    @Test func publishedServiceAppearsWithItsTXT() async throws {
        try requireLab()
        let events = DiscoveryEventLog(try Discovery.browse(interface: nil))
        defer { events.stop() }
        let publisher = try AvahiPublisher(log: { _ in })
        defer { publisher.withdraw() }
        let a = announcement(uniqueName())
        try publisher.publish(a, interface: nil)
        #expect(publisher.publishedName == a.name)
        let seen = await events.wait { $0 == .appeared(a) }
        #expect(seen == .appeared(a), "browser saw: \(events.all())")
    }

    @Test func browsingOneInterfaceWorks() async throws {
        try requireLab()
        let events = DiscoveryEventLog(try Discovery.browse(interface: "lo"))
        defer { events.stop() }
        let publisher = try AvahiPublisher(log: { _ in })
        defer { publisher.withdraw() }
        let a = announcement(uniqueName())
        try publisher.publish(a, interface: "lo")
        let seen = await events.wait { $0 == .appeared(a) }
        #expect(seen == .appeared(a), "browser saw: \(events.all())")
    }

    @Test func updateIsSeenAsUpdated() async throws {
        try requireLab()
        let events = DiscoveryEventLog(try Discovery.browse(interface: nil))
        defer { events.stop() }
        let publisher = try AvahiPublisher(log: { _ in })
        defer { publisher.withdraw() }
        let a = announcement(uniqueName())
        try publisher.publish(a, interface: nil)
        #expect(await events.wait { $0 == .appeared(a) } != nil, "browser saw: \(events.all())")
        var b = a
        b.state = "session"
        b.address = "10.0.0.21"
        try publisher.update(b)
        let seen = await events.wait { $0 == .updated(b) }
        #expect(seen == .updated(b), "browser saw: \(events.all())")
        #expect(!events.all().contains(.gone(name: a.name)), "a TXT change must not look like a departure")
    }

    @Test func renameReRegisters() async throws {
        try requireLab()
        let events = DiscoveryEventLog(try Discovery.browse(interface: nil))
        defer { events.stop() }
        let publisher = try AvahiPublisher(log: { _ in })
        defer { publisher.withdraw() }
        let a = announcement(uniqueName())
        try publisher.publish(a, interface: nil)
        #expect(await events.wait { $0 == .appeared(a) } != nil, "browser saw: \(events.all())")
        var b = a
        b.name = uniqueName()
        try publisher.update(b)
        #expect(publisher.publishedName == b.name)
        #expect(await events.wait { $0 == .appeared(b) } != nil, "browser saw: \(events.all())")
        #expect(await events.wait { $0 == .gone(name: a.name) } != nil, "browser saw: \(events.all())")
    }

    @Test func withdrawIsSeenAsGone() async throws {
        try requireLab()
        let events = DiscoveryEventLog(try Discovery.browse(interface: nil))
        defer { events.stop() }
        let publisher = try AvahiPublisher(log: { _ in })
        let a = announcement(uniqueName())
        try publisher.publish(a, interface: nil)
        #expect(await events.wait { $0 == .appeared(a) } != nil, "browser saw: \(events.all())")
        publisher.withdraw()
        publisher.withdraw()  // safe twice
        #expect(publisher.publishedName == nil)
        #expect(throws: AvahiError.self) { try publisher.update(a) }
        let seen = await events.wait { $0 == .gone(name: a.name) }
        #expect(seen == .gone(name: a.name), "browser saw: \(events.all())")
    }

    @Test func nameClashGetsAnAlternativeName() async throws {
        try requireLab()
        let events = DiscoveryEventLog(try Discovery.browse(interface: nil))
        defer { events.stop() }
        let oneLog = PublisherLogLines(), twoLog = PublisherLogLines()
        let one = try AvahiPublisher(log: oneLog.sink)
        defer { one.withdraw() }
        let two = try AvahiPublisher(log: twoLog.sink)
        defer { two.withdraw() }
        let name = uniqueName()
        let a1 = announcement(name)
        var a2 = announcement(name)
        a2.address = "10.0.0.12"
        try one.publish(a1, interface: nil)
        try two.publish(a2, interface: nil)
        #expect(one.publishedName == name)
        #expect(two.publishedName == name + " #2")
        #expect(twoLog.all().contains { $0.contains("\"\(name)\"") && $0.contains("\"\(name) #2\"") })
        #expect(oneLog.all().isEmpty)
        // Events are per server name: one .appeared, then .updated to whichever service resolved last.
        #expect(await events.wait { $0 == .appeared(a1) || $0 == .appeared(a2) } != nil, "browser saw: \(events.all())")
        #expect(await events.wait { $0 == .updated(a1) || $0 == .updated(a2) } != nil, "browser saw: \(events.all())")
        #expect(events.all().filter { if case .appeared = $0 { true } else { false } }.count == 1)
        // Withdrawing one leaves the server listed (as the other); withdrawing both makes it go.
        two.withdraw()
        #expect(await events.wait { $0 == .updated(a1) } != nil, "browser saw: \(events.all())")
        #expect(!events.all().contains(.gone(name: name)))
        one.withdraw()
        #expect(await events.wait { $0 == .gone(name: name) } != nil, "browser saw: \(events.all())")
    }

    /// Another host has announced the name for a while: our probe finds it, avahi reports ENTRY_GROUP_COLLISION
    /// and the publisher moves to the alternative name. The other host is a second node linked by veth, publishing
    /// with avahi-publish (libdbus allows one bus per process, so this process can't be both hosts).
    @Test func remoteNameClashGetsAnAlternativeName() async throws {
        try requireLab()
        guard let lab = AvahiLab.current else { return }
        if AvahiNode.which("avahi-publish") == nil { try Test.cancel("avahi-publish is not installed (apt-get install avahi-utils)") }
        let peer = try AvahiNode(tag: AvahiLab.tag + "-peer", hostName: "mcnet-peer", interfaces: "mcpeer0")
        defer { peer.shutdown() }  // deleting its namespace also removes the veth pair
        try lab.link(to: peer)
        let events = DiscoveryEventLog(try Discovery.browse(interface: nil))
        defer { events.stop() }

        let name = uniqueName()
        var theirs = announcement(name)
        theirs.address = "10.0.0.99"
        let tool = try peer.spawnTool(["avahi-publish", "-s", name, "_microcloud._tcp", "9443"] + TXTRecord.encode(theirs),
                                      log: "publish.log")
        defer { AvahiNode.end(tool.pid) }
        #expect(await events.wait { $0 == .appeared(theirs) } != nil, "browser saw: \(events.all())")
        // mDNS lets a host stay silent about a record it multicast in the last second, and avahi then yields to the
        // newcomer's announcement; once its announcements are over, the peer answers our probe and defends the name.
        try await Task.sleep(for: .seconds(4))

        let log = PublisherLogLines()
        let publisher = try AvahiPublisher(log: log.sink)
        defer { publisher.withdraw() }
        try publisher.publish(announcement(name), interface: nil)
        let renamed = await eventually { publisher.publishedName == name + " #2" }
        let diagnostics = ["avahi-publish": tool.log, "our avahi-daemon": lab.directory + "/avahi.log"]
            .map { "\($0): " + ((try? String(contentsOfFile: $1, encoding: .utf8)) ?? "").suffix(600) }.joined(separator: "\n")
        #expect(renamed, "published as \(publisher.publishedName ?? "nil")\n\(diagnostics)")
        #expect(log.all().contains { $0.contains("taken on the network") }, "log: \(log.all())")
    }

    private func eventually(seconds: Double = 15, _ check: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if check() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return check()
    }

    @Test func oversizedAnnouncementIsRefused() throws {
        try requireLab()
        let publisher = try AvahiPublisher(log: { _ in })
        defer { publisher.withdraw() }
        var a = announcement(uniqueName())
        a.version = String(repeating: "v", count: 300)
        #expect(throws: AvahiError.self) { try publisher.publish(a, interface: nil) }
        #expect(throws: AvahiError.self) { try publisher.publish(announcement(uniqueName()), interface: "no-such-if0") }
    }

    /// A bus without avahi-daemon on it must be an error, not a silent stream. (libdbus reads the bus address
    /// once per process, so this stops the lab's daemon rather than pointing at another bus.)
    @Test func missingDaemonThrows() throws {
        try requireLab()
        guard let lab = AvahiLab.current else { return }
        lab.stopAvahi()
        defer {
            do { try lab.restartAvahi() } catch { Issue.record("restarting avahi-daemon: \(error)") }
        }
        do {
            _ = try Discovery.browse(interface: nil)
            Issue.record("browse without a daemon should throw")
        } catch let error as AvahiError {
            #expect("\(error)".contains("Daemon not running"), "\(error)")
        }
        #expect(throws: AvahiError.self) { _ = try AvahiPublisher(log: { _ in }) }
    }

    @Test func unknownInterfaceThrows() {
        #expect(throws: AvahiError.self) { _ = try Discovery.browse(interface: "no-such-if0") }
    }
}
