import Foundation
import MicroCloudKit

// Steps 5 and 7: the Ceph network and OVN uplink forms. Fields are edited in place; checks run while typing.

extension WizardState {
    /// Builds the answer tables and forms once the inventories are in.
    mutating func prepareAnswers() {
        let lookup = address?.subnet?.description ?? ""
        answers.cephNetworks = WizardForm(
            labels: ["Internal subnet", "Public subnet"],
            fields: [TextField(prompt: "What subnet (IPv4/IPv6 CIDR) would you like your Ceph internal traffic on?",
                               defaultValue: lookup),
                     TextField(prompt: "What subnet (either IPv4 or IPv6 CIDR notation) would you like your Ceph public "
                               + "traffic on?", defaultValue: lookup)])
        answers.ovnForm = WizardForm(
            labels: ["IPv4 gateway", "First IPv4", "Last IPv4", "IPv6 gateway", "DNS servers"],
            fields: [TextField(prompt: "Specify the IPv4 gateway (CIDR) on the uplink network",
                               placeholder: "e.g. 192.0.2.1/24, empty for none"),
                     TextField(prompt: "Specify the first IPv4 address in the range to use on the uplink network",
                               placeholder: "e.g. 192.0.2.100"),
                     TextField(prompt: "Specify the last IPv4 address in the range to use on the uplink network",
                               placeholder: "e.g. 192.0.2.254"),
                     TextField(prompt: "Specify the IPv6 gateway (CIDR) on the uplink network",
                               placeholder: "e.g. 2001:db8::1/64, empty for none"),
                     TextField(prompt: "Specify the DNS addresses (comma-separated IPv4 / IPv6 addresses) for the "
                               + "distributed network", placeholder: "none")])
        reconcile()
        fitViewports()
    }

    /// Defaults that follow other answers: the public subnet follows the internal one, DNS the gateways.
    mutating func refreshFormDefaults() {
        if answers.cephNetworks.fields.count == 2 {
            answers.cephNetworks.fields[1].defaultValue = answers.cephNetworks.fields[0].value
        }
        if answers.ovnForm.fields.count == 5 {
            let t = answers.ovnForm.texts
            answers.ovnForm.fields[4].defaultValue = WizardRules.defaultDNS(ipv4Gateway: t[0], ipv6Gateway: t[3])
        }
    }

    func formProblems(_ step: WizardStep) -> FormProblems {
        switch step {
        case .cephNetworks:
            let lookup = address?.subnet
            let problems = answers.cephNetworks.values.map {
                WizardRules.cephSubnetProblem($0, lookup: lookup, inventories: inventories)
            }
            return FormProblems(fields: problems, form: nil)
        case .ovnForms:
            let members = inventories.map { (name: $0.name, address: $0.address) }
            return WizardRules.ovnProblems(answers.ovnForm.texts, members: members, attempted: answers.ovnForm.attempted)
        default:
            return FormProblems(fields: [], form: nil)
        }
    }

    mutating func formKey(_ key: Key) -> [WizardEffect] {
        notice = nil
        var form = step == .cephNetworks ? answers.cephNetworks : answers.ovnForm
        guard !form.fields.isEmpty else { return [] }
        let last = form.fields.count - 1
        switch key {
        case .tab, .down: form.focus = min(last, form.focus + 1)
        case .backTab, .up: form.focus = max(0, form.focus - 1)
        case .escape:
            goBack()
            return []
        case .enter:
            let problems = formProblems(step)
            if form.focus < last && problems.fields[form.focus] == nil {
                form.focus += 1
            } else {
                form.attempted = true
                store(form)
                let all = formProblems(step)
                if all.isValid {
                    advance()
                    return []
                }
                form.focus = all.fields.firstIndex { $0 != nil } ?? form.focus
            }
        default:
            _ = form.fields[form.focus].handle(key)
        }
        store(form)
        refreshFormDefaults()
        return []
    }

    private mutating func store(_ form: WizardForm) {
        if step == .cephNetworks { answers.cephNetworks = form } else { answers.ovnForm = form }
    }
}
