import FoundationEssentials
import MicroCloudKit
import MicroCloudNet

extension StatusClient {
    /// Every service's members as that service lists them, read through this member's daemon (nothing changes).
    public func serviceList() async -> ServiceList {
        let cloud = ((try? await control.members()) ?? []).map {
            ServiceList.Member(name: $0.name, address: $0.address, role: "member", status: "ONLINE")
        }
        let lxd = LXDClient(transport: links.lxd(local), name: "LXD on \(local.name)")
        let lxdMembers: [ServiceList.Member]? = await {
            guard (try? await lxd.server()) != nil else { return nil }
            return ((try? await lxd.clusterMembers()) ?? []).map {
                ServiceList.Member(name: $0.serverName, address: $0.url.hasPrefix("https://") ? String($0.url.dropFirst(8)) : $0.url,
                                   role: $0.roles.isEmpty ? "member" : $0.roles.joined(separator: ","), status: $0.status.uppercased())
            }
        }()
        var services: [(kind: ServiceKind, members: [ServiceList.Member]?)] = [(.microcloud, cloud), (.lxd, lxdMembers)]
        for kind in [ServiceKind.microceph, .microovn] {
            let client = MicroclusterClient(transport: links.service(kind, local), name: "\(kind.rawValue) on \(local.name)")
            guard (try? await client.server()) != nil else { services.append((kind, nil)); continue }
            let members = ((try? await client.members()) ?? []).map {
                ServiceList.Member(name: $0.name, address: $0.address, role: $0.role, status: $0.status.uppercased())
            }
            services.append((kind, members))
        }
        return ServiceList(services: services)
    }
}
