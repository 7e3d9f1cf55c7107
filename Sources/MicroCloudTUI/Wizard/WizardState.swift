import Foundation
import MicroCloudKit

/// A thing on one member: a disk (by path) or an interface (by name). Row id of the per-member tables.
public struct MemberItem: Hashable, Sendable, Comparable {
    public var member: String
    public var name: String

    public init(member: String, name: String) {
        self.member = member
        self.name = name
    }

    public static func < (a: MemberItem, b: MemberItem) -> Bool {
        a.member == b.member ? naturalLess(a.name, b.name) : naturalLess(a.member, b.member)
    }
}

/// The open trust session, as `sessionOpened` told it.
public struct SessionInfo: Sendable, Equatable {
    public var passphrase: String
    public var expiresAt: Date
    public var localName: String
    public var localFingerprint: String
}

/// A few one-line text fields with focus, as the Ceph network and OVN screens use them, each named by a typed
/// field (read by name, never by position). Validation lives in MicroCloudKit's rules, so the fields carry none.
public struct WizardForm<Field: Hashable & Sendable>: Sendable {
    public struct Entry: Sendable {
        public var field: Field
        /// Short label shown in front of the input.
        public var label: String
        public var input: TextField
    }

    /// In the order shown and moved through.
    public var entries: [Entry]
    public var focus = 0
    /// Set by a failed Enter: empty required fields then count as errors too.
    public var attempted = false

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public subscript(field: Field) -> TextField {
        get { entries.first { $0.field == field }!.input }
        set { if let i = entries.firstIndex(where: { $0.field == field }) { entries[i].input = newValue } }
    }

    public var isEmpty: Bool { entries.isEmpty }
    /// What the field means: its text, or its default when empty.
    public func value(_ field: Field) -> String { entries.first { $0.field == field }?.input.value ?? "" }
    public var focusedField: Field? { entries.indices.contains(focus) ? entries[focus].field : nil }
}

/// Problems of a form while it is filled in: one message per field (the Kit rule's words) and one for the whole.
public struct FormProblems<Field: Hashable & Sendable>: Sendable, Equatable {
    public var fields: [Field: String] = [:]
    public var form: String?
    public var isValid: Bool { form == nil && fields.isEmpty }
}

/// The answers of the question steps: what the summary can jump back to and the plan is built from.
public struct WizardAnswers: Sendable {
    public var localTable = SelectTable<MemberItem>(title: "", columns: [])
    public var localWipe: Set<MemberItem> = []
    /// The operator chose to go without local storage.
    public var localDeclined = false

    public var cephTable = SelectTable<MemberItem>(title: "", columns: [])
    public var cephWipe: Set<MemberItem> = []
    public var cephDeclined = false
    public var cephEncrypt = false
    public var cephFS = true
    /// The yes/no asked after the Ceph disk table (encrypt, then CephFS), if any.
    public var cephQuestion: CephQuestion?

    public var cephNetworks = WizardForm<CephNetworkRules.Role>()

    public var uplinkTable = SelectTable<MemberItem>(title: "", columns: [])
    public var uplinksDeclined = false

    public var ovnForm = WizardForm<UplinkAnswers.Field>()
    /// After the uplink addresses (upstream's cmd/microcloud/ask.go): the yes/no, then the table of addressed interfaces.
    public var underlayPhase: UnderlayPhase?
    public var underlayTable = SelectTable<MemberItem>(title: "", columns: [])
    /// The operator chose a dedicated underlay (the table's selection is the answer).
    public var underlayWanted = false

    /// Steps the operator has answered (Enter accepted) at least once.
    public var answered: Set<WizardStep> = []

    public enum UnderlayPhase: Sendable, Equatable {
        case question(YesNo)
        case table
    }

    public enum CephQuestion: Sendable, Equatable {
        case encrypt(YesNo)
        case cephFS(YesNo)
    }
}

/// After the servers are chosen: waiting for inventories, or what went wrong gathering them.
public enum GatherState: Sendable, Equatable {
    case idle
    case gathering
    case problems([String])
    case done
}

/// The summary screen: a cursor over its sections and buttons, a scroll offset, the save-as-preseed field.
public struct SummaryState: Sendable {
    public var cursor = 0
    public var scroll = 0
    /// Keep the cursor in view (off after PgUp/PgDn, on again with the arrows).
    public var follow = true
    public var saveField: TextField?
    public var message: LogView.Line?
}

/// The bootstrap as it runs, and how it ended.
public struct RunState: Sendable {
    public var plan: ClusterPlan
    public var startedAt: Date
    public var list = ProgressList()
    /// The Ceph disks, one line each (their steps are not in `list`).
    public var ceph: CephDiskProgress
    public var log = LogView()
    public var report: BootstrapReport?
    public var snapshot: ClusterSnapshot?
    public var failed = false
    public var finished = false

    public init(plan: ClusterPlan, startedAt: Date) {
        self.plan = plan
        self.startedAt = startedAt
        ceph = CephDiskProgress(plan: plan)
    }

    /// Seconds since the operator confirmed the plan, stopped at the last step's end once the run is over: the
    /// one clock that both the progress and the results screens show.
    public func elapsed(now: Date) -> TimeInterval {
        let ends = list.items.compactMap(\.finished) + ceph.disks.compactMap { $0.finished?.timeIntervalSince(startedAt) }
        return (finished || failed ? ends.max() : nil) ?? now.timeIntervalSince(startedAt)
    }
}

/// The result tables after a successful bootstrap, one tab each.
public struct ResultsState: Sendable, Equatable {
    public static let tabs = ["Members", "Storage pools", "Networks", "Default profile"]
    public var tab = 0
    public var scroll = 0
}

/// The whole wizard as a value: `Wizard.update` makes the next one, `Wizard.view` draws it.
public struct WizardState: Sendable {
    public internal(set) var step: WizardStep = .address
    public internal(set) var now: Date
    public internal(set) var size: Size

    // Address
    public internal(set) var hostAddresses: [HostAddress] = []
    public internal(set) var addressTable = SelectTable<String>(
        title: "Select an address for MicroCloud's internal traffic:", columns: ["ADDRESS", "IFACE"])
    public internal(set) var address: HostAddress?
    public internal(set) var addressAutoPicked = false
    var discoveryInterface: String?

    // Trust session and servers
    public internal(set) var session: SessionInfo?
    var sessionRequested = false
    public internal(set) var sessionEnded: String?
    public internal(set) var servers: [String: Server] = [:]
    public internal(set) var serverTable = SelectTable<String>(
        title: "Systems will appear in the table as they are detected. Select those that should join the cluster:",
        columns: ["NAME", "ADDRESS", "FINGERPRINT", "STATE"],
        order: { naturalLess($0.id, $1.id) })   // micro02 above micro03, whichever announced itself first
    /// "Set up this server alone?" after Esc on an empty selection.
    public internal(set) var aloneQuestion: YesNo?
    var aloneOffered = false
    /// Why Enter did nothing on the servers table, or the hint for the row under the cursor.
    var serverMessage: String?
    /// Fingerprints proven by join intents, by server name.
    var verifiedFingerprints: [String: Fingerprint] = [:]
    /// Announcements that contradict a verified row (another address or fingerprint for its name), by name: shown,
    /// never merged (issue 10, break 3: a spoofed record re-addressed a verified row).
    public internal(set) var conflicts: [String: Server] = [:]
    /// Servers confirmed in the trust session (the local one not included).
    public internal(set) var confirmed: [Server]?
    public internal(set) var gather: GatherState = .idle

    // Inventories and answers
    public internal(set) var inventories: [Inventory] = []
    public internal(set) var answers = WizardAnswers()
    /// Enter on an empty disk/uplink table arms this; a second Enter skips the step.
    var skipArmed = false
    /// A line for the current step: why Enter did not go on, or what happened.
    public internal(set) var notice: LogView.Line?
    /// Steps passed over on the way to this one, with why (shown at its top).
    public internal(set) var skipNotes: [String] = []
    /// The step being edited from the summary, with the answers to restore on Esc.
    public internal(set) var editing: WizardStep?
    var editSnapshot: WizardAnswers?
    var returningFromEdit = false

    /// The plan of the current answers, and how many times it was built (`keepPlan`).
    public internal(set) var kept: KeptPlan?
    public internal(set) var planBuilds = 0

    public internal(set) var summary = SummaryState()
    public internal(set) var run: RunState?
    public internal(set) var results = ResultsState()

    /// A problem reported by an effect (`failed`), shown until the next key.
    public internal(set) var banner: String?
    /// Set once `quit` is emitted: the program is over.
    public internal(set) var finished = false
    /// What `quit` asked to print (also for runners that read the final state).
    public internal(set) var exitText: String?
    /// Set when `abort` was emitted.
    public internal(set) var abortReason: String?

    public init(now: Date, size: Size = Size(width: 80, height: 24)) {
        self.now = now
        self.size = size
    }

    public var localName: String? { session?.localName }
    /// Seconds left in the trust session (nil when there is none, or it no longer matters).
    public var sessionRemaining: Double? {
        guard let s = session, step <= .servers, confirmed == nil else { return nil }
        return max(0, s.expiresAt.timeIntervalSince(now))
    }
}
