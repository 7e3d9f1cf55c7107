// The system OpenSSL's libcrypto (the design card's libssl-dev); TLS stays in swift-nio-ssl's BoringSSL.
import COpenSSL

/// A failure inside OpenSSL, with its own reason when it gave one.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// `what` plus the oldest queued OpenSSL error (the queue is cleared so later calls start clean).
    static func openSSL(_ what: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return CryptoError(what) }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        let reason = String(decoding: buf.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
        return CryptoError("\(what): \(reason)")
    }
}

/// The primitives the trust layer needs, all from the system OpenSSL.
public enum Crypto {
    /// Bytes from OpenSSL's CSPRNG. A CSPRNG that cannot produce bytes leaves nothing safe to do, so that traps.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "randomBytes: negative count")
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        precondition(ok == 1, "RAND_bytes failed: the system random generator is unusable")
        return out
    }

    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // HMAC() wants non-null pointers even for empty input; a one-byte buffer with count 0 gives one.
        let k = key.isEmpty ? [0] : key, d = data.isEmpty ? [0] : data
        let result: UnsafeMutablePointer<UInt8>? = HMAC(EVP_sha256(), k, Int32(key.count), d, data.count, &out, &length)
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return Array(out.prefix(Int(length)))
    }

    /// scrypt (RFC 7914). The defaults (N=2^14, r=8, p=2) cost what N=2^15 p=1 costs (2·N·r·p block mixes, a
    /// fraction of a second) in half the working memory: OpenSSL runs the p lanes one after the other
    /// over one 128·r·N = 16 MiB table, so a daemon checking proofs stays small while a guess costs as much as before.
    public static func scrypt(password: String, salt: [UInt8], n: UInt64 = 1 << 14, r: UInt64 = 8, p: UInt64 = 2,
                              length: Int = 32) throws -> [UInt8] {
        guard n > 1, n & (n - 1) == 0 else { throw CryptoError("scrypt: N must be a power of two above 1, got \(n)") }
        guard r > 0, p > 0, length > 0 else { throw CryptoError("scrypt: r, p and length must be positive") }
        // OpenSSL refuses work above maxmem (default 32 MiB, just under what N=2^15 r=8 needs): allow what the
        // parameters need plus slack, so the parameters alone decide the cost.
        let needed = 128 * r * (n + p + 2)
        let maxmem = needed + (1 << 20)
        let pass = Array(password.utf8)
        var out = [UInt8](repeating: 0, count: length)
        // As with HMAC: non-null pointers for empty inputs.
        let pw = pass.isEmpty ? [0] : pass.map { CChar(bitPattern: $0) }, s = salt.isEmpty ? [0] : salt
        let ok = EVP_PBE_scrypt(pw, pass.count, s, salt.count, n, r, p, maxmem, &out, length)
        guard ok == 1 else { throw CryptoError.openSSL("scrypt(N=\(n), r=\(r), p=\(p)) failed") }
        return out
    }

    /// Compares without an early exit, so timing does not tell how many leading bytes matched.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 } }
    }
}
