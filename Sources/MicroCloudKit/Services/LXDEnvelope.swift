import FoundationEssentials

/// LXD's response envelope, shared by its sync, async and error answers.
struct LXDEnvelope: Decodable {
    var type: String?
    var status: String?
    var status_code: Int?
    var operation: String?
    var error_code: Int?
    var error: String?
    var metadata: JSONValue?

    /// Sends a request and decodes the envelope of its answer. LXD, MicroCeph and MicroOVN all answer in it
    /// (microcluster uses LXD's response package); an error envelope becomes an `LXDError` naming `target` and the
    /// call, with the service's own message word for word.
    static func exchange(_ transport: any HTTPTransport, _ request: HTTPRequest, target: String,
                         call: String) async throws -> LXDEnvelope {
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw LXDError(target: target, call: call, code: nil, message: "\(error)")
        }
        guard let envelope = try? response.decode(LXDEnvelope.self) else {
            let text = response.text.prefix(200)
            throw LXDError(target: target, call: call, code: response.status,
                           message: "unexpected answer (HTTP \(response.status)): \(text.isEmpty ? "empty body" : String(text))")
        }
        if envelope.type == "error" || response.status >= 400 {
            let message = envelope.error.flatMap { $0.isEmpty ? nil : $0 } ?? "HTTP \(response.status)"
            throw LXDError(target: target, call: call, code: envelope.error_code ?? response.status, message: message)
        }
        return envelope
    }
}

/// A background operation as LXD reports it (`/1.0/operations/<id>`).
public struct LXDOperation: Decodable, Sendable, Equatable {
    public var id: String
    public var operationClass: String
    public var description: String
    public var status: String
    public var statusCode: Int
    public var err: String
    public var metadata: JSONValue?
    public var location: String

    enum CodingKeys: String, CodingKey {
        case id, operationClass = "class", description, status, statusCode = "status_code", err, metadata, location
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        operationClass = try c.decodeIfPresent(String.self, forKey: .operationClass) ?? ""
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        statusCode = try c.decodeIfPresent(Int.self, forKey: .statusCode) ?? 0
        err = try c.decodeIfPresent(String.self, forKey: .err) ?? ""
        metadata = try c.decodeIfPresent(JSONValue.self, forKey: .metadata)
        location = try c.decodeIfPresent(String.self, forKey: .location) ?? ""
    }

    public var isRunning: Bool { status == "Running" || status == "Pending" }
}

/// A failed call to LXD or a microcluster service: which service on which member, which call, the service's own message.
public struct LXDError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Who answered, e.g. "LXD on micro02".
    public var target: String
    /// The call, e.g. "POST /1.0/storage-pools?target=micro01" (never a body: bodies can hold join tokens).
    public var call: String
    /// LXD's `error_code`, or the HTTP status; nil when the call never got an answer.
    public var code: Int?
    public var message: String

    public init(target: String, call: String, code: Int?, message: String) {
        self.target = target; self.call = call; self.code = code; self.message = message
    }

    public var description: String {
        "\(target): \(call) failed\(code.map { " (\($0))" } ?? ""): \(message)"
    }

    public var isNotFound: Bool { code == 404 }
}
