import Testing
@testable import MicroCloudKit

/// What a failed `remote-fs` tells the operator: the cause behind LXD's words, and commands that finish it by hand.
struct CephFSSetbackTests {
    @Test func aKernelWithoutCephFSIsNamedWhateverLXDCanDo() {
        let said = #"Failed to mount "10.0.0.1:6789:/" on "/tmp/m" using "ceph": no such device"#
        for makes in [true, false] {
            #expect(CephFSSetback.explain(said, lxdMakesVolumes: makes, volume: "lxd_cephfs")?.fix.contains("modprobe ceph") == true)
        }
    }

    @Test func anLXDThatCannotMakeTheVolumeIsToldHowToMakeIt() {
        let said = "The requested 'lxd_cephfs' CEPHFS doesn't exist"
        let explained = CephFSSetback.explain(said, lxdMakesVolumes: false, volume: "lxd_cephfs")
        #expect(explained?.cause.contains("storage_cephfs_create_missing") == true)
        #expect(explained?.fix.hasPrefix("Create the volume with `ceph fs volume create lxd_cephfs`") == true)
        #expect(CephFSSetback.explain(said, lxdMakesVolumes: true, volume: "lxd_cephfs") == nil)
    }

    @Test func theSetbackCarriesLXDsWordsAndTheCommandsWithTheRunsConfiguration() async {
        struct Refused: Error, CustomStringConvertible { var description = "LXD on m1: refused" }
        let pool = PoolSetback(standing: "standing", explain: { _ in nil })
        let s = await pool.setback(Refused(), pool: "remote-fs", driver: "cephfs", removed: "its pending definitions were removed",
                                   pending: ["m1": ["source": "lxd_cephfs"], "m2": ["source": "lxd_cephfs"]],
                                   members: ["m1", "m2"], final: ["cephfs.path": "lxd_cephfs"])
        #expect(s.message == "LXD on m1: refused; its pending definitions were removed")
        #expect(s.advice == "Fix what LXD says; then define it on every member (`lxc storage create remote-fs cephfs "
                + "source=lxd_cephfs --target m1`, `lxc storage create remote-fs cephfs source=lxd_cephfs --target m2`), "
                + "then create it: `lxc storage create remote-fs cephfs cephfs.path=lxd_cephfs`")
    }
}
