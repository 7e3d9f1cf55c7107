import Foundation
import MicroCloudKit

/// A global address of this host that MicroCloud's internal traffic could use, with the interface that owns it.
public struct HostAddress: Hashable, Sendable {
    public var interface: String
    /// Address with its on-link prefix, e.g. "10.0.0.1/24".
    public var cidr: String

    public init(interface: String, cidr: String) {
        self.interface = interface
        self.cidr = cidr
    }

    /// The address without its prefix.
    public var ip: String { String(cidr.split(separator: "/").first ?? "") }
    /// The lookup subnet this address fixes (network form, e.g. "10.0.0.0/24").
    public var subnet: CIDR? { CIDR(cidr)?.network }
}

/// The screens of `microcloud init`, in order. Raw values are the step numbers the header shows.
public enum WizardStep: Int, CaseIterable, Sendable, Comparable {
    case address = 1, servers, localDisks, cephDisks, cephNetworks, ovnUplinks, ovnForms, summary, progress, results

    public static func < (a: WizardStep, b: WizardStep) -> Bool { a.rawValue < b.rawValue }

    public var title: String {
        switch self {
        case .address: "Address for MicroCloud's internal traffic"
        case .servers: "Servers that join the cluster"
        case .localDisks: "Local storage"
        case .cephDisks: "Distributed storage (Ceph)"
        case .cephNetworks: "Ceph networks"
        case .ovnUplinks: "Distributed networking: uplinks"
        case .ovnForms: "Distributed networking: uplink addresses"
        case .summary: "Review the plan"
        case .progress: "Setting up the cloud"
        case .results: "The cloud is ready"
        }
    }

    /// Steps an operator answers and may edit from the summary.
    public var isQuestion: Bool { self >= .localDisks && self <= .ovnForms }
}

/// Everything the wizard reacts to: the operator's keys and what the effects report back.
public enum WizardMessage: Sendable, TerminalMessages {
    case key(Key)
    case paste(String)
    case resize(Size)
    case tick(Date)
    /// The trust session is open: the passphrase to show, when it expires, and who this server is.
    case sessionOpened(passphrase: String, expiresAt: Date, localName: String, localFingerprint: String)
    /// This host's global addresses (sent once at start).
    case addresses([HostAddress])
    /// A server seen on the network (new or changed).
    case discovery(Server)
    /// A server's announcement went away.
    case serverGone(String)
    /// A joiner proved the passphrase: its row becomes *verified* and selectable.
    case intent(Server)
    /// The daemon closed the trust session (timeout, error), with why.
    case sessionEnded(String)
    case inventories([Inventory], problems: [String])
    case progress(ProgressEvent)
    case bootstrapFinished(BootstrapReport, ClusterSnapshot?)
    case bootstrapFailed(BootstrapReport)
    /// The preseed file was written there.
    case saved(String)
    /// An effect failed; the text says what and why.
    case failed(String)
}

/// What the wizard asks its runner to do. The runner answers with messages.
public enum WizardEffect: Sendable, Equatable {
    /// Open the trust session (answer: `sessionOpened`, or `failed`).
    case openSession
    /// Browse for servers on this interface (answers: `discovery`, `serverGone`, `intent`, `sessionEnded`).
    case startDiscovery(interface: String)
    /// Confirm these joiners (full fingerprints). Empty: nobody joins; close the session.
    case confirm(fingerprints: [String])
    /// Gather the inventory of these servers, this server first (answer: `inventories`). Their identities are the
    /// ones proven in the session (the runner's driver holds them), so this follows `.confirm` in a sequence.
    case fetchInventories([Server])
    /// Run the bootstrap (answers: `progress` …, then `bootstrapFinished` or `bootstrapFailed`).
    case runBootstrap(ClusterPlan)
    case savePreseed(path: String, yaml: String)
    /// Tell the joiners the setup is off (`PUT /1.0/session/stop` with this reason).
    case abort(reason: String)
    /// End the program; print the text (if any) on the normal screen after the terminal is restored.
    case quit(printOnExit: String?)
    /// These effects one after another, each once the previous one answered.
    case sequence([WizardEffect])
}

extension WizardEffect: ProgramEffect {
    public var sequence: [WizardEffect]? {
        if case .sequence(let parts) = self { parts } else { nil }
    }
}
