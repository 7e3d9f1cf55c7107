import Testing
@testable import MicroCloudKit

@Suite struct DiskFilterTests {
    static let disks = Fixture.disks()

    /// Ids of the fixture disks the expression matches.
    func ids(_ expression: String) throws -> [String] {
        let f = try DiskFilter(expression)
        return Self.disks.filter(f.matches).map(\.id)
    }

    @Test(arguments: [
        ("type == nvme", ["nvme0n1"]),
        ("type != scsi", ["nvme0n1", "sr0"]),
        ("size > 10GiB", ["nvme0n1", "sdc"].sorted()),
        ("size >= 10GiB", ["nvme0n1", "sdb", "sdc"]),
        ("size < 10GiB", ["sda", "sr0"]),
        ("size <= 10GiB", ["sda", "sdb", "sr0"]),
        ("size == 10737418240", ["sdb"]),
        ("size > 10GB && size < 11GB", ["sdb"]),
        ("size > 400GB", ["nvme0n1"]),
        ("size < 1.5MiB", ["sr0"]),
        ("model == 'Samsung %'", ["nvme0n1"]),
        ("model == \"QEMU DVD-ROM\"", ["sr0"]),
        ("model == 'QEMU*'", ["sda", "sdb", "sdc", "sr0"]),
        ("device_id == *lxd_disk1", ["sdb"]),
        ("device_id == %disk%", ["sdb", "sdc"]),
        ("device_id == *lxd_disk1 || device_id == *lxd_disk2", ["sdb", "sdc"]),
        ("type == scsi && !(size > 15GiB)", ["sda", "sdb"]),
        ("removable", ["sr0"]),
        ("!removable && type == scsi", ["sda", "sdb", "sdc"]),
        ("removable == false && read_only == false && type == cdrom", []),
        ("id == sdb || id == sdc && size > 15GiB", ["sdb", "sdc"]),
        ("(id == sdb || id == sdc) && size > 15GiB", ["sdc"]),
        ("device_path == pci-0000:00:05.0-scsi-0:0:0:2", ["sdc"]),
        ("wwn == eui.0025385", ["nvme0n1"]),
        ("numa_node == 0 && block_size >= 512 && id == sda", ["sda"]),
        ("model == qemu*", []),
    ])
    func matches(expression: String, expected: [String]) throws {
        #expect(try ids(expression).sorted() == expected.sorted(), "\(expression)")
    }

    @Test func wildcardsMatchAnyRunIncludingNone() {
        #expect(globMatch("lxd_disk1", "*lxd_disk1"))
        #expect(globMatch("abc", "a%c") && globMatch("ac", "a%c") && globMatch("abbbc", "a*b*c"))
        #expect(!globMatch("abd", "a*c") && !globMatch("xlxd", "lxd*"))
        #expect(globMatch("", "*") && !globMatch("", "a*"))
    }

    @Test(arguments: [
        ("", 1, "the filter is empty; expected a condition such as size > 10GiB"),
        ("sise > 10GiB", 1, "unknown field \"sise\". Did you mean \"size\"? Known fields: id, device, model, type, "
            + "serial, wwn, rpm, size, mounted, removable, read_only, numa_node, device_path, block_size, "
            + "firmware_version, device_id, pci_address, used_by"),
        ("size", 5, "expected a comparison (==, !=, <, >, <=, >=) after \"size\""),
        ("size >", 7, "unexpected end of filter; expected a value after >"),
        ("size > 10XB", 8, "invalid size \"10XB\"; expected a number with an optional unit (B, kB, MB, GB, TB, PB, EB, "
            + "KiB, MiB, GiB, TiB, PiB, EiB)"),
        ("rpm == fast", 8, "invalid number \"fast\" for rpm"),
        ("size = 10GiB", 6, "expected == (use == to compare)"),
        ("type == nvme & size > 1GB", 14, "expected &&; a single & is not an operator"),
        ("type == nvme | size > 1GB", 14, "expected ||; a single | is not an operator"),
        ("model == 'Samsung", 10, "unterminated quoted value; add the closing '"),
        ("(type == nvme", 14, "expected ) to close the ( at position 1"),
        ("type == nvme)", 13, "unexpected \")\"; expected && or || to join conditions"),
        ("type == nvme size > 1", 14, "unexpected \"size\"; expected && or || to join conditions"),
        ("&& type == nvme", 1, "unexpected \"&&\"; expected a field name (such as size, model, type), ( or !"),
        ("type == nvme &&", 16, "unexpected end of filter; expected a field name, ( or !"),
        ("removable > true", 13, "removable is true or false; compare it with == or !="),
        ("removable == maybe", 14, "invalid value \"maybe\" for removable; expected true or false"),
        ("type == == nvme", 9, "expected a value after ==, found \"==\""),
    ])
    func errorsNamePositionAndExpectation(expression: String, position: Int, message: String) {
        #expect(throws: DiskFilterError(position: position, message)) { try DiskFilter(expression) }
    }

    @Test func errorDescriptionReadsNaturally() {
        let e = DiskFilterError(position: 8, "invalid number \"fast\" for rpm")
        #expect(e.description == "at position 8: invalid number \"fast\" for rpm")
    }
}
