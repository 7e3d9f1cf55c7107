import Testing
@testable import MicroCloudKit
import PreseedYAML

@Suite struct PreseedParseTests {
    /// Upstream's documented multicast example, with every key used.
    static let full = """
    lookup_subnet: 10.0.0.0/24
    lookup_timeout: 120
    initiator: micro01
    session_passphrase: foo bar baz qux
    session_timeout: 600
    systems:
    - name: micro01
      ovn_uplink_interface: eth1
      ovn_underlay_ip: 10.0.1.11
      storage:
        local:
          path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
          wipe: true
        ceph:
          - path: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk2
            wipe: yes
            encrypt: true
    - name: micro02
      ovn_uplink_interface: eth1
      ovn_underlay_ip: 10.0.1.12
    - name: micro03
      ovn_uplink_interface: eth1
      ovn_underlay_ip: 10.0.1.13
    ovn:
      ipv4_gateway: 192.0.2.1/24
      ipv4_range: 192.0.2.100-192.0.2.254
      ipv6_gateway: 2001:db8:d:200::1/64
      dns_servers: 192.0.2.1,2001:db8:d:200::1
    ceph:
      cephfs: true
      internal_network: 10.0.1.0/24
      public_network: 10.0.0.0/24
    storage:
      local:
        - find: size > 10GiB && size < 50GiB && type == scsi
          find_min: 1
          find_max: 2
          wipe: true
      ceph:
        - find: device_id == *lxd_disk2
          find_min: 2
          wipe: true
          encrypt: false
    """

    @Test func readsEveryUpstreamKey() throws {
        let (p, warnings) = try Preseed.parse(Self.full)
        #expect(warnings == [])
        #expect(p.lookupSubnet == "10.0.0.0/24" && p.initiator == "micro01" && p.initiatorAddress == nil)
        #expect(p.lookupTimeout == 120 && p.sessionTimeout == 600 && p.sessionPassphrase == "foo bar baz qux")
        #expect(p.systems.map(\.name) == ["micro01", "micro02", "micro03"])
        let m1 = p.systems[0]
        #expect(m1.ovnUplinkInterface == "eth1" && m1.ovnUnderlayIP == "10.0.1.11")
        #expect(m1.storage?.local == Preseed.DiskEntry(path: Fixture.path(1), wipe: true))
        #expect(m1.storage?.ceph == [Preseed.DiskEntry(path: Fixture.path(2), wipe: true, encrypt: true)])
        #expect(p.systems[2].storage == nil && p.systems[2].ovnUplinkInterface == "eth1")
        #expect(p.ovn == Preseed.OVN(ipv4Gateway: "192.0.2.1/24", ipv4Range: "192.0.2.100-192.0.2.254",
                                     ipv6Gateway: "2001:db8:d:200::1/64", dnsServers: "192.0.2.1,2001:db8:d:200::1"))
        #expect(p.ovn?.dnsServerList == ["192.0.2.1", "2001:db8:d:200::1"])
        #expect(p.ceph == Preseed.Ceph(cephfs: true, internalNetwork: "10.0.1.0/24", publicNetwork: "10.0.0.0/24"))
        #expect(p.storage?.local == [Preseed.DiskFilterEntry(find: "size > 10GiB && size < 50GiB && type == scsi",
                                                             findMin: 1, findMax: 2, wipe: true)])
        #expect(p.storage?.ceph == [Preseed.DiskFilterEntry(find: "device_id == *lxd_disk2", findMin: 2, wipe: true)])
        #expect(p.validate() == [])
    }

    @Test func defaultsWhenKeysAreAbsent() throws {
        let (p, _) = try Preseed.parse("initiator_address: 10.0.0.11\nsystems:\n- name: micro01\n  address: 10.0.0.11\n")
        #expect(p.effectiveLookupTimeout == 60 && p.effectiveSessionTimeout == 3600)
        #expect(p.ovn == nil && p.ceph == nil && p.storage == nil && p.fallbackBridge == nil)
        #expect(p.isBootstrap)
    }

    @Test func unknownKeysWarnWithTheirPath() throws {
        let yaml = """
        initiator: micro01
        lookup_subnet: 10.0.0.0/24
        colour: blue
        systems:
        - name: micro01
          storge:
            local: {path: /dev/sdb}
          storage:
            local: {path: /dev/sdb, encrypt: true}
        ovn:
          ipv4_gatway: 10.0.0.1/24
        """
        let (_, warnings) = try Preseed.parse(yaml)
        #expect(warnings.map(\.field) == ["colour", "systems[0].storge", "systems[0].storage.local.encrypt",
                                          "ovn.ipv4_gatway"])
        #expect(warnings.allSatisfy { $0.severity == .warning })
        #expect(warnings[0].message == "Unknown key \"colour\" is ignored. Known keys here: initiator, "
            + "initiator_address, lookup_subnet, lookup_timeout, session_passphrase, session_timeout, systems, ovn, "
            + "ceph, storage, local_pool_driver, local_pool_loop_size, fallback_bridge.")
        #expect(warnings[1].message == "Unknown key \"storge\" is ignored. Did you mean \"storage\"? Known keys here: "
            + "name, address, ovn_uplink_interface, ovn_underlay_ip, storage.")
        #expect(warnings[2].message == "encrypt applies to Ceph disks only; it is ignored for local storage.")
        #expect(warnings[3].message.hasPrefix("Unknown key \"ipv4_gatway\" is ignored. Did you mean \"ipv4_gateway\"?"))
    }

    @Test(arguments: [
        ("systems: micro01\n", "systems", 1, 10, "systems must be a list, not \"micro01\"."),
        ("systems:\n- name: [a, b]\n", "systems[0].name", 2, 9, "systems[0].name must be a string, not a list."),
        ("lookup_timeout: soon\n", "lookup_timeout", 1, 17, "lookup_timeout must be a whole number, not \"soon\"."),
        ("systems:\n- name: m1\n  storage:\n    local:\n      path: /dev/sdb\n      wipe: please\n",
         "systems[0].storage.local.wipe", 6, 13, "systems[0].storage.local.wipe must be true or false, not \"please\"."),
        ("ceph:\n  cephfs: {a: 1}\n", "ceph.cephfs", 2, 11, "ceph.cephfs must be true or false, not a mapping."),
        ("ovn: 10.0.0.1/24\n", "ovn", 1, 6, "ovn must be a mapping of keys to values, not \"10.0.0.1/24\"."),
        ("storage:\n  ceph:\n    find: size > 1GB\n", "storage.ceph", 3, 5, "storage.ceph must be a list, not a mapping."),
        ("systems:\n- name: m1\n  storage:\n    ceph:\n    - path: /dev/sdb\n      encrypt: 2\n",
         "systems[0].storage.ceph[0].encrypt", 6, 16,
         "systems[0].storage.ceph[0].encrypt must be true or false, not \"2\"."),
        ("- a\n- b\n", "The preseed file", 1, 1, "The preseed file must be a mapping of keys to values, not a list."),
    ])
    func wrongTypesNameTheKeyAndPlace(yaml: String, field: String, line: Int, column: Int, message: String) {
        #expect(throws: PreseedError(field: field, line: line, column: column, message)) { try Preseed.parse(yaml) }
    }

    @Test func syntaxErrorGivesLineAndColumn() {
        let yaml = "initiator: micro01\nsystems:\n  - name: micro01\n   bad: [unclosed\n"
        do {
            _ = try Preseed.parse(yaml)
            Issue.record("expected a syntax error")
        } catch let e as PreseedError {
            #expect(e.line == 4, "\(e)")
            #expect(e.field == nil)
            #expect(e.message.hasPrefix("YAML syntax error: "))
            #expect(e.description.hasPrefix("line 4, column "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tabIndentationIsASyntaxError() {
        #expect(throws: PreseedError.self) { try Preseed.parse("systems:\n\t- name: a\n") }
    }

    @Test func duplicateKeysAreRejected() {
        do {
            _ = try Preseed.parse("initiator: a\ninitiator: b\n")
            Issue.record("expected an error")
        } catch let e as PreseedError {
            #expect(e.message == "Duplicate key \"initiator\" in a mapping. Give each key once.")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func emptyFileIsAnError() {
        #expect(throws: PreseedError("The preseed file is empty. It needs at least systems and initiator (or "
            + "initiator_address).")) { try Preseed.parse("# only a comment\n") }
    }

    @Test func extensionKeys() throws {
        let (p, w) = try Preseed.parse("""
        local_pool_driver: dir
        fallback_bridge:
          name: br-lab
          ipv4_address: 10.79.0.1/24
          ipv6_address: none
        """)
        #expect(w == [])
        #expect(p.localPoolDriver == "dir")
        #expect(p.fallbackBridge == Preseed.Bridge(name: "br-lab", ipv4Address: "10.79.0.1/24", ipv6Address: "none"))
        #expect(try Preseed.parse("fallback_bridge: none\n").0.fallbackBridge == Preseed.Bridge(disabled: true))
    }

    @Test func dnsServersMayBeAList() throws {
        let (p, _) = try Preseed.parse("ovn:\n  dns_servers: [1.1.1.1, 9.9.9.9]\n")
        #expect(p.ovn?.dnsServerList == ["1.1.1.1", "9.9.9.9"])
    }

    @Test func numericLookingNamesStayStrings() throws {
        let (p, _) = try Preseed.parse("systems:\n- name: 1234\n  address: 10.0.0.1\n")
        #expect(p.systems[0].name == "1234")
    }
}

@Suite struct PreseedSecrecyTests {
    @Test func printingNeverShowsThePassphrase() throws {
        let (p, _) = try Preseed.parse("initiator: micro01\nsession_passphrase: hunter two three four\nsystems:\n- name: micro01\n")
        #expect(!"\(p)".contains("hunter"))
        #expect(!String(reflecting: p).contains("hunter"))
        #expect("\(p)".contains("<redacted>") && "\(p)".contains("micro01"))
        #expect(!p.validate().contains { $0.message.contains("hunter") })
    }
}
