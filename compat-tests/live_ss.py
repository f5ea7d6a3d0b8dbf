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
- for -s, the `Total:` count (/proc/net/sockstat's "sockets used"): every
  sock_diag socket a run opens is still counted, for a while, by the next.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

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
    ["-tm"], ["-um"], ["-xm"], ["-0m"], ["-f", "netlink", "-m"], ["-tmO"], ["-am"], ["-tame"], ["-t", "--tos"],
    ["-ta", "--tos", "-e"], ["-t", "--cgroup"], ["-ta", "--inet-sockopt"], ["-ta", "--inet-sockopt", "-O"],
    ["-ua", "--inet-sockopt"], ["--memory", "-x"],
    ["-tlT"], ["-xaT"], ["-0b"], ["-0bO"], ["-0be"], ["-tab"], ["--bpf", "-a"], ["--threads", "-u"],
    ["-N", "nosuchns", "-t"],
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
    ["-ta", "-F", FILTER_FILE], ["-ta", "-F", "/nonexistent/filter"], ["-ta", "sport", "eq", ":3306", "||", "dport", "==", ":3306"],
    ["-ta", "sport", "geq", ":9000", "&&", "sport", "leq", ":9300"], ["-ta", "sport", "lt", ":100", "&", "sport", "gt", ":20"],
    ["-ta", "src", "localhost"], ["-ua", "dst", "127.0.0.1:5353"], ["-ua", "sport", "=", ":domain"],
    ["-ta", "src", "127.0.0.1:ssh", "or", "src", "127.0.0.1:22"], ["-ta", "src", "*:8080"], ["-ta", "src", "127/8"],
]

UNPRIVILEGED_SETS = [["-tanp"], ["-xp"], ["-uap"], ["-a"]]

SELF = re.compile(rb"^.*(?:tcpdiag:ss/\d+| 4:[1-9]\d*) .*\n", re.M)
TIMER = re.compile(rb"(timer:\([a-z]+,)[0-9.a-z]*,")
TRAILING = re.compile(rb"[ ]+$", re.M)


TOTAL = re.compile(rb"^Total: \d+$", re.M)


def mask(args, data):
    data = SELF.sub(b"", data)
    if "-s" in args or "--summary" in args:
        data = TOTAL.sub(b"Total: X", data)
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
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


CASES = {
    "tool": "ss",
    "real": "/usr/bin/ss",
    "mask": mask,
    "sets": [(a, False) for a in OPTION_SETS] + [(a, True) for a in UNPRIVILEGED_SETS],
}

if __name__ == "__main__":
    difftest.main("live_ss", __file__, CASES, named_netns)
