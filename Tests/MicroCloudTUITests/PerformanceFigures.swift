import Testing
@testable import MicroCloudTUI

/// Prints how long a 1,000-row table view and its diff take (figures only: no timing assertions).
@Suite struct PerformanceFigures {
    @Test func thousandRowTableViewAndDiff() {
        var table = SelectTable<Int>(title: "Select the servers:", columns: ["NAME", "ADDRESS", "FINGERPRINT", "STATE"],
                                     rows: (0..<1000).map { .init(id: $0, cells: ["micro\($0)", "10.0.\($0 / 250).\($0 % 250)", "abcdef\($0)", $0 % 7 == 0 ? "disconnected" : "verified"]) })
        let size = Size(width: 132, height: 43)
        let chrome = Chrome(title: "Servers", step: 2, stepCount: 10, remaining: 3000, passphrase: "a b c d",
                            plan: [.init("x")], hints: [KeyHint("enter", "confirm")])
        var previous = Screen(size: size)
        let clock = ContinuousClock()
        let rounds = 200
        var cells = 0
        var viewTime = Duration.zero, diffTime = Duration.zero
        for i in 0..<rounds {
            _ = table.handle(i % 40 < 20 ? .down : .char(" "))
            let t0 = clock.now
            let t = table
            let screen = Layout.render(chrome, size: size) { s, r in t.render(on: &s, in: r) }
            let t1 = clock.now
            let changes = screen.diff(from: previous)
            let t2 = clock.now
            viewTime += t1 - t0
            diffTime += t2 - t1
            cells += changes.reduce(0) { $0 + $1.cells.count }
            previous = screen
        }
        print("1000-row table at 132x43: view \(viewTime / rounds) per frame, diff \(diffTime / rounds) per frame, " +
              "\(cells / rounds) cells sent per frame (of \(size.width * size.height))")
        #expect(cells / rounds < size.width * size.height / 4)
    }
}
