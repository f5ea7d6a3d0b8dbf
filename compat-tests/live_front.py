#!/usr/bin/python3
"""Live tests of the sockbox front door: who, report, list, --netns, snapshot.

As root, from anywhere:

    compat-tests/live_front.py              (SOCKBOX_BIN overrides the binary)

Each group runs in its own fresh network namespace (and a private mount
namespace, for --netns by name):

- who: the owner of a listener, of a connected port, of a pid; a port no
  one owns (exit 1); a port held by root seen as nobody (exit 2, says who
  can see it); --json parses and names the same pid.
- report: clean in an idle namespace (exit 0, no findings); CLOSE_WAIT,
  TIME_WAIT (against a narrowed ephemeral range) and a full accept queue
  each raise their finding and the exit status follows; --json and
  --prometheus agree with it; --prometheus passes a check of the text
  exposition format's rules.
- terminal: bars and colour on a terminal only, NO_COLOR and --color
  honoured, --watch redraws in place until SIGINT.
- list --json: every line parses; the set of (proto, state, local, remote)
  equals what the real ss reports for the same namespace.
- --netns NAME / PATH / pid:PID: sees a socket that exists only in the
  other namespace; a namespace that cannot be entered is a clear error.
- snapshot: a folder and a .tar of the scenario (compat-tests/scenario.py),
  replayed with SOCKBOX_ROOT, give the real netstat, ss and lsof output of
  the live run.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import difftest  # noqa: E402
import live_ss  # noqa: E402

SOCKBOX = difftest.sockbox_binary()
PY = sys.executable
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append((label, ok))
    if not ok:
        print("FAIL %s\n%s\n" % (label, detail))


def sockbox(*args, env=None, as_nobody=False):
    cmd = [SOCKBOX] + list(args)
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
    e = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
    e.update(env or {})
    p = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode


# --- helpers run as separate processes -------------------------------------

HOLDER = r"""
import socket, sys, time, os
kind = sys.argv[1]
keep = []
if kind == "server":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", int(sys.argv[2]))); l.listen(16); keep.append(l)
    c = socket.socket(); c.connect(("127.0.0.1", int(sys.argv[2]))); a, _ = l.accept(); keep += [c, a]
elif kind == "closewait":
    l = socket.socket(); l.bind(("127.0.0.1", int(sys.argv[2]))); l.listen(64); keep.append(l)
    for _ in range(int(sys.argv[3])):
        c = socket.socket(); c.connect(("127.0.0.1", int(sys.argv[2]))); a, _ = l.accept(); c.close(); keep.append(a)
elif kind == "fullqueue":
    l = socket.socket(); l.bind(("127.0.0.1", int(sys.argv[2]))); l.listen(int(sys.argv[3])); keep.append(l)
    for _ in range(int(sys.argv[3]) + 1):
        c = socket.socket(); c.setblocking(False)
        try:
            c.connect(("127.0.0.1", int(sys.argv[2])))
        except BlockingIOError:
            pass
        keep.append(c)
    time.sleep(0.3)
open(sys.argv[-1], "w").close()
time.sleep(3600)
"""


def start(kind, *args, as_nobody=False, netns_cmd=()):
    ready = tempfile.mktemp(prefix="sockbox-front-ready-")
    cmd = list(netns_cmd) + [PY, "-c", HOLDER, kind] + [str(a) for a in args] + [ready]
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
    p = subprocess.Popen(cmd)
    deadline = time.time() + 20
    while not os.path.exists(ready):
        if p.poll() is not None or time.time() > deadline:
            raise RuntimeError("helper %s did not start" % kind)
        time.sleep(0.02)
    os.unlink(ready)
    return p


def stop(*procs):
    for p in procs:
        p.kill()
        p.wait()


# --- who -----------------------------------------------------------------

def group_who():
    srv = start("server", 8080)
    try:
        out, err, rc = sockbox("who", "8080")
        check("who 8080: exit 0", rc == 0, out + err)
        check("who 8080: names the pid", "(pid %d)" % srv.pid in out, out)
        check("who 8080: shows the LISTEN and ESTABLISHED sockets", "LISTEN" in out and "ESTABLISHED" in out, out)
        check("who 8080: state counts", re.search(r"states\s+LISTEN 1, ESTABLISHED 2", out) is not None, out)
        check("who 8080: command line", "-c" in out and "command" in out, out)
        # The client's ephemeral port: a connected port, not a listener.
        j, _, rc = sockbox("who", "--json", "tcp:127.0.0.1:8080")
        doc = json.loads(j)
        check("who --json: pid", rc == 0 and [p["pid"] for p in doc["processes"]] == [srv.pid], j)
        peers = [s["local_port"] for s in doc["processes"][0]["sockets"] if s["remote_port"] == 8080]
        check("who --json: a client socket", len(peers) == 1, j)
        out, _, rc = sockbox("who", str(peers[0]))
        check("who CLIENTPORT: the same process", rc == 0 and "(pid %d)" % srv.pid in out, out)
        out, _, rc = sockbox("who", "pid:%d" % srv.pid)
        check("who pid:PID: its sockets", rc == 0 and out.count("127.0.0.1:8080") == 3, out)
        out, _, rc = sockbox("who", "9")
        check("who 9 (nobody's): exit 1", rc == 1 and "no socket" in out, out)
        out, _, rc = sockbox("who", "pid:999999999")
        check("who pid:none: exit 1", rc == 1 and "no such process" in out, out)
        out, err, rc = sockbox("who", "nosuchservice")
        check("who bad target: exit 3 and a message", rc == 3 and "not a port" in err, err)
        # A root-owned port seen by nobody: owners hidden, says who can see.
        out, err, rc = sockbox("who", "8080", as_nobody=True)
        check("who as nobody: exit 2", rc == 2, out + err)
        check("who as nobody: says who can", "root (uid 0)" in out and "Run as root" in out, out)
    finally:
        stop(srv)


# --- report --------------------------------------------------------------

def report_json():
    out, err, rc = sockbox("report", "--json")
    return json.loads(out), rc


def group_report():
    doc, rc = report_json()
    check("report idle: exit 0", rc == 0 and doc["status"] == "ok" and doc["findings"] == [], json.dumps(doc))
    out, _, rc = sockbox("report")
    check("report idle text: no findings", rc == 0 and "status: ok" in out, out)

    cw = start("closewait", 7000, 12)
    try:
        doc, rc = report_json()
        f = [x for x in doc["findings"] if x["check"] == "close_wait"]
        check("report CLOSE_WAIT: warning", rc == 1 and len(f) == 1 and f[0]["severity"] == "warning", json.dumps(doc))
        check("report CLOSE_WAIT: names the process", "(pid %d)" % cw.pid in f[0]["message"] if f else False, json.dumps(f))
        check("report CLOSE_WAIT: grouped", doc["close_wait"][0]["pid"] == cw.pid and doc["close_wait"][0]["count"] == 12,
              json.dumps(doc["close_wait"]))
        out, _, rc = sockbox("report", "--color=never")
        check("report CLOSE_WAIT text", rc == 1 and "warning  close_wait" in out and "advice:" in out, out)
    finally:
        stop(cw)

    # TIME_WAIT against a narrowed ephemeral range: 10 ports, 9 used.
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        saved = f.read()
    with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as f:
        f.write("61000 61009")
    try:
        lst = socket.socket()
        lst.bind(("127.0.0.1", 7100))
        lst.listen(16)
        for _ in range(9):
            c = socket.socket()
            c.connect(("127.0.0.1", 7100))
            a, _ = lst.accept()
            c.close()  # the client closes first: its side keeps TIME_WAIT
            time.sleep(0.01)
            a.close()
        time.sleep(0.2)
        doc, rc = report_json()
        f = [x for x in doc["findings"] if x["check"] == "time_wait"]
        check("report TIME_WAIT: critical", rc == 2 and f and f[0]["severity"] == "critical", json.dumps(doc))
        # (the earlier groups' closed connections may still be in TIME_WAIT too)
        check("report TIME_WAIT: counts", doc["time_wait"]["count"] >= 9 and doc["time_wait"]["ephemeral_ports"] == 10,
              json.dumps(doc["time_wait"]))
        prom, _, rc = sockbox("report", "--prometheus")
        check("report --prometheus: status 2", rc == 2 and "\nsockbox_report_status 2\n" in prom, prom)
        check("report --prometheus: time_wait", "\nsockbox_tcp_time_wait %d\n" % doc["time_wait"]["count"] in prom, prom)
        problems = exposition_problems(prom)
        check("report --prometheus: exposition format", not problems, "\n".join(problems) + "\n" + prom)
        lst.close()
    finally:
        with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as f:
            f.write(saved)

    fq = start("fullqueue", 7200, 4)
    try:
        doc, rc = report_json()
        f = [x for x in doc["findings"] if x["check"] == "accept_queue"]
        check("report accept queue: critical", f and f[0]["severity"] == "critical" and rc == 2, json.dumps(doc))
        lst = [x for x in doc["listening"] if x["local_port"] == 7200]
        check("report accept queue: backlog 4", lst and lst[0]["backlog"] == 4 and lst[0]["accept_queue"] >= 4,
              json.dumps(doc["listening"]))
    finally:
        stop(fq)


def pty_for(args, seconds, env=None):
    """What sockbox writes to a terminal in `seconds`, then SIGINT; and
    how it ended (the exit status, or minus the signal)."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        # A shell's background job inherits SIGINT ignored (and an exec
        # keeps it so): the interrupt this test sends must reach sockbox.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        e = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8", "TERM": "xterm"}
        e.update(env or {})
        os.execve(SOCKBOX, ["sockbox"] + args, e)
    import select

    def read_for(secs):
        """What the terminal shows within `secs` (less if it closes)."""
        got = b""
        deadline = time.time() + secs
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
            if not r:
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        return got

    out = read_for(seconds)
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    # Whatever it still writes, for at most 10 s: one that does not stop on
    # SIGINT is then killed, and its status (-9) fails the check.
    out += read_for(10)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        time.sleep(1)
        done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out, os.waitstatus_to_exitcode(status)


def group_terminal():
    """Bars and colour on a terminal only; NO_COLOR and --color; --watch."""
    cw = start("closewait", 7000, 12)
    try:
        out, rc = pty_for(["report"], 5)
        check("report on a terminal: bars and colour", rc == 1 and "█".encode() in out and b"\x1b[" in out, repr(out[:400]))
        out, rc = pty_for(["report"], 5, {"NO_COLOR": "1"})
        check("report NO_COLOR: bars, no colour", rc == 1 and "█".encode() in out and b"\x1b[" not in out, repr(out[:400]))
        out, rc = pty_for(["report", "--color=always"], 5, {"NO_COLOR": "1"})
        check("report --color=always beats NO_COLOR", rc == 1 and b"\x1b[1;33m" in out or b"\x1b[33" in out, repr(out[:400]))
        out, rc = pty_for(["report", "--color", "never"], 5)
        check("report --color never", rc == 1 and b"\x1b[" not in out, repr(out[:400]))
        text, _, rc = sockbox("report", "--color=always")
        check("report --color=always in a pipe: colour, no bars", rc == 1 and "\x1b[" in text and "█" not in text, text)
        text, _, rc = sockbox("report")
        check("report in a pipe: no colour, no bars", rc == 1 and "\x1b[" not in text and "█" not in text, text)
        out, rc = pty_for(["report", "--watch", "0.3"], 1.6)
        redraws = out.count(b"\x1b[H\x1b[2J")
        check("report --watch: redraws in place until interrupted", redraws >= 3 and rc == -signal.SIGINT,
              "%d redraws, exit %d" % (redraws, rc))
        _, err, rc = sockbox("report", "--watch", "0")
        check("report --watch 0: refused", rc == 3 and "--watch" in err, err)
        _, err, rc = sockbox("report", "--color=sometimes")
        check("report --color=sometimes: refused", rc == 3 and "auto, always or never" in err, err)
    finally:
        stop(cw)


METRIC = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def exposition_problems(text):
    """The rules of the Prometheus text format this output must keep: HELP
    and TYPE at most once per family and before its samples, valid metric
    and label names, quoted and escaped label values, float values, no
    series twice, a final newline."""
    problems = []
    if not text.endswith("\n"):
        problems.append("no final newline")
    typed, helped, seen_samples, series = {}, set(), set(), set()
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$", line)
            if not m:
                problems.append("%d: bad comment %r" % (n, line))
                continue
            kind, name, rest = m.groups()
            if name in seen_samples:
                problems.append("%d: %s after its samples" % (n, kind))
            if kind == "TYPE":
                if name in typed:
                    problems.append("%d: second TYPE for %s" % (n, name))
                if rest not in ("counter", "gauge", "histogram", "summary", "untyped"):
                    problems.append("%d: bad type %r" % (n, rest))
                typed[name] = rest
            else:
                if name in helped:
                    problems.append("%d: second HELP for %s" % (n, name))
                helped.add(name)
            continue
        m = METRIC.match(line)
        if not m:
            problems.append("%d: bad sample %r" % (n, line))
            continue
        name, _, labels, value = m.groups()
        if not name.startswith("sockbox_"):
            problems.append("%d: %s lacks the sockbox_ prefix" % (n, name))
        if name not in typed:
            problems.append("%d: %s has no TYPE" % (n, name))
        seen_samples.add(name)
        names = []
        if labels:
            pos = 0
            while pos < len(labels):
                lm = LABEL.match(labels, pos)
                if not lm:
                    problems.append("%d: bad labels %r" % (n, labels))
                    break
                names.append(lm.group(1))
                pos = lm.end()
        if len(set(names)) != len(names):
            problems.append("%d: repeated label" % n)
        try:
            float(value)
        except ValueError:
            problems.append("%d: bad value %r" % (n, value))
        key = (name, labels or "")
        if key in series:
            problems.append("%d: series twice: %s" % (n, line))
        series.add(key)
    return problems


# --- list ----------------------------------------------------------------

def ss_sockets():
    """(proto, state, local, remote) of every inet socket, from the real ss."""
    got = set()
    out = subprocess.run(["ss", "-tuwanH"], stdout=subprocess.PIPE, text=True, check=True).stdout
    names = {"ESTAB": "ESTABLISHED", "UNCONN": "UNCONN", "LISTEN": "LISTEN", "TIME-WAIT": "TIME_WAIT",
             "CLOSE-WAIT": "CLOSE_WAIT", "FIN-WAIT-2": "FIN_WAIT2", "FIN-WAIT-1": "FIN_WAIT1",
             "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING"}
    for line in out.splitlines():
        w = line.split()
        proto = {"tcp": "tcp", "udp": "udp", "raw": "raw", "p_raw": None}.get(w[0], w[0])
        if proto is None:
            continue
        state = names.get(w[1], w[1])
        if proto == "raw" and state == "UNCONN":
            state = "UNCONN"
        got.add((proto, state, norm(w[4]), norm(w[5])))
    return got


def norm(ep):
    """An ss endpoint as `addr:port`, without brackets, zone or `*`."""
    host, _, port = ep.rpartition(":")
    host = host.strip("[]").split("%")[0]
    if host == "*":
        host = "*"
    port = "0" if port == "*" else port
    return host + ":" + port


def group_list():
    srv = start("server", 8080)
    cw = start("closewait", 7000, 3)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 5353))
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    u6.bind(("::1", 9443))
    u6.listen(1)
    try:
        # Kernel state can move between the two listings: up to 3 tries.
        for _ in range(3):
            out, err, rc = sockbox("list", "--json", "--all")
            rows = [json.loads(line) for line in out.splitlines()]
            inet = [r for r in rows if r["family"] != "unix"]
            mine = set()
            for r in inet:
                if r["proto"] == "udplite":
                    continue
                la, ra = r["local_addr"], r["remote_addr"]
                wild = r["state"] in ("LISTEN", "UNCONN") and r["remote_port"] == 0
                mine.add((r["proto"], r["state"], la + ":" + str(r["local_port"]),
                          ("*" if wild else ra) + ":" + str(r["remote_port"])))
            theirs = {(p, s, l, "*:0" if s in ("LISTEN", "UNCONN") else rm) for p, s, l, rm in ss_sockets()}
            mine = {(p, s, l, "*:0" if s in ("LISTEN", "UNCONN") else rm) for p, s, l, rm in mine}
            # ss shows 0.0.0.0 and :: as `*` only for its own wildcard forms.
            fix = lambda t: {(p, s, l.replace("*:", "0.0.0.0:"), r) for p, s, l, r in t}  # noqa: E731
            if fix(mine) == fix(theirs):
                break
            time.sleep(0.2)
        check("list --json: exit 0 and lines parse", rc == 0 and rows, out + err)
        check("list --json: the kernel's sockets (as ss reports them)", fix(mine) == fix(theirs),
              "only sockbox: %s\nonly ss: %s" % (sorted(fix(mine) - fix(theirs)), sorted(fix(theirs) - fix(mine))))
        owned = [r for r in inet if r.get("local_port") == 8080 and r["state"] == "LISTEN"]
        check("list --json: owners", owned and owned[0]["owners"][0]["pid"] == srv.pid, json.dumps(owned))
        check("list --json: backlog", owned and owned[0]["backlog"] == 16, json.dumps(owned))
        check("list --json: tcp_info", all(r["tcp_info"] is not None for r in inet if r["proto"] == "tcp"
                                           and r["state"] == "ESTABLISHED"), json.dumps(inet))
        arr, _, rc = sockbox("list", "--json-array", "--all")
        check("list --json-array: the same sockets", rc == 0 and len(json.loads(arr)) == len(rows), arr[:500])
        out, _, rc = sockbox("list", "--json", "--state", "close-wait")
        cws = [json.loads(line) for line in out.splitlines()]
        check("list --state close-wait", rc == 0 and len(cws) == 3 and all(r["owners"][0]["pid"] == cw.pid for r in cws),
              out)
        out, _, rc = sockbox("list", "--json", "--listening", "--tcp")
        ls = [json.loads(line) for line in out.splitlines()]
        check("list --listening --tcp", rc == 0 and {r["local_port"] for r in ls} == {8080, 7000, 9443}, out)
        out, _, rc = sockbox("list", "--json", "--pid", str(srv.pid), "--all")
        ps = [json.loads(line) for line in out.splitlines()]
        check("list --pid", rc == 0 and len(ps) == 3, out)
        out, _, rc = sockbox("list", "--json", "--port", "5353", "--all")
        check("list --port", rc == 0 and [json.loads(line)["proto"] for line in out.splitlines()] == ["udp"], out)
        out, err, rc = sockbox("list", "--state", "bogus")
        check("list --state bogus: exit 3", rc == 3 and "unknown state" in err, err)
    finally:
        stop(srv, cw)
        u.close()
        u6.close()


# --- --netns -------------------------------------------------------------

def group_netns():
    # A second namespace with a listener only it has.
    other = subprocess.Popen(["unshare", "-n", PY, "-c",
                              "import socket,time,os\n"
                              "os.system('ip link set lo up')\n"
                              "l=socket.socket();l.bind(('127.0.0.1',7777));l.listen(1)\n"
                              "open('/tmp/sockbox-front-netns','w').close()\n"
                              "time.sleep(3600)\n"])
    try:
        deadline = time.time() + 10
        while not os.path.exists("/tmp/sockbox-front-netns") and time.time() < deadline:
            time.sleep(0.02)
        os.unlink("/tmp/sockbox-front-netns")
        # `ip netns`-style name: a bind mount under /var/run/netns, in our
        # private mount namespace.
        os.makedirs("/var/run/netns", exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "sockbox", "/var/run/netns"], check=True)
        open("/var/run/netns/sbtest", "w").close()
        subprocess.run(["mount", "--bind", "/proc/%d/ns/net" % other.pid, "/var/run/netns/sbtest"], check=True)
        out, _, rc = sockbox("who", "7777")
        check("without --netns: not here", rc == 1, out)
        for spec in ("sbtest", "/proc/%d/ns/net" % other.pid, "pid:%d" % other.pid):
            out, err, rc = sockbox("who", "--netns", spec, "7777")
            check("who --netns %s" % spec, rc == 0 and "(pid %d)" % other.pid in out, out + err)
        out, _, rc = sockbox("list", "--json", "--listening", "--netns", "sbtest")
        ports = [json.loads(line).get("local_port") for line in out.splitlines()]
        check("list --netns", rc == 0 and ports == [7777], out)
        out, _, rc = sockbox("report", "--json", "--netns", "pid:%d" % other.pid)
        check("report --netns", rc == 0 and [x["local_port"] for x in json.loads(out)["listening"]] == [7777], out)
        out, err, rc = sockbox("who", "--netns", "nosuchns", "7777")
        check("--netns nosuchns: exit 3 and why", rc == 3 and "/var/run/netns/nosuchns: No such file" in err, err)
        out, err, rc = sockbox("who", "--netns", "/etc/passwd", "7777")
        check("--netns not a namespace", rc == 3 and "not a network namespace" in err, err)
        out, err, rc = sockbox("list", "--netns", "sbtest", env={"SOCKBOX_ROOT": "/tmp"})
        check("--netns with a snapshot: refused", rc == 3 and "snapshot" in err, err)
    finally:
        subprocess.run(["umount", "-l", "/var/run/netns"])
        stop(other)


# --- snapshot --------------------------------------------------------------

def replay_cases():
    return [
        ("netstat", ["-tanp"]), ("netstat", ["-tulpen"]), ("netstat", ["-xap"]), ("netstat", ["-an"]),
        ("ss", ["-tanp"]), ("ss", ["-tulpn"]), ("ss", ["-xap"]), ("ss", ["-ta"]), ("ss", ["-tane"]), ("ss", ["-s"]),
        ("ss", ["-uan"]), ("ss", ["-lnt", "sport", "=", ":80"]), ("ss", ["-tm"]), ("ss", ["-x", "src", "*scen*"]),
        ("lsof", ["-i", "-n", "-P"]), ("lsof", ["-i"]), ("lsof", ["-U"]), ("lsof", ["-i", "-a", "-c", "nginx"]),
    ]


def mask(tool, args, text):
    """What moves between the live runs and the replay: ss's timers (and
    the padding they change), its own sockets, the sockstat total, and
    skmem's drop counter (zero-window probes keep arriving)."""
    if tool != "ss":
        return text
    text = live_ss.mask(args, text)
    # A replay is seconds older than a live run: probe counts move too.
    text = re.sub(rb"timer:\(([a-z]+),X,\d+\)", rb"timer:(\1,X,X)", text)
    if "-tm" in args:
        text = re.sub(rb",d\d+\)", b",dX)", text)
    return text


def group_snapshot():
    tmp = tempfile.mkdtemp(prefix="sockbox-front-snap-")
    os.chmod(tmp, 0o755)
    ready = os.path.join(tmp, "ready")
    scen = subprocess.Popen([PY, os.path.join(HERE, "scenario.py"), "--ready-file", ready])
    try:
        deadline = time.time() + 30
        while not os.path.exists(ready):
            if scen.poll() is not None or time.time() > deadline:
                raise RuntimeError("the scenario did not start")
            time.sleep(0.05)
        real = {"netstat": "/usr/bin/netstat", "ss": "/usr/bin/ss", "lsof": "/usr/bin/lsof"}
        before = {}
        for tool, args in replay_cases():
            before[(tool, tuple(args))] = difftest.run(tool, real[tool], args, False, tmp)
        folder = os.path.join(tmp, "snap")
        _, err, rc = sockbox("snapshot", folder)
        check("snapshot DIR: exit 0", rc == 0 and os.path.isdir(folder), err)
        tar_path = os.path.join(tmp, "snap.tar")
        _, err, rc = sockbox("snapshot", tar_path)
        check("snapshot X.tar: exit 0", rc == 0 and tarfile.is_tarfile(tar_path), err)
        _, err, rc = sockbox("snapshot", folder)
        check("snapshot over an existing folder: refused", rc == 3 and "exists" in err, err)
        untarred = os.path.join(tmp, "untarred")
        os.makedirs(untarred)
        subprocess.run(["tar", "-xf", tar_path, "-C", untarred], check=True)
        after = {}
        for tool, args in replay_cases():
            after[(tool, tuple(args))] = difftest.run(tool, real[tool], args, False, tmp)
        for label, root in (("folder", folder), ("tar", untarred)):
            for tool, args in replay_cases():
                key = (tool, tuple(args))
                got = difftest.run(tool, SOCKBOX, args, False, tmp, {"SOCKBOX_ROOT": root})
                got = (mask(tool, args, got[0]), mask(tool, args, got[1]), got[2])
                wants = [(mask(tool, args, w[0]), mask(tool, args, w[1]), w[2]) for w in (before[key], after[key])]
                ok = got in wants
                detail = ""
                if not ok:
                    import difflib
                    detail = "\n".join(list(difflib.unified_diff(
                        wants[0][0].decode("utf-8", "replace").splitlines(),
                        got[0].decode("utf-8", "replace").splitlines(), "live " + tool, "replay", lineterm=""))[:30])
                    detail += "\nstderr live %r replay %r; rc %d/%d" % (wants[0][1][:200], got[1][:200], wants[0][2], got[2])
                check("snapshot (%s) replay: %s %s" % (label, tool, " ".join(args)), ok, detail)
        # The front door replays too: the same listeners, live and replayed.
        live, _, _ = sockbox("list", "--json", "--listening")
        replayed, _, _ = sockbox("list", "--json", "--listening", env={"SOCKBOX_ROOT": folder})
        strip = lambda t: sorted(json.dumps({k: v for k, v in json.loads(x).items() if k != "tcp_info"})  # noqa: E731
                                 for x in t.splitlines())
        check("snapshot replay: sockbox list", strip(live) == strip(replayed), live + "\n---\n" + replayed)
    finally:
        scen.terminate()
        scen.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not os.access(SOCKBOX, os.X_OK):
        sys.exit("live_front: no sockbox binary at %s (build it first)" % SOCKBOX)
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        return inside(sys.argv[2])
    if os.geteuid() != 0:
        sys.exit("live_front: needs root (unshare -n)")
    total_failed, total = 0, 0
    for group in ("who", "report", "terminal", "list", "netns", "snapshot"):
        p = subprocess.run(["unshare", "-n", "-m", "--propagation", "private", PY, os.path.abspath(__file__),
                            "--inside", group], stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ, SOCKBOX_BIN=SOCKBOX))
        sys.stdout.write("".join(l + "\n" for l in p.stdout.splitlines() if not l.startswith("RESULT ")))
        counts = [l.split() for l in p.stdout.splitlines() if l.startswith("RESULT ")]
        if not counts or p.returncode not in (0, 1):
            print("FAIL group %s crashed (exit %d)" % (group, p.returncode))
            total_failed += 1
            continue
        passed, failed = int(counts[-1][1]), int(counts[-1][2])
        total += passed + failed
        total_failed += failed
    print("live_front: %d passed, %d failed" % (total - total_failed, total_failed))
    return 1 if total_failed else 0


def inside(group):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    try:
        globals()["group_" + group]()
    except Exception:
        import traceback
        traceback.print_exc()
        print("RESULT 0 1")
        return 2
    failed = sum(1 for _, ok in RESULTS if not ok)
    print("RESULT %d %d" % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
