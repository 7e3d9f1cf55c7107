import Foundation
import MicroCloudKit
import MicroCloudTUI

/// Figures for the wizard's hot path: the live server table with 1,000 rows, one row changing per frame: the
/// update (`Wizard.update`), the view (`Wizard.view`) and the diff against the previous frame (what a terminal is
/// sent). Prints wall time per frame and, since the machine may be shared, the thread's CPU time too; never asserts.
/// Arguments: rows (1000), frames (400).
@main
enum Bench {
    static func main() {
        let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let rows = args.first ?? 1000
        let frames = args.dropFirst().first ?? 400
        for size in [Size(width: 132, height: 43), Size(width: 80, height: 24)] {
            report(liveTable(rows: rows, size: size, frames: frames), label: "view + diff, \(rows)-row live table, \(size)")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "peak RSS of the benchmark process: %.1f MiB", Double(usage.ru_maxrss) / 1024))
    }

    /// Seconds of one frame: wall clock in total, CPU time of this thread, and the wall time of each part.
    struct Frame {
        var wall = 0.0, cpu = 0.0, update = 0.0, view = 0.0, diff = 0.0
    }

    /// One discovery update, a view, a diff per frame.
    static func liveTable(rows: Int, size: Size, frames: Int) -> [Frame] {
        var (state, _) = Wizard.update(Wizard.start(now: Date(), size: size),
                                       .addresses([HostAddress(interface: "eth0", cidr: "10.0.0.1/16")]))
        (state, _) = Wizard.update(state, .sessionOpened(passphrase: "able baker charlie delta",
                                                         expiresAt: Date().addingTimeInterval(3600),
                                                         localName: "micro0000", localFingerprint: String(repeating: "a", count: 64)))
        for i in 1...rows { (state, _) = Wizard.update(consume state, .discovery(server(i, state: "ready"))) }
        var previous = Wizard.view(state, size)
        var times: [Frame] = []
        let clock = ContinuousClock()
        for frame in 0..<frames {
            let cpu0 = threadCPU()
            let start = clock.now
            (state, _) = Wizard.update(consume state, .discovery(server(1 + frame % rows, state: frame % 2 == 0 ? "joining" : "ready")))
            if frame % 50 == 0 { (state, _) = Wizard.update(consume state, .key(.down)) }
            let updated = clock.now
            let screen = Wizard.view(state, size)
            let viewed = clock.now
            let changes = screen.diff(from: previous)
            previous = screen
            let end = clock.now
            times.append(Frame(wall: seconds(end - start), cpu: threadCPU() - cpu0, update: seconds(updated - start),
                               view: seconds(viewed - updated), diff: seconds(end - viewed)))
            precondition(changes.count >= 0)
        }
        return times
    }

    static func server(_ i: Int, state: String) -> Server {
        let fp = String(format: "%012x", i * 7919)
        return Server(name: String(format: "micro%04d", i), address: "10.0.\(i / 250).\(i % 250 + 2)", fingerprint: Fingerprint(fp),
                      version: state == "ready" ? "0.1.0" : "0.1.1")
    }

    static func report(_ frames: [Frame], label: String) {
        let sorted = frames.map(\.wall).sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1e6 }
        func mean(_ part: KeyPath<Frame, Double>) -> Double { frames.reduce(0) { $0 + $1[keyPath: part] } / Double(frames.count) * 1e6 }
        print(String(format: "%@: mean %.0f µs, p50 %.0f µs, p95 %.0f µs, max %.0f µs (%d frames); CPU mean %.0f µs; "
                     + "update %.0f + view %.0f + diff %.0f µs",
                     label, mean(\.wall), pct(0.5), pct(0.95), (sorted.last ?? 0) * 1e6, frames.count, mean(\.cpu),
                     mean(\.update), mean(\.view), mean(\.diff)))
    }

    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
