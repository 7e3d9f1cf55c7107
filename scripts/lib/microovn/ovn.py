"""Debian's OVN and Open vSwitch on this lab server, started the way MicroOVN starts them.

Runs inside the server's namespaces, where the lab has bound the server's own folders over the stock
paths (/etc/openvswitch, /run/openvswitch, /run/ovn, /var/lib/ovn, /etc/ovn, ...; scripts/lib/ovn.sh),
so the daemons, `ovn-nbctl show` and LXD all find each other where they look by default.
Lab-only differences from MicroOVN (this machine has no openvswitch kernel module):
ovn-bridge-datapath-type=netdev, so ovn-controller makes br-int a userspace bridge; raft between the
central databases runs over tcp (MicroOVN uses ssl), clients talk ssl as with MicroOVN.
"""
import os
import subprocess
import tempfile
import time

OVS_DB, OVS_RUN, OVS_LOG = "/etc/openvswitch/conf.db", "/run/openvswitch", "/var/log/openvswitch"
OVN_RUN, OVN_DB_DIR, OVN_LOG = "/run/ovn", "/var/lib/ovn", "/var/log/ovn"
# Where Debian's LXD 5.0.2 reads its OVN client certificate when northbound_connection is ssl:
# (the names are LXD's, hard-coded in it).
CA_CERT, CERT, KEY = "/etc/ovn/ovn-central.crt", "/etc/ovn/cert_host", "/etc/ovn/key_host"
DATABASES = {  # db: (schema, database name, client port, raft port)
    "nb": ("/usr/share/ovn/ovn-nb.ovsschema", "OVN_Northbound", 6641, 6643),
    "sb": ("/usr/share/ovn/ovn-sb.ovsschema", "OVN_Southbound", 6642, 6644),
}


class OVNError(Exception):
    pass


def run(*args, timeout=60):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise OVNError(f"{' '.join(args)}: {(p.stderr or p.stdout).strip()}")
    return p.stdout


def host(address):
    return f"[{address}]" if ":" in address else address


def remotes(addresses, port):
    return ",".join(f"ssl:{host(a)}:{port}" for a in addresses)


def ssl_options():
    return [f"--private-key={KEY}", f"--certificate={CERT}", f"--ca-cert={CA_CERT}"]


def ovn_version():
    """`ovn-northd --version` -> "23.03.1" (what this service reports as MicroOVN's version)."""
    first = run("ovn-northd", "--version").splitlines()[0]
    return first.split()[-1]


# --- PKI: one CA per cluster (MicroOVN keeps it in its database), one certificate per member ---

def self_signed(common_name):
    """(certificate PEM, key PEM) of a new self-signed EC certificate that can act as a CA."""
    with tempfile.TemporaryDirectory() as t:
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "3650", "-subj", f"/CN={common_name}", "-keyout", f"{t}/key", "-out", f"{t}/crt")
        return open(f"{t}/crt").read(), open(f"{t}/key").read()


def install_certificates(name, address, ca_cert, ca_key):
    """This member's OVN certificate, signed by the cluster's CA, where OVN and LXD read it."""
    with tempfile.TemporaryDirectory() as t:
        for path, text in ((f"{t}/ca.crt", ca_cert), (f"{t}/ca.key", ca_key),
                           (f"{t}/ext", f"subjectAltName=IP:{address},DNS:{name}\n")):
            with open(path, "w") as f:
                f.write(text)
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", f"/CN={name}", "-keyout", KEY, "-out", f"{t}/csr")
        run("openssl", "x509", "-req", "-in", f"{t}/csr", "-CA", f"{t}/ca.crt", "-CAkey", f"{t}/ca.key",
            "-set_serial", str(int(time.time() * 1000)), "-days", "3650", "-extfile", f"{t}/ext", "-out", CERT)
    with open(CA_CERT, "w") as f:
        f.write(ca_cert)
    os.chmod(KEY, 0o600)


# --- switch: ovsdb-server + ovs-vswitchd ---

def start_switch():
    if os.path.exists(f"{OVS_RUN}/db.sock"):
        return
    if not os.path.exists(OVS_DB):
        run("ovsdb-tool", "create", OVS_DB, "/usr/share/openvswitch/vswitch.ovsschema")
    run("ovsdb-server", OVS_DB, f"--remote=punix:{OVS_RUN}/db.sock",
        "--remote=db:Open_vSwitch,Open_vSwitch,manager_options", f"--pidfile={OVS_RUN}/ovsdb-server.pid",
        "--detach", "--no-chdir", f"--log-file={OVS_LOG}/ovsdb-server.log", "-vconsole:off")
    run("ovs-vsctl", "--no-wait", "init")
    run("ovs-vswitchd", f"--pidfile={OVS_RUN}/ovs-vswitchd.pid", "--detach", "--no-chdir",
        f"--log-file={OVS_LOG}/ovs-vswitchd.log", "-vconsole:off")


# --- central: clustered NB and SB (raft) + ovn-northd ---

def cluster_status(db):
    name = DATABASES[db][1]
    return run("ovs-appctl", "-t", f"{OVN_RUN}/ovn{db}_db.ctl", "cluster/status", name, timeout=10)


def wait_member(db, seconds=60):
    """Until this server is a full member of the database's raft cluster and knows its leader."""
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        try:
            status = cluster_status(db)
            if "Status: cluster member" in status and ("Leader: self" in status or
                                                       any(line.startswith("Leader: ") and "unknown" not in line
                                                           for line in status.splitlines())):
                return
        except (OVNError, subprocess.TimeoutExpired):
            pass
        time.sleep(0.1)
    raise OVNError(f"OVN {DATABASES[db][1]} database did not join its cluster in {seconds} s:\n{status}")


def start_central(address, bootstrap, peers):
    """NB and SB databases: a new raft cluster (bootstrap) or a new member of the peers' cluster."""
    for db, (schema, name, port, raft) in DATABASES.items():
        path = f"{OVN_DB_DIR}/ovn{db}_db.db"
        if not os.path.exists(path):
            local = f"tcp:{host(address)}:{raft}"
            if bootstrap:
                run("ovsdb-tool", "create-cluster", path, schema, local)
            else:
                run("ovsdb-tool", "join-cluster", path, name, local, *[f"tcp:{host(p)}:{raft}" for p in peers])
        run("ovsdb-server", path, "--detach", "--no-chdir", f"--pidfile={OVN_RUN}/ovn{db}_db.pid",
            f"--log-file={OVN_LOG}/ovsdb-server-{db}.log", f"--unixctl={OVN_RUN}/ovn{db}_db.ctl",
            f"--remote=punix:{OVN_RUN}/ovn{db}_db.sock", f"--remote=pssl:{port}:{host(address)}",
            *ssl_options(), "-vconsole:off")
    for db in DATABASES:
        wait_member(db)
    if bootstrap:
        run("ovn-nbctl", "--no-leader-only", f"--db=unix:{OVN_RUN}/ovnnb_db.sock", "init")
        run("ovn-sbctl", "--no-leader-only", f"--db=unix:{OVN_RUN}/ovnsb_db.sock", "init")


def start_northd(centrals):
    run("ovn-northd", "--detach", "--no-chdir", f"--pidfile={OVN_RUN}/ovn-northd.pid",
        f"--log-file={OVN_LOG}/ovn-northd.log", f"--ovnnb-db={remotes(centrals, 6641)}",
        f"--ovnsb-db={remotes(centrals, 6642)}", *ssl_options(), "-vconsole:off")


# --- chassis: ovn-controller ---

def set_chassis(name, encap_ip, centrals):
    run("ovs-vsctl", "set", "open_vswitch", ".", f"external_ids:system-id={name}",
        "external_ids:ovn-encap-type=geneve", f"external_ids:ovn-encap-ip={encap_ip}",
        f"external_ids:ovn-remote={remotes(centrals, 6642)}",
        "external_ids:ovn-bridge-datapath-type=netdev")  # lab-only: no kernel datapath here


def set_southbound(centrals):
    """Where ovn-controller finds the SB database (MicroOVN updates it whenever central moves)."""
    run("ovs-vsctl", "set", "open_vswitch", ".", f"external_ids:ovn-remote={remotes(centrals, 6642)}")


def start_chassis(name, encap_ip, centrals):
    set_chassis(name, encap_ip, centrals)
    run("ovn-controller", f"unix:{OVS_RUN}/db.sock", "--detach", "--no-chdir",
        f"--pidfile={OVN_RUN}/ovn-controller.pid", f"--log-file={OVN_LOG}/ovn-controller.log",
        *ssl_options(), "-vconsole:off")


# --- leaving: MicroOVN's PreRemove hook (microovn/ovn/leave.go Leave -> node.DisableAllServices) ---

def leave():
    """Stops this member's OVN services as MicroOVN does before it leaves: ovn-controller exits (a clean exit deletes
    its chassis from the southbound database), the NB and SB databases leave their raft clusters, ovn-northd and
    Open vSwitch stop; then the data and runtime folders are emptied (environment.CleanupPaths). Errors from
    services that do not run here are ignored, as upstream does."""
    attempts = [
        ("ovn-appctl", "-t", "ovn-controller", "exit"),
        ("ovn-appctl", "-t", "ovn-northd", "exit"),
    ]
    for db, (_, name, _, _) in DATABASES.items():
        attempts.append(("ovs-appctl", "-t", f"{OVN_RUN}/ovn{db}_db.ctl", "cluster/leave", name))
    for args in attempts:
        try:
            run(*args, timeout=30)
        except (OVNError, subprocess.TimeoutExpired):
            pass
    for db in DATABASES:   # cluster/leave returns at once; the server exits once its leave is committed
        wait_gone(f"{OVN_RUN}/ovn{db}_db.pid", 15, ("ovs-appctl", "-t", f"{OVN_RUN}/ovn{db}_db.ctl", "exit"))
    for target in ("ovs-vswitchd", "ovsdb-server"):
        try:
            run("ovs-appctl", "-t", target, "exit", timeout=30)
        except (OVNError, subprocess.TimeoutExpired):
            pass
    for folder in (OVN_DB_DIR, OVN_RUN):
        for entry in os.listdir(folder) if os.path.isdir(folder) else []:
            path = os.path.join(folder, entry)
            if os.path.isfile(path) or os.path.islink(path):
                os.unlink(path)
    if os.path.exists(OVS_DB):
        os.unlink(OVS_DB)


def wait_gone(pidfile, seconds, fallback):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid = int(open(pidfile).read().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return
        time.sleep(0.2)
    try:
        run(*fallback, timeout=10)
    except (OVNError, subprocess.TimeoutExpired):
        pass
