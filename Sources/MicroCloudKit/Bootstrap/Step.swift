import FoundationEssentials

/// One unit of bootstrap work on (usually) one member, with a time budget and a way to undo it.
public struct Step: Sendable {
    public var id: StepID
    /// The member the step acts on, if any.
    public var member: String?
    public var title: String
    /// Groups steps for the report's timings ("joins", "storage" …).
    public var phase: String
    public var budget: Duration
    /// Every id must name another step of the graph: `StepGraph` refuses an unknown one.
    public var dependsOn: [StepID]
    /// Steps sharing a group never run at the same time (LXD takes one join at a time).
    public var serialGroup: String?
    /// Set when the plan does not need this step; it is reported as skipped and counts as done for dependents.
    public var skipReason: String?
    /// What stays behind if a later step fails and this one cannot be undone (no cleanup).
    public var remains: String?
    /// Set when a failure of this step must not stop the run (a disk that cannot become an OSD): what the operator
    /// should do about it. The failure is reported with this advice, dependents still run, nothing is undone for it.
    public var tolerated: String?
    public var run: @Sendable (StepContext) async throws -> Void
    /// Undoes the step after a later failure. Throw `CleanupKept` when there is deliberately nothing to undo.
    public var cleanup: (@Sendable () async throws -> Void)?

    public init(id: StepID, member: String? = nil, title: String, phase: String, budget: Duration,
                dependsOn: [StepID] = [], serialGroup: String? = nil, skipReason: String? = nil,
                remains: String? = nil, tolerated: String? = nil,
                run: @escaping @Sendable (StepContext) async throws -> Void,
                cleanup: (@Sendable () async throws -> Void)? = nil) {
        self.id = id; self.member = member; self.title = title; self.phase = phase; self.budget = budget
        self.dependsOn = dependsOn; self.serialGroup = serialGroup; self.skipReason = skipReason
        self.remains = remains; self.tolerated = tolerated; self.run = run; self.cleanup = cleanup
    }
}

/// What a running step can do besides its work: report progress, or pass on a peer's events.
public struct StepContext: Sendable {
    public let stepID: StepID
    public let member: String?
    public let title: String
    let emitter: @Sendable (ProgressEvent) -> Void

    public init(stepID: StepID, member: String?, title: String, emit: @escaping @Sendable (ProgressEvent) -> Void) {
        self.stepID = stepID; self.member = member; self.title = title; self.emitter = emit
    }

    public func progress(_ message: String, fraction: Double? = nil) {
        emitter(ProgressEvent(stepID: stepID, member: member, title: title,
                              kind: .progress(fraction: fraction, message: message)))
    }

    /// Passes on an event as it is (a peer's own progress while it joins).
    public func relay(_ event: ProgressEvent) { emitter(event) }
}

/// Thrown by a tolerated step whose advice depends on how it failed: replaces the step's standing `tolerated` advice.
public struct StepSetback: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var advice: String
    public init(_ message: String, advice: String) { self.message = message; self.advice = advice }
    public var description: String { message }
}

/// Thrown by a step that finds, once running, that it has nothing to do.
public struct StepSkipped: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Thrown by a cleanup that deliberately leaves things as they are (e.g. config of an LXD that is now clustered).
public struct CleanupKept: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// The message a step failure shows: our own errors describe themselves (`CustomStringConvertible`).
func failureMessage(_ error: any Error) -> String { "\(error)" }
