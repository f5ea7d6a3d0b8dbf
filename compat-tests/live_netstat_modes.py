#!/usr/bin/python3
"""Live differential test of netstat's other modes: -r, -i, -g, -s, -c.

As root, from anywhere:

    compat-tests/live_netstat_modes.py      (SOCKBOX_BIN overrides the binary)

In a fresh network namespace: a veth pair (the peer left down, so counters
stay still while both tools run), IPv4 and IPv6 addresses, routes with
gateways, metrics, a host route, reject routes (unreachable, prohibit,
blackhole), a link-local network (named by /etc/networks), multicast
groups joined by the scenario's sockets; then real net-tools netstat 2.10
and sockbox run back to back and must print the same bytes.
"""

import atexit
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402


def setup():
    def ip(*args):
        subprocess.run(["ip"] + list(args), check=True)
    ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
    ip("link", "set", "veth0", "mtu", "1400")
    ip("link", "set", "veth0", "up")
    ip("addr", "add", "10.1.2.3/24", "dev", "veth0")
    ip("addr", "add", "10.1.5.5/32", "dev", "veth0", "label", "veth0:1")
    ip("addr", "add", "169.254.7.7/16", "dev", "veth0")
    ip("-6", "addr", "add", "2001:db8::2/64", "dev", "veth0", "nodad")
    # DNS must fail at once (ENETUNREACH), not time out into the down peer:
    # the lowest-metric default is a reject route.
    ip("route", "add", "unreachable", "default", "metric", "1")
    ip("route", "add", "default", "via", "10.1.2.1", "dev", "veth0", "onlink", "metric", "100")
    ip("route", "add", "10.9.0.0/16", "via", "10.1.2.254", "metric", "77", "dev", "veth0", "onlink")
    ip("route", "add", "10.8.8.8/32", "dev", "veth0")
    ip("route", "add", "unreachable", "10.66.0.0/24")
    ip("route", "add", "prohibit", "10.67.0.0/24", "metric", "5")
    ip("route", "add", "blackhole", "10.68.0.0/24")
    ip("route", "add", "127.0.0.2/32", "dev", "lo", "mtu", "1300", "window", "4000", "rtt", "3")
    ip("-6", "route", "add", "unreachable", "default", "metric", "1")
    ip("-6", "route", "add", "default", "via", "2001:db8::1", "dev", "veth0", "metric", "1024")
    ip("-6", "route", "add", "2001:db8:1234:5678:9abc::/80", "via", "2001:db8::fe", "dev", "veth0")
    ip("-6", "route", "add", "unreachable", "2001:db8:dead::/48")
    ip("maddr", "add", "01:00:5e:01:02:03", "dev", "veth0")
    # IPv4 and IPv6 group memberships, held by a helper for the test's life.
    helper = subprocess.Popen([sys.executable, "-c", GROUPS_HELPER], stdout=subprocess.PIPE)
    helper.stdout.readline()
    atexit.register(helper.kill)


GROUPS_HELPER = """
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for g in ("239.1.2.3", "224.0.0.251"):
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton(g) + socket.inet_aton("10.1.2.3"))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
idx = socket.if_nametoindex("veth0")
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
              socket.inet_pton(socket.AF_INET6, "ff15::1234") + struct.pack("@I", idx))
print("ready", flush=True)
time.sleep(600)
"""


ROUTE = [["-r"], ["-rn"], ["-re"], ["-rne"], ["-ree"], ["-rnee"], ["-reee"], ["-r6"], ["-rn6"], ["-r", "-A", "inet6"],
         ["-r", "-A", "inet,inet6"], ["-rN"], ["-rC"], ["-rCn"], ["-rC6"], ["-rFC"], ["-rx"], ["-r", "-A", "ax25"],
         ["-r", "-A", "ipx"], ["-r", "-A", "ddp"], ["-r", "-A", "inet,unix"], ["--route", "--numeric"], ["-rv"],
         ["-r", "-4", "-6"], ["-rW"], ["-rne", "-6"]]

GROUPS = [["-g"], ["-gn"], ["-g6"], ["-g4"], ["-gn", "-A", "inet"], ["-gt"], ["-gx"], ["-ga", "-n"], ["--groups"],
          ["-g", "--numeric-hosts"]]

IFACES = [["-i"], ["-ia"], ["-in"], ["-iv"], ["--interfaces", "--all"], ["-ia", "-A", "inet"], ["-ie"], ["-iea"],
          ["-iee", "-a"], ["-i", "--extend", "--all", "--numeric"]]

STATS = [["-s"], ["-st"], ["-su"], ["-sw"], ["-sS"], ["-s6"], ["-st6"], ["-su6"], ["-sw6"], ["-sx"],
         ["-s", "-A", "inet,inet6"], ["--statistics", "--tcp"], ["-s", "-4", "-6"], ["-sc"]]

CASES = [(a, False) for a in ROUTE + GROUPS + IFACES + STATS] + [(["-s"], True)] + [(["-rn"], True), (["-r6"], True)]


def continuous(sockbox, tmpdir):
    """-c repeats: two rounds (killed after about 1.5 s) must agree."""
    results = []
    for args in (["-rnc"], ["-r6c"], ["-gnc"], ["-iac"]):
        want, got = (difftest.run_for("netstat", b, args, tmpdir, 1.5)[0] for b in ("/usr/bin/netstat", sockbox))
        if args == ["-gnc"]:
            # From round 2 net-tools reads /proc/net/igmp with its igmp6
            # parser and prints words it never read (uninitialised memory):
            # those rows' addresses are masked (COMPAT.md N4).
            want, got = (re.sub(rb"(?m)^(\S+ +0 +)\S+$", rb"\1<garbage>", o) for o in (want, got))
        if args == ["-iac"]:
            # lo's counters move while the scenario's sockets talk (1.5 s apart).
            want, got = (re.sub(rb"(?m)^lo .*$", b"lo <counters>", o) for o in (want, got))
        # A round's first line: -i prints its title once, then a header per round.
        title = want.split(b"\n")[1 if args == ["-iac"] else 0]
        ok = want == got and want.count(title) >= 2
        results.append(("netstat " + " ".join(args) + " (2 rounds)",
                        None if ok else "real:\n%s\nsockbox:\n%s" % (want.decode(errors="replace"),
                                                                      got.decode(errors="replace"))))
    return results


if __name__ == "__main__":
    difftest.main("live_netstat_modes", __file__, {
        "tool": "netstat", "real": "/usr/bin/netstat", "mask": lambda _args, b: b, "sets": CASES,
        "setup": setup,
    }, continuous)
