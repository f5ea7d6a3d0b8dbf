#!/usr/bin/python3
"""Big and broken inputs: the real tools and sockbox over the very same
/proc text.

As root, from anywhere:

    compat-tests/live_inputs.py             (SOCKBOX_BIN overrides the binary)

A small hand-made snapshot (one process holding TCP, UDP and unix sockets)
is copied once per variant, and the variant breaks its /proc/net files:

  huge        /proc/net/tcp of 1,000,000 rows (made here, never committed)
  long-lines  lines of 5,000 and 10,000 bytes among good rows (a good row
              with junk after it; one that is all junk)
  nul         NUL bytes inside a row, and a row of NULs
  truncated   the file ends in the middle of a row
  missing     no /proc/net/tcp, no /proc/net/unix
  unreadable  /proc/net/tcp and /proc/net/unix of mode 000, read as nobody

For netstat and ss (reading /proc: PROC_ROOT=/proc) the real tool runs over
the snapshot as the golden cases record it (record_golden.mount_snapshot:
a tmpfs copy over /proc in a private mount namespace) and sockbox over the
same folder through SOCKBOX_ROOT; stdout, stderr and exit status must be
identical. lsof cannot run over a copied proc tree (it stat()s each fd
link), so sockbox's lsof is checked alone: exit status 0, every row well
formed (live_churn's row shape), and where a variant only adds rows no
process holds, the very same output as over the intact snapshot.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures"))
import difftest  # noqa: E402
import live_churn  # noqa: E402
import record_golden  # noqa: E402
from netstat_edge import INET_HEADER, hex4, hex6, inet_line, process, write  # noqa: E402

UNIX_HEADER = "Num       RefCount Protocol Flags    Type St Inode Path\n"
PID = 4242
LONG_UNIX_PATH = "/run/" + "p" * 6000


def header(name):
    """This kernel's header line of /proc/net/NAME (lsof checks the v6 ones)."""
    try:
        with open("/proc/net/" + name) as f:
            return f.readline()
    except OSError:
        return INET_HEADER

NETSTAT_SS = ["netstat -tan", "netstat -tanp", "netstat -an", "netstat -xa", "netstat -tane",
              "PROC_ROOT=/proc ss -tan", "PROC_ROOT=/proc ss -tanp", "PROC_ROOT=/proc ss -an",
              "PROC_ROOT=/proc ss -xa", "PROC_ROOT=/proc ss -tae"]


def tcp_rows():
    rows = [inet_line(0, hex4("0.0.0.0"), 22, hex4("0.0.0.0"), 0, 10, inode=5001),
            inet_line(1, hex4("127.0.0.1"), 8080, hex4("0.0.0.0"), 0, 10, inode=5002),
            inet_line(2, hex4("127.0.0.1"), 8080, hex4("127.0.0.1"), 40000, 1, inode=5003),
            inet_line(3, hex4("127.0.0.1"), 40000, hex4("127.0.0.1"), 8080, 1, inode=5004),
            inet_line(4, hex4("127.0.0.1"), 40001, hex4("127.0.0.1"), 8080, 6, tr=3, when=3000)]
    return rows


def base(root):
    """The intact snapshot."""
    net = os.path.join(root, "proc", "net")
    write(os.path.join(net, "tcp"), header("tcp") + "".join(tcp_rows()))
    write(os.path.join(net, "tcp6"), header("tcp6") + inet_line(0, hex6("::"), 80, hex6("::"), 0, 10, inode=5005))
    write(os.path.join(net, "udp"), header("udp") + inet_line(0, hex4("0.0.0.0"), 53, hex4("0.0.0.0"), 0, 7, inode=5006))
    for name in ("udp6", "raw", "raw6", "udplite", "udplite6"):
        write(os.path.join(net, name), header(name))
    write(os.path.join(net, "unix"), UNIX_HEADER +
          "0000000000000000: 00000002 00000000 00010000 0001 01  6001 /run/a.sock\n"
          "0000000000000000: 00000002 00000000 00000000 0001 03  6002 /run/b.sock\n"
          "0000000000000000: 00000002 00000000 00000000 0002 01  6003\n")
    write(os.path.join(root, "proc/sys/net/ipv4/ip_local_port_range"), "32768\t60999\n")
    links = {3 + i: "socket:[%d]" % ino for i, ino in enumerate((5001, 5002, 5003, 5004, 5005, 5006, 6001, 6002))}
    process(root, PID, b"/usr/sbin/daemon\0-f\0", links)
    write(os.path.join(root, "proc", str(PID), "comm"), "daemon\n")
    write(os.path.join(root, "proc", str(PID), "stat"), "%d (daemon) S 1 %d %d 0 -1 4194560 0 0 0 0\n" % (PID, PID, PID))
    write(os.path.join(root, "proc", str(PID), "status"), "Name:\tdaemon\nPid:\t%d\nPPid:\t1\nUid:\t0\t0\t0\t0\n"
          "Gid:\t0\t0\t0\t0\n" % PID)
    os.makedirs(os.path.join(root, "etc"))
    write(os.path.join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/bin/false\n")
    write(os.path.join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n")
    for name in ("services", "protocols"):
        shutil.copyfile(os.path.join("/etc", name), os.path.join(root, "etc", name))


def huge(root):
    with open(os.path.join(root, "proc/net/tcp"), "w") as f:
        f.write(header("tcp") + "".join(tcp_rows()))
        for i in range(1_000_000 - 5):
            f.write(inet_line(5 + i % 10000, hex4("10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)), 1024 + i % 60000,
                              hex4("127.0.0.1"), 443, 1 + i % 11, inode=100000 + i))


def long_lines(root):
    rows = tcp_rows()
    good = inet_line(9, hex4("127.0.0.1"), 9999, hex4("0.0.0.0"), 0, 10, inode=5009)
    rows.insert(2, good.rstrip("\n") + " " + "j" * 5000 + "\n")
    rows.insert(4, "x" * 10000 + "\n")
    write(os.path.join(root, "proc/net/tcp"), header("tcp") + "".join(rows))
    with open(os.path.join(root, "proc/net/unix"), "a") as f:
        f.write("0000000000000000: 00000002 00000000 00000000 0001 01  6009 %s\n" % LONG_UNIX_PATH)


def nul(root):
    rows = tcp_rows()
    rows.insert(1, rows[0][:20] + "\0\0" + rows[0][22:])
    rows.insert(3, "\0" * 150 + "\n")
    write(os.path.join(root, "proc/net/tcp"), header("tcp") + "".join(rows))
    with open(os.path.join(root, "proc/net/unix"), "a") as f:
        f.write("0000000000000000: 00000002 00000000 00000000 0001 01  6010 /run/nul\0after.sock\n"
                "0000000000000000: 00000002 00000000 00000000 0001 01  6011 /run/after-nul-row.sock\n")


def truncated(root):
    text = header("tcp") + "".join(tcp_rows())
    write(os.path.join(root, "proc/net/tcp"), text[:len(text) - 60])
    with open(os.path.join(root, "proc/net/unix")) as f:
        unix = f.read()
    write(os.path.join(root, "proc/net/unix"), unix[:len(unix) - 8])


def missing(root):
    os.unlink(os.path.join(root, "proc/net/tcp"))
    os.unlink(os.path.join(root, "proc/net/unix"))


# name -> (breaks the snapshot, {path under proc: mode}, run as nobody,
#          lsof output must equal the intact snapshot's, commands)
VARIANTS = {
    "huge": (huge, {}, False, True, ["netstat -tan", "PROC_ROOT=/proc ss -tan"]),
    "long-lines": (long_lines, {}, False, False, NETSTAT_SS),
    "nul": (nul, {}, False, True, NETSTAT_SS),
    "truncated": (truncated, {}, False, False, NETSTAT_SS),
    "missing": (missing, {}, False, False, NETSTAT_SS),
    "unreadable": (lambda root: None, {"net/tcp": 0, "net/unix": 0}, True, False, NETSTAT_SS),
}


def one_row_for_the_long_unix_line(want, got):
    """COMPAT.md S5: ss 6.1 reads /proc/net/unix in 255-byte pieces into a
    128-byte name (a stack overflow) and prints each piece as a row of
    zeros (`u_dgr UNKNOWN`); sockbox prints the line as one row, path
    whole, and the other rows as ss does. None when so."""
    garbage = [r for r in want[0].split(b"\n") if b"UNKNOWN" in r]
    rows = [r for r in got[0].split(b"\n") if r]
    if len(garbage) < 10:
        return "ss no longer prints garbage rows here: check COMPAT.md S5"
    if want[1:] != got[1:]:
        return "stderr or exit status differ: %r %r" % (want[1:], got[1:])
    if any(b"UNKNOWN" in r for r in rows) or sum(LONG_UNIX_PATH.encode() in r for r in rows) != 1:
        return "sockbox's rows: %r" % [r[:120] for r in rows]
    kept = [r.split() for r in want[0].split(b"\n") if r and b"UNKNOWN" not in r and b"/run/ppp" not in r]
    mine = [r.split() for r in rows if LONG_UNIX_PATH.encode() not in r]
    return None if kept == mine else "other rows differ:\n%r\n%r" % (kept, mine)


# (variant, command) -> a check of (real, sockbox) where sockbox deviates
DEVIATIONS = {("long-lines", "PROC_ROOT=/proc ss -xa"): one_row_for_the_long_unix_line,
              ("long-lines", "PROC_ROOT=/proc ss -an"): one_row_for_the_long_unix_line}


def inside(folder):
    """In a private mount and network namespace: the real tools over the
    snapshot, sockbox over the same folder. Prints one JSON result a line."""
    with open(os.path.join(folder, "variant.json")) as f:
        v = json.load(f)
    root = os.path.join(folder, "root")
    record_golden.mount_snapshot(root, v["modes"])
    sockbox = difftest.sockbox_binary()
    tmpdir = tempfile.mkdtemp(prefix="sockbox-inputs-")
    os.chmod(tmpdir, 0o755)
    for line in VARIANTS[v["name"]][4]:
        env, argv = record_golden.split_command(line)
        deviation = DEVIATIONS.get((v["name"], line))
        if deviation:
            want = difftest.run(argv[0], record_golden.TOOLS[argv[0]], argv[1:], v["nobody"], tmpdir, env)
            got = difftest.run(argv[0], sockbox, argv[1:], v["nobody"], tmpdir, dict(env, SOCKBOX_ROOT=root))
            diff = deviation(want, got)
        else:
            diff = difftest.compare(argv[0], record_golden.TOOLS[argv[0]], sockbox, argv[1:], v["nobody"], tmpdir,
                                    lambda _a, b: b, env, {"SOCKBOX_ROOT": root})
        print(json.dumps([("[nobody] " if v["nobody"] else "") + line, diff]), flush=True)


def lsof_checks(name, folder, intact):
    """sockbox's lsof alone over the snapshot (see above)."""
    out, err, rc = difftest.run("lsof", difftest.sockbox_binary(), ["-i", "-n", "-P"], False, folder,
                                {"SOCKBOX_ROOT": os.path.join(folder, "root")})
    lines = out.decode("utf-8", "replace").split("\n")
    problem = None
    if rc != 0 or err:
        problem = "exit %d, stderr %r" % (rc, err[:200])
    elif not out.endswith(b"\n") or lines[0].split() != "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME".split():
        problem = "no whole table: %r" % out[:200]
    elif not all(live_churn.lsof_key(r) for r in lines[1:-1]):
        problem = "malformed row: %r" % next(r for r in lines[1:-1] if not live_churn.lsof_key(r))
    elif intact is not None and out != intact:
        problem = "differs from the intact snapshot's:\n%s\n---\n%s" % (intact.decode(), out.decode())
    return ("%s: sockbox lsof -i -n -P" % name, problem), out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        inside(sys.argv[2])
        return 0
    sockbox = difftest.sockbox_binary()
    if not os.access(sockbox, os.X_OK):
        sys.exit("live_inputs: no sockbox binary at %s (build it first)" % sockbox)
    if os.geteuid() != 0:
        sys.exit("live_inputs: needs root (mount namespaces)")
    top = tempfile.mkdtemp(prefix="sockbox-inputs-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(top, 0o755)
    results = []
    try:
        intact = os.path.join(top, "intact")
        base(os.path.join(intact, "root"))
        _, intact_lsof = lsof_checks("intact", intact, None)
        for name, (breaks, modes, nobody, same_lsof, lines) in VARIANTS.items():
            folder = os.path.join(top, name)
            shutil.copytree(intact, folder, symlinks=True)
            breaks(os.path.join(folder, "root"))
            for rel, mode in modes.items():
                os.chmod(os.path.join(folder, "root", "proc", rel), mode)
            with open(os.path.join(folder, "variant.json"), "w") as f:
                json.dump({"name": name, "modes": modes, "nobody": nobody}, f)
            p = subprocess.run(["unshare", "-m", "-n", sys.executable, os.path.abspath(__file__), "--inside", folder],
                               stdout=subprocess.PIPE, env=dict(os.environ, SOCKBOX_BIN=sockbox), timeout=300)
            got = [json.loads(line) for line in p.stdout.decode().splitlines()]
            if p.returncode != 0 or len(got) != len(lines):
                results.append(("%s: the real tools over the snapshot" % name, "inside run failed (%d)" % p.returncode))
            results += [("%s: %s" % (name, label), diff) for label, diff in got]
            if not nobody:
                results.append(lsof_checks(name, folder, intact_lsof if same_lsof else None)[0])
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return difftest.report("live_inputs", results)


if __name__ == "__main__":
    sys.exit(main())
