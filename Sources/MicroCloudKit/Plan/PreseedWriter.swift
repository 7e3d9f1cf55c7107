// "Save as preseed": a plan written back as a preseed file that `Preseed.parse` + `resolve` turn into the same plan
// (given the same inventories). Multicast form: initiator + lookup_subnet; every disk explicit.

extension ClusterPlan {
    /// The plan as preseed YAML. Without a passphrase, a multi-member file gets a commented placeholder that must be
    /// filled in before use (passphrases are never written unless given).
    public func preseedYAML(passphrase: String?) -> String {
        var out: [String] = [
            "# MicroCloud preseed, written from a reviewed plan.",
            "# Run `microcloud preseed < this-file` on every server listed under systems.",
            "lookup_subnet: \(yamlScalar(lookupSubnet))",
            "initiator: \(yamlScalar(initiator))",
        ]
        if let passphrase, !passphrase.isEmpty {
            out.append("session_passphrase: \(yamlScalar(passphrase))")
        } else if members.count > 1 {
            out.append("# session_passphrase: <the same passphrase on every server>")
        }
        out.append("systems:")
        for m in members {
            out.append("  - name: \(yamlScalar(m.name))")
            if let u = m.uplinkInterface { out.append("    ovn_uplink_interface: \(yamlScalar(u))") }
            if let ip = m.underlayIP { out.append("    ovn_underlay_ip: \(yamlScalar(ip))") }
            if m.localDisk == nil && m.cephDisks.isEmpty { continue }
            out.append("    storage:")
            if let d = m.localDisk {
                out.append("      local:")
                out.append("        path: \(yamlScalar(d.path))")
                out.append("        wipe: \(d.wipe)")
            }
            if !m.cephDisks.isEmpty {
                out.append("      ceph:")
                for d in m.cephDisks {
                    out.append("        - path: \(yamlScalar(d.path))")
                    out.append("          wipe: \(d.wipe)")
                    out.append("          encrypt: \(d.encrypt || (ceph?.encrypt ?? false))")
                }
            }
        }
        if let ovn {
            out.append("ovn:")
            if let v = ovn.ipv4Gateway { out.append("  ipv4_gateway: \(yamlScalar(v))") }
            if let v = ovn.ipv4Range { out.append("  ipv4_range: \(yamlScalar(v))") }
            if let v = ovn.ipv6Gateway { out.append("  ipv6_gateway: \(yamlScalar(v))") }
            if !ovn.dnsServers.isEmpty {
                out.append("  dns_servers: \(yamlScalar(ovn.dnsServers.joined(separator: ",")))")
            }
        }
        if let ceph, usesCeph {
            out.append("ceph:")
            out.append("  cephfs: \(ceph.cephfs)")
            out.append("  internal_network: \(yamlScalar(ceph.internalNetwork))")
            out.append("  public_network: \(yamlScalar(ceph.publicNetwork))")
        }
        out.append("# Extensions of this implementation (upstream MicroCloud ignores these keys):")
        if let pool = localPool {
            out.append("local_pool_driver: \(yamlScalar(pool.driver))")
            if let size = pool.loopSize { out.append("local_pool_loop_size: \(yamlScalar(size))") }
        }
        if let b = fallbackBridge {
            out.append("fallback_bridge:")
            out.append("  name: \(yamlScalar(b.name))")
            out.append("  ipv4_address: \(yamlScalar(b.ipv4))")
            out.append("  ipv6_address: \(yamlScalar(b.ipv6))")
        } else if ovn == nil {
            out.append("fallback_bridge: none")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
