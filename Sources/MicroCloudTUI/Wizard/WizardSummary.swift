import Foundation
import MicroCloudKit

// Step 8: every choice, the plan's warnings and errors, "edit" per step, "save as preseed", and confirm.

/// One block of the summary: a section (editable when its step was asked), or one of the two buttons.
struct SummaryItem: Sendable {
    enum Kind: Sendable, Equatable {
        case info
        case edit(WizardStep)
        case save
        case confirm
    }

    var kind: Kind
    var lines: [LogView.Line]
    var isSelectable: Bool { kind != .info }
}

extension WizardState {
    static let defaultPreseedPath = "./microcloud-preseed.yaml"

    func summaryItems() -> [SummaryItem] {
        let (plan, issues) = current
        var items: [SummaryItem] = []
        func section(_ step: WizardStep?, _ title: String, _ body: [LogView.Line]) {
            let editable = step.map { skipReason($0) == nil } ?? false
            items.append(SummaryItem(kind: editable ? .edit(step!) : .info,
                                     lines: [LogView.Line(title, style: .bold)] + body))
        }
        func note(_ text: String) -> LogView.Line { LogView.Line("  " + text, style: .dim) }

        items.append(SummaryItem(kind: .info, lines: [LogView.Line(
            "Nothing has been changed on any server yet. Check the plan, then choose Set up the cloud.")]))

        // Members
        var members: [LogView.Line] = []
        if let a = address {
            members.append(LogView.Line("  MicroCloud address \(a.ip) on \(a.interface), lookup subnet \(plan.lookupSubnet)"))
        }
        let nameWidth = plan.members.map { displayWidth($0.name) }.max() ?? 0
        for m in plan.members {
            let fp = String(m.fingerprint.lowercased().filter { $0 != ":" }.prefix(12))
            let me = m.name == plan.initiator ? "  (this server)" : ""
            members.append(LogView.Line("  \(pad(m.name, toWidth: nameWidth))  \(m.address)  \(fp)\(me)"))
        }
        section(nil, "Servers (\(plan.members.count))", members)

        // Local storage
        var local: [LogView.Line] = []
        if let pool = plan.localPool, !pool.needsDisk {
            local.append(LogView.Line("  Pool local: \(driverLine ?? pool.driver), no disk needed"))
        } else if let why = skipReason(.localDisks) {
            local.append(note(why))
        } else if plan.localPool == nil {
            local.append(note("Not set up (you skipped it)."))
        } else {
            local.append(LogView.Line("  Pool local on \(driverLine ?? "")"))
            for m in plan.members { local += diskLines(m.name, m.localDisk.map { [$0] } ?? [], width: nameWidth) }
        }
        section(.localDisks, "Local storage", local)

        // Distributed storage
        var ceph: [LogView.Line] = []
        if let why = skipReason(.cephDisks) {
            ceph.append(note(why))
        } else if let c = plan.ceph {
            let disks = plan.members.reduce(0) { $0 + $1.cephDisks.count }
            ceph.append(LogView.Line("  \(disks) disk\(disks == 1 ? "" : "s") on \(plan.osdHosts.count) server"
                + "\(plan.osdHosts.count == 1 ? "" : "s"); encryption \(c.encrypt ? "on" : "off"); CephFS \(c.cephfs ? "yes" : "no")"))
            for m in plan.members where !m.cephDisks.isEmpty { ceph += diskLines(m.name, m.cephDisks, width: nameWidth) }
            if !c.cephfs, let why = ChoiceRules.cephFSUnavailable(inventories) { ceph.append(note(why)) }
        } else {
            ceph.append(note("Not set up (you skipped it)."))
        }
        section(.cephDisks, "Distributed storage", ceph)
        if let c = plan.ceph, skipReason(.cephNetworks) == nil {
            section(.cephNetworks, "Ceph networks",
                    [LogView.Line("  internal \(c.internalNetwork) · public \(c.publicNetwork)")])
        }

        // Networking
        var net: [LogView.Line] = []
        if let why = skipReason(.ovnUplinks) {
            net.append(note(why))
        } else if plan.ovn != nil {
            for m in plan.members {
                net.append(LogView.Line("  \(pad(m.name, toWidth: nameWidth))  uplink \(m.uplinkInterface ?? "—")"))
            }
        } else if let b = plan.fallbackBridge {
            net.append(note("Not set up (you skipped it): instances use the bridge \(b.name) (\(b.ipv4))."))
        }
        section(.ovnUplinks, "Distributed networking", net)
        if let o = plan.ovn {
            let range = o.ipv4Range.map { ", range \($0)" } ?? ""
            section(.ovnForms, "Uplink network", [
                LogView.Line("  IPv4 gateway \(o.ipv4Gateway ?? "none")\(range)"),
                LogView.Line("  IPv6 gateway \(o.ipv6Gateway ?? "none") · DNS \(o.dnsServers.isEmpty ? "none" : o.dnsServers.joined(separator: ", "))"),
            ] + plan.members.compactMap { m in
                m.underlayIP.map { LogView.Line("  \(pad(m.name, toWidth: nameWidth))  underlay \($0)") }
            })
        }

        // Checks
        var checks: [LogView.Line] = []
        for i in issues.errors { checks.append(LogView.Line("  ⨯ " + i.message, style: .error)) }
        for i in issues.warnings { checks.append(LogView.Line("  ! " + i.message, style: .warn)) }
        if issues.isEmpty { checks.append(LogView.Line("  ✓ No problems found", style: .ok)) }
        section(nil, "Checks", checks)

        items.append(SummaryItem(kind: .save, lines: [LogView.Line("[ Save as preseed ]")]))
        items.append(SummaryItem(kind: .confirm, lines: [LogView.Line("[ Set up the cloud ]")]))
        return items
    }

    private func diskLines(_ member: String, _ disks: [DiskChoice], width: Int) -> [LogView.Line] {
        let inv = inventories.first { $0.name == member }
        return disks.map { d in
            let size = inv?.disk(named: d.path)?.capacity ?? ""
            let flags = [d.wipe ? "wipe" : nil, d.encrypt ? "encrypt" : nil].compactMap { $0 }.joined(separator: ", ")
            return LogView.Line("  \(pad(member, toWidth: width))  \(d.path)  \(size)\(flags.isEmpty ? "" : "  \(flags)")")
        }
    }

    /// The summary wrapped to a width: each line with the item it belongs to.
    func summaryLines(width: Int) -> [(line: LogView.Line, item: Int)] {
        var out: [(LogView.Line, Int)] = []
        for (n, item) in summaryItems().enumerated() {
            // Blank lines between blocks belong to no item, so the cursor marks the block's first real line.
            if n > 0 && item.kind != .confirm { out.append((LogView.Line(""), -1)) }
            for line in item.lines {
                for part in wrapLine(line.text, width: width) { out.append((LogView.Line(part, style: line.style), n)) }
            }
        }
        return out
    }

    /// Main panel width and height for the summary at the current size (the cursor gutter takes 2 columns).
    var summaryViewport: (width: Int, height: Int) {
        let main = Layout.regions(for: size)?.main ?? Rect(x: 0, y: 0, width: 78, height: 18)
        return (main.width - 2, main.height - (summary.saveField == nil ? 2 : 5))
    }

    mutating func summaryKey(_ key: Key) -> [WizardEffect] {
        if var field = summary.saveField {
            switch field.handle(key) {
            case .submit(let path):
                summary.saveField = nil
                summary.message = LogView.Line("Saving the plan to \(path) …", style: .dim)
                return [.savePreseed(path: path, yaml: current.plan.preseedYAML(passphrase: nil))]
            case .cancel:
                summary.saveField = nil
            default:
                summary.saveField = field
            }
            return []
        }
        summary.message = nil
        let items = summaryItems()
        let selectable = items.indices.filter { items[$0].isSelectable }
        let page = max(1, summaryViewport.height - 1)
        switch key {
        case .up:
            summary.cursor = selectable.last { $0 < summary.cursor } ?? summary.cursor
            summary.follow = true
        case .down:
            summary.cursor = selectable.first { $0 > summary.cursor } ?? summary.cursor
            summary.follow = true
        case .pageUp:
            summary.scroll = max(0, currentSummaryTop - page)
            summary.follow = false
        case .pageDown:
            let total = summaryLines(width: summaryViewport.width).count
            summary.scroll = max(0, min(total - summaryViewport.height, currentSummaryTop + page))
            summary.follow = false
        case .home:
            summary.cursor = selectable.first ?? 0
            summary.follow = true
        case .end:
            summary.cursor = selectable.last ?? 0
            summary.follow = true
        case .char("s"), .char("S"):
            openSaveField()
        case .char("e"), .char("E"):
            if items.indices.contains(summary.cursor), case .edit(let step) = items[summary.cursor].kind { edit(step) }
        case .enter:
            guard items.indices.contains(summary.cursor) else { return [] }
            switch items[summary.cursor].kind {
            case .edit(let step): edit(step)
            case .save: openSaveField()
            case .confirm: return confirmPlan()
            case .info: break
            }
        case .escape:
            goBack()
        default:
            break
        }
        return []
    }

    private mutating func openSaveField() {
        summary.saveField = TextField(prompt: "Save the plan as a preseed file (the passphrase is not written):",
                                      defaultValue: Self.defaultPreseedPath)
    }

    /// The first line the summary shows: where the operator scrolled, or what keeps the cursor in view.
    var currentSummaryTop: Int {
        let (width, height) = summaryViewport
        let lines = summaryLines(width: width)
        let maxTop = max(0, lines.count - height)
        guard summary.follow else { return min(summary.scroll, maxTop) }
        guard let first = lines.firstIndex(where: { $0.item == summary.cursor }),
              let last = lines.lastIndex(where: { $0.item == summary.cursor }) else { return 0 }
        if last < height { return 0 }
        return min(maxTop, max(0, min(first, last - height + 1)))
    }

    private mutating func confirmPlan() -> [WizardEffect] {
        let (plan, issues) = current
        guard !issues.hasErrors else {
            summary.message = LogView.Line("The plan has problems (marked ⨯ above). Edit the steps they name, then "
                                           + "confirm again.", style: .error)
            return []
        }
        run = RunState(plan: plan, startedAt: now)
        enter(.progress)
        return [.runBootstrap(plan)]
    }
}
