import Foundation
import MicroCloudKit
import MicroCloudTUI

/// Figures for the wizard's hot path: the live server table with 1,000 rows, one row changing per frame, drawn
/// (`Wizard.view`) and diffed against the previous frame (what a terminal is sent). Prints, never asserts.
@main
enum Bench {
    static func main() {
        let rows = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1000
        for size in [Size(width: 132, height: 43), Size(width: 80, height: 24)] {
            report(liveTable(rows: rows, size: size, frames: 400), label: "view + diff, \(rows)-row live table, \(size)")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "peak RSS of the benchmark process: %.1f MiB", Double(usage.ru_maxrss) / 1024))
    }

    /// Per-frame seconds: one discovery update, a view, a diff.
    static func liveTable(rows: Int, size: Size, frames: Int) -> [Double] {
        var (state, _) = Wizard.update(Wizard.start(now: Date(), size: size),
                                       .addresses([HostAddress(interface: "eth0", cidr: "10.0.0.1/16")]))
        (state, _) = Wizard.update(state, .sessionOpened(passphrase: "able baker charlie delta",
                                                         expiresAt: Date().addingTimeInterval(3600),
                                                         localName: "micro0000", localFingerprint: String(repeating: "a", count: 64)))
        for i in 1...rows { (state, _) = Wizard.update(state, .discovery(server(i, state: "ready"))) }
        var previous = Wizard.view(state, size)
        var times: [Double] = []
        let clock = ContinuousClock()
        for frame in 0..<frames {
            let start = clock.now
            (state, _) = Wizard.update(state, .discovery(server(1 + frame % rows, state: frame % 2 == 0 ? "joining" : "ready")))
            if frame % 50 == 0 { (state, _) = Wizard.update(state, .key(.down)) }
            let screen = Wizard.view(state, size)
            let changes = screen.diff(from: previous)
            previous = screen
            times.append(seconds(clock.now - start))
            precondition(changes.count >= 0)
        }
        return times
    }

    static func server(_ i: Int, state: String) -> Server {
        let fp = String(format: "%012x", i * 7919)
        return Server(name: String(format: "micro%04d", i), address: "10.0.\(i / 250).\(i % 250 + 2)", fingerprint: Fingerprint(fp),
                      version: state == "ready" ? "0.1.0" : "0.1.1")
    }

    static func report(_ times: [Double], label: String) {
        let sorted = times.sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1e6 }
        let mean = times.reduce(0, +) / Double(times.count) * 1e6
        print(String(format: "%@: mean %.0f µs, p50 %.0f µs, p95 %.0f µs, max %.0f µs (%d frames)",
                     label, mean, pct(0.5), pct(0.95), (sorted.last ?? 0) * 1e6, times.count))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
