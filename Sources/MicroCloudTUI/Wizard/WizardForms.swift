import Foundation
import MicroCloudKit

// Steps 5 and 7: the Ceph network and OVN uplink forms. Fields are edited in place; each is checked while typing by
// the same MicroCloudKit rule a preseed file and the finished plan are checked by, so the line under a field is
// that rule's message.

extension WizardState {
    /// Builds the answer tables and forms once the inventories are in.
    mutating func prepareAnswers() {
        let lookup = address?.subnet?.description ?? ""
        answers.cephNetworks = WizardForm([
            .init(field: .internal, label: "Internal subnet",
                  input: TextField(prompt: "What subnet (IPv4/IPv6 CIDR) would you like your Ceph internal traffic on?",
                                   defaultValue: lookup)),
            .init(field: .public, label: "Public subnet",
                  input: TextField(prompt: "What subnet (either IPv4 or IPv6 CIDR notation) would you like your Ceph "
                                   + "public traffic on?", defaultValue: lookup)),
        ])
        answers.ovnForm = WizardForm([
            .init(field: .ipv4Gateway, label: "IPv4 gateway",
                  input: TextField(prompt: "Specify the IPv4 gateway (CIDR) on the uplink network",
                                   placeholder: "e.g. 192.0.2.1/24, empty for none")),
            .init(field: .ipv4First, label: "First IPv4",
                  input: TextField(prompt: "Specify the first IPv4 address in the range to use on the uplink network",
                                   placeholder: "e.g. 192.0.2.100")),
            .init(field: .ipv4Last, label: "Last IPv4",
                  input: TextField(prompt: "Specify the last IPv4 address in the range to use on the uplink network",
                                   placeholder: "e.g. 192.0.2.254")),
            .init(field: .ipv6Gateway, label: "IPv6 gateway",
                  input: TextField(prompt: "Specify the IPv6 gateway (CIDR) on the uplink network",
                                   placeholder: "e.g. 2001:db8::1/64, empty for none")),
            .init(field: .dnsServers, label: "DNS servers",
                  input: TextField(prompt: "Specify the DNS addresses (comma-separated IPv4 / IPv6 addresses) for the "
                                   + "distributed network", placeholder: "none")),
        ])
        reconcile()
        fitViewports()
    }

    /// The uplink form's answers, as the plan builder and the rules take them.
    var uplinkAnswers: UplinkAnswers {
        var a = UplinkAnswers()
        for entry in answers.ovnForm.entries { a[entry.field] = answers.ovnForm.value(entry.field) }
        return a
    }

    /// Defaults that follow other answers: the public subnet follows the internal one, DNS the gateways.
    mutating func refreshFormDefaults() {
        if !answers.cephNetworks.isEmpty {
            answers.cephNetworks[.public].defaultValue = answers.cephNetworks.value(.internal)
        }
        if !answers.ovnForm.isEmpty {
            answers.ovnForm[.dnsServers].defaultValue = uplinkAnswers.defaultDNS
        }
    }

    func cephNetworkProblems() -> FormProblems<CephNetworkRules.Role> {
        var out = FormProblems<CephNetworkRules.Role>()
        for entry in answers.cephNetworks.entries {
            out.fields[entry.field] = CephNetworkRules.problems(
                answers.cephNetworks.value(entry.field), role: entry.field, lookupSubnet: address?.subnet,
                inventories: inventories).first?.message
        }
        return out
    }

    func uplinkProblems() -> FormProblems<UplinkAnswers.Field> {
        var out = FormProblems<UplinkAnswers.Field>()
        let members = inventories.map { (name: $0.name, address: $0.address) }
        for p in UplinkRules.problems(uplinkAnswers, members: members, complete: answers.ovnForm.attempted) {
            if let field = p.field {
                if out.fields[field] == nil { out.fields[field] = p.message }
            } else if out.form == nil {
                out.form = p.message
            }
        }
        return out
    }

    /// Whether the form of a form step holds a valid answer.
    func formIsValid(_ step: WizardStep) -> Bool {
        step == .cephNetworks ? cephNetworkProblems().isValid : uplinkProblems().isValid
    }

    mutating func formKey(_ key: Key) -> [WizardEffect] {
        if step == .cephNetworks {
            return formKey(key, \.cephNetworks) { $0.cephNetworkProblems() }
        }
        if let phase = answers.underlayPhase { return underlayKey(key, phase) }
        return formKey(key, \.ovnForm) { $0.uplinkProblems() }
    }

    private mutating func formKey<F>(_ key: Key, _ path: WritableKeyPath<WizardAnswers, WizardForm<F>>,
                                     _ problems: (WizardState) -> FormProblems<F>) -> [WizardEffect] {
        notice = nil
        var form = answers[keyPath: path]
        guard !form.isEmpty else { return [] }
        let last = form.entries.count - 1
        switch key {
        case .tab, .down: form.focus = min(last, form.focus + 1)
        case .backTab, .up: form.focus = max(0, form.focus - 1)
        case .escape:
            goBack()
            return []
        case .enter:
            if form.focus < last, let field = form.focusedField, problems(self).fields[field] == nil {
                form.focus += 1
            } else {
                form.attempted = true
                answers[keyPath: path] = form
                let all = problems(self)
                if all.isValid {
                    if step == .ovnForms { uplinkFormAccepted() } else { advance() }
                    return []
                }
                form.focus = form.entries.firstIndex { all.fields[$0.field] != nil } ?? form.focus
            }
        default:
            _ = form.entries[form.focus].input.handle(key)
        }
        answers[keyPath: path] = form
        refreshFormDefaults()
        return []
    }
}
