#!/usr/bin/python3
"""Live test of hostile names: processes and sockets named to attack a
terminal (scenario.py's HOSTILE: newlines, escape sequences, other control
bytes, DEL, invalid UTF-8, C1 controls, bidi overrides, very long names,
parentheses, backslashes, printable UTF-8) and a veth pair with such names.

As root, from anywhere:

    compat-tests/live_hostile.py            (SOCKBOX_BIN overrides the binary)

1. In a pipe, every command prints the real tool's bytes exactly (stdout,
   stderr, exit status), in the C and the C.UTF-8 locale.
2. On a terminal (difftest.run_pty), sockbox's output holds no control
   byte but CR LF, no DEL, and in the C locale no byte >= 0x80; in C.UTF-8
   it is valid UTF-8 without C1 or bidi controls. And it is the real tool's
   terminal output with each hostile string in the escaped form of the
   terminal rule (COMPAT.md, "Terminal escaping"), compared word by word
   (an escaped name is longer, so padding and ss's column layout move).
"""

import atexit
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402
import scenario  # noqa: E402

# A veth pair; the peer stays down so the counters stay still.
IFACES = [b"\x1b[7mv\xff\xc2\x9b", "vp\u202e\u0085".encode()]

PIPE_SETS = {
    "netstat": [["-tanp"], ["-tlnp"], ["-xap"], ["-xlp"], ["-anp"], ["-i"], ["-ia"], ["-ie"], ["-uanp"], ["-rn"],
                ["-rne"], ["-rnee"], ["-rn", "-A", "inet6"]],
    "ss": [["-tanp"], ["-tlnp"], ["-xap"], ["-xlp"], ["-ap"], ["-0ap"], ["-uanp"], ["-xa", "src", "*L*"],
           ["-f", "netlink", "-a"]],
    "lsof": [["-i", "-n", "-P"], ["-i"], ["-U"], ["-U", "-n"], ["-i", "-F"], ["-U", "-F0"], ["-U", "-a", "-c", "/^c/"]],
}
TTY_SETS = {
    "netstat": [["-tanp"], ["-xap"], ["-ia"], ["-rnee"]],
    "ss": [["-tanp"], ["-xap"], ["-0ap"], ["-uan"], ["-f", "netlink"]],
    "lsof": [["-i", "-n", "-P"], ["-U"]],
}
LOCALES = ["C", "C.UTF-8"]
REAL = {"netstat": "/usr/bin/netstat", "ss": "/usr/bin/ss", "lsof": "/usr/bin/lsof"}
SELF = re.compile(rb"^.*(?:tcpdiag:ss/\d+| 4:[1-9]\d*) .*\n", re.M)  # ss's own sock_diag socket


def mask(_args, data):
    return SELF.sub(b"", data)


def setup():
    def ip(*args):
        subprocess.run(["ip"] + list(args), check=True)
    ip("link", "add", IFACES[0], "type", "veth", "peer", "name", IFACES[1])
    ip("link", "set", IFACES[0], "up")
    ip("addr", "add", "10.77.0.1/24", "dev", IFACES[0])  # a route through it (netstat -r)
    ip("-6", "addr", "add", "2001:db8:77::1/64", "dev", IFACES[0], "nodad")
    # A packet socket bound to the peer (ss names it as the port; Python
    # takes only UTF-8 names there) and a UDP socket bound to the first
    # (ss shows `ADDR%DEV`).
    holder = subprocess.Popen([sys.executable, "-c",
                               "import socket,sys,time\n"
                               "dev,peer=%r\n"
                               "p=socket.socket(socket.AF_PACKET,socket.SOCK_DGRAM,socket.htons(0x86dd))\n"
                               "p.bind((peer.decode(),0))\n"
                               "u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                               "u.setsockopt(socket.SOL_SOCKET,socket.SO_BINDTODEVICE,dev)\n"
                               "u.bind(('0.0.0.0',7199))\n"
                               "print('ready',flush=True); time.sleep(3600)\n" % (IFACES,)],
                              stdout=subprocess.PIPE)
    if holder.stdout.readline() != b"ready\n":
        sys.exit("live_hostile: the device's sockets could not be made")
    atexit.register(holder.kill)


def hostile_strings():
    """Each hostile string as the tools print it: socket paths and abstract
    names, comm (ss, up to its first ')'), netstat's PID/program cut to 19
    bytes, interface names."""
    found = []
    for i, (argv0, comm, name) in enumerate(scenario.HOSTILE):
        with open(os.path.join(scenario.UNIX_DIR, "ready.hostile%d" % i)) as f:
            pid = int(f.read())
        comm = comm[:15].split(b")")[0]
        prog = argv0.rsplit(b"/", 1)[-1] if argv0.startswith(b"/") else argv0
        for path in (os.fsencode(scenario.UNIX_DIR) + b"/" + name, b"@" + name):
            # netstat's path ends at the first blank (a newline even splits
            # the kernel's line).
            found += [path, re.split(rb"[\t\n ]", path)[0]]
        found += [comm, (b"%d/" % pid + prog)[:19]]
    # Only those that need escaping somewhere (a plain "x" is no marker).
    found += IFACES + [i[:6] for i in IFACES] + [scenario.BAD_UTF8_SOCK]  # netstat -ree cuts at 6
    return [s for s in found if any(difftest.terminal_form(s, u) != s for u in (False, True))]


def worded(data, strings, utf8):
    """The words of data, each hostile string (raw, or in its escaped form)
    made one word of its own."""
    ids = {}
    for n, s in enumerate(strings):
        for form in (s, difftest.terminal_form(s, utf8)):
            ids.setdefault(form, b"\0%d\0" % n)
    pattern = re.compile(b"|".join(re.escape(f) for f in sorted(ids, key=len, reverse=True)))
    return pattern.sub(lambda m: ids[m.group(0)], data.replace(b"\r\n", b"\n")).split()


def unsafe(data, utf8):
    """What on a terminal's screen must not be there, or None."""
    data = data.replace(b"\r\n", b"\n")
    if not utf8:
        bad = re.search(rb"[^\n\x20-\x7e]", data)
        return bad and "byte %r at %d" % (bad.group(0), bad.start())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8: %s" % e
    for i, c in enumerate(text):
        cp = ord(c)
        if (cp < 0x20 and c != "\n") or 0x7F <= cp < 0xA0 or cp in difftest.BIDI:
            return "U+%04X at %d" % (cp, i)
    return None


def on_terminal(sockbox, tmpdir):
    results = []
    strings = hostile_strings()
    for tool, sets in TTY_SETS.items():
        # Through a link named after the tool (ss lists itself by comm).
        link = os.path.join(tmpdir, "tty", tool)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.lexists(link):
            os.symlink(sockbox, link)
        for loc in LOCALES:
            env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": loc}
            utf8 = loc != "C"
            for args in sets:
                label = "[tty %s] %s %s" % (loc, tool, " ".join(args))
                for _ in range(3):
                    want, want_rc = difftest.run_pty(REAL[tool], tool, args, 200, env)
                    got, got_rc = difftest.run_pty(link, tool, args, 200, env)
                    want, got = mask(args, want.replace(b"\r\n", b"\n")), mask(args, got.replace(b"\r\n", b"\n"))
                    problem = unsafe(got, utf8)
                    w, g = worded(want, strings, utf8), worded(got, strings, utf8)
                    if problem is None and w == g and want_rc == got_rc:
                        break
                if problem is not None:
                    results.append((label, "unsafe on a terminal: %s\n%r" % (problem, got[:600])))
                elif w != g or want_rc != got_rc:
                    k = next((k for k, (a, b) in enumerate(zip(w, g)) if a != b), min(len(w), len(g)))
                    results.append((label, "differs at word %d (rc %d/%d): %r / %r" % (
                        k, want_rc, got_rc, w[max(0, k - 3):k + 4], g[max(0, k - 3):k + 4])))
                else:
                    results.append((label, None))
    return results


def in_pipes(sockbox, tmpdir):
    results = []
    for tool, sets in PIPE_SETS.items():
        for loc in LOCALES:
            for args in sets:
                diff = difftest.compare(tool, REAL[tool], sockbox, args, False, tmpdir, mask, {"LC_ALL": loc})
                results.append(("[pipe %s] %s %s" % (loc, tool, " ".join(args)), diff))
    return results


def extra(sockbox, tmpdir):
    return in_pipes(sockbox, tmpdir) + on_terminal(sockbox, tmpdir)


if __name__ == "__main__":
    difftest.main("live_hostile", __file__, {
        "tool": "netstat", "real": "/usr/bin/netstat", "mask": mask, "sets": [],
        "setup": setup, "scenario_args": ["--hostile"], "isolated": True,
    }, extra)
