import Foundation
import MicroCloudKit

// Steps 1 and 2: the address for MicroCloud's traffic, then the live servers table of the trust session, the
// confirmation and gathering the inventories.

extension WizardState {
    // MARK: address

    mutating func receiveAddresses(_ list: [HostAddress]) -> [WizardEffect] {
        hostAddresses = list
        var table = SelectTable<String>(title: "Select an address for MicroCloud's internal traffic:",
                                        columns: ["ADDRESS", "IFACE"])
        for a in list { table.upsert(.init(id: a.cidr, cells: [a.ip, a.interface])) }
        addressTable = table
        fitViewports()
        guard !list.isEmpty else {
            banner = "Found no valid network interfaces"
            return []
        }
        if list.count == 1 {
            addressAutoPicked = true
            addressTable.setSelected([list[0].cidr])
            return chooseAddress(list[0])
        }
        return []
    }

    mutating func addressKey(_ key: Key) -> [WizardEffect] {
        switch key {
        case .char(" "):
            // Exactly one address: selecting a row deselects the others.
            guard let row = addressTable.cursorRow else { return [] }
            addressTable.setSelected(addressTable.selected.contains(row.id) ? [] : [row.id])
            addressTable.message = nil
        case .right:
            break
        case .enter:
            guard addressTable.selected.count == 1, let id = addressTable.selected.first,
                  let chosen = hostAddresses.first(where: { $0.cidr == id }) else {
                addressTable.message = "You must select exactly one address"
                return []
            }
            addressTable.message = nil
            return chooseAddress(chosen)
        case .escape:
            break
        default:
            _ = addressTable.handle(key)
        }
        return []
    }

    /// Fixes the address, opens the session (once) and browses on the address's interface.
    mutating func chooseAddress(_ chosen: HostAddress) -> [WizardEffect] {
        address = chosen
        step = .servers
        var effects: [WizardEffect] = []
        if !sessionRequested {
            sessionRequested = true
            effects.append(.openSession)
        }
        if discoveryInterface != chosen.interface {
            discoveryInterface = chosen.interface
            effects.append(.startDiscovery(interface: chosen.interface))
        }
        return effects
    }

    // MARK: live servers table

    static func serverRow(_ s: Server) -> SelectTable<String>.Row {
        .init(id: s.name, cells: [s.name, s.address, s.shortFingerprint, s.state.rawValue], disabled: s.state != .verified)
    }

    mutating func serverSeen(_ seen: Server) {
        guard confirmed == nil else { return }
        // An announcement proves nothing: only a join intent makes a row verified, and nothing announced changes a
        // verified row (any host can announce any name). A record that agrees with the intent (same address, the
        // intent's fingerprint) brings a lost row back; one that disagrees is kept aside and shown as a conflict.
        if let full = verifiedFingerprints[seen.name], var proven = servers[seen.name] {
            if seen.address == proven.address, full.matches(seen.fingerprint) {
                conflicts[seen.name] = nil
                proven.state = .verified
                proven.version = seen.version.isEmpty ? proven.version : seen.version
                servers[seen.name] = proven
                serverTable.upsert(Self.serverRow(proven))
            } else {
                conflicts[seen.name] = seen
            }
            return
        }
        var s = seen
        s.state = .discovered
        servers[s.name] = s
        serverTable.upsert(Self.serverRow(s))
    }

    /// The warning under the servers table for announcements that contradict a verified row.
    var conflictLines: [String] {
        conflicts.values.sorted { naturalLess($0.name, $1.name) }.compactMap { other in
            guard let proven = servers[other.name] else { return nil }
            return "! Another host announces \(other.name) at \(other.address) (fingerprint \(other.shortFingerprint)): ignored; " +
                   "\(other.name) stays at \(proven.address) (\(proven.shortFingerprint)), where its join intent came from"
        }
    }

    mutating func serverGone(_ name: String) {
        guard confirmed == nil else { return }
        conflicts[name] = nil
        guard var s = servers[name] else { return }
        if s.state == .verified {
            s.state = .lost
            servers[name] = s
            serverTable.upsert(Self.serverRow(s))
        } else {
            servers[name] = nil
            serverTable.remove(id: name)
        }
    }

    mutating func serverVerified(_ proven: Server) {
        guard confirmed == nil else { return }
        var s = proven
        s.state = .verified
        verifiedFingerprints[s.name] = s.fingerprint
        servers[s.name] = s
        serverTable.upsert(Self.serverRow(s))
    }

    var serverCounts: (verified: Int, waiting: Int, lost: Int) {
        var v = 0, w = 0, l = 0
        for s in servers.values {
            switch s.state {
            case .verified: v += 1
            case .lost: l += 1
            default: w += 1
            }
        }
        return (v, w, l)
    }

    /// This server as a member: it is always part of the cloud.
    var localServer: Server {
        Server(name: session?.localName ?? "", address: address?.ip ?? "",
               fingerprint: Fingerprint(session?.localFingerprint ?? ""), version: "", state: .verified)
    }

    mutating func serversKey(_ key: Key) -> [WizardEffect] {
        if sessionEnded != nil {
            if key == .enter || key == .char("q") {
                return quit(printing: SessionWords.sessionEnded(sessionEnded ?? "") + ". Run `microcloud init` again to start over.")
            }
            return []
        }
        switch gather {
        case .gathering, .done: return []
        case .problems:
            if key == .char("r") {
                gather = .gathering
                return [.fetchInventories([localServer] + (confirmed ?? []))]
            }
            return []
        case .idle: break
        }
        if var question = aloneQuestion {
            switch question.handle(key) {
            case .submit(true):
                aloneQuestion = nil
                return confirmServers([])
            case .submit(false), .cancel:
                aloneQuestion = nil
                aloneOffered = false
                serverMessage = nil
            default:
                aloneQuestion = question
            }
            return []
        }
        switch key {
        case .enter:
            guard session != nil else {
                serverMessage = "Waiting for the trust session to open …"
                return []
            }
            let chosen = serverTable.selectedRows.compactMap { servers[$0.id] }.filter { $0.state == .verified }
            guard !chosen.isEmpty else {
                serverMessage = "Select at least one server, or press Esc to set up this server alone"
                aloneOffered = true
                return []
            }
            return confirmServers(chosen)
        case .escape:
            if aloneOffered, let name = session?.localName {
                aloneQuestion = YesNo(question: "Set up \(name) alone, as a single-member MicroCloud?", defaultValue: true)
                return []
            }
            step = .address
            return []
        default:
            if serverTable.handle(key) == .handled {
                serverMessage = nil
                aloneOffered = false
            }
            return []
        }
    }

    /// Confirms the chosen joiners (possibly none) and asks for every member's inventory.
    mutating func confirmServers(_ chosen: [Server]) -> [WizardEffect] {
        let sorted = chosen.sorted { naturalLess($0.name, $1.name) }
        confirmed = sorted
        gather = .gathering
        serverMessage = nil
        aloneOffered = false
        return [.sequence([.confirm(fingerprints: sorted.map(\.fingerprint.hex)), .fetchInventories([localServer] + sorted)])]
    }

    mutating func receiveInventories(_ list: [Inventory], problems: [String]) {
        guard step == .servers, gather == .gathering else { return }
        var all = problems
        let names = Set(list.map(\.name))
        for expected in [localServer] + (confirmed ?? []) where !names.contains(expected.name) {
            if !problems.contains(where: { $0.contains(expected.name) }) {
                all.append("No system information came back from \"\(expected.name)\".")
            }
        }
        for inv in list where inv.lxd.clustered {
            all.append("LXD is already clustered on \"\(inv.name)\", aborting setup")
        }
        inventories = list.sorted { naturalLess($0.name, $1.name) }
        guard all.isEmpty else {
            gather = .problems(all)
            return
        }
        gather = .done
        prepareAnswers()
        enter(nextStep(after: .servers))
    }
}
