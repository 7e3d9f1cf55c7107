import FoundationEssentials

/// How a bootstrap ended: what was done, what was undone after a failure, and what is left behind.
public struct BootstrapReport: Codable, Sendable, Equatable {
    public struct StepRecord: Codable, Sendable, Equatable {
        public var id: StepID
        public var member: String?
        public var title: String
        /// Wall time of the step, when it ran.
        public var seconds: Double?
        public init(id: StepID, member: String?, title: String, seconds: Double? = nil) {
            self.id = id; self.member = member; self.title = title; self.seconds = seconds
        }
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var step: StepRecord
        public var message: String
        public init(step: StepRecord, message: String) { self.step = step; self.message = message }
    }

    public struct Skip: Codable, Sendable, Equatable {
        public var step: StepRecord
        public var reason: String
    }

    /// A tolerated failure: the step failed, the run went on, the operator has something to do.
    public struct Setback: Codable, Sendable, Equatable {
        public var step: StepRecord
        public var message: String
        /// What to do about it.
        public var advice: String
        public init(step: StepRecord, message: String, advice: String) {
            self.step = step; self.message = message; self.advice = advice
        }
    }

    public struct PhaseTiming: Codable, Sendable, Equatable {
        public var phase: String
        public var seconds: Double
    }

    /// Steps that succeeded, in the order they finished.
    public var done: [StepRecord] = []
    /// Steps undone after the failure, in the order their cleanups ran (reverse of `done`).
    public var undone: [StepRecord] = []
    public var skipped: [Skip] = []
    /// Steps never started because of the failure.
    public var notRun: [StepRecord] = []
    /// What is left changed on the servers, with how to deal with it.
    public var remains: [String] = []
    public var failure: Failure?
    /// Steps that failed without stopping the run (disks that did not become OSDs …), in the order they failed.
    public var setbacks: [Setback] = []
    /// Wall time per phase (first start to last end of its steps), then "total".
    public var phaseTimings: [PhaseTiming] = []

    public var succeeded: Bool { failure == nil }

    public init() {}
}

extension BootstrapReport {
    private enum CodingKeys: String, CodingKey {
        case done, undone, skipped, notRun, remains, failure, setbacks, phaseTimings
    }

    /// `setbacks` came later: a report written before it (a recorded run, an older joiner) reads as having none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        done = try c.decode([StepRecord].self, forKey: .done)
        undone = try c.decode([StepRecord].self, forKey: .undone)
        skipped = try c.decode([Skip].self, forKey: .skipped)
        notRun = try c.decode([StepRecord].self, forKey: .notRun)
        remains = try c.decode([String].self, forKey: .remains)
        failure = try c.decodeIfPresent(Failure.self, forKey: .failure)
        setbacks = try c.decodeIfPresent([Setback].self, forKey: .setbacks) ?? []
        phaseTimings = try c.decode([PhaseTiming].self, forKey: .phaseTimings)
    }
}

/// Ends the event stream of a failed bootstrap; carries the report.
public struct BootstrapFailed: Error, CustomStringConvertible, Sendable {
    public var report: BootstrapReport
    public var description: String {
        guard let f = report.failure else { return "bootstrap failed" }
        return "\(f.step.title) failed: \(f.message)"
    }
}

/// A bootstrap problem found by our own checks (not an answer of a service); the message says what to do.
public struct BootstrapError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
