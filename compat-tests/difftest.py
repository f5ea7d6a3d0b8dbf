#!/usr/bin/python3
"""Shared machinery of the live differential tests (live_netstat.py,
live_ss.py): re-run inside a fresh network namespace, start the scenario,
run the real tool and sockbox back to back with argv[0] = the tool's name,
compare stdout, stderr and exit status byte for byte after the given
masks, retry a difference up to 3 times (kernel state can move between two
runs), and report unified diffs.
"""

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def run(tool, binary, args, as_nobody, tmpdir, env_extra=None):
    env = {"PATH": tmpdir + ":/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
    env.update(env_extra or {})
    link = os.path.join(tmpdir, tool)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(binary, link)
    cmd = [tool] + args
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
    # stdin is empty: `ss -F -` (or -F before any option word) reads it.
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.stdout, p.stderr, p.returncode


def run_for(tool, binary, args, tmpdir, seconds):
    """(stdout, stderr) of a command that repeats until stopped (`-c`),
    stopped after `seconds`; argv[0] is the tool's name as in run()."""
    link = os.path.join(tmpdir, tool)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(binary, link)
    p = subprocess.Popen([tool] + args, env={"PATH": tmpdir + ":/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(seconds)
    p.terminate()
    return p.communicate()


def run_pty(binary, argv0, args, cols, env=None):
    """stdout and stderr of `binary` run as `argv0` on a fresh terminal of
    50 rows and `cols` columns, as read from the master side (so each
    newline arrives as CRLF), and its exit status."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        # The size is set before exec, so the tool cannot start before it.
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
        if env is None:
            os.execv(binary, [argv0] + args)
        os.execve(binary, [argv0] + args, env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return out, os.waitstatus_to_exitcode(status)


# The terminal rule (COMPAT.md, "Terminal escaping"), restated as the
# tests' oracle: how netstat and ss show a user's string on a terminal.
BIDI = {0x061C, 0x200E, 0x200F} | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def _chars(s, utf8):
    """(bytes, prints as itself) for each character of s."""
    i = 0
    while i < len(s):
        if utf8 and s[i] >= 0x80:
            for n in (2, 3, 4):
                try:
                    cp = ord(s[i:i + n].decode("utf-8"))
                except UnicodeDecodeError:
                    continue
                yield s[i:i + n], cp >= 0xA0 and cp not in BIDI and cp not in (0x2028, 0x2029)
                i += n
                break
            else:
                yield s[i:i + 1], False
                i += 1
            continue
        yield s[i:i + 1], 0x20 <= s[i] < 0x7F
        i += 1


def _escape_byte(b):
    named = {0x08: b"\\b", 0x0C: b"\\f", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x5C: b"\\\\"}
    if b in named:
        return named[b]
    if b < 0x20:
        return b"^" + bytes([b + 0x40])
    return b"\\x%02x" % b


def terminal_form(s, utf8):
    """s as netstat and ss show it on a terminal (utf8: in a UTF-8 locale)."""
    units = list(_chars(s, utf8))
    if all(ok for _, ok in units):
        return s
    return b"".join(u if ok and u != b"\\" else b"".join(_escape_byte(b) for b in u) for u, ok in units)


def on_terminal_right_aligned(data, raw, utf8):
    """data (a tool's terminal output) with each right-aligned `raw` in its
    terminal form, the growth taken from the blanks before it (so the
    columns stay where they were); unchanged where there are too few."""
    form = terminal_form(raw, utf8)
    grow = len(form) - len(raw)
    return data.replace(b" " * grow + raw, form)


def compare(tool, real, sockbox, args, as_nobody, tmpdir, mask, env_extra=None, sockbox_env=None):
    """Runs both; None when equal after `mask`, else a readable diff.
    sockbox_env: more environment for sockbox only (SOCKBOX_ROOT)."""
    for _ in range(3):
        want = run(tool, real, args, as_nobody, tmpdir, env_extra)
        got = run(tool, sockbox, args, as_nobody, tmpdir, dict(env_extra or {}, **(sockbox_env or {})))
        want = (mask(args, want[0]), mask(args, want[1]), want[2])
        got = (mask(args, got[0]), mask(args, got[1]), got[2])
        if want == got:
            return None
        time.sleep(0.2)
    report = []
    for name, w, g in (("stdout", want[0], got[0]), ("stderr", want[1], got[1])):
        if w != g:
            report.extend(difflib.unified_diff(
                w.decode("utf-8", "backslashreplace").splitlines(),
                g.decode("utf-8", "backslashreplace").splitlines(),
                tool + " " + name, "sockbox " + name, lineterm="", n=1))
    if want[2] != got[2]:
        report.append("exit status: %s %d, sockbox %d" % (tool, want[2], got[2]))
    return "\n".join(report[:40])


def sockbox_binary():
    return os.path.abspath(os.environ.get("SOCKBOX_BIN", os.path.join(REPO, "target", "release", "sockbox")))


def isolated(argv):
    """`argv` away from the rest of the machine: a pid namespace with its
    own /proc (the tools see only the test's processes), and socket hash
    tables of its own (set in a parent namespace made for the purpose:
    /proc/net/tcp and sock_diag walk the whole shared table, every other
    namespace's sockets included; kernels before 6.1 lack these sysctls and
    share the tables: slower, still correct)."""
    return ["unshare", "-n", "sh", "-c",
            "sysctl -qw net.ipv4.tcp_child_ehash_entries=4096 net.ipv4.udp_child_hash_entries=4096 2>/dev/null; "
            "exec unshare -n -p -f -m --mount-proc \"$@\"", "sh"] + argv


def report(name, results, shown=None):
    """Prints each failed (label, diff) of `results` and the tally (the
    first `shown` failed labels in it, all if None); the exit status."""
    failed = [label for label, diff in results if diff is not None]
    for label, diff in results:
        if diff is not None:
            print("FAIL %s\n%s\n" % (label, diff))
    print("%s: %d passed, %d failed%s" % (name, len(results) - len(failed), len(failed),
                                         (": " + ", ".join(failed[:shown])) if failed else ""))
    return 1 if failed else 0


def main(name, script, cases, extra=None):
    """cases: {"tool", "real", "mask", "sets": list of (args, as_nobody),
    optionally "setup" (run in the namespace first), "scenario_args" and
    "isolated"};
    mask(args, bytes) -> bytes; extra(sockbox, tmpdir) -> list of (label,
    diff or None)."""
    sockbox = sockbox_binary()
    if not os.access(sockbox, os.X_OK):
        sys.exit("%s: no sockbox binary at %s (build it first)" % (name, sockbox))
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        sys.exit(inside(name, sockbox, cases, extra))
    if os.geteuid() != 0:
        sys.exit("%s: needs root (unshare -n)" % name)
    env = dict(os.environ, SOCKBOX_BIN=sockbox)
    argv = [sys.executable, os.path.abspath(script), "--inside"]
    if cases.get("isolated"):
        argv = isolated(argv)
    else:
        argv = ["unshare", "-n"] + argv
    sys.exit(subprocess.run(argv, env=env).returncode)


def inside(name, sockbox, cases, extra):
    tool, real, mask = cases["tool"], cases["real"], cases["mask"]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    if cases.get("setup"):
        cases["setup"]()
    tmpdir = tempfile.mkdtemp(prefix="sockbox-live-")
    os.chmod(tmpdir, 0o755)
    ready = os.path.join(tmpdir, "ready")
    scenario = subprocess.Popen([sys.executable, os.path.join(HERE, "scenario.py"), "--ready-file", ready]
                                + cases.get("scenario_args", []))
    try:
        deadline = time.time() + 30
        while not os.path.exists(ready):
            if scenario.poll() is not None or time.time() > deadline:
                print("%s: the scenario did not start" % name)
                return 1
            time.sleep(0.05)
        passed, failed = 0, []
        for args, as_nobody in cases["sets"]:
            diff = compare(tool, real, sockbox, args, as_nobody, tmpdir, mask)
            label = ("[nobody] " if as_nobody else "") + tool + " " + " ".join(args)
            if diff is None:
                passed += 1
            else:
                failed.append(label)
                print("FAIL %s\n%s\n" % (label, diff))
        for label, diff in (extra(sockbox, tmpdir) if extra else []):
            if diff is None:
                passed += 1
            else:
                failed.append(label)
                print("FAIL %s\n%s\n" % (label, diff))
        print("%s: %d passed, %d failed%s" % (name, passed, len(failed), (": " + ", ".join(failed)) if failed else ""))
        return 1 if failed else 0
    finally:
        scenario.terminate()
        scenario.wait()
        shutil.rmtree(tmpdir, ignore_errors=True)
