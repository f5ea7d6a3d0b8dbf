#!/usr/bin/python3
"""Live differential test: real net-tools netstat against sockbox's netstat.

As root, from anywhere:

    compat-tests/live_netstat.py            (SOCKBOX_BIN overrides the binary)

In a fresh network namespace with compat-tests/scenario.py running, every
option set below runs through the real netstat and through sockbox, back to
back, and stdout, stderr and exit status must be identical (difftest.py).
A subset runs as `nobody`, where netstat cannot read other users' fds.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

OPTION_SETS = [
    [],
    ["-t"], ["-u"], ["-w"], ["-x"], ["-U"], ["-l"], ["-a"], ["-n"], ["-p"], ["-e"], ["-ee"],
    ["-o"], ["-W"], ["-4"], ["-6"], ["-v"], ["-N"], ["-c", "-V"],
    ["--numeric-hosts", "-a"], ["--numeric-ports", "-a"], ["--numeric-users", "-ae"],
    ["-A", "inet"], ["-A", "inet6"], ["-A", "unix"], ["-A", "inet,inet6"], ["-A", "bogus"],
    ["-A", "inet,bogus"], ["-A", "inet,unix", "-a"], ["--protocol=inet6", "-a"], ["-Aip6"],
    ["--tcp"], ["--udp", "--all"], ["--raw", "--all"], ["--unix", "--listening"], ["--listening"],
    ["--all", "--numeric"], ["--programs", "-a"], ["--extend", "--all"], ["--timers", "-a"],
    ["--wide", "-a"], ["--inet", "-a"], ["--inet6", "-a"], ["--udplite", "-a"], ["--prog", "--numer", "-a"],
    ["-tulpn"], ["-tanp"], ["-tanpeo"], ["-uanpe"], ["-xap"], ["-xlp"], ["-anW"], ["-tn6"],
    ["-aA", "inet6"], ["-tlpe"], ["-wanpe"], ["-aeeW"], ["-an", "--numeric-users"], ["-Uanpe"],
    ["-tua4"], ["-xa6"], ["-av"], ["-tS"], ["-ta", "extra", "words"], ["--", "-t"],
    ["--ddp"], ["--tcpip"], ["--x25"], ["-2"], ["--bluetooth"], ["-M"], ["-Z"],
    ["-y"], ["--ash"], ["--num"], ["--in"], ["-A"], ["--protocol"], ["--tcp=1"], ["-r", "-i"],
    ["-V"], ["-h"], ["-?"], ["--version"], ["--help"],
]

# Sets that also run as `nobody`.
UNPRIVILEGED_SETS = [["-tanp"], ["-xp"], ["-uap"], ["-tlpe"], ["-anp"], ["-tulpen"], ["-xap"], ["-tulpn"]]

# Timer values count down between two runs: for -o only, the number inside
# a running timer's parentheses is masked on both sides before comparing.
TIMER = re.compile(rb"((?:on\d?|keepalive|timewait|probe|unkn-\d+) \()\d+\.\d\d/")


def wants_timers(args):
    return any(a == "--timers" or (a.startswith("-") and not a.startswith("--") and "o" in a) for a in args)


def mask(args, data):
    return TIMER.sub(rb"\1X/", data) if wants_timers(args) else data


def continuous(sockbox, tmpdir):
    """`-c` repeats the listing every second: compare the first rounds."""
    # rounds at 0 s, 1 s and 2 s
    outs = [difftest.run_for("netstat", b, ["-tlnc"], tmpdir, 2.5) for b in ("/usr/bin/netstat", sockbox)]
    header = b"Active Internet connections (only servers)\n"
    rounds = outs[0][0].count(header)
    if rounds < 2:
        return [("netstat -tlnc", "netstat -c printed %d rounds in 2.5 s" % rounds)]
    if outs[0] != outs[1]:
        return [("netstat -tlnc", "netstat -tlnc differs: %d vs %d rounds" % (rounds, outs[1][0].count(header)))]
    return [("netstat -tlnc", None)]


CASES = {
    "tool": "netstat",
    "real": "/usr/bin/netstat",
    "mask": mask,
    "sets": [(a, False) for a in OPTION_SETS] + [(a, True) for a in UNPRIVILEGED_SETS],
}

if __name__ == "__main__":
    difftest.main("live_netstat", __file__, CASES, continuous)
