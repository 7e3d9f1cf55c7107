// "Save as preseed": a plan written back as a preseed file that `Preseed.parse` + `resolve` turn into the same plan
// (given the same inventories). Multicast form: initiator + lookup_subnet; every disk explicit. Keys come from
// `PreseedKey`, the table the parser reads by.

extension ClusterPlan {
    /// The plan as preseed YAML. Without a passphrase, a multi-member file gets a commented placeholder that must be
    /// filled in before use (passphrases are never written unless given).
    public func preseedYAML(passphrase: String?) -> String {
        typealias K = PreseedKey
        var out: [String] = [
            "# MicroCloud preseed, written from a reviewed plan.",
            "# Run `microcloud preseed < this-file` on every server listed under \(K.systems.rawValue).",
            entry(0, .lookupSubnet, lookupSubnet),
            entry(0, .initiator, initiator),
        ]
        if let passphrase, !passphrase.isEmpty {
            out.append(entry(0, .sessionPassphrase, passphrase))
        } else if members.count > 1 {
            out.append("# \(K.sessionPassphrase.rawValue): <the same passphrase on every server>")
        }
        out.append(section(0, .systems))
        for m in members {
            out.append("  - " + entry(0, .name, m.name))
            if let u = m.uplinkInterface { out.append(entry(4, .ovnUplinkInterface, u)) }
            if let ip = m.underlayIP { out.append(entry(4, .ovnUnderlayIP, ip)) }
            if m.localDisk == nil && m.cephDisks.isEmpty { continue }
            out.append(section(4, .storage))
            if let d = m.localDisk {
                out.append(section(6, .local))
                out.append(entry(8, .path, d.path))
                out.append(flag(8, .wipe, d.wipe))
            }
            if !m.cephDisks.isEmpty {
                out.append(section(6, .ceph))
                for d in m.cephDisks {
                    out.append("        - " + entry(0, .path, d.path))
                    out.append(flag(10, .wipe, d.wipe))
                    out.append(flag(10, .encrypt, d.encrypt || (ceph?.encrypt ?? false)))
                }
            }
        }
        if let ovn {
            out.append(section(0, .ovn))
            if let v = ovn.ipv4Gateway { out.append(entry(2, .ipv4Gateway, v)) }
            if let v = ovn.ipv4Range { out.append(entry(2, .ipv4Range, v)) }
            if let v = ovn.ipv6Gateway { out.append(entry(2, .ipv6Gateway, v)) }
            if !ovn.dnsServers.isEmpty { out.append(entry(2, .dnsServers, ovn.dnsServers.joined(separator: ","))) }
        }
        if let ceph, usesCeph {
            out.append(section(0, .ceph))
            out.append(flag(2, .cephfs, ceph.cephfs))
            out.append(entry(2, .internalNetwork, ceph.internalNetwork))
            out.append(entry(2, .publicNetwork, ceph.publicNetwork))
        }
        out.append("# Extensions of this implementation (upstream MicroCloud ignores these keys):")
        if let pool = localPool {
            out.append(entry(0, .localPoolDriver, pool.driver))
            if let size = pool.loopSize { out.append(entry(0, .localPoolLoopSize, size)) }
        }
        if let b = fallbackBridge {
            out.append(section(0, .fallbackBridge))
            out.append(entry(2, .name, b.name))
            out.append(entry(2, .ipv4Address, b.ipv4))
            out.append(entry(2, .ipv6Address, b.ipv6))
        } else if ovn == nil {
            out.append("\(K.fallbackBridge.rawValue): none")
        }
        return out.joined(separator: "\n") + "\n"
    }
}

private func indent(_ n: Int) -> String { String(repeating: " ", count: n) }
private func section(_ n: Int, _ key: PreseedKey) -> String { "\(indent(n))\(key.rawValue):" }
private func entry(_ n: Int, _ key: PreseedKey, _ value: String) -> String { "\(indent(n))\(key.rawValue): \(yamlScalar(value))" }
private func flag(_ n: Int, _ key: PreseedKey, _ value: Bool) -> String { "\(indent(n))\(key.rawValue): \(value)" }
