#!/usr/bin/python3
"""`make bench`: sockbox against the real netstat, ss and lsof, side by side.

As root:

    compat-tests/bench.py [--runs N] [--repeat R] [--scale F] [--only A,B] [--out BENCH.md]
    compat-tests/bench.py [--out BENCH.md] --readme

Each scenario is built in a fresh network namespace (`unshare -n`):

- empty:     nothing but lo (start-up cost);
- 10k:       5,000 loopback connections (10,000 TCP sockets);
- 120k:      100,000 established TCP sockets (50,000 connections, spread over
             processes: the hard fd limit here is 20,000 per process),
             20,000 TIME_WAIT (kept steady: a helper opens and closes
             connections at 20,000 per minute, TIME_WAIT lasting 60 s)
             and 10,000 unix sockets;
- 60k:       the same at half size (for the linearity check), made again
             after 120k (60k-after): the linearity's 60k time is the mean
             of the two, so the machine drifting over those minutes does
             not read as growth;
- 1000proc:  1,000 processes holding 10,000 TCP sockets.

In each, every command runs N times (default 5) alternating real tool and
sockbox (argv[0] = the tool's name); the table shows the median wall time,
the peak RSS (getrusage of the child) and sockbox/real ratios (the time
ratio is the median of the runs' own ratios: each sockbox run comes right
after its real one, so a drift of the machine's speed cancels), plus the
floors: `cat` of /proc/net/tcp and tcp6 (the kernel's cost to produce the
text), a readlink walk of every /proc/PID/fd (`find`), and the bare
kernel work of a -p listing (compat-tests/floor.rs, built with rustc: the
tcp text read beside every fd link on all cores, nothing parsed or printed;
the targets table shows the ratio it alone would score). Both sides
must print the same number of distinct lines, not counting TIME_WAIT rows (the
helper keeps their number steady, not fixed; nor the helper's own
connections, which come and go). The result goes to BENCH.md
with the machine and date; the static binary's size is reported when
`make static` has built it. It ends with issue 6's targets, each met or
missed. `--repeat R` runs the whole bench R times and reports each value
as the median over the rounds (for targets at the edge of this noisy
machine: one round's real tool may happen to run fast). A full run into
BENCH.md also copies its main sections into README's Performance section;
`--readme` does only that, from the BENCH.md there is.
"""

import os
import platform
import signal  # noqa: F401
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
REAL = {"netstat": "/usr/bin/netstat", "ss": "/usr/bin/ss", "lsof": "/usr/bin/lsof"}
FD_LIMIT = 20000
# compat-tests/floor.rs, built by main(): the kernel's work for a -p listing
# and nothing else.
BARE = os.path.join(REPO, "target", "bench-floor")


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(FD_LIMIT, hard), hard))


# --- workers (run as separate processes inside the namespace) -------------

def die_with_parent():
    """A helper must not outlive the scenario that started it (or it would
    hold its sockets into later measurements): SIGKILL when the parent dies."""
    import ctypes
    ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


def listener(port):
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", port))
    lst.listen(4096)
    return lst


def worker_pairs(n, port, ready):
    """n connections to a listener of our own: 2n sockets held."""
    raise_nofile()
    lst = listener(port)
    keep = []
    for _ in range(n):
        c = socket.socket()
        c.connect(("127.0.0.1", port))
        a, _ = lst.accept()
        keep += [c, a]
    open(ready, "w").close()
    time.sleep(3600)


def worker_unix(n, ready):
    raise_nofile()
    keep = [socket.socketpair() for _ in range(n)]
    open(ready, "w").close()
    time.sleep(3600)
    return keep


def worker_timewait(per_minute, port, ready):
    """Keeps about per_minute TIME_WAIT sockets: connections opened and
    closed client-first at a steady rate (TIME_WAIT lasts 60 s)."""
    raise_nofile()
    lst = listener(port)
    step = 0.25
    batch = max(1, int(per_minute * step / 60))
    marked = False
    start = time.time()
    while True:
        t = time.time()
        for _ in range(batch):
            c = socket.socket()
            c.connect(("127.0.0.1", port))
            a, _ = lst.accept()
            c.close()
            a.close()
        if not marked and time.time() - start >= 61:
            open(ready, "w").close()
            marked = True
        time.sleep(max(0, step - (time.time() - t)))


def worker_procs(nprocs, per_proc, port, ready):
    """nprocs processes, each holding per_proc connections (2 sockets each)."""
    lst = listener(port)
    children = []
    for _ in range(nprocs):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            die_with_parent()
            os.close(r)
            lst_fd = lst
            keep = []
            for _ in range(per_proc):
                c = socket.socket()
                c.connect(("127.0.0.1", port))
                a, _ = lst_fd.accept()
                keep += [c, a]
            lst_fd.close()
            os.write(w, b"x")
            os.close(w)
            time.sleep(3600)
            os._exit(0)
        os.close(w)
        os.read(r, 1)
        os.close(r)
        children.append(pid)
    lst.close()
    open(ready, "w").close()
    time.sleep(3600)


# --- measurement -----------------------------------------------------------

def run_once(binary, argv0, args, outfile, linkdir):
    """Wall time, peak RSS (KiB) and stdout line count of one run.

    GNU time runs the command (argv[0] = the tool's name, through a link),
    so the peak RSS is the command's own: a child spawned straight from
    this Python process would report Python's pages as its high-water mark.
    """
    link = os.path.join(linkdir, ("sockbox-" if "sockbox" in binary else "real-") + argv0, argv0)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(binary, link)
    rss_file = outfile + ".rss"
    with open(outfile, "wb") as out, open(os.devnull, "wb") as null:
        t = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, link] + args, stdout=out, stderr=null,
                       env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
        wall = time.perf_counter() - t
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    with open(outfile, "rb") as f:
        data = f.read()
    # Rows of the TIME_WAIT keeper's connections (port 30000) come and go;
    # and while it churns, a /proc/net/tcp read in small pieces (stdio's 4
    # KiB) can see a row twice: distinct lines are counted.
    lines = len({l for l in data.split(b"\n") if l and b"TIME_WAIT" not in l and b"TIME-WAIT" not in l
                 and b":30000" not in l})
    return wall, rss, lines


def measure(tool, args, sockbox, runs, tmp):
    real, mine = [], []
    out = os.path.join(tmp, "out")
    for _ in range(runs):
        real.append(run_once(REAL[tool], tool, args, out, tmp))
        mine.append(run_once(sockbox, tool, args, out, tmp))
    med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
    if real[-1][2] != mine[-1][2]:
        # Keep both outputs of a line-count difference for a look.
        for side, binary in (("real", REAL[tool]), ("sockbox", sockbox)):
            run_once(binary, tool, args, out, tmp)
            keep = "/tmp/sockbox-bench-%s-%s.out" % ("_".join([tool] + args).replace("/", ""), side)
            os.replace(out, keep)
    return {
        "real": med(real, 0), "mine": med(mine, 0),
        # Each sockbox run follows its real run at once: the median of the
        # pairs' ratios is not moved by the machine's speed drifting over
        # the runs, as a ratio of the two medians can be.
        "ratio": statistics.median(m[0] / max(r[0], 1e-9) for r, m in zip(real, mine)),
        "real_rss": max(x[1] for x in real), "mine_rss": max(x[1] for x in mine),
        "real_lines": real[-1][2], "mine_lines": mine[-1][2],
    }


def floor(argv, runs, tmp):
    out = os.path.join(tmp, "out")
    times = []
    for _ in range(runs):
        pid_t = time.perf_counter()
        with open(out, "wb") as f:
            subprocess.run(argv, stdout=f, stderr=subprocess.DEVNULL, shell=isinstance(argv, str))
        times.append(time.perf_counter() - pid_t)
    return statistics.median(times)


COMMANDS = [
    ("netstat", ["-tan"]), ("netstat", ["-tanp"]), ("ss", ["-tan"]), ("ss", ["-tanp"]),
    ("lsof", ["-i", "-n", "-P"]),
]
COMMANDS_PROCS = COMMANDS + [("lsof", ["-n", "-P", "-i", "-a", "-p", "PID"])]


def wait_ready(paths, procs, timeout=600):
    deadline = time.time() + timeout
    while not all(os.path.exists(p) for p in paths):
        if time.time() > deadline or any(p.poll() is not None for p in procs):
            for p in paths:
                try:
                    sys.stderr.write(open(p + ".err").read())
                except OSError:
                    pass
            sys.exit("bench: a scenario helper did not start")
        time.sleep(0.2)


# The near-empty namespace's commands take a few milliseconds, where one
# scheduling hiccup moves a median of 5: they get more runs (still cheap).
EMPTY_RUNS = 25


def scenario_inside(name, scale, runs, sockbox, result_file):
    if name == "empty":
        runs = max(runs, EMPTY_RUNS)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as f:
        f.write("1024 65000\n")
    # The helpers' listening ports, kept out of the ephemeral range: with
    # 100,000 client sockets one of them would otherwise often hold a port
    # a later helper wants to listen on (bind: address already in use).
    with open("/proc/sys/net/ipv4/ip_local_reserved_ports", "w") as f:
        f.write("20000-20099,30000,31000\n")
    tmp = tempfile.mkdtemp(prefix="sockbox-bench-")
    procs, ready = [], []

    def spawn(*args):
        r = os.path.join(tmp, "ready.%d" % len(ready))
        ready.append(r)
        procs.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker"] +
                                      [str(a) for a in args] + [r], start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=open(r + ".err", "w")))

    established = tw = unix = 0
    size = name.split("-")[0]  # 60k-after is 60k again
    if size in ("10k", "60k", "120k"):
        conns = {"10k": 5000, "60k": 25000, "120k": 50000}[size]
        conns = int(conns * scale)
        per = 8000
        port = 20000
        while conns > 0:
            n = min(per, conns)
            spawn("pairs", n, port)
            port += 1
            conns -= n
            established += 2 * n
        if size != "10k":
            tw = int({"60k": 10000, "120k": 20000}[size] * scale)
            spawn("timewait", tw, 30000)
            unix = int({"60k": 2500, "120k": 5000}[size] * scale)
            spawn("unix", unix)
            unix *= 2
    if name == "1000proc":
        spawn("procs", int(1000 * scale), 5, 31000)
        established = int(1000 * scale) * 10
    results = []
    try:
        wait_ready(ready, procs)
        cmds = COMMANDS_PROCS if name == "1000proc" else COMMANDS
        pid_arg = str(procs[0].pid) if procs else str(os.getpid())
        for tool, args in cmds:
            args = [pid_arg if a == "PID" else a for a in args]
            r = measure(tool, args, sockbox, runs, tmp)
            r["cmd"] = tool + " " + " ".join(args)
            results.append(r)
        floors = {
            "cat": floor("cat /proc/net/tcp /proc/net/tcp6 >/dev/null", runs, tmp),
            "find": floor("find /proc/[0-9]*/fd -type l -printf '%l\\n' >/dev/null 2>&1", runs, tmp),
        }
        if os.access(BARE, os.X_OK):
            floors["bare"] = floor([BARE], runs, tmp)
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, 9)  # the worker and any children it forked
            except ProcessLookupError:
                pass  # it had already died (its error is reported above)
    with open(result_file, "w") as f:
        f.write(repr({"name": name, "results": results, "floors": floors,
                      "sockets": {"established": established, "time_wait": tw, "unix": unix}}))


def fmt_ms(s):
    return "%.0f ms" % (s * 1000) if s < 10 else "%.1f s" % s


# Issue 6's targets: (scenario, command, what is compared, limit).
TARGETS = [
    ("120k", "netstat -tan", "real", 0.5), ("120k", "netstat -tan", "cat", 1.2),
    ("120k", "netstat -tanp", "real", 0.1), ("120k", "ss -tanp", "real", 0.1),
    ("120k", "ss -tan", "real", 0.8),
    ("120k", "lsof -i -n -P", "real", 0.15), ("120k", "lsof -i -n -P", "rss", 0.5),
] + [("1000proc", c, "real", 0.5) for c in ("netstat -tanp", "ss -tanp", "lsof -i -n -P", "lsof -n -P -i -a -p")] + [
    ("empty", " ".join([t] + a), "real", 1.0) for t, a in COMMANDS
] + [("linear", " ".join([t] + a), "60k", 2.2) for t, a in COMMANDS]


def baseline(by, pick, key):
    """A 60k value for the linearity: the mean of the 60k runs before and
    after 120k where both were made, so a drift of the machine's speed
    over those minutes cancels (to first order) instead of counting as
    growth."""
    runs = [pick(name)[key] for name in ("60k", "60k-after") if name in by]
    return sum(runs) / len(runs)


def targets(by, static_size):
    """Each of issue 6's targets with its value in this run: met or missed."""
    rows, missed = [], 0
    for scen, cmd, against, limit in TARGETS:
        if scen == "linear":
            if "60k" not in by or "120k" not in by:
                continue
            find = lambda name: next(r for r in by[name]["results"] if r["cmd"] == cmd)  # noqa: E731
            value, what = find("120k")["mine"] / max(baseline(by, find, "mine"), 1e-9), "120k time / 60k time"
            scen = "60k to 120k"
        else:
            if scen not in by:
                continue
            r = next(r for r in by[scen]["results"] if r["cmd"].startswith(cmd))
            if against == "real":
                value, what = r["ratio"], "× the real tool's time"
            elif against == "rss":
                value, what = r["mine_rss"] / max(r["real_rss"], 1), "× the real tool's peak RSS"
            else:
                value, what = r["mine"] / max(by[scen]["floors"]["cat"], 1e-9), "× the `cat` floor"
            cmd = r["cmd"]
        ok = value <= limit
        missed += not ok
        # What a program doing only the kernel work of a -p listing scores
        # (it lists every fd folder first, which sockbox's walk mostly skips,
        # so sockbox can come in a little under it).
        bare = ""
        floors = by.get(scen, {}).get("floors", {})
        if against == "real" and "bare" in floors and scen != "empty" and (cmd.endswith("-tanp") or cmd.startswith("lsof")):
            bare = "%.2f" % (floors["bare"] / max(r["real"], 1e-9))
        rows.append("| %s | `%s` | %s ≤ %.2f | %.2f | %s | %s |" % (scen, cmd, what, limit, value, bare,
                                                                    "met" if ok else "**missed**"))
    if static_size:
        ok = static_size <= 1.5 * 1048576
        missed += not ok
        rows.append("| static | `make static` | stripped size ≤ 1.50 MiB | %.2f MiB | | %s |" % (
            static_size / 1048576, "met" if ok else "**missed**"))
    head = ["## Targets (issue 6): %s" % ("all met" if not missed else "%d missed" % missed), "",
            "| scenario | command | target | this run | bare kernel work | |", "|---|---|---|---|---|---|"]
    note = ["", "Bare kernel work: the same ratio for `compat-tests/floor.rs` (see the floors above), a program "
            "that has the kernel do only what a -p listing needs from /proc and nothing else."]
    return head + rows + note + [""]


def merge_rounds(rounds):
    """One result per scenario from `--repeat` rounds of the whole bench:
    each value is the median over the rounds (peak RSS the highest; line
    counts from the last round), so one round on a busy machine, or with a
    real tool that happened to run fast, does not decide a target."""
    if len(rounds) == 1:
        return rounds[0]
    merged = []
    for scs in zip(*rounds):
        sc = dict(scs[-1])
        sc["floors"] = {k: statistics.median(s["floors"][k] for s in scs) for k in sc["floors"]}
        sc["results"] = []
        for rs in zip(*(s["results"] for s in scs)):
            r = dict(rs[-1])
            for k in ("real", "mine", "ratio"):
                r[k] = statistics.median(x[k] for x in rs)
            for k in ("real_rss", "mine_rss"):
                r[k] = max(x[k] for x in rs)
            sc["results"].append(r)
        merged.append(sc)
    return merged


def report(all_results, runs, out_path, static_size, repeat=1):
    lines = ["# sockbox benchmark", ""]
    cpu = "unknown"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines.append("Machine: %s, %d cores, kernel %s; %s; median of %d runs each (%d in the empty namespace), real tool and sockbox alternating; a time ratio is the median of the runs' own ratios%s." %
                 (cpu, os.cpu_count(), platform.release(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), runs,
                  max(runs, EMPTY_RUNS),
                  "; each value the median over %d rounds of the whole bench" % repeat if repeat > 1 else ""))
    lines.append("")
    for sc in all_results:
        s = sc["sockets"]
        lines.append("## %s (%d established TCP, %d TIME_WAIT, %d unix sockets)" %
                     (sc["name"], s["established"], s["time_wait"], s["unix"]))
        lines.append("")
        lines.append("| command | real | sockbox | ratio | real RSS | sockbox RSS | RSS ratio | lines (real/sockbox) |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for r in sc["results"]:
            lines.append("| `%s` | %s | %s | %.2f | %d KiB | %d KiB | %.2f | %d / %d%s |" % (
                r["cmd"], fmt_ms(r["real"]), fmt_ms(r["mine"]), r["ratio"],
                r["real_rss"], r["mine_rss"], r["mine_rss"] / max(r["real_rss"], 1),
                r["real_lines"], r["mine_lines"], "" if r["real_lines"] == r["mine_lines"] else " **differ**"))
        f = sc["floors"]
        lines.append("")
        lines.append("Floors: `cat /proc/net/tcp /proc/net/tcp6` %s; readlink walk of every /proc/PID/fd (`find`) %s%s." %
                     (fmt_ms(f["cat"]), fmt_ms(f["find"]),
                      "; bare kernel work of a -p listing (`compat-tests/floor.rs`: the tcp text read beside "
                      "every fd link on all cores, nothing parsed or printed) %s" % fmt_ms(f["bare"]) if "bare" in f else ""))
        lines.append("")
    by = {sc["name"]: sc for sc in all_results}
    if "60k" in by and "120k" in by:
        lines.append("## Linearity (120k time / 60k time, sockbox)")
        lines.append("")
        if "60k-after" in by:
            lines.append("The 60k time is the mean of the 60k scenario run before 120k and again after it "
                         "(60k-after): the machine's speed drifts over the minutes between them.")
            lines.append("")
        # The real tool's and the floors' own ratios, from the same run, show
        # how much of a ratio is the kernel's (or the machine drifting
        # between the two scenarios, which run minutes apart).
        for b in by["120k"]["results"]:
            find = lambda name: next(r for r in by[name]["results"] if r["cmd"] == b["cmd"])  # noqa: E731
            lines.append("- `%s`: %.2f (real: %.2f)" % (b["cmd"], b["mine"] / max(baseline(by, find, "mine"), 1e-9),
                                                     b["real"] / max(baseline(by, find, "real"), 1e-9)))
        floors = lambda name: by[name]["floors"]  # noqa: E731
        fb = by["120k"]["floors"]
        lines.append("- floors: `cat` %.2f, `find` %.2f" % (fb["cat"] / max(baseline(by, floors, "cat"), 1e-9),
                                                          fb["find"] / max(baseline(by, floors, "find"), 1e-9)))
        lines.append("")
    lines.append("Static binary (`make static`): %s." % (
        "%.2f MiB (%d bytes)" % (static_size / 1048576, static_size) if static_size else "not built"))
    lines.append("")
    lines += targets(by, static_size)
    text = "\n".join(lines)
    with open(out_path, "w") as f:
        f.write(text)
    print(text)
    return all(r["real_lines"] == r["mine_lines"] for sc in all_results for r in sc["results"])


# README's Performance section shows these of BENCH.md's sections, under
# these titles; its closing "Where the time goes" paragraph is prose and
# stays as written.
README_SECTIONS = [("120k", "120k"), ("1000proc", "1000 processes"), ("empty", "near-empty namespace (start-up)"),
                   ("Linearity", "Linearity"), ("Targets", "Targets")]


def update_readme(bench_path, readme_path):
    """Copy the latest BENCH.md into README's Performance section."""
    with open(bench_path) as f:
        bench = f.read().split("\n## ")
    machine = bench[0].split("Machine: ", 1)[1].split("\n", 1)[0].rstrip(".")
    sections = {}
    for part in bench[1:]:
        title, body = part.split("\n", 1)
        sections[title.split(" ", 1)[0]] = (title, body.strip("\n"))
    out = ["## Performance", "",
           "`make bench` (as root) builds each scenario in a fresh network namespace and",
           "times sockbox against the real tools, alternating, with peak RSS; it writes",
           "[BENCH.md](BENCH.md) (also the 10k and 60k scenarios). The latest run",
           "(%s):" % machine, ""]
    for key, shown in README_SECTIONS:
        title, body = sections[key]
        rest = title.split(" ", 1)[1] if " " in title else ""
        out += ["### %s %s" % (shown, rest) if rest else "### " + shown, "", body, ""]
    with open(readme_path) as f:
        readme = f.read()
    start = readme.index("## Performance\n")
    prose = readme.index("Where the time goes:", start)
    with open(readme_path, "w") as f:
        f.write(readme[:start] + "\n".join(out) + "\n" + readme[prose:])


def main():
    args = sys.argv[1:]
    if args and args[0] == "--worker":
        die_with_parent()
        kind, rest = args[1], args[2:]
        if kind == "pairs":
            worker_pairs(int(rest[0]), int(rest[1]), rest[2])
        elif kind == "unix":
            worker_unix(int(rest[0]), rest[1])
        elif kind == "timewait":
            worker_timewait(int(rest[0]), int(rest[1]), rest[2])
        elif kind == "procs":
            worker_procs(int(rest[0]), int(rest[1]), int(rest[2]), rest[3])
        return
    if args and args[0] == "--scenario":
        scenario_inside(args[1], float(args[2]), int(args[3]), args[4], args[5])
        return
    runs, scale, out, repeat = 5, 1.0, os.path.join(REPO, "BENCH.md"), 1
    scenarios = ["empty", "10k", "1000proc", "60k", "120k", "60k-after"]
    i = 0
    while i < len(args):
        if args[i] == "--runs":
            runs = int(args[i + 1]); i += 2  # noqa: E702
        elif args[i] == "--scale":
            scale = float(args[i + 1]); i += 2  # noqa: E702
        elif args[i] == "--out":
            out = args[i + 1]; i += 2  # noqa: E702
        elif args[i] == "--repeat":
            repeat = int(args[i + 1]); i += 2  # noqa: E702
        elif args[i] == "--readme":
            update_readme(out, os.path.join(REPO, "README.md"))
            return
        elif args[i] == "--only":
            scenarios = args[i + 1].split(","); i += 2  # noqa: E702
        else:
            sys.exit(__doc__)
    if os.geteuid() != 0:
        sys.exit("bench: needs root (unshare -n)")
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("bench: needs GNU time for peak RSS (apt-get install -y time)")
    sockbox = os.path.abspath(os.environ.get("SOCKBOX_BIN", os.path.join(REPO, "target", "release", "sockbox")))
    static = os.path.join(REPO, "target", "x86_64-unknown-linux-gnu", "release", "sockbox")
    static_size = os.path.getsize(static) if os.path.exists(static) else 0
    # The bare kernel work (floor.rs): std only, so plain rustc builds it.
    built = subprocess.run(["rustc", "--edition", "2024", "-C", "opt-level=3", os.path.join(HERE, "floor.rs"),
                            "-o", BARE], stderr=subprocess.DEVNULL)
    if built.returncode != 0 and os.path.exists(BARE):
        os.unlink(BARE)
    rounds = []
    for k in range(repeat):
        rounds.append([])
        for name in scenarios:
            print("bench: scenario %s%s ..." % (name, " (round %d of %d)" % (k + 1, repeat) if repeat > 1 else ""),
                  flush=True)
            res = tempfile.mktemp(prefix="sockbox-bench-res-")
            subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__), "--scenario", name,
                            str(scale), str(runs), sockbox, res], check=True)
            with open(res) as f:
                rounds[-1].append(eval(f.read()))  # our own repr, written just now
            os.unlink(res)
    ok = report(merge_rounds(rounds), runs, out, static_size, repeat)
    if out == os.path.join(REPO, "BENCH.md") and scenarios == ["empty", "10k", "1000proc", "60k", "120k", "60k-after"]:
        update_readme(out, os.path.join(REPO, "README.md"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
