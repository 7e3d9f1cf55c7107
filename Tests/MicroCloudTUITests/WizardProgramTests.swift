import Foundation
import Testing
@testable import MicroCloudKit
@testable import MicroCloudTUI

/// The wizard as a whole, on a scripted VirtualTerminal through ProgramRunner, with a fake runner answering its
/// effects as the real one would: discovery, intents, inventories, the bootstrap's events, the read-back.
/// The loop runs on its own thread (`start`), so the effect tasks never wait for a blocked cooperative thread.
@Suite struct WizardProgramTests {
    /// Answers effects like the `microcloud` executable's runner, without any I/O.
    static func fakeRunner(_ effect: WizardEffect, _ sink: MessageSink<WizardMessage>) async -> [WizardMessage] {
        func pause() async { try? await Task.sleep(for: .milliseconds(5)) }
        switch effect {
        case .openSession:
            return [.sessionOpened(passphrase: "pilot orbit canvas ember", expiresAt: Date().addingTimeInterval(3600),
                                   localName: "micro01", localFingerprint: "0a1b2c3d4e5f60718293a4b5c6d7e8f9")]
        case .startDiscovery:
            for n in 2...3 {
                await pause()
                sink.send(.discovery(Fixtures.server(n)))
            }
            for n in 2...3 {
                await pause()
                sink.send(.intent(Fixtures.server(n)))
            }
            return []
        case .confirm:
            return []
        case .fetchInventories(let servers):
            await pause()
            return [.inventories(servers.map { Fixtures.inventory(Int(String($0.name.last!))!, full: false) }, problems: [])]
        case .runBootstrap(let plan):
            let steps: [(StepID, String?, String)] = [(.enableClustering, "micro01", "Enable LXD clustering on micro01")]
                + plan.members.dropFirst().map { (.join($0.name), $0.name, "Join \($0.name)") }
                + [(.pool("local"), nil, "Create storage pool local"), (.profile, nil, "Configure the default profile")]
            for (id, member, title) in steps {
                await pause()
                sink.send(.progress(ProgressEvent(stepID: id, member: member, title: title, kind: .started(budget: 60))))
                await pause()
                sink.send(.progress(ProgressEvent(stepID: id, member: member, title: title, kind: .succeeded(elapsed: 0.01))))
            }
            var report = BootstrapReport()
            report.done = steps.map { .init(id: $0.0, member: $0.1, title: $0.2) }
            return [.bootstrapFinished(report, Fixtures.snapshot())]
        case .savePreseed(let path, _):
            return [.saved(path)]
        case .abort, .quit, .sequence:
            return []
        }
    }

    @Test func aWholeSetupFromDiscoveryToTheResultTables() async {
        let terminal = VirtualTerminal(size: Size(width: 100, height: 30), script: [
            .waitUntil("both servers verified") { $0.plainText.contains("2 verified") },
            .event(.key(.right)), .event(.key(.enter)),
            .waitUntil("the local disk step") { $0.plainText.contains("Select exactly one disk from each cluster member") },
            .event(.key(.right)), .event(.key(.enter)),
            .waitUntil("the summary") { $0.plainText.contains("Review the plan") },
            .event(.key(.end)), .event(.key(.enter)),
            .waitUntil("the result tables") { $0.plainText.contains("MicroCloud is ready") },
            .event(.key(.tab)),
            .waitUntil("the pools tab") { $0.plainText.contains("| local  | btrfs") },
            .event(.key(.char("q"))),
        ])
        var start = Wizard.start(now: Date(), size: terminal.size)
        let (state, initial) = Wizard.update(start, .addresses([Fixtures.addresses[0]]))
        start = state
        #expect(initial == [.openSession, .startDiscovery(interface: "enp5s0")])

        let final = await ProgramRunner.start(Wizard.program(), initial: start, initialEffects: initial, on: terminal,
                                      tickInterval: .milliseconds(20), effects: Self.fakeRunner)

        #expect(terminal.failures.isEmpty, "\(terminal.failures)")
        #expect(terminal.scriptIsFinished)
        #expect(final.finished)
        #expect(final.step == .results)
        #expect(final.abortReason == nil)
        let screen = terminal.text
        #expect(screen.contains("Storage pools"))
        #expect(screen.contains("| remote | ceph"))
        let printed = final.exitText ?? ""
        for table in ["Cluster members:", "| micro01 | https://10.0.0.1:8443", "Storage pools:", "Networks:",
                      "| default | ovn", "Default profile:", "pool: remote"] {
            #expect(printed.contains(table), "printed text lacks \(table)")
        }
        let plan = final.run?.plan
        #expect(plan?.members.map(\.name) == ["micro01", "micro02", "micro03"])
        #expect(plan?.fallbackBridge?.ipv4 == "10.79.0.1/24")
        #expect(final.run?.list.doneCount == 5)
    }

    @Test func ctrlCInTheMiddleAbortsTheJoiners() async {
        let terminal = VirtualTerminal(script: [
            .waitUntil("a verified server") { $0.plainText.contains("verified") },
            .event(.key(.ctrlC)),
        ])
        let (start, initial) = Wizard.update(Wizard.start(now: Date(), size: terminal.size), .addresses([Fixtures.addresses[0]]))
        let final = await ProgramRunner.start(Wizard.program(), initial: start, initialEffects: initial, on: terminal,
                                      effects: Self.fakeRunner)
        #expect(terminal.failures.isEmpty, "\(terminal.failures)")
        #expect(final.finished)
        #expect(final.abortReason == "Initiator aborted the setup")
    }
}
