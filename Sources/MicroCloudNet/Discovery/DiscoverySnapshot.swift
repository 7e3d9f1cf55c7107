import FoundationEssentials
import MicroCloudKit

extension Discovery {
    /// Browses for a while and returns the latest announcement per server name; stops early once `enough` says
    /// the servers seen so far are all the caller needs (e.g. a joiner that found its initiator).
    public static func snapshot(interface: String?, timeout: Duration,
                                until enough: @escaping @Sendable ([String: ServiceAnnouncement]) -> Bool = { _ in false })
        throws -> Task<[String: ServiceAnnouncement], Never> {
        let stream = try browse(interface: interface)
        return Task {
            let seen = Locked<[String: ServiceAnnouncement]>([:])
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in stream {
                        let now = seen.withLock { current -> [String: ServiceAnnouncement] in
                            switch event {
                            case .appeared(let a), .updated(let a): current[a.name] = a
                            case .gone(let name): current[name] = nil
                            }
                            return current
                        }
                        if enough(now) { return }
                    }
                }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
            return seen.current
        }
    }
}
