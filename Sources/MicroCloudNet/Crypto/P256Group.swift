// The few elliptic-curve calls SPAKE2 needs, kept in one file, on the system OpenSSL's libcrypto like the rest of the
// identity and key derivation (TLS alone is swift-nio-ssl's BoringSSL).
import COpenSSL

/// P-256 as SPAKE2 uses it: scalars are 32 big-endian bytes, points come out in their 65-byte uncompressed X9.62
/// encoding (and are read in any X9.62 form: the RFC prints M and N compressed).
/// Every point read from outside is checked to be on the curve (`EC_POINT_oct2point` refuses others) and not the
/// identity, so a peer cannot steer the exchange into a small subgroup or a known key.
enum P256Group {
    static let scalarLength = 32
    static let pointLength = 65

    /// OpenSSL's P-256 group: made once, only read afterwards (which OpenSSL allows from any thread).
    nonisolated(unsafe) private static let group: OpaquePointer = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)!

    /// `bytes` (big-endian, any length) modulo the group order: a uniform scalar when `bytes` is at least 64 bits
    /// longer than the order (RFC 9382 section 3.2: the bias is then below 2^-64).
    static func reduce(_ bytes: [UInt8]) throws -> [UInt8] {
        try withBN(bytes) { value in
            guard let ctx = BN_CTX_new() else { throw CryptoError.openSSL("BN_CTX_new") }
            defer { BN_CTX_free(ctx) }
            guard BN_nnmod(value, value, EC_GROUP_get0_order(group), ctx) == 1 else { throw CryptoError.openSSL("BN_nnmod") }
            return try scalarBytes(value)
        }
    }

    /// A uniform scalar in [1, order).
    static func randomScalar() throws -> [UInt8] {
        guard let value = BN_new() else { throw CryptoError.openSSL("BN_new") }
        defer { BN_free(value) }
        repeat {
            guard BN_rand_range(value, EC_GROUP_get0_order(group)) == 1 else { throw CryptoError.openSSL("BN_rand_range") }
        } while BN_is_zero(value) == 1
        return try scalarBytes(value)
    }

    /// `a`·G + `b`·`point`, or `b`·`point` when `a` is nil; refuses a result at infinity.
    static func multiply(generatorBy a: [UInt8]?, point: [UInt8], by b: [UInt8]) throws -> [UInt8] {
        try withPoint(point) { q in
            try withBN(b) { m in
                try withOptionalBN(a) { n in
                    try result { r, ctx in EC_POINT_mul(group, r, n, q, m, ctx) }
                }
            }
        }
    }

    /// `p` − `q`; refuses a result at infinity.
    static func subtract(_ p: [UInt8], _ q: [UInt8]) throws -> [UInt8] {
        try withPoint(p) { a in
            try withPoint(q) { b in
                guard let ctx = BN_CTX_new() else { throw CryptoError.openSSL("BN_CTX_new") }
                defer { BN_CTX_free(ctx) }
                guard EC_POINT_invert(group, b, ctx) == 1 else { throw CryptoError.openSSL("EC_POINT_invert") }
                return try result { r, ctx in EC_POINT_add(group, r, a, b, ctx) }
            }
        }
    }

    /// Whether `bytes` is the encoding of a point on the curve other than the identity.
    static func isPoint(_ bytes: [UInt8]) -> Bool {
        (try? withPoint(bytes) { _ in true }) ?? false
    }

    // MARK: - Conversions

    private static func scalarBytes(_ value: OpaquePointer) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: scalarLength)
        guard BN_bn2binpad(value, &out, Int32(scalarLength)) == Int32(scalarLength) else { throw CryptoError("scalar longer than 32 bytes") }
        return out
    }

    private static func withBN<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let value = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw CryptoError.openSSL("BN_bin2bn") }
        defer { BN_free(value) }
        return try body(value)
    }

    private static func withOptionalBN<T>(_ bytes: [UInt8]?, _ body: (OpaquePointer?) throws -> T) throws -> T {
        guard let bytes else { return try body(nil) }
        return try withBN(bytes) { try body($0) }
    }

    private static func withPoint<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let point = EC_POINT_new(group) else { throw CryptoError.openSSL("EC_POINT_new") }
        defer { EC_POINT_free(point) }
        guard EC_POINT_oct2point(group, point, bytes, bytes.count, nil) == 1 else {
            ERR_clear_error()
            throw CryptoError("not a point on P-256")
        }
        guard EC_POINT_is_at_infinity(group, point) == 0 else { throw CryptoError("the point at infinity") }
        return try body(point)
    }

    /// Runs `op` into a fresh point and encodes it.
    private static func result(_ op: (OpaquePointer, OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let r = EC_POINT_new(group), let ctx = BN_CTX_new() else { throw CryptoError.openSSL("EC_POINT_new") }
        defer { EC_POINT_free(r); BN_CTX_free(ctx) }
        guard op(r, ctx) == 1 else { throw CryptoError.openSSL("P-256 arithmetic") }
        guard EC_POINT_is_at_infinity(group, r) == 0 else { throw CryptoError("the result is the point at infinity") }
        var out = [UInt8](repeating: 0, count: pointLength)
        guard EC_POINT_point2oct(group, r, POINT_CONVERSION_UNCOMPRESSED, &out, pointLength, ctx) == pointLength else {
            throw CryptoError.openSSL("EC_POINT_point2oct")
        }
        return out
    }
}
