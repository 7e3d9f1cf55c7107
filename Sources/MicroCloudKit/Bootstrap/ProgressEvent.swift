import FoundationEssentials

/// One thing that happened to one step of a bootstrap. The TUI, the CLI's `--format json` and a peer
/// relaying its own join all speak these; as JSON they are flat objects, one per line.
public struct ProgressEvent: Codable, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The step began; it may take at most `budget` seconds.
        case started(budget: Double)
        case progress(fraction: Double?, message: String)
        case succeeded(elapsed: Double)
        case failed(message: String)
        case skipped(reason: String)
        /// Undoing a step after a failure, or its outcome.
        case cleanup(message: String)

        public var name: String {
            switch self {
            case .started: "started"
            case .progress: "progress"
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .skipped: "skipped"
            case .cleanup: "cleanup"
            }
        }
    }

    public var stepID: StepID
    public var member: String?
    public var title: String
    public var kind: Kind
    public var time: Date

    public init(stepID: StepID, member: String?, title: String, kind: Kind, time: Date = Date()) {
        self.stepID = stepID; self.member = member; self.title = title; self.kind = kind; self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case stepID = "step", member, title, event, budget, fraction, message, elapsed, reason, time
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stepID = try c.decode(StepID.self, forKey: .stepID)
        member = try c.decodeIfPresent(String.self, forKey: .member)
        title = try c.decode(String.self, forKey: .title)
        let text = try c.decode(String.self, forKey: .time)
        guard let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
                ?? (try? Date.ISO8601FormatStyle().parse(text)) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: c, debugDescription: "time is not ISO 8601: \(text)")
        }
        time = date
        let event = try c.decode(String.self, forKey: .event)
        switch event {
        case "started": kind = .started(budget: try c.decode(Double.self, forKey: .budget))
        case "progress": kind = .progress(fraction: try c.decodeIfPresent(Double.self, forKey: .fraction),
                                          message: try c.decode(String.self, forKey: .message))
        case "succeeded": kind = .succeeded(elapsed: try c.decode(Double.self, forKey: .elapsed))
        case "failed": kind = .failed(message: try c.decode(String.self, forKey: .message))
        case "skipped": kind = .skipped(reason: try c.decode(String.self, forKey: .reason))
        case "cleanup": kind = .cleanup(message: try c.decode(String.self, forKey: .message))
        default:
            throw DecodingError.dataCorruptedError(forKey: .event, in: c, debugDescription: "unknown event \"\(event)\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stepID, forKey: .stepID)
        try c.encodeIfPresent(member, forKey: .member)
        try c.encode(title, forKey: .title)
        try c.encode(kind.name, forKey: .event)
        switch kind {
        case .started(let budget): try c.encode(budget, forKey: .budget)
        case .progress(let fraction, let message):
            try c.encodeIfPresent(fraction, forKey: .fraction)
            try c.encode(message, forKey: .message)
        case .succeeded(let elapsed): try c.encode(elapsed, forKey: .elapsed)
        case .failed(let message), .cleanup(let message): try c.encode(message, forKey: .message)
        case .skipped(let reason): try c.encode(reason, forKey: .reason)
        }
        try c.encode(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), forKey: .time)
    }

    /// One compact JSON line (sorted keys), as `--format json` prints it.
    public var jsonLine: String { JSONLine.encode(self) }
}

extension Duration {
    /// Seconds as a Double (for events and reports).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// "120s", "1.5s", "0.05s": how budgets read in messages.
    public var shortText: String {
        let s = seconds
        if s.rounded() == s { return "\(Int64(s))s" }
        var text = cFormat("%.3f", s)
        while text.hasSuffix("0") { text.removeLast() }
        return text + "s"
    }
}
