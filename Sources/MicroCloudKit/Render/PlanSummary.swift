extension ClusterPlan {
    /// The plan in upstream's "Using …" sentences, in question order (local storage, Ceph, OVN uplink, underlay),
    /// plus what this implementation adds (driver, bridge). Plain text; the caller styles it.
    public var summaryLines: [String] {
        var lines: [String] = []
        if let pool = localPool {
            lines.append("Using \(pool.description.prefix(1).lowercased() + pool.description.dropFirst()) for the "
                + "\(pool.name) pool")
            for m in members { if let d = m.localDisk { lines.append("Using \(d.path) on \(m.name) for local storage pool") } }
        }
        if let ceph, usesCeph {
            for m in members where !m.cephDisks.isEmpty {
                lines.append("Using \(m.cephDisks.count) disk(s) on \(m.name) for remote storage pool")
            }
            if ceph.cephfs { lines.append("Using CephFS for the remote-fs pool") }
            lines.append("Using \(ceph.internalNetwork) for Ceph internal traffic")
            lines.append("Using \(ceph.publicNetwork) for Ceph public traffic")
        }
        if usesOVN {
            for m in members { if let u = m.uplinkInterface { lines.append("Using \(u) on \(m.name) for OVN uplink") } }
            for m in members { if let ip = m.underlayIP { lines.append("Using \(ip) on \(m.name) for OVN underlay traffic") } }
        } else if let b = fallbackBridge {
            lines.append("Using a \(b.name) bridge (\(b.ipv4)) on every member for instance networking")
        }
        return lines
    }
}

extension ClusterPlan {
    /// The plan as `--dry-run` prints it: the members, then the "Using …" lines.
    public var summaryText: String {
        let members = members.map { "  \($0.name) at \($0.address)" + ($0.name == initiator ? " (initiator)" : "") }
        return (["Plan:"] + members + summaryLines.map { "  " + $0 }).joined(separator: "\n")
    }
}
