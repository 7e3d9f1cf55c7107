import Foundation
import Testing
import MicroCloudKit
@testable import MicroCloudTUI

/// `microcloud join`'s full-screen view: passphrase with word completion, the initiator's fingerprint, progress.
@Suite struct JoinScreenTests {
    static let words = ["able", "baker", "cobalt", "delta", "demo", "echo", "lab"]
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    func start() -> JoinState {
        JoinState(localName: "micro02", localFingerprint: "2df3b83337190000" + String(repeating: "e", count: 48),
                  words: Self.words, now: Self.now)
    }

    func send(_ s: JoinState, _ messages: JoinMessage...) -> (JoinState, [JoinEffect]) { send(s, messages) }

    func send(_ s: JoinState, _ messages: [JoinMessage]) -> (JoinState, [JoinEffect]) {
        var state = s
        var effects: [JoinEffect] = []
        for m in messages {
            let (next, fx) = JoinScreen.update(state, m)
            state = next
            effects += fx
        }
        return (state, effects)
    }

    func type(_ text: String) -> [JoinMessage] { text.map { .key(.char($0)) } }

    @Test func tabCompletesTheWordBeingTyped() {
        var (s, _) = send(start(), .key(.char("c")), .key(.char("o")))
        #expect(s.field.suggestion == "balt")
        (s, _) = send(s, .key(.tab))
        #expect(s.field.text == "cobalt")
        (s, _) = send(s, .key(.char(" ")), .key(.char("d")), .key(.char("e")))
        #expect(s.field.suggestion == nil, "two words start with de: no guess")
    }

    @Test func threeWordsAreRefusedWithTheReason() {
        let (s, effects) = send(start(), type("able baker echo") + [.key(.enter)])
        #expect(effects.isEmpty)
        #expect(s.phase == .passphrase)
        #expect(s.field.error == "The passphrase has exactly four words (3 so far)")
    }

    @Test func fourWordsAreSubmittedNormalised() {
        let (s, effects) = send(start(), type("Able  baker echo DELTA") + [.key(.enter)])
        #expect(effects == [.submit("able baker echo delta")])
        #expect(s.phase == .searching)
    }

    @Test func aPastedPassphraseIsSubmittedAtOnce() {
        let (_, effects) = send(start(), .paste("able baker echo delta\n"))
        #expect(effects == [.submit("able baker echo delta")])
    }

    @Test func ctrlCAbortsTheSessionAndQuits() {
        let (s, effects) = send(start(), type("able") + [.key(.ctrlC)])
        #expect(effects.first == .abort)
        #expect(s.finished && s.aborted)
    }

    @Test func endedBeforeJoiningIsAFailureWithTheReason() {
        let (s, _) = send(start(), type("able baker echo delta") + [.key(.enter), .ended("Initiator aborted the setup")])
        #expect(s.phase == .failed("Initiator aborted the setup"))
        #expect(s.exitText == "Failed waiting during join: Initiator aborted the setup")
    }

    func found() -> JoinState {
        send(start(), type("able baker echo delta") + [.key(.enter),
             .initiatorFound(name: "micro01", address: "10.231.0.11", fingerprint: "90bfed6493f6" + String(repeating: "1", count: 52))]).0
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 132, height: 43)])
    func goldens(size: Size) {
        let tag = "\(size.width)x\(size.height)"
        let typing = send(start(), .key(.char("c")), .key(.char("o"))).0
        Golden.check("join-passphrase-\(tag)", JoinScreen.view(typing, size).plainText)
        Golden.check("join-found-\(tag)", JoinScreen.view(found(), size).plainText)
        let joining = send(found(), .confirmed,
                           .progress(ProgressEvent(stepID: "join.micro02", member: "micro02", title: "Join micro02",
                                                   kind: .progress(fraction: nil, message: "Joining the LXD cluster through 10.231.0.11:8443"),
                                                   time: Self.now)),
                           .joined).0
        Golden.check("join-joined-\(tag)", JoinScreen.view(joining, size).plainText)
        let failed = send(found(), .ended("Initiator aborted the setup")).0
        Golden.check("join-failed-\(tag)", JoinScreen.view(failed, size).plainText)
    }

    /// Issue 10, break 2: the daemon's line comparing the announced and the presented fingerprint is shown before
    /// the intent is sent (the full screen shows what the plain output prints).
    @Test func theCertificateCheckLineIsShownAsTheDaemonWroteIt() {
        let line = " Contacting system micro01 at 10.0.0.1: announced fingerprint a1b2c3d4e5f6, certificate fingerprint a1b2c3d4e5f6 (they match)"
        let (s, fx) = send(start(), .note(line))
        #expect(fx.isEmpty)
        #expect(s.log.lines.last?.text == line.trimmingCharacters(in: .whitespaces))
    }
}
