#!/usr/bin/python3
"""Live differential test: real lsof 4.95.0 against sockbox's lsof.

As root, from anywhere:

    compat-tests/live_lsof.py               (SOCKBOX_BIN overrides the binary)

In a fresh network namespace with compat-tests/scenario.py running (several
processes, one as nobody, names with spaces, every TCP state, v4/v6/
v4-mapped, UDP bound and connected, UDP-Lite, unix sockets of every kind),
every invocation below runs through the real lsof and through sockbox back
to back; stdout, stderr and exit status must be identical (difftest.py).
Nothing is masked: lsof's output holds no times or counters.

Extra checks: the repeat modes (-r with a cycle count and a marker format;
+r), and sockbox's refusal of selections that would list other files.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

# Names for the file-argument cases: links to nothing, absolute and
# relative, a link to a folder, a loop, and a name with odd bytes.
LINKS = "/tmp/sockbox-live-lsof-links"
os.makedirs(LINKS + "/real", exist_ok=True)
for _name, _target in (("abs", "/nonexistent-sockbox"), ("rel", "nowhere/x"), ("dir", LINKS + "/real"),
                       ("loop-a", "loop-b"), ("loop-b", "loop-a")):
    if not os.path.lexists(os.path.join(LINKS, _name)):
        os.symlink(_target, os.path.join(LINKS, _name))

INVOCATIONS = [
    # -i grammar
    ["-i"], ["-i", "-n"], ["-i", "-n", "-P"], ["-i4"], ["-i6"], ["-i4", "-i6"], ["-i", "4"], ["-i6", "-n", "-P"],
    ["-iTCP"], ["-iudp"], ["-iUDPlite", "-nP"], ["-i", ":80"], ["-i:8080", "-P"], ["-i", "TCP:80,3306"],
    ["-i", ":1-1000", "-nP"], ["-i", ":http"], ["-i", "tcp:http-alt"], ["-i", "@127.0.0.1"], ["-i", "@[::1]", "-n"],
    ["-i", "4@127.0.0.1:8080"], ["-i", "6TCP"], ["-i4", "-i", "UDP"], ["-i", "@[::ffff:127.0.0.1]:80"],
    ["-i", "@localhost:22", "-nP"], ["-i", ":9999"], ["-i", "TCP:9999", "-i", "UDP:5353"], ["-i", "TCP:22-http"],
    ["-i", ":70000"], ["-i", "-i", ":5432"],
    # -i errors
    ["-i", "foo"], ["-i", ":"], ["-i", ":80-22"], ["-i", ":http-22"], ["-i", "6@127.0.0.1"], ["-i", "4@[::1]"],
    ["-i", "@"], ["-i", "@nosuchhost.invalid"], ["-i", ":nosuchservice"], ["-i", "TCP:nosuchsvc"], ["-i", "@[::]"],
    ["-i", "/dev/null"], ["-i", "4@"],
    # -U
    ["-U"], ["-U", "-n"], ["-U", "-a", "-c", "unixd"], ["-U", "-T"], ["-U", "-Tq"], ["-i", "-U", "-nP"],
    ["-a", "-i", "-U"],
    # selectors ANDed
    ["-i", "-a", "-c", "nginx"], ["-i", "-a", "-c", "^nginx", "-nP"], ["-i", "-a", "-c", "/^post/"],
    ["-i", "-a", "-c", "/MY/i"], ["-i", "-a", "-u", "nobody"], ["-i", "-a", "-u", "^root"], ["-i", "-a", "-u", "65534"],
    ["-i", "-a", "-u", "0,nobody", "-nP"], ["-i", "-a", "-g", "1"], ["-i", "-a", "-d", "3-5"], ["-i", "-a", "-d", "^3"],
    ["-U", "-a", "-d", "0-100"], ["-i", "-c", "^postgres"], ["-i", "-p", "^1"], ["-i", "-u", "^nobody", "-nP"],
    ["-i", "-a", "-c", "nosuch"], ["-i", "-a", "-u", "nosuchuser"], ["-i", "-a", "-p", "abc"], ["-i", "-a", "-d", "5-3"],
    ["-i", "-a", "-d", "3,^4"],
    # lsof's -d digit loops and +c's atoi wrap as C ints; -x takes only f and l.
    ["-i", "-a", "-d", "5-"], ["-i", "-a", "-d", "3-2147483648"], ["-i", "-a", "-d", "4294967299-4294967301"],
    ["-i", "-a", "-d", "4294967300"], ["-i", "+c", "4294967296"], ["-i", "+c", "99999999999"],
    ["-C", "-i4", "-d", "-iTCP:22-"], ["-i", "-x", "x"], ["-i", "-x", "fx"], ["-i", "-x", "lq", "-u", "nosuchuser"],
    ["-i", "-a", "-c", "a", "-c", "^a"], ["-i", "-a", "-p", "1,^1"],
    ["-i", "-a", "-c", "averyveryverylongname"], ["-a"], ["-i", "-c", "nosuch"], ["-i", "-p", "99999"], ["-i", "-u", "12345"],
    # states
    ["-i", "-sTCP:LISTEN"], ["-i", "-s", "TCP:^LISTEN", "-nP"], ["-i", "-sTCP:ESTABLISHED,CLOSE_WAIT", "-nP"],
    ["-i", "-sTCP:CLOSE"], ["-iTCP", "-sTCP:SYN_SENT", "-nP"], ["-i", "-sTCP:LISTEN", "-sTCP:^LISTEN"],
    ["-i", "-sUDP:Idle"], ["-i", "-sTCP:FOO"], ["-i", "-sTCP:TIME_WAIT"], ["-i", "-s", "-nP"], ["-i", "-sFOO:x"],
    # output options
    ["-i", "-l"], ["-i", "-R", "-nP"], ["-i", "-g", "-nP"], ["-i", "-R", "-g"], ["-i", "+c", "0"], ["-i", "+c", "3"],
    ["-i", "+c", "15", "-nP"], ["-i", "+c", "16"], ["-i", "-T"], ["-i", "-Tq", "-nP"], ["-i", "-Tqs"], ["-i", "-Tf"],
    ["-i", "-Tw"], ["-i", "-o"], ["-i", "-o", "2"], ["-i", "-s"], ["-i", "-o", "-s"], ["-i", "-w"], ["-i", "-b", "-w"],
    ["-i", "-t"], ["-U", "-t"], ["-i:9999", "-t"], ["-V", "-i", ":9999"], ["-i", "-V", "-a", "-p", "1"], ["-Q", "-i", ":9999"],
    ["-i", "-F"], ["-i", "-F0"], ["-i", "-Fpcfn"], ["-i", "-Fpn0"], ["-U", "-F"], ["-i", "-F", "pcfnT", "-nP"],
    ["-i", "-FpcuLfatdoPnT"], ["-i", "-FRg"], ["-i", "-Fz"], ["-i", "-Fx"], ["-i", "-F", "-t"], ["-i", "-F?"],
    ["-i", "-nPF", "-T"],
    # file names that do not exist (one that does is refused: see refusal_checks)
    ["-i", "--", "/nonexistent"], ["-i", "-n", "/nonexistent/", "/also/not"], ["-i", "-nP", LINKS + "/abs"],
    ["-i", "-n", LINKS + "/rel"], ["-i", "-n", LINKS + "/dir/none"], ["-i", "-n", LINKS + "/dir/../none"],
    ["-i", "-n", LINKS + "/abs/deeper"], ["-i", "-n", "relative/none"], ["-i", "-n", "a//b"],
    ["-i", "-n", "/x\x01y\xffz".encode("latin-1").decode("utf-8", "surrogateescape")], ["-p", "1", "--", "/nonexistent"],
    ["-i", "-t", "/nonexistent"], ["-i", "-F", "pn", "/nonexistent"], ["-i", "-X", "/nonexistent"], ["-U", "/nonexistent"],
    ["-i", "-a", "-c", "nginx", "/nonexistent", "-p"], ["-i", "-w", "--", "/nonexistent"], ["-a", "/nonexistent"],
    # -e: a mounted file system's path, checked
    ["-e"], ["-i", "-e", "x"], ["-i", "+e", "x"], ["-i", "-w", "-e", "x"], ["-i", "-e", "/nonexistent"],
    ["-i", "-e", "x", "-e", "y"], ["-i", "-e", "/nonexistent", "-e", "/nx2", "-e", "/nonexistent/"],
    ["-i", "-e", "/proc", "-e", "/", "-n", "/nonexistent"], ["-i", "-e", "/", "-e", "/nonexistent"],
    # option parsing
    ["-Pni", ":8080"], ["-nPi:80"], ["-i", ":80", "--"], ["-y"], ["-:"], ["-h"], ["-v"], ["-i", "-m"], ["-i", "-Z"],
    ["-i", "-X"], ["-p"], ["-u"], ["-c"], ["-d"], ["-i", "-a", "-p", "-a"], ["-i", "-a", "-u", "-n"], ["+c"],
    ["+c", "x", "-i"], ["-i", "-K", "x"], ["-i", "-D", "x"], ["-i", "-x"], ["-i", "-S", "1"], ["-i", "-L", "5"],
]

CASES = [(a, False) for a in INVOCATIONS] + [
    (["-i"], True), (["-i", "-nP"], True), (["-U"], True), (["-i", "-a", "-u", "root"], True),
    (["-i", "-n", "-P"], True), (["-u", "root", "-a", "-i"], True), (["-U", "-n"], True),
    (["-i", "-a", "-u", "nobody"], True), (["-i", "-t"], True), (["-i", "-F"], True),
]


def repeat_checks(sockbox, tmpdir):
    """-r with a cycle count (and the c-rewind quirk), a marker, and +r."""
    results = []
    for args in (["-i:80", "-nP", "-r1c2m==%%=="], ["-i:80", "-nP", "-F", "pn", "-r1c2m<%%>"],
                 ["-i:80", "-nP", "-r", "1c2"], ["-U", "-a", "-c", "nosuch", "+r1"], ["-i:80", "-nP", "-F0", "-r1c2"]):
        diff = difftest.compare("lsof", "/usr/bin/lsof", sockbox, args, False, tmpdir, lambda _a, b: b)
        results.append(("lsof " + " ".join(args), diff))
    return results


def refusal_checks(sockbox, tmpdir):
    """Selections that would list other files are refused, exit 1."""
    results = []
    for args in ([], ["-p", "1"], ["-i", "-p", "1"], ["-i", "--", "/etc/passwd"], ["-i", "-n", "/nonexistent", "/etc/passwd"],
                 ["-i", "-n", LINKS + "/loop-a"], ["-i", "-Q", "/nonexistent"], ["-i", "-b", "/nonexistent"], ["-i", "-n", ""], ["-i", "-e", "/"],
                 ["-i", "+e", "/proc//", "-nP"], ["-u", "root"], ["-i", "-K"],
                 ["-a", "-p", "1"], ["-i", "-c", "nginx"], ["-i", "-d", "3"]):
        out, err, rc = difftest.run("lsof", sockbox, args, False, tmpdir)
        ok = out == b"" and rc == 1 and err.startswith(b"lsof: sockbox lsof ") and err.count(b"\n") == 1
        results.append(("sockbox lsof refuses " + " ".join(args),
                        None if ok else "got rc=%d out=%r err=%r" % (rc, out[:80], err[:200])))
    return results


def unprivileged_pid_checks(sockbox, tmpdir):
    """As nobody, -p naming a root process (the scenario's "web" role) and
    one of nobody's own ("lowpriv")."""
    import scenario
    results = []
    for role in ("web", "lowpriv"):
        with open(os.path.join(scenario.UNIX_DIR, "ready." + role)) as f:
            pid = f.read().strip()
        for args in (["-i", "-a", "-p", pid], ["-i", "-n", "-P", "-a", "-p", pid], ["-U", "-a", "-p", pid]):
            diff = difftest.compare("lsof", "/usr/bin/lsof", sockbox, args, True, tmpdir, lambda _a, b: b)
            results.append(("[nobody] lsof %s (%s)" % (" ".join(args), role), diff))
    return results


def extra(sockbox, tmpdir):
    return repeat_checks(sockbox, tmpdir) + refusal_checks(sockbox, tmpdir) + unprivileged_pid_checks(sockbox, tmpdir)


if __name__ == "__main__":
    difftest.main("live_lsof", __file__, {
        "tool": "lsof", "real": "/usr/bin/lsof", "mask": lambda _args, b: b, "sets": CASES,
    }, extra)
