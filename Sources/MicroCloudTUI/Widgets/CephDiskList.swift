import Foundation
import MicroCloudKit

/// The progress screen's Ceph disks: one live line per disk (member, path, state, time; a failure's reason after it).
/// When they do not all fit, the disks still under way and the failed ones keep their lines and the rest are counted.
public struct CephDiskList: Sendable {
    public var progress: CephDiskProgress

    public init(_ progress: CephDiskProgress) { self.progress = progress }

    /// Which disks get a line in `rows` rows (in plan order), and how many are left out.
    func shown(rows: Int) -> (disks: [CephDiskProgress.Disk], hidden: Int) {
        let all = progress.disks
        guard all.count > rows else { return (all, 0) }
        let room = max(0, rows - 1)
        func rank(_ s: CephDiskProgress.State) -> Int {
            switch s {
            case .working: 0
            case .failed: 1
            case .queued, .waitingTurn: 2
            case .upAndIn, .skipped: 3
            }
        }
        let picked = all.indices.sorted { (rank(all[$0].state), $0) < (rank(all[$1].state), $1) }.prefix(room).sorted()
        return (picked.map { all[$0] }, all.count - picked.count)
    }

    /// A path cut from the left ("…QEMU_disk1b"): by-id paths share their start and differ at the end.
    static func tail(_ path: String, width: Int) -> String {
        guard displayWidth(path) > width, width > 1 else { return path }
        var out = ""
        for ch in path.reversed() {
            guard displayWidth(String(ch) + out) <= width - 1 else { break }
            out = String(ch) + out
        }
        return "…" + out
    }

    /// How many rows it wants: every disk.
    public var naturalHeight: Int { progress.disks.count }

    public func render(on screen: inout Screen, in rect: Rect, now: Date, tick: Double) {
        guard !rect.isEmpty, !progress.disks.isEmpty else { return }
        let g = screen.glyphs
        let (disks, hidden) = shown(rows: rect.height)
        let memberWidth = min(16, progress.disks.map { displayWidth($0.member) }.max() ?? 0)
        let pathWidth = min(24, progress.disks.map { displayWidth($0.path) }.max() ?? 0)
        // Up to "waiting for its turn", the longest word a disk shows.
        let stateWidth = min(20, max(9, progress.disks.map { displayWidth($0.stateText) }.max() ?? 0))
        for (k, d) in disks.enumerated() {
            let y = rect.y + k
            let (icon, iconStyle): (String, Style) = switch d.state {
            case .queued, .waitingTurn: (g.bullet, .dim)
            case .working: (g.spinner[Int((tick * 8).rounded(.down)) % g.spinner.count], .accent)
            case .upAndIn: (g.check, .ok)
            case .failed: (g.disabled, .error)
            case .skipped: ("-", .dim)
            }
            let stateStyle: Style = switch d.state {
            case .queued, .waitingTurn, .skipped: .dim
            case .working: .bold
            case .upAndIn: .ok
            case .failed: .error
            }
            var x = screen.put(icon + " ", at: Point(x: rect.x, y: y), style: iconStyle)
            x = screen.put(pad(d.member, toWidth: memberWidth) + "  ", at: Point(x: x, y: y), style: .dim, maxWidth: rect.maxX - x)
            x = screen.put(pad(Self.tail(d.path, width: pathWidth), toWidth: pathWidth) + "  ", at: Point(x: x, y: y), maxWidth: rect.maxX - x)
            x = screen.put(pad(d.stateText, toWidth: stateWidth), at: Point(x: x, y: y), style: stateStyle, maxWidth: rect.maxX - x)
            let time = d.elapsed(at: now).map(formatClock) ?? ""
            x = screen.put(" " + time.leftPadded(to: 5), at: Point(x: x, y: y), style: .dim, maxWidth: rect.maxX - x)
            if case .failed(let why) = d.state {
                screen.put("  " + why, at: Point(x: x, y: y), style: .error, maxWidth: rect.maxX - x)
            }
        }
        if hidden > 0 {
            let rest = progress.disks.filter { d in !disks.contains { $0.id == d.id } }
            let up = rest.filter { $0.state == .upAndIn }.count, queued = rest.filter { $0.state == .queued || $0.state == .waitingTurn }.count
            var parts: [String] = []
            if up > 0 { parts.append("\(up) up and in") }
            if queued > 0 { parts.append("\(queued) queued") }
            if rest.count > up + queued { parts.append("\(rest.count - up - queued) skipped") }
            screen.put("  … \(hidden) more disk\(hidden == 1 ? "" : "s"): " + parts.joined(separator: ", "),
                       at: Point(x: rect.x, y: rect.y + disks.count), style: .dim, maxWidth: rect.width)
        }
    }
}
