#!/usr/bin/python3
"""Churn test: sockbox's listings while sockets and processes come and go.

As root, from anywhere:

    compat-tests/live_churn.py              (SOCKBOX_BIN overrides the binary)

In a fresh network and pid namespace, a churner opens and closes about
1,000 loopback TCP connections a second (most end with a reset, one in 50
in TIME_WAIT, so the table stays modest) and starts and kills short-lived
processes holding sockets, about 30 a second. Meanwhile each command of
COMMANDS runs RUNS times, round-robin. Every run must exit 0 with nothing
on stderr, end in a newline, have the tool's header, every row well formed
for that tool (its fields and their shape), and no socket twice (by the
key the tool's rows are unique by). The scenario (scenario.py) runs too,
for rows of every kind.

Adding a command is one line in COMMANDS: argv, the header lines (by their
words), and a function from one row to its key (None when the row is not
well formed).
"""

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

RUNS = int(os.environ.get("CHURN_RUNS", 300))
CONNECTIONS_PER_SECOND = 1000
PROCESSES_PER_SECOND = 30
PORT = 5900

ADDR = r"\S+:(?:\d+|\*)"
NETSTAT_STATE = "ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING"
NETSTAT_ROW = re.compile(r"^(tcp6?) +\d+ +\d+ (%s) +(%s) +(?:%s) +(?:\d+/.+|-) *$" % (ADDR, ADDR, NETSTAT_STATE))
SS_STATE = "ESTAB|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|TIME-WAIT|UNCONN|CLOSE-WAIT|LAST-ACK|LISTEN|CLOSING"
SS_USER = r'\("[^"]*",pid=\d+,fd=\d+\)'
# The queue columns may be negative: a socket caught
# mid-connect can report a Send-Q of write_seq - snd_una read half-updated
# (seen once: SYN-SENT with -960720569), printed as ss prints it.
SS_ROW = re.compile(r"^(?:%s) +-?\d+ +-?\d+ +(%s) +(%s) *(?:users:\(%s(?:,%s)*\))? *$" % (SS_STATE, ADDR, ADDR, SS_USER, SS_USER))
LSOF_ROW = re.compile(r"^\S+ +(\d+) +\S+ +(\d+)[urw] +IPv[46] +\d+ +0t\d+ +(?:TCP|UDP|UDPLITE) +%s(?:->%s)?(?: \([A-Z_0-9]+\)| )?$"
                      % (ADDR, ADDR))


def netstat_key(line):
    m = NETSTAT_ROW.match(line)
    return m and m.groups()  # proto, local, foreign


def ss_key(line):
    m = SS_ROW.match(line)
    return m and m.groups()  # local, peer


def lsof_key(line):
    m = LSOF_ROW.match(line)
    return m and m.groups()  # pid, fd


# (argv, the header's words, row -> its key or None)
def list_key(line):
    """`sockbox list --json`: one object per line, with the schema's keys."""
    try:
        r = json.loads(line)
    except ValueError:
        return None
    if not isinstance(r, dict) or not {"proto", "state", "inode", "owners"} <= r.keys():
        return None
    return (r["proto"], r.get("local_addr"), r.get("local_port"), r.get("remote_addr"), r.get("remote_port"),
            r["inode"], r.get("path"))


COMMANDS = [
    (["netstat", "-tanp"], ["Active Internet connections (servers and established)",
                            "Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name"], netstat_key),
    (["ss", "-tanp"], ["State Recv-Q Send-Q Local Address:Port Peer Address:Port Process"], ss_key),
    (["lsof", "-i", "-n", "-P"], ["COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME"], lsof_key),
    (["sockbox", "list", "--json", "--all"], [], list_key),
]


def churner(stop, counts):
    """Connections opened and closed at CONNECTIONS_PER_SECOND."""
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", PORT))
    lst.listen(256)
    reset = struct.pack("ii", 1, 0)
    start = time.time()
    n = 0
    while not stop.is_set():
        c = socket.create_connection(("127.0.0.1", PORT))
        a, _ = lst.accept()
        if n % 50:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, reset)  # no TIME_WAIT
        c.close()
        a.close()
        n += 1
        ahead = n / CONNECTIONS_PER_SECOND - (time.time() - start)
        if ahead > 0:
            time.sleep(ahead)
    counts["connections"] = n
    lst.close()


def spawner(stop, counts):
    """Short-lived processes, each with a listener and a connection."""
    start = time.time()
    n = 0
    live = []
    while not stop.is_set():
        pid = os.fork()
        if pid == 0:
            try:
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                s.listen(1)
                c = socket.create_connection(s.getsockname())
                time.sleep(10)
            finally:
                os._exit(0)
        live.append(pid)
        n += 1
        if len(live) > 3:  # each lives about 100 ms
            victim = live.pop(0)
            os.kill(victim, signal.SIGKILL)
            os.waitpid(victim, 0)
        ahead = n / PROCESSES_PER_SECOND - (time.time() - start)
        if ahead > 0:
            time.sleep(ahead)
    for pid in live:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    counts["processes"] = n


def check(out, err, rc, header, key):
    """None when the listing is sound, else what is wrong."""
    if rc != 0:
        return "exit status %d" % rc
    if err:
        return "stderr: %r" % err[:200]
    if not out.endswith(b"\n"):
        return "does not end in a newline: %r" % out[-80:]
    lines = out.decode("utf-8", "replace").split("\n")[:-1]
    if [" ".join(h.split()) for h in lines[:len(header)]] != header:
        return "header %r" % lines[:len(header)]
    seen = set()
    for line in lines[len(header):]:
        k = key(line)
        if not k:
            return "malformed row %r" % line
        if k in seen:
            return "listed twice: %r" % line
        seen.add(k)
    return None


def churn(sockbox, tmpdir):
    stop = threading.Event()
    counts = {}
    threads = [threading.Thread(target=f, args=(stop, counts)) for f in (churner, spawner)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    failures = {" ".join(c[0]): [] for c in COMMANDS}
    rows = {" ".join(c[0]): 0 for c in COMMANDS}
    spent = {" ".join(c[0]): 0.0 for c in COMMANDS}
    started = time.time()
    try:
        for _ in range(RUNS):
            for argv, header, key in COMMANDS:
                t0 = time.time()
                out, err, rc = difftest.run(argv[0], sockbox, argv[1:], False, tmpdir)
                name = " ".join(argv)
                spent[name] += time.time() - t0
                problem = check(out, err, rc, header, key)
                rows[name] += out.count(b"\n") - len(header)
                if problem:
                    failures[name].append(problem)
    finally:
        stop.set()
        for t in threads:
            t.join()
    took = time.time() - started
    print("live_churn: %d runs of each command in %.1f s; %d connections and %d processes meanwhile" % (
        RUNS, took, counts.get("connections", 0), counts.get("processes", 0)))
    results = []
    for name, problems in failures.items():
        print("live_churn: %s: %d runs, %.0f rows and %.0f ms a run on average, %d bad" % (
            name, RUNS, rows[name] / RUNS, spent[name] * 1000 / RUNS, len(problems)))
        results.append(("churn: %s" % name, None if not problems else "%d of %d runs bad, first: %s" % (
            len(problems), RUNS, problems[0])))
    return results


if __name__ == "__main__":
    difftest.main("live_churn", __file__, {
        "tool": "netstat", "real": "/usr/bin/netstat", "mask": lambda _a, b: b, "sets": [], "isolated": True,
    }, churn)
