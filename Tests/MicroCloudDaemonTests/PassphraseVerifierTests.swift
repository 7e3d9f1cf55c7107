import Foundation
import Testing
import MicroCloudKit
import MicroCloudNet
@testable import MicroCloudDaemon
@testable import MicroCloudClient
import MicroCloudWire

/// One key per session: every proof is checked with the key of the session's salt, derived once, and every rule of
/// the verifier (failures claimed before the work, lockout) holds for each check.
@Suite struct PassphraseVerifierTests {
    let passphrase = "alpha bravo charlie delta"
    let body = Array(#"{"name":"micro02"}"#.utf8)
    let salt = Crypto.randomBytes(JoinSignature.saltLength)

    func proof(_ passphrase: String? = nil, salt: [UInt8]? = nil, body: [UInt8]? = nil) throws -> String {
        try JoinKey.derive(passphrase: passphrase ?? self.passphrase, salt: salt ?? self.salt).sign(body: body ?? self.body)
    }

    @Test func theSessionDerivesOneKeyWhateverTheNumberOfJoiners() async throws {
        let verifier = PassphraseVerifier(maxFailures: 10)
        verifier.startKey(salt: salt, passphrase: passphrase)
        verifier.startKey(salt: Crypto.randomBytes(JoinSignature.saltLength), passphrase: passphrase)  // ignored: set once
        #expect(verifier.salt == salt)
        // Nine joiners, each with a key of its own derivation (as on its own server), each with its own body.
        for n in 2...10 {
            let intent = Array(#"{"name":"micro\#(n)"}"#.utf8)
            #expect(await verifier.verify(header: try proof(body: intent), body: intent) == .valid)
        }
        #expect(verifier.derivations == 1)
        #expect(verifier.failures == 0)
        // The confirmation the initiator signs with its key is what a joiner's own key accepts.
        let joiner = PassphraseVerifier(maxFailures: 10)
        joiner.startKey(salt: salt, passphrase: passphrase)
        let confirmation = try #require(try await verifier.key()).sign(body: body)
        #expect(await joiner.verify(header: confirmation, body: body) == .valid)
    }

    @Test func aWrongPassphraseIsCountedAndLocksTheSession() async throws {
        let verifier = PassphraseVerifier(maxFailures: 3)
        verifier.startKey(salt: salt, passphrase: passphrase)
        let guess = try proof("alpha bravo charlie echo")
        #expect(await verifier.verify(header: guess, body: body) == .wrong(attempt: 1))
        #expect(await verifier.verify(header: guess, body: body) == .wrong(attempt: 2))
        #expect(await verifier.verify(header: guess, body: body) == .lockedNow(attempts: 3))
        #expect(await verifier.verify(header: try proof(), body: body) == .locked)
        #expect(verifier.derivations == 1, "a guess costs the session no derivation")
    }

    /// The right passphrase with another salt (an earlier session's, or a joiner's own) is refused and counted,
    /// without a derivation for it; so is any proof before the session's salt is known.
    @Test func aProofWithAnotherSaltIsRefusedAndCounted() async throws {
        let verifier = PassphraseVerifier(maxFailures: 10)
        #expect(await verifier.verify(header: try proof(), body: body) == .wrong(attempt: 1), "no salt known yet")
        verifier.startKey(salt: salt, passphrase: passphrase)
        let stale = try proof(salt: Crypto.randomBytes(JoinSignature.saltLength))
        #expect(await verifier.verify(header: stale, body: body) == .wrong(attempt: 2))
        #expect(verifier.derivations == 1)
        guard case .malformed = await verifier.verify(header: "MicroCloud-1.0 00:00", body: body) else {
            Issue.record("a malformed header is refused as such")
            return
        }
        #expect(verifier.failures == 2, "a malformed header is refused without counting")
    }

    /// Wrong proofs sent at once: no more are checked than the session has failures left.
    @Test func concurrentGuessesCheckAtMostTheFailuresLeft() async throws {
        let verifier = PassphraseVerifier(maxFailures: 10)
        verifier.startKey(salt: salt, passphrase: passphrase)
        let guess = try proof("alpha bravo charlie echo")
        let outcomes = await withTaskGroup(of: PassphraseVerifier.Outcome.self) { group in
            for _ in 0..<40 { group.addTask { await verifier.verify(header: guess, body: body) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let checked = outcomes.filter { if case .wrong = $0 { return true }; if case .lockedNow = $0 { return true }; return false }
        #expect(checked.count == 10)
        #expect(outcomes.filter { $0 == .busy || $0 == .locked }.count == 30)
        #expect(outcomes.filter { if case .lockedNow = $0 { return true }; return false }.count == 1)
        #expect(verifier.failures == 10)
    }
}
