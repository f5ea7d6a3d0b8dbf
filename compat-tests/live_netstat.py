#!/usr/bin/python3
"""Live differential test: real net-tools netstat against sockbox's netstat.

As root, from anywhere:

    compat-tests/live_netstat.py            (SOCKBOX_BIN overrides the binary)

It re-runs itself inside a fresh network namespace (`unshare -n`), starts
compat-tests/scenario.py there, then for every option set runs the real
netstat and sockbox back to back and compares stdout, stderr and exit status
byte for byte. Both run with argv[0] = "netstat" (error messages carry it).
A difference is retried up to 3 times (kernel state can move between two
runs) before it counts as a failure, shown as a unified diff. A subset runs
as `nobody`, where netstat cannot read other users' fds.
"""

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
REAL = "/usr/bin/netstat"

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
UNPRIVILEGED_SETS = [["-tanp"], ["-xp"], ["-uap"], ["-tlpe"], ["-anp"]]

# Timer values count down between two runs: for -o only, the number inside
# a running timer's parentheses is masked on both sides before comparing.
TIMER = re.compile(rb"((?:on\d?|keepalive|timewait|probe|unkn-\d+) \()\d+\.\d\d/")


def wants_timers(args):
    return any(a == "--timers" or (a.startswith("-") and not a.startswith("--") and "o" in a) for a in args)


def run(binary, args, as_nobody, tmpdir):
    env = {"PATH": tmpdir + ":/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
    link = os.path.join(tmpdir, "netstat")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(binary, link)
    cmd = ["netstat"] + args
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return p.stdout, p.stderr, p.returncode


def compare(sockbox, args, as_nobody, tmpdir):
    mask = wants_timers(args)
    for attempt in range(3):
        want = run(REAL, args, as_nobody, tmpdir)
        got = run(sockbox, args, as_nobody, tmpdir)
        if mask:
            want = (TIMER.sub(rb"\1X/", want[0]),) + want[1:]
            got = (TIMER.sub(rb"\1X/", got[0]),) + got[1:]
        if want == got:
            return None
        time.sleep(0.2)
    report = []
    for name, w, g in (("stdout", want[0], got[0]), ("stderr", want[1], got[1])):
        if w != g:
            report.extend(difflib.unified_diff(
                w.decode("utf-8", "backslashreplace").splitlines(),
                g.decode("utf-8", "backslashreplace").splitlines(),
                "netstat " + name, "sockbox " + name, lineterm="", n=1))
    if want[2] != got[2]:
        report.append("exit status: netstat %d, sockbox %d" % (want[2], got[2]))
    return "\n".join(report[:40])


def continuous(sockbox, tmpdir):
    """`-c` repeats the listing every second: compare the first rounds."""
    outs = []
    for binary in (REAL, sockbox):
        link = os.path.join(tmpdir, "netstat")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(binary, link)
        p = subprocess.Popen(["netstat", "-tlnc"], env={"PATH": tmpdir + ":/usr/bin:/bin"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(2.5)  # rounds at 0 s, 1 s and 2 s
        p.terminate()
        out, err = p.communicate()
        outs.append((out, err))
    header = b"Active Internet connections (only servers)\n"
    rounds = outs[0][0].count(header)
    if rounds < 2:
        return "netstat -c printed %d rounds in 2.5 s" % rounds
    if outs[0] != outs[1]:
        return "netstat -tlnc differs: %d vs %d rounds" % (rounds, outs[1][0].count(header))
    return None


def inside(sockbox):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    tmpdir = tempfile.mkdtemp(prefix="sockbox-live-")
    os.chmod(tmpdir, 0o755)
    ready = os.path.join(tmpdir, "ready")
    scenario = subprocess.Popen([sys.executable, os.path.join(HERE, "scenario.py"), "--ready-file", ready])
    try:
        deadline = time.time() + 30
        while not os.path.exists(ready):
            if scenario.poll() is not None or time.time() > deadline:
                print("live_netstat: the scenario did not start")
                return 1
            time.sleep(0.05)
        passed, failed = 0, []
        cases = [(a, False) for a in OPTION_SETS] + [(a, True) for a in UNPRIVILEGED_SETS]
        for args, as_nobody in cases:
            diff = compare(sockbox, args, as_nobody, tmpdir)
            label = ("[nobody] " if as_nobody else "") + "netstat " + " ".join(args)
            if diff is None:
                passed += 1
            else:
                failed.append(label)
                print("FAIL %s\n%s\n" % (label, diff))
        diff = continuous(sockbox, tmpdir)
        if diff is None:
            passed += 1
        else:
            failed.append("netstat -tlnc")
            print("FAIL netstat -tlnc\n%s\n" % diff)
        print("live_netstat: %d passed, %d failed%s" % (passed, len(failed), (": " + ", ".join(failed)) if failed else ""))
        return 1 if failed else 0
    finally:
        scenario.terminate()
        scenario.wait()
        shutil.rmtree(tmpdir, ignore_errors=True)


def main():
    sockbox = os.path.abspath(os.environ.get("SOCKBOX_BIN", os.path.join(REPO, "target", "release", "sockbox")))
    if not os.access(sockbox, os.X_OK):
        sys.exit("live_netstat: no sockbox binary at %s (build it first)" % sockbox)
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        sys.exit(inside(sockbox))
    if os.geteuid() != 0:
        sys.exit("live_netstat: needs root (unshare -n)")
    env = dict(os.environ, SOCKBOX_BIN=sockbox)
    sys.exit(subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__), "--inside"], env=env).returncode)


if __name__ == "__main__":
    main()
