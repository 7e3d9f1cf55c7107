/// Picks the driver for the `local` pool: the best one LXD offers (ZFS, then Btrfs, then a plain directory).
/// Upstream only knows ZFS; servers without it (like the lab's) still get honest local storage.
public enum LocalPoolPlanner {
    /// Preference order.
    public static let drivers = ["zfs", "btrfs", "dir"]

    public static func choose(storageDrivers: [String]) -> LocalPoolPlan? {
        drivers.first { storageDrivers.contains($0) }.map { LocalPoolPlan(driver: $0) }
    }

    /// The best driver every one of the servers offers.
    public static func choose(inventories: [Inventory]) -> LocalPoolPlan? {
        guard let first = inventories.first else { return nil }
        let common = inventories.dropFirst().reduce(Set(first.lxd.storageDrivers)) {
            $0.intersection($1.lxd.storageDrivers)
        }
        return choose(storageDrivers: Array(common))
    }
}
