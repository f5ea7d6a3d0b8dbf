#!/usr/bin/python3
"""Random but repeatable invocations of ss, netstat and lsof against the
real tools, over the live_ss scenario: option soups (valid, invalid,
missing arguments, long-option prefixes), ss filter expressions built
from the filter language's words, lsof -i addresses and -F field lists. Each seed is fixed, so a run is the same list
every time; a session hunting bugs can widen it with SOUP_SEED/SOUP_N.

This is how the ss -N/-F ordering, the cgroup mount lookup, the [addr]
port form and the fwmark %i reading were found; the fixed list keeps them
and their neighbours checked.
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402
import live_netstat  # noqa: E402
import live_ss  # noqa: E402

SEED = int(os.environ.get("SOUP_SEED", "1"))
N = int(os.environ.get("SOUP_N", "300"))

SS_OPTIONS = [
    "-t", "-u", "-n", "-a", "-l", "-p", "-e", "-o", "-m", "-i", "-x", "-w", "-0", "-4", "-6", "-H", "-O", "-T",
    "-Z", "-z", "-b", "-M", "-S", "-d", "-f", "inet", "inet6", "unix", "link", "netlink", "bogus", "-A", "all",
    "tcp", "udp", "raw", "unix_stream", "-F", "/nonexistent", "--tcp", "--udp", "--numeric", "--all",
    "--listening", "--processes", "--threads", "--info", "--memory", "--options", "--extended", "--no-header",
    "--oneline", "--family=inet", "--query=tcp", "--filter", "--foo", "state", "established", "listening",
    "bogus-state", "exclude", "connected", "bucket", "sport", "dport", "=", ":22", ">", "and", "or", "not", "(",
    ")", "src", "127.0.0.1", "::1", "dev", "lo", "fwmark", "0x1", "autobound", "-", "--", "-N", "-q", "-y",
    "--tos", "--cgroup", "--inet-sockopt", "--no-queues", "-B", "-s", "--summary",
]
NETSTAT_OPTIONS = [
    "-t", "-u", "-n", "-a", "-l", "-p", "-e", "-o", "-W", "-x", "-w", "-r", "-i", "-g", "-s", "-M", "-N", "-C",
    "-F", "-Z", "-A", "inet", "inet6", "unix", "bogus", "--tcp", "--udp", "--numeric", "--numeric-h",
    "--numeric-p", "--numeric-u", "--wide", "--protocol=inet", "--proto", "--extend", "--program", "--verbose",
    "--listening", "--all", "--raw", "--unix", "--interfaces", "--route", "--statistics", "--groups",
    "--masquerade", "--symbolic", "-", "--", "-q", "-y", "--inet", "--inet6", "-4", "-6", "--foo", "x", "-tz",
    "-At", "-Ainet", "--wi", "--t", "-v", "-T", "-U",
]
# Commands that wait or act (repeat, events, kill, dump files) stay out.
NEVER = {"-c", "--continuous", "-E", "--events", "-K", "--kill", "-D", "-r", "--resolve"}

FILTER_HEADS = [["-tan"], ["-uan"], ["-xa"], ["-an"], ["-tn"], ["-tanp"], ["-0a"], ["-wa"], ["-4tan"], ["-6tan"],
                ["-A", "inet"], ["-xan"], ["-tln"], ["-an", "-f", "link"]]
FILTER_WORDS = [
    "state", "exclude", "established", "listening", "time-wait", "close-wait", "syn-sent", "all", "connected",
    "synchronized", "bucket", "big", "closed", "fin-wait-1", "last-ack", "closing", "syn-recv", "sport", "dport",
    "src", "dst", "=", "==", "!=", "eq", "neq", ">", "<", ">=", "<=", "gt", "lt", "geq", "leq", "and", "or", "not",
    "!", "&&", "||", "(", ")", ":22", ":80", ":http", ":8080", ":0", ":65536", ":-1", ":nosuch", "127.0.0.1",
    "127.0.0.1:22", "*:22", "*", "::1", "[::1]:80", "[::1]", "0.0.0.0/0", "::/0", "127/8", "10.0.0.0/33",
    "localhost", "1.2.3", "[::ffff:127.0.0.1]", "dev", "lo", "eth0", "1", "fwmark", "0x1/0xff", "0x", "12abc",
    "cgroup", "/", "autobound", "unix:/tmp/*", "unix:@*", "link:lo", "netlink:0", "inet6:[::1]:*", "\\", "0",
    "0x16", ":026", "127.0.0.1/32:22", "vsock:1",
]


def option_soup(rng, words):
    out = []
    while len(out) < N:
        args = [rng.choice(words) for _ in range(rng.randint(1, 5))]
        if not NEVER & set(args):
            out.append(args)
    return out


def filter_soup(rng):
    out = []
    for _ in range(N):
        words = [rng.choice(FILTER_WORDS) for _ in range(rng.randint(1, 7))]
        if rng.random() < 0.3:
            words = [" ".join(words)]  # one argument, split by ss's own lexer
        out.append(rng.choice(FILTER_HEADS) + words)
    return out


def netstat_soup(sockbox, tmpdir):
    rng = random.Random(SEED + 1)
    results = []
    for i, args in enumerate(option_soup(rng, NETSTAT_OPTIONS)):
        as_nobody = i % 4 == 3
        label = "%snetstat %s" % ("[nobody] " if as_nobody else "", " ".join(args))
        results.append((label, difftest.compare("netstat", "/usr/bin/netstat", sockbox, args, as_nobody, tmpdir,
                                                live_netstat.mask)))
    return results


LSOF_PROTOS = ["", "4", "6", "TCP", "UDP", "tcp", "udp", "ICMP", "4TCP", "6UDP", "UDPLITE", "x", "46"]
LSOF_HOSTS = ["", "@", "@127.0.0.1", "@localhost", "@[::1]", "@[::1", "@::1", "@127.0.0.1.1", "@0", "@*",
              "@[::ffff:127.0.0.1]", "@127.1", "@nosuchhost.invalid", "@1.2.3.4/8", "@0x7f000001"]
LSOF_PORTS = ["", ":", ":22", ":ssh", ":http,22", ":1-1024", ":1024-1", ":0", ":65535", ":65536", ":-5", ":22-",
              ":a-b", ":22,", ":,22", ":mysql-http", ":99999999999", ":nosuchsvc", ":5353", ":22:80"]
# Selections that stay on sockets (no -p/-u/-c/-d ORed in: sockbox refuses
# those, COMPAT.md L1).
LSOF_EXTRAS = [["-n"], ["-P"], ["-nP"], ["-a", "-c", "nginx"], ["-sTCP:LISTEN"], ["-s", "TCP:^LISTEN,ESTABLISHED"],
               ["-sUDP:Idle"], ["-T", "qs"], ["-Tf"], ["-F", "pcnPT"], ["-t"], ["+c", "3"], ["-l"], ["-V"], ["-R"],
               ["-g"], ["-w"], ["-a", "-u", "^nobody"], ["-a", "-d", "3-5"], ["-S", "1"], ["-o"], ["-O"],
               ["-sTCP:bogus"], ["-a", "-d", "5-"], ["+c", "4294967296"]]
FIELD_LETTERS = "acdDfgGiKklLmMnNoOpPRsStTuz0?x "


def lsof_soup(sockbox, tmpdir):
    rng = random.Random(SEED + 2)
    results = []
    for i in range(N):
        if i % 3 == 2:
            letters = "".join(rng.choice(FIELD_LETTERS) for _ in range(rng.randint(0, 8)))
            args = ["-i", "-F" + letters] if rng.random() < 0.7 else ["-i", "-F", letters]
        else:
            args = ["-i" + rng.choice(LSOF_PROTOS) + rng.choice(LSOF_HOSTS) + rng.choice(LSOF_PORTS)
                    for _ in range(rng.choice([1, 1, 2, 3]))]
            for extra in rng.sample(LSOF_EXTRAS, rng.choice([0, 1, 2])):
                args += extra
        results.append(("lsof " + " ".join(args),
                        difftest.compare("lsof", "/usr/bin/lsof", sockbox, args, False, tmpdir, lambda _a, b: b)))
    return results


def extras(sockbox, tmpdir):
    return netstat_soup(sockbox, tmpdir) + lsof_soup(sockbox, tmpdir)


def ss_sets():
    rng = random.Random(SEED)
    options = option_soup(rng, SS_OPTIONS)
    return [(a, i % 4 == 3) for i, a in enumerate(options)] + [(a, False) for a in filter_soup(rng)]


if __name__ == "__main__":
    difftest.main("live_soup", __file__, {
        "tool": "ss", "real": "/usr/bin/ss", "mask": live_ss.mask, "sets": ss_sets(),
    }, extras)
