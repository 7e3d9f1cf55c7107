// libFuzzer target: what the daemon does with a `POST /1.0/session/join` before it touches its session: the
// Authorization header, the signature over the body, the intent in the body, its certificate against the TLS
// client's, and (initiator) its services against ours. Input: the header's value on the first line ("-": no
// header; "sign": a valid signature over the body, as a joiner that knows the passphrase sends), the body after it.
// A clean refusal is fine; a crash, a hang (-timeout) or a memory blow-up (-rss_limit_mb) is a finding.
import CFuzzerDriver
import Glibc
@_spi(Fuzzing) import MicroCloudDaemon
import MicroCloudKit
@_spi(Fuzzing) import MicroCloudNet

@main enum FuzzJoinIntent {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzJoinIntent(data!, size) })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJoinIntent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = input.firstIndex(of: 10) ?? input.endIndex
    let first = String(decoding: input[..<newline], as: UTF8.self)
    let body = newline < input.endIndex ? Array(input[(newline + 1)...]) : []
    var headers: [String: String] = [:]
    switch first {
    case "-": break
    case "sign": headers["Authorization"] = try? JoinSignature.sign(body: body, salt: salt, deriveKey: standInKey)
    default: headers["Authorization"] = first
    }
    let request = HTTPRequest(method: "POST", path: "/1.0/session/join", headers: headers, body: body)

    guard case .success(let header) = JoinIntentRequest.authorization(request),
          JoinSignature.verify(header: header, body: request.body, deriveKey: standInKey) == .valid,
          case .success(let proven) = JoinIntentRequest.intent(request, peerFingerprint: clientFingerprint)
    else { return 0 }
    _ = JoinIntentRequest.serviceRefusal(proven.intent, mine: initiatorServices)
    return 0
}

/// scrypt's cost is the point in the product (a guess costs a fraction of a second) and would hold the fuzzer to a
/// few inputs a second; the key derivation is the one thing replaced here, by HMAC of the salt under the passphrase.
@Sendable func standInKey(_ salt: [UInt8]) throws -> [UInt8] { Crypto.hmacSHA256(key: Array("fuzz passphrase".utf8), data: salt) }
let salt: [UInt8] = Array(repeating: 0x5a, count: 16)

let initiatorServices = ["microcloud": "3.3", "lxd": "5.0.2", "microceph": "19.2.0", "microovn": "24.03"]

/// The joiner's certificate, which the seed intents carry: the TLS client is the server that signed the intent.
let clientCertificate = """
    -----BEGIN CERTIFICATE-----
    MIIBrDCCAVOgAwIBAgIUNzNANlZDa42NPabOY0fkEY27ODAwCgYIKoZIzj0EAwIw
    KzETMBEGA1UECgwKbWljcm9jbG91ZDEUMBIGA1UEAwwLZnV6ei1qb2luZXIwIBcN
    MjYxMjAyMDEyMjA5WhgPMjEyNjExMDgwMTIyMDlaMCsxEzARBgNVBAoMCm1pY3Jv
    Y2xvdWQxFDASBgNVBAMMC2Z1enotam9pbmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0D
    AQcDQgAEjgD18Sba9BPXzgH9BThk+8Ovvn9HZxcod+o/gSCtAEuSX2w0GXEK0XKg
    9xRLSNFO5QpHto3O/SIhF88kbyamsKNTMFEwHQYDVR0OBBYEFIh2KpXI/L9YX9cS
    sEeQ7d6te1KZMB8GA1UdIwQYMBaAFIh2KpXI/L9YX9cSsEeQ7d6te1KZMA8GA1Ud
    EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgDHTAsL4LVgTxCtU+/HeE0Kq3
    O4hl7HWFAE1F0OSKfBICIEbC9aDfQ7jIsatkL2/Pueuso+n7n1sZIRVGspm1UJ6d
    -----END CERTIFICATE-----

    """
let clientFingerprint = try! Identity.fingerprint(ofPEM: clientCertificate)
