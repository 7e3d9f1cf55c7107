import Testing
@testable import MicroCloudNet

@Suite struct Spake2Tests {
    let salt = Crypto.randomBytes(JoinSignature.saltLength)
    let passphrase = "abbey amaze brain cobble"
    let joinerID = Array("9f2c6d1e0a7b4c3d".utf8), initiatorID = Array("51ab7e90c2d4f6a8".utf8)

    private func hex(_ s: String) -> [UInt8] { bytes(fromHex: s)! }

    /// RFC 9382 Appendix B, the first P-256 vector (A='server', B='client', no AAD): the same values are printed by
    /// the RFC and repeated in several independent implementations' tests.
    @Test func rfc9382TestVector() throws {
        let w = hex("2ee57912099d31560b3a44b1184b9b4866e904c49d12ac5042c97dca461b1a5f")
        let joiner = try Spake2.Joiner(password: w, joiner: Array("server".utf8), initiator: Array("client".utf8), aad: [],
                                       x: hex("43dd0fd7215bdcb482879fca3220c6a968e66d70b1356cac18bb26c84a78d729"))
        #expect(hexString(joiner.share) == "04a56fa807caaa53a4d28dbb9853b9815c61a411118a6fe516a8798434751470f9010153ac33d0d5f2047ffdb1a3e42c9b4e6be662766e1eeb4116988ede5f912c")
        let initiator = try Spake2.Initiator(password: w, peerShare: joiner.share, joiner: Array("server".utf8),
                                             initiator: Array("client".utf8), aad: [],
                                             y: hex("dcb60106f276b02606d8ef0a328c02e4b629f84f89786af5befb0bc75b6e66be"))
        #expect(hexString(initiator.share) == "0406557e482bd03097ad0cbaa5df82115460d951e3451962f1eaf4367a420676d09857ccbc522686c83d1852abfa8ed6e4a1155cf8f1543ceca528afb591a1e0b7")
        #expect(hexString(initiator.keys.sessionKey) == "0e0672dc86f8e45565d338b0540abe69")
        #expect(hexString(initiator.keys.joinerConfirmation) == "58ad4aa88e0b60d5061eb6b5dd93e80d9c4f00d127c65b3b35b1b5281fee38f0")
        #expect(hexString(initiator.keys.initiatorConfirmation) == "d3e2e547f1ae04f2dbdbf0fc4b79f8ecff2dff314b5d32fe9fcef2fb26dc459b")
        #expect(try joiner.finish(peerShare: initiator.share, confirmation: initiator.keys.initiatorConfirmation) == initiator.keys)
    }

    @Test func theRFCsHKDFStepIsRFC5869() {
        // RFC 5869 A.3: SHA-256, no salt, no info, IKM = 22 × 0x0b; the first 32 bytes of its OKM.
        #expect(hexString(Spake2.hkdf(secret: [UInt8](repeating: 0x0b, count: 22), info: []))
                == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d")
    }

    @Test func bothSidesAgreeOnTheSessionKey() throws {
        let w = try Spake2.password(passphrase: passphrase, salt: salt)
        let joiner = try Spake2.Joiner(password: w, joiner: joinerID, initiator: initiatorID)
        let initiator = try Spake2.Initiator(password: w, peerShare: joiner.share, joiner: joinerID, initiator: initiatorID)
        let keys = try #require(try joiner.finish(peerShare: initiator.share, confirmation: initiator.keys.initiatorConfirmation))
        #expect(keys == initiator.keys)
        #expect(keys.sessionKey.count == 16 && keys.joinerConfirmation != keys.initiatorConfirmation)
        let body = Array("{\"name\":\"micro02\"}".utf8)
        #expect(keys.mac(body) == initiator.keys.mac(body))
    }

    @Test func theScalarIsReducedFromFortyBytes() throws {
        let w = try Spake2.password(passphrase: passphrase, salt: salt)
        let raw = try Crypto.scrypt(password: passphrase, salt: salt, length: 40)
        let reduced = try P256Group.reduce(raw)
        #expect(w.count == 32 && w == reduced)
        #expect(try P256Group.reduce([UInt8](repeating: 0xff, count: 40)) != [UInt8](repeating: 0xff, count: 32))
    }

    @Test func aWrongPassphraseFailsOnBothSides() throws {
        let right = try Spake2.password(passphrase: passphrase, salt: salt)
        let wrong = try Spake2.password(passphrase: "abbey amaze brain cobbles", salt: salt)
        // The joiner holds the wrong one: the initiator's confirmation does not check.
        let joiner = try Spake2.Joiner(password: wrong, joiner: joinerID, initiator: initiatorID)
        let initiator = try Spake2.Initiator(password: right, peerShare: joiner.share, joiner: joinerID, initiator: initiatorID)
        #expect(try joiner.finish(peerShare: initiator.share, confirmation: initiator.keys.initiatorConfirmation) == nil)
        // A joiner that ignores that and confirms anyway sends a cA the initiator does not accept.
        let claimed = try joiner.keys(peerShare: initiator.share)
        #expect(claimed.joinerConfirmation != initiator.keys.joinerConfirmation)
        #expect(claimed.sessionKey != initiator.keys.sessionKey)
    }

    @Test func aRelayBetweenTwoTLSConnectionsFails() throws {
        // The relay presents its own certificate to each side and passes pA and pB through unchanged.
        let w = try Spake2.password(passphrase: passphrase, salt: salt)
        let relay = Array("relay-certificate".utf8)
        let joiner = try Spake2.Joiner(password: w, joiner: joinerID, initiator: relay)
        let initiator = try Spake2.Initiator(password: w, peerShare: joiner.share, joiner: relay, initiator: initiatorID)
        #expect(try joiner.finish(peerShare: initiator.share, confirmation: initiator.keys.initiatorConfirmation) == nil)
        #expect(try joiner.keys(peerShare: initiator.share).joinerConfirmation != initiator.keys.joinerConfirmation)
    }

    @Test func sharesThatAreNoPointAreRefused() throws {
        let w = try Spake2.password(passphrase: passphrase, salt: salt)
        let joiner = try Spake2.Joiner(password: w, joiner: joinerID, initiator: initiatorID)
        var offCurve = joiner.share
        offCurve[64] ^= 1
        for bad in [[], [UInt8](repeating: 0, count: 65), offCurve, Array(joiner.share.prefix(33))] {
            #expect(throws: CryptoError.self) { try Spake2.Initiator(password: w, peerShare: bad, joiner: joinerID, initiator: initiatorID) }
            #expect(throws: CryptoError.self) { try joiner.finish(peerShare: bad, confirmation: []) }
        }
        // pA = w·M exactly (x = 0 in effect) would unmask to the identity: refused, not a known key.
        let masked = try P256Group.multiply(generatorBy: nil, point: Spake2.m, by: w)
        #expect(throws: CryptoError.self) { try Spake2.Initiator(password: w, peerShare: masked, joiner: joinerID, initiator: initiatorID) }
    }

    /// A fake initiator (its own certificate, its own salt and guess) runs the exchange with a joiner that holds the
    /// right passphrase and keeps all it sees. Tested offline against a candidate list that contains the right
    /// passphrase, its transcript matches none; the old HMAC intent, tested the same way, gave it away.
    @Test func aFakeInitiatorsTranscriptConfirmsNoCandidateOffline() throws {
        let candidates = ["alpha bravo charlie delta", passphrase, "abbey amaze brain cobbles", "zebra yodel xenon wharf"]
        let fakeID = Array("fake-initiator".utf8)
        // The exchange: the joiner sends pA; the fake answers with a guess of its own; the joiner refuses its cB,
        // so pA is all the joiner ever sends it.
        let joinerW = try Spake2.password(passphrase: passphrase, salt: salt)
        let joiner = try Spake2.Joiner(password: joinerW, joiner: joinerID, initiator: fakeID)
        let fakeGuess = try Spake2.password(passphrase: candidates[0], salt: salt)
        let y = try P256Group.randomScalar()
        let fake = try Spake2.Initiator(password: fakeGuess, peerShare: joiner.share, joiner: joinerID, initiator: fakeID, y: y)
        let answer = try joiner.finish(peerShare: fake.share, confirmation: fake.keys.initiatorConfirmation)
        #expect(answer == nil)
        let collected = [joiner.share]
        // Offline: for each candidate, everything the fake can compute with it (its y, the joiner's pA) and a
        // comparison with what it collected.
        var matches: [String] = []
        for candidate in candidates {
            let w = try Spake2.password(passphrase: candidate, salt: salt)
            let keys = try Spake2.Initiator(password: w, peerShare: joiner.share, joiner: joinerID, initiator: fakeID, y: y).keys
            let derived = [keys.joinerConfirmation, keys.initiatorConfirmation, keys.sessionKey]
            if derived.contains(where: { value in collected.contains(where: { $0 == value }) }) { matches.append(candidate) }
        }
        #expect(matches.isEmpty)
        // The old scheme's intent (HMAC under scrypt(passphrase, salt)) against the same list: exactly the right one.
        let body = Array("{\"name\":\"micro02\"}".utf8)
        let signed = try JoinKey.derive(passphrase: passphrase, salt: salt).sign(body: body)
        let oldMatches = try candidates.filter {
            JoinSignature.verify(header: signed, body: body, key: try JoinKey.derive(passphrase: $0, salt: salt)) == .valid
        }
        #expect(oldMatches == [passphrase])
    }
}
