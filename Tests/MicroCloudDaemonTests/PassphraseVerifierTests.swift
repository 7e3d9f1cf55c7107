import Foundation
import Testing
import MicroCloudKit
import MicroCloudNet
@testable import MicroCloudDaemon

/// Keys prepared from a joiner's announced salt: the proof then costs no derivation, and every rule of the
/// verifier (failures claimed before the work, lockout) holds for it as for any other proof.
@Suite struct PassphraseVerifierTests {
    let passphrase = "alpha bravo charlie delta"
    let body = Array(#"{"name":"micro02"}"#.utf8)
    let salt = Crypto.randomBytes(JoinSignature.saltLength)

    @Test func aProofWithAPreparedSaltCostsNoDerivationOfItsOwn() async throws {
        let verifier = PassphraseVerifier(maxFailures: 10)
        #expect(verifier.prepare(salt: salt, passphrase: passphrase))
        #expect(!verifier.prepare(salt: salt, passphrase: passphrase), "one derivation per salt")
        let header = try JoinKey.derive(passphrase: passphrase, salt: salt).sign(body: body)
        #expect(await verifier.verify(header: header, body: body, passphrase: passphrase) == .valid)
        #expect(verifier.derivations == 1)
        // Proven, so kept: the confirmation signed with it is checked from the same key.
        #expect(verifier.keptKey(saltOf: header)?.salt == salt)
    }

    @Test func aWrongGuessWithAPreparedSaltIsCountedAndLocksLikeAnyOther() async throws {
        let verifier = PassphraseVerifier(maxFailures: 3)
        verifier.prepare(salt: salt, passphrase: passphrase)
        let guess = try JoinKey.derive(passphrase: "alpha bravo charlie echo", salt: salt).sign(body: body)
        #expect(await verifier.verify(header: guess, body: body, passphrase: passphrase) == .wrong(attempt: 1))
        #expect(await verifier.verify(header: guess, body: body, passphrase: passphrase) == .wrong(attempt: 2))
        #expect(await verifier.verify(header: guess, body: body, passphrase: passphrase) == .lockedNow(attempts: 3))
        let right = try JoinKey.derive(passphrase: passphrase, salt: salt).sign(body: body)
        #expect(await verifier.verify(header: right, body: body, passphrase: passphrase) == .locked)
        #expect(verifier.derivations == 1)
        #expect(verifier.keptKey(saltOf: guess) == nil, "a key no proof was valid with is not kept")
    }

    @Test func preparationIsBoundedPerSessionAndStopsWhenItCloses() async throws {
        let verifier = PassphraseVerifier(maxFailures: 10)
        #expect(!verifier.prepare(salt: [1, 2, 3], passphrase: passphrase), "not a salt of a proof")
        verifier.close()
        #expect(!verifier.prepare(salt: salt, passphrase: passphrase))
        // Closed before any was prepared: a proof is still checked, with a derivation of its own.
        let header = try JoinKey.derive(passphrase: passphrase, salt: salt).sign(body: body)
        #expect(await verifier.verify(header: header, body: body, passphrase: passphrase) == .valid)
        #expect(verifier.derivations == 1)

        let open = PassphraseVerifier(maxFailures: 10)
        let started = (0..<(PassphraseVerifier.maxPrepared + 8)).filter { _ in
            open.prepare(salt: Crypto.randomBytes(JoinSignature.saltLength), passphrase: passphrase)
        }
        #expect(started.count == PassphraseVerifier.maxPrepared)
        open.close()   // the ones not yet running are skipped
    }
}
