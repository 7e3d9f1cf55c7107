import Foundation
import Testing
import MicroCloudKit
@testable import MicroCloudTUI

@Suite struct TextFieldTests {
    static func cidr(_ s: String) -> String? {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits) else {
            return "\"\(s)\" is not a CIDR subnet (like 10.0.0.0/24)"
        }
        return nil
    }

    @Test func editingKeysMoveTheCursorAndEdit() {
        var f = TextField(prompt: "Name")
        for c in "helo" { _ = f.handle(.char(c)) }
        _ = f.handle(.left)
        _ = f.handle(.char("l"))
        #expect(f.text == "hello" && f.cursor == 4)
        _ = f.handle(.home)
        _ = f.handle(.delete)
        #expect(f.text == "ello" && f.cursor == 0)
        _ = f.handle(.end)
        _ = f.handle(.backspace)
        #expect(f.text == "ell" && f.cursor == 3)
        _ = f.handle(.backspace)
        _ = f.handle(.backspace)
        _ = f.handle(.backspace)
        _ = f.handle(.backspace)
        #expect(f.text.isEmpty && f.cursor == 0)
    }

    @Test func emptyInputSubmitsTheDefault() {
        var f = TextField(prompt: "Subnet", defaultValue: "10.0.0.0/24", validate: Self.cidr)
        #expect(f.handle(.enter) == .submit("10.0.0.0/24"))
    }

    @Test func invalidInputShowsTheErrorUntilFixed() {
        var f = TextField(prompt: "What subnet (IPv4/IPv6 CIDR) would you like your Ceph internal traffic on?",
                          defaultValue: "10.0.0.0/24", validate: Self.cidr)
        for c in "10.1.0.0" { _ = f.handle(.char(c)) }
        #expect(f.handle(.enter) == .handled)
        #expect(f.error == "\"10.1.0.0\" is not a CIDR subnet (like 10.0.0.0/24)")
        var s = Screen(size: Size(width: 60, height: 5))
        f.render(on: &s, in: s.bounds)
        Golden.check("text-field-validation-error", s.styledText)
        for c in "/16" { _ = f.handle(.char(c)) }
        #expect(f.error == nil, "the message goes away as soon as the text is valid")
        #expect(f.handle(.enter) == .submit("10.1.0.0/16"))
    }

    @Test func pasteInsertsOneLineAndCanSubmit() {
        var f = TextField(prompt: "Passphrase", submitOnPaste: true) { $0.split(separator: " ").count == 4 ? nil : "Passphrase has to contain exactly four elements" }
        #expect(f.paste("alpha beta\ngamma delta\n") == .submit("alpha beta gamma delta"))
        var g = TextField(prompt: "x", text: "ab")
        _ = g.handle(.left)
        #expect(g.paste("XY") == .handled)
        #expect(g.text == "aXYb" && g.cursor == 3)
    }

    @Test func tabAcceptsTheGhostCompletion() {
        let words = ["apple", "banana", "cherry"]
        var f = TextField(prompt: "Passphrase", complete: { text in
            let current = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            guard !current.isEmpty, let w = words.first(where: { $0.hasPrefix(current) && $0 != current }) else { return nil }
            return String(w.dropFirst(current.count))
        })
        for c in "ban" { _ = f.handle(.char(c)) }
        #expect(f.suggestion == "ana")
        var s = Screen(size: Size(width: 30, height: 2))
        f.render(on: &s, in: s.bounds)
        #expect(s.text(row: 1) == "> banana")
        #expect(s.styleLayer(row: 1) == "aa   #dd")
        #expect(f.handle(.tab) == .handled)
        #expect(f.text == "banana")
        #expect(f.suggestion == nil)
        #expect(f.handle(.tab) == .ignored, "no suggestion: Tab is left to the caller")
    }

    @Test func longTextScrollsToKeepTheCursorVisible() {
        var f = TextField(prompt: "P", text: String(repeating: "abcdefghij", count: 5))
        var s = Screen(size: Size(width: 20, height: 2))
        f.render(on: &s, in: s.bounds)
        #expect(s.text(row: 1) == "> defghijabcdefghij", "17 characters and the cursor cell")
        _ = f.handle(.home)
        s = Screen(size: Size(width: 20, height: 2))
        f.render(on: &s, in: s.bounds)
        #expect(s.text(row: 1) == "> abcdefghijabcdefgh")
    }

    @Test func placeholderShowsWhenEmpty() {
        let f = TextField(prompt: "Address", placeholder: "10.0.0.1")
        var s = Screen(size: Size(width: 20, height: 2))
        f.render(on: &s, in: s.bounds)
        #expect(s.text(row: 1) == "> 10.0.0.1")
        #expect(s.styleLayer(row: 1) == "aa#ddddddd")
    }
}

@Suite struct YesNoTests {
    @Test func keysChooseAndSubmit() {
        var q = YesNo(question: "Would you like to set up local storage?", defaultValue: true)
        #expect(q.handle(.enter) == .submit(true))
        #expect(q.handle(.right) == .handled)
        #expect(q.value == false)
        #expect(q.handle(.enter) == .submit(false))
        #expect(q.handle(.char("y")) == .submit(true))
        #expect(q.handle(.char("N")) == .submit(false))
        #expect(q.handle(.escape) == .cancel)
        #expect(q.handle(.char("x")) == .ignored)
    }

    @Test func rendersQuestionDefaultAndChoice() {
        let q = YesNo(question: "Configure distributed networking?", defaultValue: false)
        var s = Screen(size: Size(width: 70, height: 3))
        q.render(on: &s, in: s.bounds)
        #expect(s.lines == ["Configure distributed networking? (yes/no) [default=no]", "", "    Yes     [ No ]"])
    }
}

@Suite struct ProgressListTests {
    static func sample() -> ProgressList {
        ProgressList(items: [
            .init(id: "lxd", title: "Bootstrap LXD", member: "micro01", state: .done, started: 0, finished: 3.2, budget: 300),
            .init(id: "ceph", title: "Bootstrap MicroCeph", member: "micro01", state: .done, started: 3.2, finished: 20, budget: 300),
            .init(id: "join2", title: "Join LXD", member: "micro02", state: .running, started: 20, budget: 300),
            .init(id: "osd", title: "Add OSDs", member: "micro03", state: .running, started: 21, budget: 60,
                  amount: .init(done: 3, total: 8, unit: "disks", remaining: 20)),
            .init(id: "join3", title: "Join MicroOVN", member: "micro03", state: .failed("connection refused by micro03:7443 (is microcloudd running?)"),
                  started: 20, finished: 45, budget: 30),
            .init(id: "net", title: "Configure networks", state: .pending, budget: 120),
            .init(id: "ui", title: "Create UI access link", state: .skipped("LXD lacks auth_bearer")),
        ])
    }

    @Test func rendersStatesTimesAndBars() {
        var s = Screen(size: Size(width: 80, height: 12))
        Self.sample().render(on: &s, in: s.bounds, now: 95)
        Golden.check("progress-list", s.plainText)
        #expect(s.text(row: 0).hasPrefix("✓ Bootstrap LXD"))
        #expect(s.text(row: 0).hasSuffix("0:03 / 5:00"))
        #expect(s.text(row: 4).contains("3/8 disks · ~0:20 left"))
    }

    @Test func overBudgetTimeIsAWarning() {
        var s = Screen(size: Size(width: 80, height: 12))
        Self.sample().render(on: &s, in: s.bounds, now: 95)
        // "Add OSDs" has run 74 s of a 60 s budget.
        #expect(s.text(row: 3).hasSuffix("1:14 / 1:00"))
        #expect(s.styleLayer(row: 3).hasSuffix("wwwwwwwwwww"))
    }

    @Test func scrollingStopsFollowingAndEndResumes() {
        var p = ProgressList(items: (1...30).map { .init(id: StepID("\($0)"), title: "Step \($0)", state: $0 < 25 ? .done : .pending, started: 0, finished: 1) })
        var s = Screen(size: Size(width: 40, height: 5))
        p.render(on: &s, in: s.bounds, now: 10)
        #expect(s.text(row: 3).hasPrefix("✓ Step 24"), "follows the last finished step")
        _ = p.handle(.home)
        s = Screen(size: Size(width: 40, height: 5))
        p.render(on: &s, in: s.bounds, now: 10)
        #expect(s.text(row: 0).hasPrefix("✓ Step 1 "))
        #expect(s.text(row: 4).hasSuffix("↓"))
        _ = p.handle(.end)
        #expect(p.follow)
    }
}

@Suite struct LogViewTests {
    @Test func followsTheEndAndScrolls() {
        var log = LogView()
        for i in 1...20 { log.append("line \(i)") }
        var s = Screen(size: Size(width: 20, height: 3))
        log.render(on: &s, in: s.bounds)
        #expect(s.lines == ["line 18" + String(repeating: " ", count: 12) + "↑", "line 19", "line 20"])
        _ = log.handle(.pageUp)
        s = Screen(size: Size(width: 20, height: 3))
        log.render(on: &s, in: s.bounds)
        #expect(s.lines == ["line 8" + String(repeating: " ", count: 13) + "↑", "line 9", "line 10" + String(repeating: " ", count: 12) + "↓"])
        log.append("line 21")
        #expect(log.offsetFromEnd == 11, "a scrolled view stays where it is when lines arrive")
    }

    @Test func keepsAtMostItsLimit() {
        var log = LogView(limit: 3)
        for i in 1...5 { log.append("\(i)") }
        #expect(log.lines.map(\.text) == ["3", "4", "5"])
    }
}

/// One line per Ceph disk: member, path, state word and time; a failed disk's reason after it; when the disks do not
/// fit, the ones under way and the failed ones keep their lines.
@Suite struct CephDiskListTests {
    static let t0 = Date(timeIntervalSince1970: 2_000_000)

    static func progress() -> CephDiskProgress {
        let members = (1...3).map { n in
            MemberPlan(name: "micro0\(n)", address: "10.0.0.\(n)", cephDisks: [DiskChoice(path: "/dev/loop1"), DiskChoice(path: "/dev/loop2")])
        }
        var p = CephDiskProgress(plan: ClusterPlan(initiator: "micro01", lookupSubnet: "10.0.0.0/24", members: members))
        func e(_ m: String, _ path: String, _ k: ProgressEvent.Kind, _ s: Double) {
            p.apply(ProgressEvent(stepID: .cephDisk(m, path), member: m, title: "Add \(path)", kind: k, time: t0.addingTimeInterval(s)))
        }
        e("micro01", "/dev/loop1", .started(budget: 600), 0)
        e("micro01", "/dev/loop1", .succeeded(elapsed: 12), 12)
        e("micro01", "/dev/loop2", .started(budget: 600), 0)
        e("micro01", "/dev/loop2", .progress(fraction: nil, message: "wiping"), 1)
        e("micro02", "/dev/loop1", .started(budget: 600), 5)
        e("micro02", "/dev/loop1", .failed(message: "Failed adding disk: already in use"), 7)
        return p
    }

    @Test func eachDiskHasALineWithStateAndTime() {
        var s = Screen(size: Size(width: 80, height: 6))
        CephDiskList(Self.progress()).render(on: &s, in: s.bounds, now: Self.t0.addingTimeInterval(20), tick: 0)
        #expect(s.text(row: 0) == "✓ micro01  /dev/loop1  up and in  0:12")
        #expect(s.text(row: 1).hasSuffix("micro01  /dev/loop2  wiping     0:20"))
        #expect(s.text(row: 2) == "⨯ micro02  /dev/loop1  failed     0:02  Failed adding disk: already in use")
        #expect(s.text(row: 3) == "· micro02  /dev/loop2  queued")
        #expect(s.text(row: 5) == "· micro03  /dev/loop2  queued")
    }

    /// The lab run showed "wiping and addi…": the longest word a disk's step says fits whole.
    @Test func wipingAndAddingIsShownWhole() {
        var p = Self.progress()
        p.apply(ProgressEvent(stepID: .cephDisk("micro03", "/dev/loop1"), member: "micro03", title: "Add /dev/loop1",
                              kind: .progress(fraction: nil, message: "wiping and adding"), time: Self.t0.addingTimeInterval(3)))
        var s = Screen(size: Size(width: 80, height: 6))
        CephDiskList(p).render(on: &s, in: s.bounds, now: Self.t0.addingTimeInterval(20), tick: 0)
        // micro03's other disk waits for its turn (MicroCeph adds one at a time per server): the column fits that too.
        #expect(s.text(row: 4).hasSuffix("micro03  /dev/loop1  wiping and adding     0:17"))
        #expect(s.text(row: 5) == "· micro03  /dev/loop2  waiting for its turn")
    }

    @Test func disksUnderWayAndFailedKeepTheirLinesWhenSpaceIsShort() {
        var s = Screen(size: Size(width: 80, height: 3))
        CephDiskList(Self.progress()).render(on: &s, in: s.bounds, now: Self.t0.addingTimeInterval(20), tick: 0)
        #expect(s.text(row: 0).contains("micro01  /dev/loop2  wiping"))
        #expect(s.text(row: 1).contains("micro02  /dev/loop1  failed"))
        #expect(s.text(row: 2) == "  … 4 more disks: 1 up and in, 3 queued")
    }
}
