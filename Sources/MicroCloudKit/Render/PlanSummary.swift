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
            if let net = ceph.internalNetwork { lines.append("Using \(net) for Ceph internal traffic") }
            if let net = ceph.publicNetwork { lines.append("Using \(net) for Ceph public traffic") }
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
