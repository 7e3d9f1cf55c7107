import Foundation
import Testing

extension LabSuite {
    @Suite("lab down leaves the machine as it found it")
    struct TeardownTests {
        @Test("up then down: namespaces, routes, loop devices, bridges and mounts are as before")
        func downAfterUp() throws {
            let before = try MachineSnapshot.take()
            try Lab.up(3)
            var downDone = false
            defer { if !downDone { try? Lab.down() } }

            let whileUp = try MachineSnapshot.take()
            #expect(whileUp.routes.contains { $0.hasPrefix("blackhole \(Lab.testSubnet)") },
                    "the root namespace has a blackhole route for the test subnet while the lab is up")
            #expect((1...3).allSatisfy { i in whileUp.namespaces.contains { $0.hasPrefix(Lab.netns(i) + " ") || $0 == Lab.netns(i) } })
            #expect(Set(whileUp.bridges).isSuperset(of: Lab.bridges))
            for bridge in Lab.bridges {
                let addresses = try Command.check(["ip", "-o", "addr", "show", "dev", bridge]).stdout
                #expect(addresses.isEmpty, "bridge \(bridge) has no address (not even IPv6 link-local): \(addresses)")
            }

            try Lab.down()
            downDone = true
            let differences = try MachineSnapshot.take().differences(from: before)
            #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")

            try Lab.down()  // a second down finds nothing to do and still succeeds
            #expect(try Lab.status().isEmpty)
        }

        @Test("an up killed half-way, a new up, then down: nothing is left behind")
        func downAfterInterruptedUp() throws {
            let before = try MachineSnapshot.take()
            defer { try? Lab.down() }

            try interruptedUp()
            try Lab.up(2)  // must clear the leftovers of the 3-server run first
            let servers = try Lab.status()
            #expect(servers.map(\.name) == ["micro01", "micro02"])
            #expect(servers.allSatisfy { $0.lxdUp && $0.avahiUp })
            let namespaces = try Command.check(["ip", "netns", "list"]).stdout
            #expect(!namespaces.split(separator: "\n").contains { $0.hasPrefix(Lab.netns(3) + " ") || $0 == Lab.netns(3) },
                    "the third server of the interrupted run is gone")

            try Lab.down()
            let differences = try MachineSnapshot.take().differences(from: before)
            #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        }

        /// Starts `lab up 3`, kills it with SIGKILL once the second server's LXD is starting, and
        /// kills one LXD daemon too: namespaces, daemons, loop devices and the route stay behind.
        private func interruptedUp() throws {
            let out = Command.temporaryFile("out"), err = Command.temporaryFile("err")
            defer {
                try? FileManager.default.removeItem(at: out)
                try? FileManager.default.removeItem(at: err)
            }
            let up = try Command.start([Lab.script, "up", "3"], environment: Lab.knobs, stdout: out, stderr: err)
            let socket = "\(Lab.base)/s2/lxd/unix.socket"
            let deadline = ContinuousClock.now + .seconds(60)
            var status: Int32 = 0
            var exited = false
            while !FileManager.default.fileExists(atPath: socket) && ContinuousClock.now < deadline {
                if waitpid(up, &status, WNOHANG) == up { exited = true; break }
                usleep(20_000)
            }
            if !exited {
                kill(up, SIGKILL)
                _ = Command.wait(up)
            }
            if let pid = try? String(contentsOfFile: "\(Lab.base)/s1/lxd.pid", encoding: .utf8),
               let lxd = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(lxd, SIGKILL)
            }
            let leftovers = try MachineSnapshot.take()
            print("interrupted up left: \(leftovers.namespaces) \(leftovers.loopDevices.count) loop devices, "
                  + "\(leftovers.labProcesses.count) processes")
            #expect(!leftovers.namespaces.isEmpty, "the interrupted run did leave something to clean up")
        }
    }
}
