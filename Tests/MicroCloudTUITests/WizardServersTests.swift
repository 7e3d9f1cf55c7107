import Foundation
import MicroCloudKit
import Testing
@testable import MicroCloudTUI

/// Steps 1 and 2: the address, the live servers table, the confirmation and gathering the inventories.
@Suite struct WizardServersTests {
    @Test func aSingleAddressIsPickedAndTheSessionOpens() {
        var d = WizardDriver()
        let fx = d.send(.addresses([Fixtures.addresses[0]]))
        #expect(fx == [.openSession, .startDiscovery(interface: "enp5s0")])
        #expect(d.state.step == .servers)
        #expect(d.state.address?.ip == "10.0.0.1")
        #expect(d.state.addressAutoPicked)
    }

    @Test func exactlyOneAddressMustBeSelected() {
        var d = WizardDriver()
        #expect(d.send(.addresses(Fixtures.addresses)).isEmpty)
        #expect(d.state.step == .address)
        #expect(d.key(.enter).isEmpty)
        #expect(d.flat.contains("You must select exactly one address"))
        d.key(.char(" "), .down, .char(" "))
        #expect(d.state.addressTable.selected == ["fd42:0:0:1::1/64"], "picking a second address replaces the first")
        #expect(d.key(.enter) == [.openSession, .startDiscovery(interface: "enp7s0")])
        #expect(d.state.address?.subnet?.description == "fd42:0:0:1::/64")
    }

    @Test func noAddressAtAllIsSaid() {
        var d = WizardDriver()
        d.send(.addresses([]))
        #expect(d.flat.contains("Found no valid network interfaces"))
    }

    @Test func goingBackToTheAddressAndChoosingAnotherRestartsDiscoveryOnly() {
        var d = WizardDriver()
        d.send(.addresses(Fixtures.addresses))
        d.key(.char(" "), .enter)
        d.key(.escape)
        #expect(d.state.step == .address)
        d.key(.down, .char(" "))
        #expect(d.key(.enter) == [.startDiscovery(interface: "enp7s0")], "the session is opened once")
    }

    @Test func onlyVerifiedRowsCanBeSelected() {
        var d = Fixtures.atServers()
        d.key(.end)  // micro04: discovered only
        #expect(d.state.serverTable.cursorRow?.id == "micro04")
        d.key(.char(" "), .right)
        #expect(!d.state.serverTable.selected.contains("micro04"))
        #expect(d.state.serverTable.selected == ["micro02", "micro03"])
        #expect(d.flat.contains("micro04 is waiting for `microcloud join` with the passphrase"))
        d.send(.intent(Fixtures.server(4)))
        d.key(.char(" "))
        #expect(d.state.serverTable.selected.contains("micro04"))
        #expect(d.state.servers["micro04"]?.state == .verified)
    }

    @Test func rowsAppearUpdateAndGoWhileTheCursorStays() {
        var d = Fixtures.atServers()
        d.key(.down)
        #expect(d.state.serverTable.cursorRow?.id == "micro03")
        d.send(.discovery(Fixtures.server(5)))
        d.send(.discovery(Fixtures.server(6)))
        d.send(.serverGone("micro04"))  // discovered only: the row goes
        #expect(d.state.serverTable.cursorRow?.id == "micro03")
        #expect(d.state.serverTable.row(id: "micro04") == nil)
        d.key(.char(" "))
        d.send(.serverGone("micro03"))  // verified: kept, lost, no longer selectable
        #expect(d.state.serverTable.row(id: "micro03")?.cells.last == "lost")
        #expect(d.state.serverTable.row(id: "micro03")?.disabled == true)
        #expect(!d.state.serverTable.selected.contains("micro03"))
        // Coming back with the same certificate restores the proof; another certificate changes nothing and is shown.
        d.send(.discovery(Fixtures.server(3)))
        #expect(d.state.servers["micro03"]?.state == .verified)
        var impostor = Fixtures.server(2)
        impostor.fingerprint = "ffffffffffffffff"
        d.send(.discovery(impostor))
        #expect(d.state.servers["micro02"]?.state == .verified)
        #expect(d.flat.contains("4 found: 2 verified, 2 waiting for the passphrase"))
        #expect(d.flat.contains("! Another host announces micro02 at 10.0.0.2 (fingerprint ffffffffffff): ignored"))
    }

    @Test func rowsSortByNameNaturallyWhateverOrderTheyArriveIn() {
        var d = Fixtures.atServers()
        var ten = Fixtures.server(9)
        ten.name = "micro10"
        d.send(.discovery(ten))
        d.send(.discovery(Fixtures.server(9)))
        d.key(.down)
        #expect(d.state.serverTable.cursorRow?.id == "micro03")
        d.send(.discovery(Fixtures.server(1)))   // arrives last, goes first; the cursor stays on micro03
        #expect(d.state.serverTable.visibleRows.map(\.id) == ["micro01", "micro02", "micro03", "micro04", "micro09", "micro10"])
        #expect(d.state.serverTable.cursorRow?.id == "micro03")
        d.send(.serverGone("micro02"))
        #expect(d.state.serverTable.cursorRow?.id == "micro03")
        d.send(.discovery(Fixtures.server(2)))
        #expect(d.state.serverTable.visibleRows.map(\.id).prefix(3) == ["micro01", "micro02", "micro03"])
        #expect(d.state.serverTable.cursorRow?.id == "micro03")
    }

    @Test func enterConfirmsTheSelectedAndGathersInventories() {
        var d = Fixtures.atServers()
        d.key(.char(" "))
        let fx = d.key(.enter)
        #expect(fx.count == 1)
        let parts = fx.first?.sequence ?? []
        #expect(parts.first == .confirm(fingerprints: [Fixtures.server(2).fingerprint.hex]), "confirm, then gather")
        guard case .fetchInventories(let servers) = parts.last else {
            Issue.record("expected fetchInventories, got \(fx)")
            return
        }
        #expect(servers.map(\.name) == ["micro01", "micro02"])
        #expect(servers[0].fingerprint == "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        #expect(d.flat.contains("Gathering system information …"))
        #expect(d.key(.enter, .char(" "), .escape).isEmpty, "keys wait while gathering")
        d.send(.inventories(Fixtures.inventories(2), problems: []))
        #expect(d.state.step == .localDisks)
    }

    @Test func zeroSelectedOffersTheServerAlone() {
        var d = Fixtures.atServers()
        #expect(d.key(.enter).isEmpty)
        #expect(d.flat.contains("Select at least one server, or press Esc to set up this server alone"))
        #expect(d.screen().text(row: 23).contains("esc alone"))
        d.key(.escape)
        #expect(d.flat.contains("Set up micro01 alone, as a single-member MicroCloud?"))
        let fx = d.key(.char("y"))
        #expect(fx == [.sequence([.confirm(fingerprints: []), .fetchInventories([d.state.localServer])])])
        d.send(.inventories([Fixtures.inventory(1)], problems: []))
        #expect(WizardPlanner.plan(from: d.state).members.map(\.name) == ["micro01"])
    }

    @Test func sayingNoToAloneGoesBackToTheTable() {
        var d = Fixtures.atServers()
        d.key(.enter, .escape, .char("n"))
        #expect(d.state.aloneQuestion == nil)
        #expect(d.state.step == .servers)
        d.key(.escape)
        #expect(d.state.step == .address, "without the offer Esc goes back one step")
    }

    @Test func theHeaderCountsDownTheSessionAndShowsThePassphrase() {
        var d = Fixtures.atServers()
        #expect(d.screen().text(row: 0).hasSuffix("session 59:01"))
        #expect(d.screen().text(row: 1).contains("passphrase pilot orbit canvas ember"))
        d.send(.tick(WizardDriver.t0.addingTimeInterval(3300)))
        #expect(d.screen().text(row: 0).hasSuffix("session 4:01"))
        #expect(d.screen().styleLayer(row: 0).hasSuffix("WWWW"), "the last minutes are a warning")
        d.key(.right, .enter)
        #expect(!d.screen().text(row: 0).contains("session"), "once confirmed the countdown goes")
    }

    @Test func aSessionThatEndsBeforeTheConfirmationIsSaid() {
        var d = Fixtures.atServers()
        d.send(.sessionEnded("the session timed out"))
        #expect(d.flat.contains("The trust session ended: the session timed out"))
        let fx = d.key(.enter)
        guard case .quit(let text?) = fx.last else {
            Issue.record("expected quit with a text, got \(fx)")
            return
        }
        #expect(text.contains("timed out"))
        #expect(d.state.finished)
    }

    @Test func gatheringProblemsAreShownAndCanBeRetried() {
        var d = Fixtures.atServers()
        d.key(.right, .enter)
        var clustered = Fixtures.inventory(3)
        clustered.lxd.clustered = true
        d.send(.inventories([Fixtures.inventory(1), clustered], problems: ["Cannot read the inventory of micro02: timed out"]))
        let text = d.text
        #expect(text.contains("Could not gather the system information:"))
        #expect(text.contains("Cannot read the inventory of micro02: timed out"))
        #expect(text.contains("LXD is already clustered on \"micro03\", aborting setup"))
        #expect(d.screen().text(row: 23).contains("r retry"))
        let fx = d.key(.char("r"))
        #expect(fx.count == 1)
        if case .fetchInventories(let servers) = fx.first {
            #expect(servers.map(\.name) == ["micro01", "micro02", "micro03"])
        } else {
            Issue.record("r should gather again")
        }
        d.send(.inventories(Fixtures.inventories(), problems: []))
        #expect(d.state.step == .localDisks)
    }

    @Test func ctrlCAbortsAndQuitsAnywhereBeforeTheEnd() {
        var d = Fixtures.atServers()
        let fx = d.key(.ctrlC)
        #expect(fx == [.sequence([.abort(reason: "Initiator aborted the setup"), .quit(printOnExit: nil)])],
                "the joiners are told before the program ends")
        #expect(d.state.finished)
        #expect(d.key(.enter).isEmpty, "nothing happens after quitting")
        var e = Fixtures.atQuestions()
        #expect(e.key(.ctrlC).first?.sequence?.first == .abort(reason: "Initiator aborted the setup"))
    }

    @Test func theProgramTurnsSignalsIntoCtrlCAndEndsWhenFinished() {
        let program = Wizard.program(clock: { WizardDriver.t0 })
        if case .key(.ctrlC)? = program.event(.terminate) {} else { Issue.record("SIGTERM should abort like Ctrl-C") }
        if case .tick(let date)? = program.tick?(3) { #expect(date == WizardDriver.t0) } else { Issue.record("ticks carry the clock") }
        var d = Fixtures.atServers()
        #expect(program.isLive(d.state))
        d.key(.ctrlC)
        #expect(program.isDone(d.state))
    }

    @Test func anIdleServersTableTicksJustAfterTheCountdownsSecondTurns() {
        var d = Fixtures.atServers()
        d.send(.tick(WizardDriver.t0.addingTimeInterval(0.25)))  // 3540.75 s left: the clock shows 59:00 for 0.75 s more
        #expect(Wizard.program().tickDelay(d.state) == .milliseconds(752))
        d.key(.right, .enter)  // confirmed: "Gathering system information" has a spinner, the runner's pace again
        #expect(d.state.tickDelay == nil)
        #expect(Fixtures.atServers().state.tickDelay != nil)
        var empty = WizardDriver(size: WizardDriver.small)
        empty.send(.addresses(Fixtures.addresses))
        empty.key(.char(" "), .enter)
        #expect(empty.state.tickDelay == nil, "no session yet: a spinner")
    }
}
