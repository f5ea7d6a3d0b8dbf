#!/usr/bin/python3
"""A varied, stable set of sockets and processes for differential tests.

Run inside a fresh network namespace (the caller does `unshare -n` and
`ip link set lo up`):

    scenario.py --ready-file F [--hostile]

It starts one process per role below, each under its own argv[0] and comm
(netstat names processes from cmdline, ss and lsof from comm), one of them
as `nobody`, waits until every role has built its sockets, writes F and
then sleeps until killed (it kills its children on SIGTERM).

The sockets cover every TCP state that can be held still on loopback, v4,
v6, dual-stack, v6-only and v4-mapped, queued bytes, UDP bound and
connected, raw v4/v6, UDP-Lite when the kernel has it, and unix sockets of
every type with odd names. Everything is deterministic for a minute (the
TIME_WAIT lifetime).

With --hostile it also starts one process per entry of HOSTILE, whose
names (argv[0], comm) and unix socket paths are built to attack a
terminal (live_hostile.py).
"""

import ctypes
import os
import signal
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
UNIX_DIR = "/tmp/sockbox-scenario"

# role -> (argv[0] the process runs under, comm, run as nobody)
ROLES = {
    "web": ("/usr/sbin/nginx: master process /etc/nginx.conf", "nginx", False),
    "db": ("postgres: main process with a long name", "postgres", False),
    "app": ("/opt/my app/bin/srv --flag", "my app srv", False),
    "unixd": ("/usr/lib/unixd", "unixd", False),
    "lowpriv": ("/usr/bin/lowpriv-daemon", "lowpriv", True),
    "shared": ("/usr/bin/forker", "forker", False),
    "states": ("states", "states", False),
}


# Names built to attack a terminal or a parser: (argv[0], comm, the name of
# a unix socket in UNIX_DIR, also bound as an abstract name). comm is cut
# to 15 bytes by the kernel; a path component holds no '/' or NUL.
HOSTILE = [
    (b"evil\nLISTEN 1/init", b"nl\nFAKE", b"nl\nFAKE.sock"),  # no leading /: netstat keeps it whole
    (b"/usr/bin/\x1b[2J\x1b[1;1Hclear", b"\x1b[31mred\x1b[0m", b"\x1b]0;title\x07.sock"),
    (b"ctl\x01\x07\x08\x7f\t\rx", b"ctl\x01\x07\x08\x7f\t\rx", b"ctl\x01\x7f\t.sock"),
    (b"bad\xff\xfe\xc3(", b"bad\xff\xfe\xc3(", b"bad\xff\xc3(.sock"),
    (b"c1\x9b2J\xc2\x9b\xc2\x85", b"c1\x9b2J\xc2\x9b", b"c1\x9b\xc2\x9b.sock"),
    ("/tmp/evil\u202egnp.exe".encode(), "rlo\u202egnp".encode(), "\u2066rlo\u202e.sock".encode()),
    (b"/usr/bin/" + b"L" * 6000, b"L" * 15, b"long\x1b" + b"L" * 70 + b".sock"),
    (b"/opt/x) (y z", b"x) (y", b"x) (y.sock"),
    (b"back\\slash\\n", b"back\\n", b"back\\x1b.sock"),
    ("caf\u00e9".encode(), "caf\u00e9".encode(), "caf\u00e9.sock".encode()),
]
# One of the "unixd" role's sockets: a path that is not UTF-8.
BAD_UTF8_SOCK = os.fsencode(UNIX_DIR) + b"/bad-\xff\xfe-utf8.sock"
HOSTILE_PORT = 7100  # entry i listens on 127.0.0.1:HOSTILE_PORT+i


def set_comm(name):
    libc = ctypes.CDLL(None)
    if isinstance(name, str):
        name = name.encode()
    libc.prctl(15, name[:15], 0, 0, 0)  # PR_SET_NAME


KEEP = []


def keep(*socks):
    KEEP.extend(socks)
    return socks[0] if len(socks) == 1 else socks


def listener(family, addr, port, backlog=16, v6only=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    s.listen(backlog)
    return keep(s)


def pair(lst, family, addr, port):
    c = socket.socket(family, socket.SOCK_STREAM)
    c.connect((addr, port))
    a, _ = lst.accept()
    return keep(c, a)


def fill(sender, receiver):
    """Write until the receiver's window and our send buffer are full."""
    sender.setblocking(False)
    try:
        while True:
            sender.send(b"x" * 65536)
    except BlockingIOError:
        pass
    sender.setblocking(True)


def role_web():
    l80 = listener(socket.AF_INET, "0.0.0.0", 80)
    listener(socket.AF_INET6, "::", 80, v6only=1)
    l8080 = listener(socket.AF_INET, "127.0.0.1", 8080)
    c, a = pair(l8080, socket.AF_INET, "127.0.0.1", 8080)
    c.send(b"GET / HTTP/1.0\r\n\r\n")  # Recv-Q on the accepted side
    # A v6 socket talking to a v4 listener through a v4-mapped address.
    m = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    m.connect(("::ffff:127.0.0.1", 80))
    keep(m, l80.accept()[0])
    # Un-accepted connections: Recv-Q of the LISTEN row, children with no owner.
    lq = listener(socket.AF_INET, "127.0.0.1", 8081, backlog=8)
    for _ in range(3):
        s = socket.socket()
        s.connect(("127.0.0.1", 8081))
        keep(s)
    del lq
    # CLOSE_WAIT here, FIN_WAIT2 at the peer.
    c2, a2 = pair(l8080, socket.AF_INET, "127.0.0.1", 8080)
    c2.close()
    KEEP.remove(c2)
    # TIME_WAIT: the side that closes first keeps it (and it has no owner).
    c3, a3 = pair(l8080, socket.AF_INET, "127.0.0.1", 8080)
    a3.close()
    time.sleep(0.05)
    c3.close()
    KEEP.remove(a3)
    KEEP.remove(c3)


def role_db():
    l = listener(socket.AF_INET6, "::", 3306, v6only=0)  # dual-stack
    pair(l, socket.AF_INET, "127.0.0.1", 3306)
    c6, a6 = pair(l, socket.AF_INET6, "::1", 3306)
    fill(a6, c6)  # Send-Q here, Recv-Q at the peer
    l5432 = listener(socket.AF_INET6, "::1", 5432, v6only=1)
    pair(l5432, socket.AF_INET6, "::1", 5432)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", 5353))
    uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    uc.bind(("127.0.0.1", 40000))
    uc.connect(("127.0.0.1", 5353))
    uc.send(b"query")  # one datagram queued on :5353
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.bind(("::", 123))
    u6c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6c.connect(("::1", 123))
    keep(u, uc, u6, u6c)
    # Bound to a device: ss shows ADDR%lo (netlink only).
    ub = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ub.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    ub.bind(("0.0.0.0", 6000))
    tb = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    tb.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    tb.bind(("::", 6001))
    tb.listen(2)
    keep(ub, tb)
    keep(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
    keep(socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6))
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)
    r.connect(("127.0.0.1", 0))
    keep(r)
    try:
        ul = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 136)  # UDP-Lite
        ul.bind(("127.0.0.1", 5555))
        ul6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, 136)
        ul6.bind(("::1", 5556))
        ul6.connect(("::1", 5555))
        keep(ul, ul6)
    except OSError:
        pass


def role_app():
    l = listener(socket.AF_INET, "127.0.0.1", 22)
    pair(l, socket.AF_INET, "127.0.0.1", 22)
    l6 = listener(socket.AF_INET6, "::1", 631, v6only=1)
    pair(l6, socket.AF_INET6, "::1", 631)
    listener(socket.AF_INET, "0.0.0.0", 45678)
    x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    x.bind(os.path.join(UNIX_DIR, "app with space.sock"))
    x.listen(4)
    keep(x)


def role_unixd():
    def unix(kind, name=None, listen=False):
        s = socket.socket(socket.AF_UNIX, kind)
        if name is not None:
            s.bind(name)
        if listen:
            s.listen(4)
        return keep(s)

    stream = unix(socket.SOCK_STREAM, os.path.join(UNIX_DIR, "stream.sock"), True)
    c = unix(socket.SOCK_STREAM)
    c.connect(os.path.join(UNIX_DIR, "stream.sock"))
    keep(stream.accept()[0])
    unix(socket.SOCK_DGRAM, os.path.join(UNIX_DIR, "dgram.sock"))
    unix(socket.SOCK_SEQPACKET, os.path.join(UNIX_DIR, "seqpacket.sock"), True)
    unix(socket.SOCK_STREAM, b"\0abstract-name", True)
    unix(socket.SOCK_STREAM, b"\0abstract\0with-nul", True)
    unix(socket.SOCK_DGRAM)  # unnamed, unbound
    long_name = os.path.join(UNIX_DIR, "l" * (107 - len(UNIX_DIR) - 1))
    unix(socket.SOCK_STREAM, long_name, True)
    unix(socket.SOCK_DGRAM, BAD_UTF8_SOCK)
    keep(*socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM))
    keep(*socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM))
    keep(*socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET))
    a = unix(socket.SOCK_DGRAM)
    a.connect(os.path.join(UNIX_DIR, "dgram.sock"))
    a.send(b"queued")
    # Packet sockets: all protocols, and IPv4 bound to lo.
    raw_packet = keep(socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003)))
    # A classic BPF filter (ss -b shows it): load the ethertype, accept all.
    import struct
    insns = b"".join(struct.pack("HBBI", *i) for i in [(0x28, 0, 0, 12), (0x06, 0, 0, 0xFFFFFFFF)])
    buf = ctypes.create_string_buffer(insns)
    raw_packet.setsockopt(socket.SOL_SOCKET, 26, struct.pack("HL", 2, ctypes.addressof(buf)))  # SO_ATTACH_FILTER
    p = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    p.bind(("lo", 0))
    keep(p)


def role_lowpriv():
    l = listener(socket.AF_INET, "127.0.0.1", 7000)
    pair(l, socket.AF_INET, "127.0.0.1", 7000)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 7001))
    keep(u)


def role_shared():
    # The listener is inherited by a child: two processes hold one socket.
    listener(socket.AF_INET, "127.0.0.1", 9100)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(b"\0shared-by-two")
    s.listen(1)
    keep(s)
    if os.fork() == 0:
        set_comm("forker-child")
        while True:
            time.sleep(60)


def role_states():
    # SYN_SENT: a listener with backlog 0 whose accept queue is full drops
    # further SYNs, so those clients keep retrying.
    full = listener(socket.AF_INET, "127.0.0.1", 9200, backlog=0)
    keep(socket.create_connection(("127.0.0.1", 9200)))
    time.sleep(0.05)
    for _ in range(2):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", 9200))
        except BlockingIOError:
            pass
        keep(s)
    del full
    l = listener(socket.AF_INET, "127.0.0.1", 9300)
    # FIN_WAIT1: our FIN waits behind data the peer never reads.
    c, a = pair(l, socket.AF_INET, "127.0.0.1", 9300)
    fill(c, a)
    c.shutdown(socket.SHUT_WR)
    # LAST_ACK: the peer closed; our FIN waits behind unread data.
    c, a = pair(l, socket.AF_INET, "127.0.0.1", 9300)
    fill(a, c)
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.05)
    a.shutdown(socket.SHUT_WR)
    # CLOSING: both FINs sent, ours still queued behind data.
    c, a = pair(l, socket.AF_INET, "127.0.0.1", 9300)
    fill(c, a)
    c.shutdown(socket.SHUT_WR)  # c: FIN_WAIT1 (FIN stuck)
    time.sleep(0.05)
    a.shutdown(socket.SHUT_WR)  # a sends FIN -> c: CLOSING
    time.sleep(0.2)


def role_hostile(i):
    listener(socket.AF_INET, "127.0.0.1", HOSTILE_PORT + i)
    # A netlink socket: its port id is the pid, so ss names it `rtnl:COMM/PID`.
    n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    n.bind((0, 0))
    keep(n)
    name = HOSTILE[i][2]
    for addr in (os.fsencode(UNIX_DIR) + b"/" + name, b"\0" + name):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(addr)
        s.listen(1)
        keep(s)


def run_role(role, ready):
    if role.startswith("hostile"):
        i = int(role[len("hostile"):])
        set_comm(HOSTILE[i][1])
        role_hostile(i)
    else:
        set_comm(ROLES[role][1])
        globals()["role_" + role]()
    with open(ready, "w") as f:
        f.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        time.sleep(60)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--role":
        run_role(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) not in (3, 4) or sys.argv[1] != "--ready-file" or sys.argv[3:] not in ([], ["--hostile"]):
        sys.exit("usage: scenario.py --ready-file FILE [--hostile]")
    ready = sys.argv[2]
    roles = dict(ROLES)
    if sys.argv[3:]:
        roles.update(("hostile%d" % i, (h[0], h[1], False)) for i, h in enumerate(HOSTILE))
    # 45678 lies in the ephemeral range: a role's client could otherwise
    # take it before the app role binds it (bind: address already in use).
    # The namespace is the test's own, so is this setting.
    try:
        with open("/proc/sys/net/ipv4/ip_local_reserved_ports", "w") as f:
            f.write("45678\n")
    except OSError:
        pass
    os.makedirs(UNIX_DIR, exist_ok=True)
    os.chmod(UNIX_DIR, 0o777)
    for f in os.listdir(os.fsencode(UNIX_DIR)):
        os.unlink(os.path.join(os.fsencode(UNIX_DIR), f))
    children = []
    marks = []
    def stop(*_):
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)

    for role, (argv0, _comm, as_nobody) in roles.items():
        # In a folder every role may write to (one runs as nobody).
        mark = os.path.join(UNIX_DIR, "ready." + role)
        if os.path.exists(mark):
            os.unlink(mark)
        marks.append(mark)
        argv = [argv0, os.path.join(HERE, "scenario.py"), "--role", role, mark]
        if as_nobody:
            prog = "/usr/bin/setpriv"
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", PY] + argv[1:]
            # setpriv cannot set argv[0]: the process keeps the script's name.
        else:
            prog = PY
        pid = os.fork()
        if pid == 0:
            os.setsid()
            os.execv(prog, argv)
        children.append(pid)
        # Roles start one after another: pids ascend in ROLES order.
        deadline = time.time() + 10
        while not os.path.exists(mark):
            if time.time() > deadline:
                print("scenario: role %s did not start" % role, file=sys.stderr)
                stop()
            time.sleep(0.02)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    time.sleep(0.3)  # let the last state transitions settle
    with open(ready, "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
