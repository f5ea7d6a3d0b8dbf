#!/usr/bin/python3
"""The static binary in an empty chroot-like folder (as root):

    compat-tests/static_chroot.py [STATIC_BINARY]

A folder holding only the binary and a bind mount of /proc (no /etc at
all), entered with chroot in a fresh mount and network namespace with a
root-owned listener on port 80: every personality must run, and degrade as
the originals do without /etc/passwd and /etc/services: numeric users and
numeric ports.
"""

import os
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def inside(binary):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    root = tempfile.mkdtemp(prefix="sockbox-chroot-")
    os.makedirs(os.path.join(root, "proc"))
    subprocess.run(["mount", "--bind", "/proc", os.path.join(root, "proc")], check=True)
    with open(binary, "rb") as src, open(os.path.join(root, "sockbox"), "wb") as dst:
        dst.write(src.read())
    os.chmod(os.path.join(root, "sockbox"), 0o755)
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("0.0.0.0", 80))
    lst.listen(1)
    checks = [
        (["netstat", "-tael"], [b"0.0.0.0:80", b" 0 "], [b":http", b" root "]),
        (["netstat", "-ta"], [b"0.0.0.0:80"], [b":http"]),
        (["ss", "-tl"], [b"0.0.0.0:80"], [b":http"]),
        (["ss", "-tlpn"], [b"0.0.0.0:80", b"users:((\"python3\""], []),
        (["lsof", "-i", "-n"], [b":80 (LISTEN)", b"       0"], [b":http", b" root "]),
        # The front door too: numeric users, the listener and its process.
        (["who", "80"], [b"(pid %d)" % os.getpid(), b"user     uid 0", b"0.0.0.0:80"], [b"user     root"]),
        (["list", "--json", "--listening", "--tcp"], [b'"local_port":80', b'"user":null'], [b'"root"']),
        (["report", "--json"], [b'"status":"ok"'], []),
    ]
    failed = 0
    for argv, want, unwanted in checks:
        p = subprocess.run(["chroot", root, "/sockbox"] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ok = p.returncode == 0 and all(w in p.stdout for w in want) and not any(u in p.stdout for u in unwanted)
        print("%s static %s" % ("ok  " if ok else "FAIL", " ".join(argv)))
        if not ok:
            failed += 1
            print(p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))
    print("static_chroot: %d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        sys.exit(inside(sys.argv[2]))
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        REPO, "target", "x86_64-unknown-linux-gnu", "release", "sockbox")
    if os.geteuid() != 0:
        sys.exit("static_chroot: needs root")
    if not os.path.exists(binary):
        sys.exit("static_chroot: no static binary at %s (make static)" % binary)
    sys.exit(subprocess.run(["unshare", "-m", "-n", sys.executable, os.path.abspath(__file__), "--inside",
                             os.path.abspath(binary)]).returncode)


if __name__ == "__main__":
    main()
