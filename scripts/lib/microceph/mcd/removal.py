"""MicroCeph's DELETE /1.0/disks/{osd}, as upstream does it (microceph 79f99b5: api/disks.go cmdDisksDelete,
ceph/osd.go RemoveOSD/doRemoveOSD): one disk operation at a time per server, the failure-domain check (a removal
that leaves fewer than 3 hosts with OSDs needs confirm_downgrade, then the pools move to the per-OSD rule), at
least 3 OSDs unless bypass_safety, then drain (crush weight 0), wait until ok-to-stop, out and down, stop the
daemon, wait until safe-to-destroy (its data placed on the other OSDs), purge. The waits retry with upstream's
backoff (16 tries, 0.1 s doubling), bounded here by the request's `timeout` (seconds)."""
import subprocess
import time

from . import daemons, envelope
from .ceph import CephError, DATA
from .envelope import sync

def remove_osd(disks, req):
    d = disks.d
    try:
        osd = int(req.params["osd"])
    except ValueError:
        raise envelope.bad_request(f'strconv.ParseInt: parsing "{req.params["osd"]}": invalid syntax')
    if not req.body.strip():
        raise envelope.bad_request("EOF")   # json.NewDecoder(r.Body).Decode on an empty body: BadRequest
    body = req.json()
    bypass = bool(body.get("bypass_safety"))
    confirm = bool(body.get("confirm_downgrade"))
    deadline = time.monotonic() + (int(body.get("timeout") or 300))
    with disks.add_lock:    # upstream's `mu`: POST and DELETE /1.0/disks take the same lock
        records = disks.records()
        if not body.get("prohibit_crush_scaledown") and downgrade_needed(d, records, osd) and not confirm:
            raise envelope.bad_request(
                f"removing osd.{osd} would require a downgrade of the automatic crush rule from 'host' to 'osd' level. "
                "Likely this will result in additional data movement. Please confirm by setting the "
                "'--confirm-failure-domain-downgrade' flag to true")
        if osd < 0:
            raise envelope.internal("OSD must be a positive integer")
        if osd not in records:
            raise envelope.not_found(f"osd.{osd} not found")
        if not bypass and len(records) <= 3:
            raise envelope.internal(f"cannot remove osd.{osd} we need at least 3 OSDs, have {len(records)}")
        if downgrade_needed(d, records, osd):
            scale_down(d)
        try:
            d.mon.command("osd crush reweight", name=f"osd.{osd}", weight=0.0)
        except CephError:
            pass                                     # upstream only warns
        if not bypass:
            wait_until(d, "osd ok-to-stop", osd, deadline, "ok-to-stop")
        try:
            d.mon.command("osd out", ids=[str(osd)])
            d.mon.command("osd down", ids=[str(osd)])
        except CephError as err:
            raise envelope.internal(f"failed to take osd.{osd} out: {err}")
        daemons.stop("osd", osd)
        if not bypass:
            wait_until(d, "osd safe-to-destroy", osd, deadline, "safe-to-destroy")
        try:
            d.mon.command("osd purge-actual", id=osd, yes_i_really_mean_it=True)
        except CephError as err:
            raise envelope.internal(f"failed to purge osd.{osd}: {err}")
        subprocess.run(["rm", "-rf", f"{DATA}/osd/ceph-{osd}"])
        d.mon.delete_record(f"microceph/disks/{osd}")
    return sync(None)


def downgrade_needed(d, records, osd):
    """upstream IsDowngradeNeeded: the default rule is per host and fewer than 3 hosts keep OSDs without this one."""
    try:
        host_rule = d.mon.command("osd crush rule dump", name="microceph_auto_host")["rule_id"]
        current = int(d.mon.command("config get", who="global", key="osd_pool_default_crush_rule"))
    except (CephError, KeyError, TypeError, ValueError):
        return False
    if current != host_rule:
        return False
    hosts = {r["location"] for o, r in records.items() if o != osd}
    return len(hosts) < 3


def scale_down(d):
    """upstream scaleDownFailureDomain: the default rule and the pools on the host rule move to the OSD rule."""
    host_rule = d.mon.command("osd crush rule dump", name="microceph_auto_host")["rule_id"]
    daemons.set_default_rule(d.mon, "microceph_auto_osd")
    for pool in d.mon.command("osd pool ls", detail="detail"):
        if pool.get("crush_rule") == host_rule:
            d.mon.command("osd pool set", pool=pool["pool_name"], var="crush_rule", val="microceph_auto_osd")


def wait_until(d, prefix, osd, deadline, what):
    delay = 0.1
    for _ in range(16):
        try:
            d.mon.command(prefix, ids=[str(osd)])
            return
        except CephError:
            pass
        if time.monotonic() + delay > deadline:
            break
        time.sleep(delay)
        delay *= 2
    raise envelope.internal(f"osd.[{osd}] failed to reach {what}" if what == "ok-to-stop" else f"osd.{osd} failed to reach {what}")
