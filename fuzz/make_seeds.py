#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into corpus/<target>/ from
the golden snapshots (tables cut to a few lines, to keep the corpus small)
and from seeds/ (sock_diag dumps recorded with `sockbox ss -D`). The input
layouts are the ones the targets' doc comments describe."""
import hashlib, os, shlex, sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "golden")
CASES = sorted(d for d in os.listdir(GOLDEN) if os.path.isdir(os.path.join(GOLDEN, d)))

def read(case, rel, lines=5):
    p = os.path.join(GOLDEN, case, "root", rel)
    if not os.path.isfile(p):
        return None
    data = open(p, "rb").read()
    if lines is None:
        return data
    return b"".join(data.splitlines(keepends=True)[:lines])

def put(target, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    open(os.path.join(d, name), "wb").write(data)

def commands(prefix):
    for case in CASES:
        p = os.path.join(GOLDEN, case, "commands")
        if not os.path.isfile(p):
            continue
        for line in open(p):
            if line.startswith("#") or not line.strip():
                continue
            words = [w for w in shlex.split(line) if "=" not in w or w.startswith("-")]
            if words and words[0] == prefix:
                yield [w.encode() for w in words[1:]]

def files(case, rels, lines=5):
    parts = [read(case, r, lines) or b"" for r in rels]
    while parts and not parts[-1]:
        parts.pop()
    return parts

NET = "proc/net/"
# proc_net: four read-size bytes, then a table.
for case in CASES:
    for t in ["tcp", "tcp6", "udp", "raw6", "unix"]:
        d = read(case, NET + t)
        if d:
            put("proc_net", bytes([1, 7, 255, 3]) + d)

# netstat_tables: the run's index, then its files (NUL-separated).
SOCKETS = [NET + t for t in "tcp tcp6 udp udp6 udplite udplite6 raw raw6 unix".split()] + ["etc/services", "etc/hosts"]
ROUTES = [NET + "route", NET + "ipv6_route", NET + "rt_cache", "etc/networks"]
IFACES = [NET + "dev", NET + "if_inet6", "sys/class/net/sockbox-ifconf"] + [
    "sys/class/net/lo/" + f for f in "flags mtu address type tx_queue_len carrier".split()]
GROUPS = [NET + "igmp", NET + "igmp6", NET + "dev"]
STATS = [NET + "snmp", NET + "netstat", NET + "snmp6"]
RUNS = [SOCKETS] * 10 + [ROUTES] * 8 + [IFACES] * 4 + [GROUPS] * 3 + [STATS] * 5
for case in ["netstat-edge", "netstat-modes", "netstat-unix-noinode"]:
    for i, rels in enumerate(RUNS):
        if i % 5 and rels is SOCKETS or i % 2 and rels is not SOCKETS:
            continue
        if rels is STATS and case != "netstat-modes":
            continue
        parts = files(case, rels, None if rels is STATS else 8)
        if parts:
            put("netstat_tables", bytes([i]) + b"\0".join(parts))

# ss_proc: the run's index, then the tables (NUL-separated).
TABLES = [NET + t for t in "tcp tcp6 udp udp6 raw raw6 unix netlink packet".split()] + [
    "proc/sys/net/ipv4/ip_local_port_range"]
SUMMARY = [NET + "sockstat", NET + "sockstat6", NET + "snmp"]
for case in ["ss-edge", "ss-live-1"]:
    for i in range(18):
        if i % 6 == (0 if case == "ss-edge" else 3):
            parts = files(case, TABLES)
            if parts:
                put("ss_proc", bytes([i]) + b"\0".join(parts))
    for i in (18, 19):
        parts = files(case, SUMMARY, None)
        if parts:
            put("ss_proc", bytes([i]) + b"\0".join(parts))

# ss_diag: the run's index, then the kernel's answer (seeds/diag-*, recorded
# with sock_diag requests for each table; the TCP dumps serve too).
DIAG_RUNS = {"unix": range(0, 5), "netlink": range(5, 7), "packet": range(7, 10), "udp": range(11, 13)}
for f in sorted(os.listdir(os.path.join(HERE, "seeds"))):
    reply = open(os.path.join(HERE, "seeds", f), "rb").read()
    kind = f[len("diag-"):] if f.startswith("diag-") else "tcp"
    for i in DIAG_RUNS.get(kind, [13 + len(reply) % 4]):
        put("ss_diag", bytes([i]) + reply)

# ss_netlink: the run's index, then a sock_diag dump.
for n, f in enumerate(sorted(f for f in os.listdir(os.path.join(HERE, "seeds")) if f.startswith("dump-"))):
    dump = open(os.path.join(HERE, "seeds", f), "rb").read()
    for i in range(12):
        if i % 4 == n % 4:
            put("ss_netlink", bytes([i]) + dump)

# owners: link texts.
for link in [b"socket:[12345]", b"[0000]:99", b"pipe:[4]", b"/dev/null",
             b"socket:[1]\0socket:[4294967296]\0anon_inode:[eventfd]\0[0000]:18446744073709551614"]:
    put("owners", link)

# procs: the run's index, then stat, status, cmdline, comm, fdinfo, links, tcp, unix, tcp6, udp (0x1e-separated).
case = "lsof-live-1"
pids = sorted(int(p) for p in os.listdir(os.path.join(GOLDEN, case, "root", "proc")) if p.isdigit())
for k, pid in enumerate(pids[:4]):
    base = f"proc/{pid}/"
    fd_dir = os.path.join(GOLDEN, case, "root", base, "fd")
    links = b"\n".join(os.readlink(os.path.join(fd_dir, fd)).encode()
                       for fd in sorted(os.listdir(fd_dir), key=int)) if os.path.isdir(fd_dir) else b""
    fdinfos = os.path.join(GOLDEN, case, "root", base, "fdinfo")
    fdinfo = b""
    if os.path.isdir(fdinfos) and os.listdir(fdinfos):
        fdinfo = open(os.path.join(fdinfos, sorted(os.listdir(fdinfos))[0]), "rb").read()
    stat = (read(case, base + "stat", None) or b"").replace(str(pid).encode(), b"7", 1)
    parts = [stat, read(case, base + "status", None) or b"", read(case, base + "cmdline", None) or b"",
             read(case, base + "comm", None) or b"", fdinfo, links] + [read(case, NET + t, 6) or b"" for t in ["tcp", "unix", "tcp6", "udp"]]
    for i in range(13):
        if i % 6 == k:
            put("procs", bytes([i]) + b"\x1e".join(parts))

# ss_filter: the option set's index, then the expression words (after the state words).
exprs = set()
for argv in commands("ss"):
    words = [w for w in argv if not w.startswith(b"-")]
    if words:
        exprs.add(b"\0".join(words))
for i, e in enumerate(sorted(exprs)):
    put("ss_filter", bytes([i % 7]) + e)
for e in [b"sport = :ssh or ( dst 10.0.0.0/8 and not src [::1]:80 )",
          b"dev lo or fwmark 0x10/0xff or cgroup / or autobound",
          b"src unix:/run/* or dst inet6:[fe80::1]%lo"]:
    put("ss_filter", b"\0" + e)

# lsof_inet_spec: -i values.
specs = set()
for argv in commands("lsof"):
    for j, w in enumerate(argv):
        if w.startswith(b"-i") and len(w) > 2:
            specs.add(w[2:])
        elif w == b"-i" and j + 1 < len(argv) and not argv[j + 1].startswith(b"-"):
            specs.add(argv[j + 1])
for s in sorted(specs) + [b"4tcp@127.0.0.1:22-80,http", b"6udp@[::1]:domain", b"@localhost", b"TCP:1-65535\0UDP@gw:1,2,3"]:
    put("lsof_inet_spec", s)

# options: the applet (0 netstat, 1 ss, 2 lsof), then argv (NUL-separated).
for i, name in enumerate(["netstat", "ss", "lsof"]):
    for argv in commands(name):
        put("options", bytes([i]) + b"\0".join(argv))
