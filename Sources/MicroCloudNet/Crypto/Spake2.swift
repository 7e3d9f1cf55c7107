/// SPAKE2 (RFC 9382) over P-256 with SHA-256, HKDF-SHA256 and HMAC-SHA256, with key confirmation: the join's
/// passphrase check. Party A is the joiner (it sends `pA`), party B the initiator (it answers `pB` and its
/// confirmation); the identities are both sides' TLS certificate fingerprints as each side saw them on the pinned
/// connection, so a relay between two TLS connections ends with keys that do not confirm.
///
/// What a wrong party learns: an exchange tests one passphrase guess, online. A fake initiator holding `pA` (and the
/// joiner's refusal of its confirmation) cannot test guesses offline: every candidate gives some `K`, and nothing it
/// holds tells the right one apart (the Diffie-Hellman secret `x` never leaves the joiner).
public enum Spake2 {
    /// RFC 9382 section 6, P-256: M and N, compressed.
    static let m = bytes(fromHex: "02886e2f97ace46e55ba9dd7242579f2993b64e16ef3dcab95afd497333d8fa12f")!
    static let n = bytes(fromHex: "03d8bbd6c639c62937b04d997f38c3770719c629d7014d49a24b4f98baa1292b49")!
    /// Bound into the confirmation keys (RFC 9382's AAD), so these keys serve MicroCloud's join only.
    public static let joinAAD = Array("MicroCloud join 1".utf8)
    /// scrypt output reduced to `w`: 64 bits longer than the group order, so `w` is unbiased (RFC 9382 section 3.2).
    static let passwordBytes = P256Group.scalarLength + 8

    /// w = scrypt(passphrase, salt) mod the group order: the slow part, done once per session on each side.
    public static func password(passphrase: String, salt: [UInt8]) throws -> [UInt8] {
        try P256Group.reduce(Crypto.scrypt(password: passphrase, salt: salt, length: passwordBytes))
    }

    /// What both sides end with when the confirmations match.
    public struct Keys: Sendable, Equatable {
        /// Ke: MACs the joiner's intent and the initiator's later confirmation (`mac(_:)`).
        public let sessionKey: [UInt8]
        /// cA: the joiner's confirmation.
        public let joinerConfirmation: [UInt8]
        /// cB: the initiator's confirmation.
        public let initiatorConfirmation: [UInt8]

        public func mac(_ body: [UInt8]) -> [UInt8] { Crypto.hmacSHA256(key: sessionKey, data: body) }
    }

    /// The joiner's side: `share` (pA) goes to the initiator; `finish` checks its answer.
    public struct Joiner: Sendable {
        public let share: [UInt8]
        let w: [UInt8], x: [UInt8], identities: (joiner: [UInt8], initiator: [UInt8]), aad: [UInt8]

        /// `x` is for test vectors only; a real exchange draws it fresh.
        public init(password w: [UInt8], joiner: [UInt8], initiator: [UInt8], aad: [UInt8] = joinAAD,
                    x: [UInt8]? = nil) throws {
            let x = try x ?? P256Group.randomScalar()
            (self.w, self.x, self.identities, self.aad) = (w, x, (joiner, initiator), aad)
            share = try P256Group.multiply(generatorBy: x, point: Spake2.m, by: w)
        }

        /// The keys when `confirmation` is the initiator's valid cB over `peerShare` (pB); nil when it is not: a
        /// wrong passphrase, or not the initiator whose certificate we saw. Throws on a `peerShare` that is no point.
        public func finish(peerShare: [UInt8], confirmation: [UInt8]) throws -> Keys? {
            let keys = try keys(peerShare: peerShare)
            return Crypto.constantTimeEqual(keys.initiatorConfirmation, confirmation) ? keys : nil
        }

        /// The keys this side computes from `peerShare`, before any confirmation is checked.
        func keys(peerShare: [UInt8]) throws -> Keys {
            let k = try P256Group.multiply(generatorBy: nil, point: Spake2.unmasked(peerShare, w: w, by: Spake2.n), by: x)
            return Spake2.schedule(Spake2.transcript(identities.joiner, identities.initiator, share, peerShare, k, w), aad: aad)
        }
    }

    /// The initiator's side: answers a joiner's `pA` with `share` (pB) and `keys.initiatorConfirmation`, and keeps
    /// `keys` to check the joiner's confirmation against `keys.joinerConfirmation`.
    public struct Initiator: Sendable {
        public let share: [UInt8]
        public let keys: Keys

        public init(password w: [UInt8], peerShare: [UInt8], joiner: [UInt8], initiator: [UInt8],
                    aad: [UInt8] = joinAAD, y: [UInt8]? = nil) throws {
            let y = try y ?? P256Group.randomScalar()
            share = try P256Group.multiply(generatorBy: y, point: Spake2.n, by: w)
            let k = try P256Group.multiply(generatorBy: nil, point: Spake2.unmasked(peerShare, w: w, by: Spake2.m), by: y)
            keys = Spake2.schedule(Spake2.transcript(joiner, initiator, peerShare, share, k, w), aad: aad)
        }
    }

    /// `share` − w·`mask`, after checking `share` is an uncompressed point as the wire carries it.
    static func unmasked(_ share: [UInt8], w: [UInt8], by mask: [UInt8]) throws -> [UInt8] {
        guard share.count == P256Group.pointLength, share.first == 0x04 else {
            throw CryptoError("a SPAKE2 share must be an uncompressed P-256 point (65 bytes)")
        }
        return try P256Group.subtract(share, P256Group.multiply(generatorBy: nil, point: mask, by: w))
    }

    /// TT (RFC 9382 section 3.3): each field preceded by its length as 8 little-endian bytes.
    static func transcript(_ a: [UInt8], _ b: [UInt8], _ pA: [UInt8], _ pB: [UInt8], _ k: [UInt8], _ w: [UInt8]) -> [UInt8] {
        var tt: [UInt8] = []
        for field in [a, b, pA, pB, k, w] {
            tt += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(field.count) >> (8 * $0)) } + field
        }
        return tt
    }

    /// Hash(TT) = Ke ‖ Ka; KcA ‖ KcB = HKDF(salt nil, Ka, "ConfirmationKeys" ‖ AAD); cA = MAC(KcA, TT), cB = MAC(KcB, TT).
    static func schedule(_ tt: [UInt8], aad: [UInt8]) -> Keys {
        let hash = sha256(tt)
        let kc = hkdf(secret: Array(hash[16...]), info: Array("ConfirmationKeys".utf8) + aad)
        return Keys(sessionKey: Array(hash[..<16]),
                    joinerConfirmation: Crypto.hmacSHA256(key: Array(kc[..<16]), data: tt),
                    initiatorConfirmation: Crypto.hmacSHA256(key: Array(kc[16...]), data: tt))
    }

    /// HKDF-SHA256 (RFC 5869) with no salt, for one block of 32 bytes: all the schedule takes.
    static func hkdf(secret: [UInt8], info: [UInt8]) -> [UInt8] {
        let prk = Crypto.hmacSHA256(key: [UInt8](repeating: 0, count: 32), data: secret)
        return Crypto.hmacSHA256(key: prk, data: info + [1])
    }
}
