import FoundationEssentials

/// Where each planned Ceph disk is, read from the run's events (each disk is its own step, `StepID.cephDisk`): what
/// the wizard's progress screen and `microcloud preseed` show per disk, and the Ceph phase's estimate of the time left.
/// Both consumers fold the same events through this one type, so a disk reads the same on the screen and in a log.
public struct CephDiskProgress: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Planned, its step not started (waiting for its member to join, or for a free slot).
        case queued
        /// Planned, and another disk of its member is being added: MicroCeph adds one disk at a time per server, so
        /// this one waits for its turn (its time budget starts when its turn does).
        case waitingTurn
        /// Started; the text is the step's latest word ("wiping", "adding", "waiting until up and in").
        case working(String)
        /// The OSD is up and in, as the cluster itself lists it.
        case upAndIn
        case failed(String)
        case skipped(String)

        public var isFinished: Bool {
            switch self {
            case .queued, .waitingTurn, .working: false
            case .upAndIn, .failed, .skipped: true
            }
        }
    }

    public struct Disk: Sendable, Equatable {
        public var member: String
        public var path: String
        public var state: State = .queued
        public var started: Date?
        public var finished: Date?

        public var id: StepID { .cephDisk(member, path) }

        /// Seconds since the disk's step started (to its end once finished); nil while queued.
        public func elapsed(at now: Date) -> Double? {
            started.map { (finished ?? now).timeIntervalSince($0) }
        }

        /// "working", "up and in" …: the word a line shows for the state.
        public var stateText: String {
            switch state {
            case .queued: "queued"
            case .waitingTurn: "waiting for its turn"
            case .working(let word): word.isEmpty ? "starting" : word
            case .upAndIn: "up and in"
            case .failed: "failed"
            case .skipped: "skipped"
            }
        }
    }

    /// "Ceph disk /dev/sdb on micro02: up and in after 0:12" — one disk's line in a log (wizard and preseed alike).
    public static func line(_ d: Disk, at now: Date) -> String {
        let what = "Ceph disk \(d.path) on \(d.member)"
        let time = d.elapsed(at: now).map(formatClock)
        switch d.state {
        case .failed(let why): return "\(what): failed" + (time.map { " after \($0)" } ?? "") + ": \(why)"
        case .skipped(let why): return "\(what): skipped, \(why)"
        case .upAndIn: return "\(what): up and in" + (time.map { " after \($0)" } ?? "")
        case .queued, .waitingTurn, .working: return "\(what): \(d.stateText)" + (time.map { " (\($0))" } ?? "")
        }
    }

    /// The word of a disk's first event, sent for every planned disk as the run starts.
    public static let queuedWord = "queued"

    /// The run's first events: each planned disk queued (those the run will add: not the skipped ones).
    public static func queuedEvents(plan: ClusterPlan, steps: [Step], at time: Date = Date()) -> [ProgressEvent] {
        let disks = Set(CephDiskProgress(plan: plan).disks.map(\.id))
        return steps.filter { disks.contains($0.id) && $0.skipReason == nil }.map {
            ProgressEvent(stepID: $0.id, member: $0.member, title: $0.title,
                          kind: .progress(fraction: nil, message: queuedWord), time: time)
        }
    }

    /// Planned disks, members in plan order, each member's disks as the plan lists them.
    public private(set) var disks: [Disk]
    /// The most disks seen working at the same time: how many the run adds at once.
    public private(set) var parallel = 0
    /// The disks the last event set waiting for their turn (another of their member's disks started): their lines
    /// change too, though the event was not theirs.
    public private(set) var nowWaiting: [Disk] = []

    public init(plan: ClusterPlan) {
        disks = plan.members.flatMap { m in m.cephDisks.map { Disk(member: m.name, path: $0.path) } }
    }

    public init(disks: [Disk]) { self.disks = disks }

    public var total: Int { disks.count }
    public var upAndIn: Int { disks.filter { $0.state == .upAndIn }.count }
    public var failed: Int { disks.filter { if case .failed = $0.state { true } else { false } }.count }
    public var working: Int { disks.filter { if case .working = $0.state { true } else { false } }.count }
    public var isFinished: Bool { disks.allSatisfy(\.state.isFinished) }

    public func index(of id: StepID) -> Int? { disks.firstIndex { $0.id == id } }

    /// Folds one event in; returns the disk it changed (nil: not a Ceph disk's event).
    @discardableResult
    public mutating func apply(_ e: ProgressEvent) -> Disk? {
        nowWaiting = []
        guard let i = index(of: e.stepID) else { return nil }
        var d = disks[i]
        switch e.kind {
        case .started:
            d.state = .working("")
            d.started = e.time
        case .progress(_, let message) where message == Self.queuedWord && d.started == nil:
            if d.state != .waitingTurn { d.state = .queued }
        case .progress(_, let message):
            d.state = .working(message)
            if d.started == nil { d.started = e.time }
        case .succeeded(let elapsed):
            d.state = .upAndIn
            d.finished = e.time
            d.started = d.started ?? e.time.addingTimeInterval(-elapsed)
        case .failed(let message):
            d.state = .failed(message)
            d.finished = e.time
        case .skipped(let reason):
            d.state = .skipped(reason)
        case .cleanup:
            break
        }
        disks[i] = d
        markTurns(of: d.member)
        parallel = max(parallel, working)
        return disks[i]
    }

    /// A member's disks not started while another of its disks is working wait for their turn; once none works they
    /// are queued again (waiting for the member, or for a free slot).
    private mutating func markTurns(of member: String) {
        let busy = disks.contains { $0.member == member && { if case .working = $0.state { true } else { false } }($0) }
        for j in disks.indices where disks[j].member == member && disks[j].started == nil {
            if disks[j].state == .queued && busy {
                disks[j].state = .waitingTurn
                nowWaiting.append(disks[j])
            }
            if disks[j].state == .waitingTurn && !busy { disks[j].state = .queued }
        }
    }

    /// The run ended (failed or cancelled) while some disks were not finished: they never will be.
    public mutating func runEnded(_ reason: String) {
        for i in disks.indices where !disks[i].state.isFinished { disks[i].state = .skipped(reason) }
    }

    /// Seconds left for the disks not yet finished: the mean time of the disks up so far, for each queued disk and
    /// for what each working disk still lacks, spread over as many at once as the run has shown. Nil until a disk
    /// is up (nothing to measure by); 0 once every disk is finished.
    public func remaining(at now: Date) -> Double? {
        if isFinished { return 0 }
        let times = disks.filter { $0.state == .upAndIn }.compactMap { d in d.started.flatMap { s in d.finished.map { $0.timeIntervalSince(s) } } }
        guard !times.isEmpty else { return nil }
        let mean = times.reduce(0, +) / Double(times.count)
        let lacking = disks.filter { if case .working = $0.state { true } else { false } }
            .map { max(0, mean - ($0.elapsed(at: now) ?? 0)) }
        let queued = disks.filter { $0.state == .queued || $0.state == .waitingTurn }.count
        let work = lacking.reduce(0, +) + Double(queued) * mean
        let slots = Double(max(1, parallel))
        // Never less than the longest single disk still has to go: one disk does not run on two slots.
        return max(work / slots, lacking.max() ?? 0, queued > 0 ? mean : 0)
    }

    /// "Ceph disks: 4 of 6 up and in, 1 failed, 1 working; about 0:40 left (2 at once)": the phase in one line.
    public func summary(at now: Date) -> String {
        var parts = ["\(upAndIn) of \(total) up and in"]
        if failed > 0 { parts.append("\(failed) failed") }
        if working > 0 { parts.append("\(working) working") }
        var text = "Ceph disks: " + parts.joined(separator: ", ")
        if !isFinished, let left = remaining(at: now) {
            text += "; about \(formatClock(left)) left (\(max(1, parallel)) at once)"
        }
        return text
    }
}
