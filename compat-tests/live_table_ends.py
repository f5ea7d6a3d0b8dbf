#!/usr/bin/python3
"""Where a /proc/net table ends: every row count across several pages.

As root, from anywhere:

    compat-tests/live_table_ends.py         (SOCKBOX_BIN overrides the binary)

sockbox stops reading a live socket table at its first short read instead
of asking once more for the 0-byte end (proc_net::SeqEnd): the kernel hands
those tables out a page of whole rows per read() and falls short only at
the end. That rule is checked here at every size from an empty table to
five pages: in a namespace with socket hash tables and a /proc of its own,
listening sockets are opened one at a time (a row each) — IPv4 first while
tcp6 stays empty (only its header), then IPv6, then unix sockets — and at
each count `netstat -tan`, `netstat -tanp`, `lsof -i -n -P` and
`netstat -xa` must print what the real tools print (stdout, stderr, exit
status). A table cut one page early or late shows as rows missing or twice.
At a few of those counts, strace shows that sockbox asked each table no
more than its short read: no 0-byte read of /proc/net/tcp or tcp6, which
would have cost the kernel one more walk of its connection hash.

Then 6,000 connections more (12,000 sockets held by this one process, far
past the fd listing's batches and the runs read without listing, and enough
rows for lsof's files to be classified and its table written on several
threads) under the same comparison, with port names, TCP queues, -F, and
state and address selections whose "found" marks set -V's lines and the
exit status; and `ss -tanp`/`-xap`, whose owner walk takes this process
in pieces of fd numbers on several threads.
"""

import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

REAL = {"netstat": "/usr/bin/netstat", "lsof": "/usr/bin/lsof", "ss": "/usr/bin/ss"}
# tcp rows are 150 bytes (27 to a 4 KiB page), tcp6 rows 178 (23), unix
# rows ~60 to ~120 with their paths: enough of each to cross 4 pages.
V4_ROWS, V6_ROWS, UNIX_ROWS = 140, 110, 200
MANY_CONNECTIONS = 6000


def same(tool, args, sockbox, tmpdir):
    return difftest.compare(tool, REAL[tool], sockbox, args, False, tmpdir, lambda _a, d: d)


# Row counts at which the reads themselves are looked at: empty, one row,
# and several pages, each ending in a page with room to spare (a page of
# 24 or more 150-byte lines is full: its end is the 0-byte read).
READS_AT = (0, 1, 10, 40, 100)


def zero_byte_reads(sockbox, args, tmpdir):
    """None when no /proc/net/tcp or tcp6 read came back empty, else why."""
    log = os.path.join(tmpdir, "reads.log")
    link = os.path.join(tmpdir, "netstat")
    if not os.path.lexists(link):
        os.symlink(sockbox, link)
    p = subprocess.run(["/usr/bin/strace", "-f", "-qq", "-yy", "-e", "trace=read", "-o", log, link] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return "exit status %d under strace" % p.returncode
    text = open(log, errors="replace").read()
    reads = [l for l in text.splitlines() if "</proc/" in l and "/net/tcp" in l]
    if not reads:
        return "strace saw no read of the tcp tables: not traced?"
    empty = [l for l in reads if l.rstrip().endswith("= 0")]
    return "\n".join(empty[:4]) or None


def inside(sockbox):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    tmpdir = tempfile.mkdtemp(prefix="sockbox-ends-")
    os.chmod(tmpdir, 0o755)
    keep, results = [], []

    def check(stage, n, commands):
        for tool, args in commands:
            diff = same(tool, args, sockbox, tmpdir)
            results.append(("%s %d rows: %s %s" % (stage, n, tool, " ".join(args)), diff))

    inet = [("netstat", ["-tan"]), ("netstat", ["-tanp"]), ("lsof", ["-i", "-n", "-P"])]
    try:
        for n in range(V4_ROWS + 1):
            check("tcp", n, inet)
            if n in READS_AT:
                results.append(("tcp %d rows: reads of netstat -tan end short" % n,
                                zero_byte_reads(sockbox, ["-tan"], tmpdir)))
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            keep.append(s)
        for n in range(1, V6_ROWS + 1):
            s = socket.socket(socket.AF_INET6)
            s.bind(("::1", 0))
            s.listen(1)
            keep.append(s)
            check("tcp6", n, inet)
        for n in range(1, UNIX_ROWS + 1):
            s = socket.socket(socket.AF_UNIX)
            # Paths of varied length, so the rows do not all end a page alike.
            s.bind(os.path.join(tmpdir, "u%d-%s" % (n, "x" * (n % 60))))
            s.listen(1)
            keep.append(s)
            check("unix", n, [("netstat", ["-xa"])])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(20000, hard), hard))
        server = socket.socket(socket.AF_INET6)
        server.bind(("::", 0))
        server.listen(4096)
        keep.append(server)
        port = server.getsockname()[1]
        for i in range(MANY_CONNECTIONS):
            # IPv6, v4-mapped (an IPv6 socket printed as IPv4) and IPv4
            # clients; the dual-stack server's ends are all IPv6 sockets.
            family, host = [(socket.AF_INET6, "::1"), (socket.AF_INET6, "::ffff:127.0.0.1"),
                            (socket.AF_INET, "127.0.0.1")][i % 3]
            c = socket.socket(family)
            c.connect((host, port))
            a, _ = server.accept()
            keep += [c, a]
        check("many", 2 * MANY_CONNECTIONS, inet + [
            # Formatted while the owner scan runs, the program column filled
            # in after it (-e's columns before it; every table after tcp).
            ("netstat", ["-tanpe"]), ("netstat", ["-anp"]), ("netstat", ["-tanpW"]),
            ("lsof", ["-i", "-n"]), ("lsof", ["-i", "-n", "-P", "-T", "qs"]),
            ("lsof", ["-i", "-P", "-n", "-R", "+c", "15"]), ("lsof", ["-i", "-n", "-P", "-F", "pcfn"]),
            # Classified in pieces on several threads: the "found" marks
            # (states, addresses, Internet files) decide -V and the status.
            ("lsof", ["-n", "-P", "-V", "-iTCP", "-sTCP:LISTEN,CLOSE_WAIT"]),
            ("lsof", ["-n", "-P", "-V", "-i", "TCP:%d" % port, "-i", "UDP:%d" % port, "-i", "6@[::1]"]),
            ("lsof", ["-n", "-P", "-V", "-a", "-i4", "-p", str(os.getpid())]),
            # One process past the fd walk's piece size (4,096 fds): its
            # fds are walked in pieces on several threads.
            ("ss", ["-tanp"]), ("ss", ["-xap"])])
    finally:
        for s in keep:
            s.close()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return difftest.report("live_table_ends", results, shown=10)


def main():
    sockbox = difftest.sockbox_binary()
    if not os.access(sockbox, os.X_OK):
        sys.exit("live_table_ends: no sockbox binary at %s (build it first)" % sockbox)
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        return inside(sockbox)
    if os.geteuid() != 0:
        sys.exit("live_table_ends: needs root (unshare -n)")
    # Hash tables and a /proc of its own: the rows are exactly the ones
    # opened here.
    argv = difftest.isolated([sys.executable, os.path.abspath(__file__), "--inside"])
    return subprocess.run(argv, env=dict(os.environ, SOCKBOX_BIN=sockbox)).returncode


if __name__ == "__main__":
    sys.exit(main())
