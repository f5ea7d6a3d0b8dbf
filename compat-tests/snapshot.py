#!/usr/bin/python3
"""Copy what sockbox and the original tools read into a snapshot folder.

    snapshot.py ROOT [--etc DIR] [--pid PID ...]

Run inside the network namespace to capture. ROOT receives (the layout
golden/README.md documents):

  proc/net/<table>           the socket tables and friends, byte for byte
  proc/sys/net/ipv4/ip_local_port_range
  proc/<pid>/fd/<n>          symlinks with the live link text (every fd)
  proc/<pid>/fdinfo/<n>      for socket fds
  proc/<pid>/{cmdline,comm,stat,status}
  etc/{passwd,group,hosts,services,protocols,networks}
  sys/class/net/<iface>/{flags,mtu,type,address,tx_queue_len,carrier}
  sys/class/net/sockbox-ifconf   what the ioctls answered that no file
                                 holds: one line per SIOCGIFCONF name,
                                 `NAME ADDR NETMASK BROADCAST DSTADDR`

Only processes holding at least one socket that appears in this namespace's
tables are kept (plus --pid ones). Processes that vanish meanwhile are
skipped.
"""

import os
import re
import shutil
import sys

NET_FILES = [
    "tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix",
    "igmp", "igmp6", "snmp", "snmp6", "netstat", "dev", "route", "ipv6_route", "packet",
    "netlink", "sockstat", "sockstat6", "if_inet6", "protocols", "rt_cache",
]
ETC_FILES = ["passwd", "group", "hosts", "services", "protocols", "networks"]
SOCKET_LINK = re.compile(rb"^socket:\[(\d+)\]$")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def table_inodes(text, name):
    """Socket inodes named in one /proc/net table."""
    lines = text.splitlines()[1:]
    inodes = set()
    for line in lines:
        f = line.split()
        try:
            if name == "unix":
                inodes.add(int(f[6]))
            elif name in ("packet", "netlink"):
                inodes.add(int(f[-1]))
            else:
                inodes.add(int(f[9]))
        except (IndexError, ValueError):
            pass
    inodes.discard(0)
    return inodes


def ifconf():
    """SIOCGIFCONF's names with their SIOCGIF{ADDR,NETMASK,BRDADDR,DSTADDR}."""
    import array
    import fcntl
    import socket
    import struct
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n = 64
    buf = array.array("B", b"\0" * 40 * n)
    addr, _ = buf.buffer_info()
    got = struct.unpack("iL", fcntl.ioctl(sock.fileno(), 0x8912, struct.pack("iL", 40 * n, addr)))[0]
    raw = buf.tobytes()[:got]
    lines = []
    for i in range(0, got, 40):
        name = raw[i:i + 16].split(b"\0")[0]
        fields = [name.decode()]
        for req in (0x8915, 0x891b, 0x8919, 0x8917):  # ADDR NETMASK BRDADDR DSTADDR
            try:
                r = fcntl.ioctl(sock.fileno(), req, struct.pack("16s24s", name, b""))
                fields.append(socket.inet_ntoa(r[20:24]) if r[16:18] != b"\0\0" else "-")
            except OSError:
                fields.append("-")
        lines.append(" ".join(fields) + "\n")
    sock.close()
    return "".join(lines)


def snapshot(root, etc_dir="/etc", extra_pids=()):
    if os.path.exists(root):
        shutil.rmtree(root)
    inodes = set()
    for name in NET_FILES:
        try:
            data = read("/proc/net/" + name)
        except OSError:
            continue
        write(os.path.join(root, "proc/net", name), data)
        if name in ("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix", "packet", "netlink"):
            inodes |= table_inodes(data, name)
    try:
        write(os.path.join(root, "proc/sys/net/ipv4/ip_local_port_range"),
              read("/proc/sys/net/ipv4/ip_local_port_range"))
    except OSError:
        pass
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        base = "/proc/%d" % pid
        try:
            fds = sorted(int(n) for n in os.listdir(base + "/fd"))
            links = {}
            for n in fds:
                try:
                    links[n] = os.readlink(("%s/fd/%d" % (base, n)).encode())
                except OSError:
                    pass
            socket_fds = [n for n, t in links.items() if SOCKET_LINK.match(t)]
            mine = any(int(SOCKET_LINK.match(links[n]).group(1)) in inodes for n in socket_fds)
            if not mine and pid not in extra_pids:
                continue
            files = {name: read("%s/%s" % (base, name)) for name in ("cmdline", "comm", "stat", "status")}
            fdinfo = {}
            for n in socket_fds:
                try:
                    fdinfo[n] = read("%s/fdinfo/%d" % (base, n))
                except OSError:
                    pass
        except OSError:
            continue  # vanished, or not ours to read
        dest = os.path.join(root, "proc", str(pid))
        os.makedirs(os.path.join(dest, "fd"))
        for n, target in links.items():
            os.symlink(target, os.path.join(dest, "fd", str(n)).encode())
        for name, data in files.items():
            write(os.path.join(dest, name), data)
        for n, data in fdinfo.items():
            write(os.path.join(dest, "fdinfo", str(n)), data)
    for iface in sorted(os.listdir("/sys/class/net")):
        for attr in ("flags", "mtu", "type", "address", "tx_queue_len", "carrier"):
            try:
                write(os.path.join(root, "sys/class/net", iface, attr),
                      read("/sys/class/net/%s/%s" % (iface, attr)))
            except OSError:
                pass
    write(os.path.join(root, "sys/class/net/sockbox-ifconf"), ifconf().encode())
    for name in ETC_FILES:
        src = os.path.join(etc_dir, name)
        if os.path.exists(src):
            write(os.path.join(root, "etc", name), read(src))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    root = args.pop(0)
    etc_dir = "/etc"
    pids = []
    while args:
        a = args.pop(0)
        if a == "--etc":
            etc_dir = args.pop(0)
        elif a == "--pid":
            pids.append(int(args.pop(0)))
        else:
            sys.exit("snapshot.py: unknown argument %r" % a)
    snapshot(root, etc_dir, pids)


if __name__ == "__main__":
    main()
