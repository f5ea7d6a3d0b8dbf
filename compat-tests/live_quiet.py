#!/usr/bin/python3
"""Read-only and quiet: what sockbox asks of the kernel, under strace.

As root, from anywhere:

    compat-tests/live_quiet.py              (SOCKBOX_BIN overrides the binary)

In a fresh namespace with the scenario running, each command below runs
under `strace -f -qq -yy` (threads followed, each fd shown with what it is)
and the trace must show:

- no open of a file for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC) and no
  creat; nothing that changes the file system (mkdir, unlink, rename,
  rmdir, link, symlink, truncate, chmod, chown, mknod, utimes, xattrs);
- no connect, sendto, sendmsg or sendmmsg but on netlink sockets (ss's
  sock_diag): none of these commands resolves names (-n, or nothing to
  resolve), so no DNS either. The one exception is glibc's NSS asking its
  cache daemon over its unix socket (/var/run/nscd/socket) for a user name
  (lsof's USER column), which the real lsof does alike: local, not network;
- no write but to stdout and stderr (or netlink);
- and the command exits 0 with output, as without strace.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

COMMANDS = [
    ["netstat", "-tanp"], ["netstat", "-rn"], ["netstat", "-i"], ["netstat", "-s"], ["netstat", "-xp"],
    ["ss", "-tanp"], ["ss", "-s"], ["ss", "-xp"], ["ss", "-uanp"],
    ["lsof", "-i", "-n", "-P"], ["lsof", "-U"],
]

CHANGES_FILES = ["creat", "mkdir", "mkdirat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "rmdir",
                 "link", "linkat", "symlink", "symlinkat", "truncate", "ftruncate", "chmod", "fchmod", "fchmodat",
                 "fchmodat2", "chown", "fchown", "fchownat", "lchown", "mknod", "mknodat", "utime", "utimes",
                 "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr",
                 "fremovexattr", "fallocate", "sync_file_range", "mount", "umount2"]
OPENS = ["open", "openat", "openat2"]
SENDS = ["connect", "sendto", "sendmsg", "sendmmsg"]
WRITES = ["write", "writev", "pwrite64", "pwritev", "pwritev2"]

CALL = re.compile(r"^(?:\d+ +)?(?:<\.\.\. )?([a-z0-9_]+)\(?")
WRITE_FLAGS = re.compile(r"\bO_(?:WRONLY|RDWR|CREAT|TRUNC)\b")
FD = re.compile(r"^(?:\d+ +)?[a-z0-9_]+\((\d+)<([^>]*)>")
NSCD = re.compile(r'connect\(\d+<UNIX[^>]*>, \{sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"\}')


def violations(trace):
    """What in a strace log breaks the rules above."""
    bad = []
    for line in trace.splitlines():
        m = CALL.match(line)
        if not m or "resumed>" in line:
            continue  # a call's arguments are on its first line
        call = m.group(1)
        if call in CHANGES_FILES:
            bad.append(line)
        elif call in OPENS:
            if WRITE_FLAGS.search(line):
                bad.append(line)
        elif call in SENDS or call in WRITES:
            fd = FD.match(line)
            if fd and fd.group(2).startswith("NETLINK"):
                continue
            if call in WRITES and fd and fd.group(1) in ("1", "2"):
                continue
            if call == "connect" and NSCD.search(line):
                continue
            bad.append(line)
    return bad


def quiet(sockbox, tmpdir):
    results = []
    log = os.path.join(tmpdir, "strace.log")
    for argv in COMMANDS:
        link = os.path.join(tmpdir, argv[0])
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(sockbox, link)
        # Every call is traced (strace may not know the newest names).
        p = subprocess.run(["/usr/bin/strace", "-f", "-qq", "-yy", "-s", "256", "-o", log, link] + argv[1:], env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        with open(log) as f:
            trace = f.read()
        bad = violations(trace)
        label = "strace: " + " ".join(argv)
        if p.returncode != 0 or not p.stdout:
            results.append((label, "exit %d, %d bytes out, stderr %r" % (p.returncode, len(p.stdout), p.stderr[:200])))
        elif bad:
            results.append((label, "%d forbidden calls:\n%s" % (len(bad), "\n".join(bad[:10]))))
        elif "open" not in trace:
            results.append((label, "strace saw no open at all: not traced?"))
        else:
            results.append((label, None))
    # The checker itself: each kind of forbidden call is caught.
    samples = ['openat(AT_FDCWD</>, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</tmp/x>',
               '12 unlink("/tmp/x") = -1 ENOENT (No such file or directory)',
               'connect(3<UDP:[1234]>, {sa_family=AF_INET, sin_port=htons(53)}, 16) = 0',
               'sendto(3<TCP:[1234]>, "x", 1, 0, NULL, 0) = 1',
               'write(4</tmp/y>, "x", 1) = 1']
    allowed = ['sendto(3<NETLINK:[SOCK_DIAG:123]>, "...", 72, 0, NULL, 0) = 72', 'write(1<pipe:[5]>, "x", 1) = 1',
               'openat(AT_FDCWD</>, "/proc/net/tcp", O_RDONLY|O_CLOEXEC) = 3</proc/net/tcp>']
    caught = [s for s in samples if violations(s)] == samples and not violations("\n".join(allowed))
    results.append(("strace checker catches what it should", None if caught else "checker is broken"))
    return results


if __name__ == "__main__":
    difftest.main("live_quiet", __file__, {
        "tool": "netstat", "real": "/usr/bin/netstat", "mask": lambda _a, b: b, "sets": [], "isolated": True,
    }, quiet)
