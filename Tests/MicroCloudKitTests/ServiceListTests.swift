import Testing
@testable import MicroCloudKit

/// Issue 18 (`microcloud service list`): upstream's shape, each service under its name.
@Suite struct ServiceListTests {
    @Test func eachServiceListsItsMembersOrSaysWhyNot() {
        let list = ServiceList(services: [
            (.lxd, [.init(name: "micro10", address: "10.0.0.20:8443", role: "database", status: "ONLINE"),
                    .init(name: "micro2", address: "10.0.0.12:8443", role: "database-standby", status: "OFFLINE")]),
            (.microceph, []),
            (.microovn, nil),
        ])
        #expect(list.text == """
            LXD:
            +---------+----------------+------------------+---------+
            |  NAME   |    ADDRESS     |       ROLE       | STATUS  |
            +---------+----------------+------------------+---------+
            | micro2  | 10.0.0.12:8443 | database-standby | OFFLINE |
            +---------+----------------+------------------+---------+
            | micro10 | 10.0.0.20:8443 | database         | ONLINE  |
            +---------+----------------+------------------+---------+
            MicroCeph: Not initialized
            MicroOVN: not installed on this server

            """)
    }
}
