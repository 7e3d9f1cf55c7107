"""MicroCeph's /1.0/services, /1.0/pools, /1.0/pools-op and /1.0/configs."""
from . import envelope
from .ceph import CephError
from .envelope import sync

# MicroCeph's config table: the keys GET /1.0/configs shows and PUT may set (RO: set at bootstrap only)
CONFIG_TABLE = {"public_network": "ro", "cluster_network": "rw", "rbd_default_features": "rw",
                "osd_pool_default_crush_rule": "rw"}


class Cluster:
    def __init__(self, daemon):
        self.d = daemon
        r = daemon.router
        r.add("GET", "/1.0/services", self.services, proxy_target=True)
        r.add("GET", "/1.0/pools", self.pools, proxy_target=True)
        r.add("PUT", "/1.0/pools-op", self.pools_op, proxy_target=True)
        r.add("GET", "/1.0/configs", self.configs_get, proxy_target=True)
        r.add("PUT", "/1.0/configs", self.configs_put, proxy_target=True)
        r.add("DELETE", "/1.0/configs", self.configs_delete, proxy_target=True)

    def ceph(self, prefix, **args):
        try:
            return self.d.mon.command(prefix, **args)
        except CephError as err:
            raise envelope.internal(str(err))

    def services(self, req):
        out = [{"service": rec["service"], "location": rec["location"], "group_id": "", "info": ""}
               for _, rec in sorted(self.d.mon.records("microceph/services").items())]
        return sync(out)

    def pools(self, req):
        out = []
        for name in self.ceph("osd pool ls"):
            p = self.ceph("osd pool get", pool=name, var="all")
            out.append({"pool": p.get("pool", name), "pool_id": p.get("pool_id", 0), "size": p.get("size", 0),
                        "min_size": p.get("min_size", 0), "crush_rule": p.get("crush_rule", "")})
        return sync(out)

    def pools_op(self, req):
        body = req.json()
        pools, size = body.get("pools") or [], int(body.get("size") or 0)
        try:
            self.d.mon.command("config set", who="global", name="osd_pool_default_size", value=str(size))
        except CephError as err:
            raise envelope.internal(f"failed to set pool size default: {err}")
        try:
            self.d.mon.command("config set", who="global", name="mon_allow_pool_size_one",
                               value="true" if size == 1 else "false")
        except CephError as err:
            raise envelope.internal(f"failed to set size one pool config option: {err}")
        if pools == ["*"]:
            pools = self.ceph("osd pool ls")
        for pool in pools:
            pool = pool.strip()
            if not pool:
                continue
            try:
                self.d.mon.command("osd pool set", pool=pool, var="size", val=str(size), yes_i_really_mean_it=True)
            except CephError as err:
                raise envelope.internal(f"failed to set pool size for {pool}: {err}")
        return sync(None)

    def configs_get(self, req):
        body = req.json()
        key = body.get("key") or ""
        if key:
            if key not in CONFIG_TABLE:
                raise envelope.internal(f"key {key} is invalid")
            value = self.ceph("config get", who="mon", key=key)
            return sync([{"key": key, "value": str(value).strip(), "wait": False, "skip_restart": False}])
        out = [{"key": c["name"], "value": c["value"], "wait": False, "skip_restart": False}
               for c in self.ceph("config dump") if c.get("name") in CONFIG_TABLE]
        return sync(out)

    def configs_put(self, req):
        body = req.json()
        key = body.get("key") or ""
        if CONFIG_TABLE.get(key) != "rw":
            raise envelope.internal(f"config set({key}) failed: key {key} is invalid or read-only")
        self.ceph("config set", who="global", name=key, value=body.get("value", ""))
        return sync(None)

    def configs_delete(self, req):
        body = req.json()
        key = body.get("key") or ""
        if CONFIG_TABLE.get(key) != "rw":
            raise envelope.internal(f"config reset({key}) failed: key {key} is invalid or read-only")
        self.ceph("config rm", who="global", name=key)
        return sync(None)
