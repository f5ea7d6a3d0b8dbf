#!/usr/bin/python3
"""Live differential test: real iproute2 ss 6.1 against sockbox's ss.

As root, from anywhere:

    compat-tests/live_ss.py                 (SOCKBOX_BIN overrides the binary)

In a fresh network namespace with compat-tests/scenario.py running, every
option set below runs through the real ss (netlink mode) and through
sockbox back to back; stdout, stderr and exit status must be identical
(difftest.py), after two masks that only remove what differs by nature:

- the row of the tool's own sock_diag socket (`tcpdiag:ss/PID`, or `4:PID`
  with -n): each tool lists itself, with its own pid;
- for sets showing timers (-o, -e, -b), the running timers' values and the
  trailing blanks their width leaves: time moves between two runs;
- for -i, the milliseconds since the last packet and the busy times
  (lastsnd, lastrcv, lastack, busy, rwnd_limited, sndbuf_limited), and
  the trailing blanks their width leaves;
- for -s, the `Total:` count (/proc/net/sockstat's "sockets used"): every
  sock_diag socket a run opens is still counted, for a while, by the next.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402
import scenario  # noqa: E402

OPTION_SETS = [
    [], ["-t"], ["-u"], ["-w"], ["-x"], ["-0"], ["-a"], ["-l"], ["-n"], ["-e"], ["-o"], ["-p"], ["-H"], ["-O"],
    ["-4"], ["-6"], ["-r"], ["-an"], ["-tan"], ["-tanp"], ["-tulpn"], ["-xap"], ["-xa"], ["-xl"], ["-uanpe"],
    ["-tanoe"], ["-ltn"], ["-a4"], ["-a6"], ["-tHn"], ["-tOa"], ["-wa"], ["-0a"], ["-0ae"], ["-ae"], ["-ap"],
    ["-4 -6".split()[0], "-6", "-a"], ["-6", "-4", "-ta"], ["-tr"], ["-tar"],
    ["-f", "inet"], ["-f", "inet6", "-a"], ["-f", "unix"], ["-f", "link"], ["-f", "netlink"], ["-f", "netlink", "-a"],
    ["-f", "netlink", "-an"], ["-f", "help"], ["-f", "bogus"],
    ["-A", "all"], ["-A", "inet", "-a"], ["-A", "tcp,udp"], ["-A", "raw", "-a"], ["-A", "unix"],
    ["-A", "unix_stream", "-a"], ["-A", "u_dgr", "-a"], ["-A", "u_seq", "-a"], ["-A", "packet"],
    ["-A", "p_raw"], ["-A", "p_dgr"], ["-A", "netlink"], ["-A", "all,!tcp", "-a"], ["-A", "bogus"], ["-a", "-A", "tcp"],
    ["--tcp", "--all", "--numeric"], ["--udp", "--listening"], ["--unix", "--processes"], ["--query=tcp"],
    ["--socket", "udp", "-a"], ["--family=inet6"], ["--no-header", "-t"], ["--ipv4", "--all"], ["--packet"],
    ["--extended", "-t"], ["--options", "-t"], ["--resolve", "-t"], ["--oneline", "-t"],
    ["state", "established"], ["-t", "state", "listening"], ["-ta", "exclude", "time-wait"],
    ["-t", "state", "connected"], ["-t", "state", "bucket"], ["-t", "state", "all"], ["-t", "state", "synchronized"],
    ["-t", "state", "big"], ["-t", "state", "established", "state", "close-wait"], ["-t", "excl", "established"],
    ["-t", "state", "FIN-WAIT-1"], ["-t", "state", "syn-sent"], ["-t", "state", "closing"], ["-t", "state", "last-ack"],
    ["-u", "state", "unconnected"], ["-x", "state", "closed"], ["-t", "state", "bogus"], ["-t", "state"],
    ["-ua", "dev", "lo"], ["-tl", "dev", "=", "lo"], ["-a", "dev", "!=", "lo"], ["-ul6"],
    ["-tm"], ["-um"], ["-xm"], ["-0m"], ["-f", "netlink", "-m"], ["-tmO"], ["-am"], ["-tame"], ["-t", "--tos"],
    ["-ta", "--tos", "-e"], ["-t", "--cgroup"], ["-ta", "--inet-sockopt"], ["-ta", "--inet-sockopt", "-O"],
    ["-ua", "--inet-sockopt"], ["--memory", "-x"],
    ["-tlT"], ["-xaT"], ["-0b"], ["-0bO"], ["-0be"], ["-tab"], ["--bpf", "-a"], ["--threads", "-u"],
    ["-N", "nosuchns", "-t"], ["-D", "/tmp/x", "-x"], ["-E", "-x"], ["-K", "-x"],
    ["-ti"], ["-tia"], ["-tin"], ["-tiO"], ["-tio"], ["-tmi"], ["-ui"], ["-uim"], ["-tie"], ["--info", "-6"],
    ["-s"], ["-s", "-t"], ["-s", "state", "listening"], ["--summary", "-a"], ["-s", "state", "bogus"],
    ["-y"], ["--tcp=1"], ["--f"], ["--bogus"], ["-A"], ["-V"], ["-v"], ["-h"], ["--help"], ["-Z"], ["-z"],
]

FILTER_FILE = "/tmp/sockbox-live-ss-filter"
with open(FILTER_FILE, "w") as f:
    f.write("# comment line\n0 lines starting with 0 are skipped too\n( sport = :8080\n  or dport = :8080 )\n")

# The filter language: operators, nesting, families, services, errors.
OPTION_SETS += [
    ["-t", "sport", "=", ":22"], ["-t", "dport", "=", ":8080"], ["-t", "( sport = :22 or sport = :80 )"],
    ["-ta", "sport", "gt", ":1000"], ["-ta", "sport", "le", ":1024", "and", "dport", "ge", ":1024"],
    ["-t", "src", "127.0.0.1"], ["-ta", "dst", "127.0.0.1/8"], ["-ta", "src", "[::1]"], ["-ta", "src", "[::1]:631"],
    ["-ta", "dst", "[::ffff:127.0.0.1]"], ["-a", "src", "inet6:[::1]"], ["-a", "dst", "inet:127.0.0.1"],
    ["-a", "src", "unix:/tmp/*"], ["-x", "src", "/tmp/sockbox-scenario/*"], ["-xa", "src", "@abstract*"],
    ["-xa", "src", "unix:*SOCK"], ["-ta", "not", "sport", "=", ":22"], ["-ta", "!", "dport", "=", ":80"],
    ["-ta", "sport", "=", ":ssh"], ["-ta", "sport", "=", ":http-alt"], ["-ta", "dport", "neq", ":22"],
    ["-ta", "sport", "!=", ":22"], ["-ta", "autobound"], ["-xa", "autobound"], ["-ta", "dev", "lo"],
    ["-ua", "dev", "=", "1"], ["-ta", "fwmark", "0x0"], ["-ta", "fwmark", "=", "0/0"], ["-f", "netlink", "-a", "src", "rtnl"],
    ["-0a", "src", "link:ip"], ["-a", "src", "link:*:lo"], ["-ta", "src", "[::]/0"], ["-ta", "src", "::/0"],
    ["-ta", "src", "0.0.0.0/0"], ["-ta", "sport", "=", ":nosuchservice"], ["-ta", "(", "sport", "=", ":22"],
    ["-ta", "sport"], ["-ta", "127.0.0.1"], ["-ta", "dev", "nosuchdev"], ["-ta", "fwmark", "zz"], ["-ta", ")"],
    ["-ta", "( sport = :22 or sport = :80 ) and not dport = :1"], ["-ta", "sport = :22 or sport = :80 and dport = :1"],
    ["-t", "state", "established", "( dport = :8080 or sport = :8080 )"], ["-t", "exclude", "time-wait", "sport", "=", ":8080"],
    ["-ta", "-F", FILTER_FILE], ["-ta", "-F", "/nonexistent/filter"],
    # -F and -N act as ss meets them: their errors come before a later
    # option's, and a directory as -F reads as an empty filter (fgets).
    # sport/dport take `[…]` as ss does: the brackets and what follows go.
    ["-tan", "dport", "[::ffff:127.0.0.1]"], ["-tan", "sport", "[:22]x"], ["-tan", "sport", "[:http]:5"],
    ["-tan", "dport", "[*]"],
    # iproute2 reads addresses, prefix lengths and ports with strtoul/strtol:
    # a sign (and "-0") is a number.
    ["-tan", "--", "-0"], ["-tan", "src", "+127.0.0.1"], ["-tan", "dst", "127.-0.0.1/+8"],
    ["-tan", "sport", "=", ":+22"], ["-tan", "dst", "+0x7f.0.0.1"], ["-tan", "src", "127.0.0.1/-1"],
    # fwmark reads its number as sscanf's %i does: a prefix, 0x alone, octal.
    ["-tan", "fwmark", "0x"], ["-tan", "fwmark", "12abc"], ["-tan", "fwmark", "0x10/0x"], ["-tan", "fwmark", "09/1"],
    ["-an", "fwmark", "0x", "closed"], ["-tan", "fwmark", "1 /2"], ["-tan", "fwmark", "99999999999999999999"],
    ["-F", "/nonexistent/filter", "--nosuchoption"], ["-N", "nosuchns", "-y"], ["-F", "/tmp", "-ta"],
    ["-F", "/tmp", "-F", "/nonexistent/filter"], ["-N", "nosuchns", "-V"], ["-V", "-N", "nosuchns"],
    ["-ta", "sport", "eq", ":3306", "||", "dport", "==", ":3306"],
    ["-ta", "sport", "geq", ":9000", "&&", "sport", "leq", ":9300"], ["-ta", "sport", "lt", ":100", "&", "sport", "gt", ":20"],
    ["-ta", "src", "localhost"], ["-ua", "dst", "127.0.0.1:5353"], ["-ua", "sport", "=", ":domain"],
    ["-ta", "src", "127.0.0.1:ssh", "or", "src", "127.0.0.1:22"], ["-ta", "src", "*:8080"], ["-ta", "src", "127/8"],
]

UNPRIVILEGED_SETS = [["-tanp"], ["-xp"], ["-uap"], ["-a"], ["-tulpe"], ["-tulpn"], ["-xap"], ["-ap"],
                     # A mark condition needs CAP_NET_ADMIN: each inet request,
                     # SCTP's too, is refused, and ss says so (MPTCP's silently).
                     ["-a", "fwmark", "0x1"], ["-A", "inet", "fwmark", "0x1"], ["-Sa", "fwmark", "0x1"]]

SELF = re.compile(rb"^.*(?:tcpdiag:ss/\d+| 4:[1-9]\d*) .*\n", re.M)
TIMER = re.compile(rb"(timer:\([a-z]+,)[0-9.a-z]*,")
TRAILING = re.compile(rb"[ ]+$", re.M)
# tcp_info counts milliseconds since the last packet: time moves.
SINCE = re.compile(rb"((?:lastsnd|lastrcv|lastack|busy|rwnd_limited|sndbuf_limited):)\d+")


TOTAL = re.compile(rb"^Total: \d+$", re.M)


def mask(args, data):
    data = SELF.sub(b"", data)
    if "-s" in args or "--summary" in args:
        data = TOTAL.sub(b"Total: X", data)
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    if "i" in flags or "--info" in args:
        data = TRAILING.sub(b"", SINCE.sub(rb"\1X", data))
    if any(c in flags for c in "oeb") or {"--options", "--extended", "--bpf"} & set(args):
        data = TRAILING.sub(b"", TIMER.sub(rb"\1X,", data))
    return data


def named_netns(sockbox, tmpdir):
    """-N NAME: a listener that exists only in another named namespace."""
    import subprocess
    import time
    name = "sockbox-live-ss"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        holder = subprocess.Popen(["ip", "netns", "exec", name, sys.executable, "-c",
                                   "import socket,time,subprocess\n"
                                   "subprocess.run(['ip','link','set','lo','up'])\n"
                                   "s=socket.socket(); s.bind(('127.0.0.1', 4444)); s.listen()\n"
                                   "print('ready', flush=True); time.sleep(30)"],
                                  stdout=subprocess.PIPE)
        holder.stdout.readline()
        results = []
        for args in (["-N", name, "-tln"], ["-tlnp", "-N", name], ["--net=" + name, "-a"]):
            results.append(("ss " + " ".join(args), difftest.compare("ss", "/usr/bin/ss", sockbox, args, False, tmpdir, mask)))
        holder.kill()
        holder.wait()
        time.sleep(0.1)
        return results
    finally:
        subprocess.run(["ip", "netns", "del", name])


EPHEMERAL = re.compile(rb":(3[2-9]\d{3}|[4-6]\d{4})\b")


def _holder(port, pairs):
    """A process holding `pairs` connections to a fresh listener on `port`."""
    import subprocess
    code = ("import socket,time\n"
            "l=socket.socket(); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            "l.bind(('127.0.0.1',%d)); l.listen(64)\n"
            "k=[]\n"
            "for i in range(%d):\n"
            "    c=socket.create_connection(('127.0.0.1',%d)); a,_=l.accept(); k+=[c,a]\n"
            "print('ready', flush=True); time.sleep(60)\n") % (port, pairs, port)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    p.stdout.readline()
    return p


def kill_dump_events(sockbox, tmpdir):
    """-K, -D with TCPDIAG_FILE, and -E: each tool acts on sockets of its
    own, built alike; ephemeral ports are masked (they differ by nature)."""
    import subprocess
    import time
    results = []

    # -K: kill three connections, then nothing of them is left.
    outs = []
    for binary in ("/usr/bin/ss", sockbox):
        h = _holder(5600, 3)
        kill = difftest.run("ss", binary, ["-K", "-tn", "dport", "=", ":5600"], False, tmpdir)
        after = difftest.run("ss", binary, ["-tn", "sport", "=", ":5600", "or", "dport", "=", ":5600"], False, tmpdir)
        h.kill()
        h.wait()
        outs.append((EPHEMERAL.sub(b":EPH", kill[0]), kill[1], kill[2], after))
        time.sleep(0.1)
    results.append(("ss -K -tn dport = :5600", None if outs[0] == outs[1] else "differs:\n%r\n%r" % (outs[0], outs[1])))

    # -D: both dumps read back by the real ss give the same table, and
    # sockbox reads the real dump as the real ss does.
    h = _holder(5700, 2)
    files = []
    for binary, name in (("/usr/bin/ss", "real"), (sockbox, "sockbox")):
        f = os.path.join(tmpdir, "dump-" + name)
        difftest.run("ss", binary, ["-D", f, "-t", "-4", "-a"], False, tmpdir)
        files.append(f)
    h.kill()
    h.wait()
    env = {"TCPDIAG_FILE": files[0]}
    want = difftest.run("ss", "/usr/bin/ss", ["-t"], False, tmpdir, env)
    via_ours = difftest.run("ss", "/usr/bin/ss", ["-t"], False, tmpdir, {"TCPDIAG_FILE": files[1]})
    got = difftest.run("ss", sockbox, ["-t"], False, tmpdir, env)
    results.append(("ss -D FILE (read back by ss)", None if want == via_ours else "differs:\n%r\n%r" % (want, via_ours)))
    results.append(("TCPDIAG_FILE=FILE ss -t", None if want == got else "differs:\n%r\n%r" % (want, got)))
    for args in (["-a"], ["-te"], ["-t", "dport", "=", ":5700"], ["-4"]):
        w = difftest.run("ss", "/usr/bin/ss", args, False, tmpdir, env)
        g = difftest.run("ss", sockbox, args, False, tmpdir, env)
        w, g = (SELF.sub(b"", w[0]),) + w[1:], (SELF.sub(b"", g[0]),) + g[1:]
        results.append(("TCPDIAG_FILE=FILE ss " + " ".join(args), None if w == g else "differs:\n%r\n%r" % (w, g)))

    # -E: both follow the same destroy events, into files (block buffered).
    procs = []
    for binary, name in (("/usr/bin/ss", "real"), (sockbox, "sockbox")):
        link = os.path.join(tmpdir, "ss-" + name)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(binary, link)
        out = open(os.path.join(tmpdir, "events-" + name), "wb")
        procs.append((subprocess.Popen(["ss", "-E", "-tn"], executable=link, stdout=out, stderr=subprocess.STDOUT), out))
    time.sleep(0.5)
    subprocess.run([sys.executable, "-c",
                    "import socket\n"
                    "l=socket.socket(); l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                    "l.bind(('127.0.0.1',5800)); l.listen(200)\n"
                    "for i in range(120):\n"
                    "    c=socket.create_connection(('127.0.0.1',5800)); a,_=l.accept(); a.close(); c.close()\n"])
    time.sleep(1)
    for p, out in procs:
        p.terminate()
        p.wait()
        out.close()
    ev = [open(os.path.join(tmpdir, "events-" + n), "rb").read() for n in ("real", "sockbox")]
    results.append(("ss -E -tn (%d bytes)" % len(ev[0]), None if ev[0] == ev[1] and ev[0] else "differs: %d vs %d bytes" % (len(ev[0]), len(ev[1]))))
    return results


def on_terminal(sockbox, tmpdir):
    """On a terminal ss sizes its columns to the screen width; names with
    unprintable bytes are escaped (COMPAT.md, "Terminal escaping")."""
    # Through a link named ss, so the process's comm is "ss" for both (ss
    # lists its own sock_diag socket under that name).
    link = os.path.join(tmpdir, "tty", "ss")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(sockbox, link)
    sockbox = link
    results = []
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
    for cols in (80, 132, 200):
        for args in (["-tan"], ["-xa"], ["-tanp"], ["-a"], ["-tie"]):
            # Sockets can move between two runs: retry a difference.
            for _ in range(3):
                want = SELF.sub(b"", difftest.run_pty("/usr/bin/ss", "ss", args, cols, env)[0])
                got = SELF.sub(b"", difftest.run_pty(sockbox, "ss", args, cols, env)[0])
                # The one unprintable name (a path that is not UTF-8) in the
                # terminal rule's form; no other byte may change.
                want = difftest.on_terminal_right_aligned(want, scenario.BAD_UTF8_SOCK, False)
                if "i" in args[0] or "e" in args[0]:
                    want, got = TIMER.sub(rb"\1X,", SINCE.sub(rb"\1X", want)), TIMER.sub(rb"\1X,", SINCE.sub(rb"\1X", got))
                if want == got:
                    break
            results.append(("[tty %d cols] ss %s" % (cols, " ".join(args)),
                            None if want == got else "differs:\n%r\n%r" % (want[:400], got[:400])))
    return results


def cgroup_mount():
    """The first cgroup2 mount /proc/mounts lists (ss's choice), or None."""
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[2] == "cgroup2":
                return fields[1]
    return None


def cgroups(sockbox, tmpdir):
    """--cgroup and the `cgroup` filter with a listener in a cgroup of its
    own, wherever the cgroup2 mount is (here /sys/fs/cgroup/unified, with
    v1 hierarchies at /sys/fs/cgroup)."""
    import subprocess
    mount = cgroup_mount()
    if mount is None:
        return [("ss cgroup (no cgroup2 mount)", None)]
    group = os.path.join(mount, "sockbox-live-ss", "inner")
    try:
        os.makedirs(group, exist_ok=True)
    except OSError:
        group = None  # a read-only cgroup2: every socket is in "/" then
    holder = subprocess.Popen([sys.executable, "-c",
                               "import os,socket,time\n"
                               "if %r: open(%r,'w').write(str(os.getpid()))\n"
                               "s=socket.socket(); s.bind(('127.0.0.1', 4545)); s.listen()\n"
                               "print('ready', flush=True); time.sleep(30)" % (group is not None, os.path.join(group or "", "cgroup.procs"))],
                              stdout=subprocess.PIPE)
    try:
        holder.stdout.readline()
        results = []
        for args in (["-tln", "--cgroup"], ["-tlne"], ["-tln", "cgroup", "/sockbox-live-ss/inner"],
                     ["-tln", "cgroup", "sockbox-live-ss/inner"], ["-tln", "cgroup", "!=", "/sockbox-live-ss/inner"],
                     ["-tln", "cgroup", "/"], ["-tln", "cgroup", "//"], ["-tln", "cgroup", "/sockbox-live-ss/nosuch"],
                     ["-tln", "cgroup", group or mount], ["-tln", "cgroup", "/tmp"]):
            for as_nobody in (False, True):
                results.append(("%sss %s" % ("[nobody] " if as_nobody else "", " ".join(args)),
                                difftest.compare("ss", "/usr/bin/ss", sockbox, args, as_nobody, tmpdir, mask)))
        return results
    finally:
        holder.kill()
        holder.wait()
        if group is not None:
            os.rmdir(group)
            os.rmdir(os.path.dirname(group))


def extras(sockbox, tmpdir):
    return (named_netns(sockbox, tmpdir) + kill_dump_events(sockbox, tmpdir) + on_terminal(sockbox, tmpdir)
            + cgroups(sockbox, tmpdir))


CASES = {
    "tool": "ss",
    "real": "/usr/bin/ss",
    "mask": mask,
    "sets": [(a, False) for a in OPTION_SETS] + [(a, True) for a in UNPRIVILEGED_SETS],
}

if __name__ == "__main__":
    difftest.main("live_ss", __file__, CASES, extras)
