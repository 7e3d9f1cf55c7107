import FoundationEssentials

/// An LXD cluster join token, the string `lxc cluster add` prints: base64 of a small JSON document.
/// It holds a secret, so it never prints itself.
public struct LXDJoinToken: Sendable, Equatable, CustomStringConvertible {
    public var serverName: String
    /// SHA-256 fingerprint of the cluster certificate; the joiner checks the certificate it fetches against it.
    public var fingerprint: String
    /// Members' `host:port` cluster addresses.
    public var addresses: [String]
    public var secret: String
    /// As LXD wrote it (RFC 3339); kept verbatim.
    public var expiresAt: String

    public init(serverName: String, fingerprint: String, addresses: [String], secret: String, expiresAt: String) {
        self.serverName = serverName; self.fingerprint = fingerprint; self.addresses = addresses
        self.secret = secret; self.expiresAt = expiresAt
    }

    public var description: String { "LXD join token for \(serverName) (secret hidden)" }

    /// Builds the token from the metadata of LXD's `token` operation (`serverName`, `fingerprint`,
    /// `addresses`, `secret`, `expiresAt`). Some LXD versions hand the finished string over as `token`.
    static func fromOperationMetadata(_ m: JSONValue) -> LXDJoinToken? {
        if let text = m["token"]?.string, let token = try? decode(text) { return token }
        guard let name = m["serverName"]?.string, let secret = m["secret"]?.string,
              let fingerprint = m["fingerprint"]?.string else { return nil }
        return LXDJoinToken(serverName: name, fingerprint: fingerprint,
                            addresses: m["addresses"]?.array?.compactMap(\.string) ?? [],
                            secret: secret, expiresAt: m["expiresAt"]?.string ?? "0001-01-01T00:00:00Z")
    }

    /// The token as LXD prints it: standard base64 of the JSON fields in LXD's order.
    public var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        func j<T: Encodable>(_ v: T) -> String { (try? String(decoding: encoder.encode(v), as: UTF8.self)) ?? "\"\"" }
        let json = "{\"server_name\":\(j(serverName)),\"fingerprint\":\(j(fingerprint)),\"addresses\":\(j(addresses)),"
            + "\"secret\":\(j(secret)),\"expires_at\":\(j(expiresAt))}"
        return Data(json.utf8).base64EncodedString()
    }

    public struct DecodeError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func decode(_ text: String) throws -> LXDJoinToken {
        let trimmed = text.trimmedWhitespace
        var padded = trimmed
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded),
              let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw DecodeError(description: "the LXD join token is not valid base64 JSON")
        }
        guard let name = value["server_name"]?.string, let secret = value["secret"]?.string,
              let fingerprint = value["fingerprint"]?.string else {
            throw DecodeError(description: "the LXD join token lacks server_name, fingerprint or secret")
        }
        return LXDJoinToken(serverName: name, fingerprint: fingerprint,
                            addresses: value["addresses"]?.array?.compactMap(\.string) ?? [],
                            secret: secret, expiresAt: value["expires_at"]?.string ?? "")
    }
}
