//! `netstat -s`: the SNMP counters of /proc/net/snmp, /proc/net/netstat
//! (and /proc/net/sctp/snmp), or /proc/net/snmp6 with `-6`, printed the way
//! net-tools 2.10's statistics.c prints them. Its algorithm is kept as it
//! is, quirks included: each counter is looked up with a binary search in a
//! table that is not fully sorted (so some lookups miss and the counter is
//! printed raw when non-zero), sections it does not know are printed raw,
//! and the indentation follows the kind of the last counter printed.

use super::options::Options;
use crate::core::root::SysRoot;
use crate::core::sys::strerror;
use std::io::Write;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Number,
    OptNumber,
    Forward,
    InpIcmp,
    OutpIcmp,
    RtoAlg,
}

impl Kind {
    fn indent(self) -> usize {
        match self {
            Kind::Number | Kind::OptNumber | Kind::Forward => 4,
            Kind::InpIcmp | Kind::OutpIcmp => 8,
            Kind::RtoAlg => 0,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::InpIcmp => "ICMP input histogram:",
            Kind::OutpIcmp => "ICMP output histogram:",
            _ => "",
        }
    }
}

use Kind::*;

/// One known counter: its name, its sentence, its kind, whether it is a
/// static setting (never printed) and whether it opens a histogram.
struct E {
    title: &'static str,
    out: &'static str,
    kind: Kind,
    stat: bool,
    titled: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flag {
    Raw,
    Tcp,
    Udp,
    Sctp,
    Unknown,
}

struct Section {
    title: &'static str,
    tab: &'static [E],
    flag: Flag,
}

const SNMP_SECTIONS: &[Section] = &[
    Section {
        title: "Ip",
        tab: IP_TAB,
        flag: Flag::Raw,
    },
    Section {
        title: "Icmp",
        tab: ICMP_TAB,
        flag: Flag::Raw,
    },
    Section {
        title: "Tcp",
        tab: TCP_TAB,
        flag: Flag::Tcp,
    },
    Section {
        title: "Udp",
        tab: UDP_TAB,
        flag: Flag::Udp,
    },
    Section {
        title: "Sctp",
        tab: SCTP_TAB,
        flag: Flag::Sctp,
    },
    Section {
        title: "TcpExt",
        tab: TCPEXT_TAB,
        flag: Flag::Tcp,
    },
];

const SNMP6_SECTIONS: &[Section] = &[
    Section {
        title: "Ip6",
        tab: IP6_TAB,
        flag: Flag::Raw,
    },
    Section {
        title: "Icmp6",
        tab: ICMP6_TAB,
        flag: Flag::Raw,
    },
    Section {
        title: "Udp6",
        tab: UDP6_TAB,
        flag: Flag::Udp,
    },
    Section {
        title: "Tcp6",
        tab: TCP_TAB,
        flag: Flag::Tcp,
    },
];

/// The section being printed: a known one, or an unknown one (no table).
struct Current {
    tab: &'static [E],
    flag: Flag,
}

pub struct Stats<'a> {
    root: &'a SysRoot,
    raw: bool,
    tcp: bool,
    udp: bool,
    sctp: bool,
    state: Kind,
    out: Vec<u8>,
    err: Vec<u8>,
}

impl<'a> Stats<'a> {
    pub fn new(opts: &Options, root: &'a SysRoot) -> Stats<'a> {
        Stats {
            root,
            raw: opts.raw,
            tcp: opts.tcp,
            udp: opts.udp,
            sctp: opts.sctp,
            state: Number,
            out: Vec::new(),
            err: Vec::new(),
        }
    }

    /// netstat's -s: by family; returns the exit status.
    pub fn run(mut self, opts: &Options, mut out: impl Write, mut err: impl Write) -> i32 {
        let afname: &[u8] = if opts.afname.is_empty() { b"inet" } else { &opts.afname };
        let rc = match afname {
            b"inet" => {
                self.snmp();
                0
            }
            b"inet6" => {
                self.snmp6();
                0
            }
            other => {
                self.out
                    .extend_from_slice(b"netstat: No statistics support for specified address family: ");
                self.out.extend_from_slice(other);
                self.out.push(b'\n');
                1
            }
        };
        let _ = err.write_all(&self.err);
        let _ = out.write_all(&self.out);
        let _ = out.flush();
        rc
    }

    fn flag(&self, f: Flag) -> bool {
        match f {
            Flag::Raw => self.raw,
            Flag::Tcp => self.tcp,
            Flag::Udp => self.udp,
            Flag::Sctp => self.sctp,
            Flag::Unknown => true,
        }
    }

    fn open(&mut self, abs: &str, what: &str) -> Option<Vec<u8>> {
        match std::fs::read(self.root.path(abs)) {
            Ok(d) => Some(d),
            Err(e) => {
                if !what.is_empty() {
                    let _ = writeln!(
                        self.err,
                        "{what}: {}",
                        String::from_utf8_lossy(&strerror(e.raw_os_error().unwrap_or(0)))
                    );
                }
                None
            }
        }
    }

    /// parsesnmp().
    fn snmp(&mut self) {
        let Some(data) = self.open("/proc/net/snmp", "cannot open /proc/net/snmp") else {
            return;
        };
        if !self.pairs(&data, None) {
            self.err.extend_from_slice(b"Problem while parsing /proc/net/snmp\n");
        }
        if let Some(data) = self.open("/proc/net/netstat", "")
            && !self.pairs(&data, None)
        {
            self.err.extend_from_slice(b"Problem while parsing /proc/net/netstat\n");
        }
        if let Some(data) = self.open("/proc/net/sctp/snmp", "") {
            let cur = self.new_section(SNMP_SECTIONS, b"Sctp");
            for line in lines(&data) {
                let end = line.iter().position(|b| b" \t\n".contains(b)).unwrap_or(line.len());
                let name = &line[..end];
                let rest = &line[(end + 1).min(line.len())..];
                let rest = trim_start(rest);
                if !rest.is_empty() && self.flag(cur.flag) {
                    self.value(&cur, name, strtoull(rest));
                }
            }
        }
    }

    /// parsesnmp6(): /proc/net/snmp6, then the Tcp section of /proc/net/snmp.
    fn snmp6(&mut self) {
        let Some(data) = self.open("/proc/net/snmp6", "cannot open /proc/net/snmp6") else {
            return;
        };
        let mut cur: Option<Current> = None;
        let mut title: Vec<u8> = Vec::new();
        let mut val: u64 = 0;
        for line in lines(&data) {
            let mut words = line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
            let name = words.next().unwrap_or_default().to_vec();
            if let Some(v) = words.next().and_then(|w| std::str::from_utf8(w).ok()?.parse().ok()) {
                val = v;
            }
            if cur.is_none() || memchr::memmem::find(&name, &title).is_none() {
                title = cpytitle(&name);
                cur = Some(self.new_section(SNMP6_SECTIONS, &title));
            }
            let c = cur.as_ref().unwrap();
            if self.flag(c.flag) {
                let c = Current {
                    tab: c.tab,
                    flag: c.flag,
                };
                self.value(&c, &name, val);
            }
        }
        let Some(data) = self.open("/proc/net/snmp", "cannot open /proc/net/snmp") else {
            return;
        };
        self.pairs(&data, Some(b"Tcp"));
    }

    /// process_fd(): header/value line pairs.
    fn pairs(&mut self, data: &[u8], filter: Option<&[u8]>) -> bool {
        let mut it = data.split_inclusive(|&b| b == b'\n');
        while let Some(l1) = it.next() {
            if l1.first() == Some(&b'\n') {
                continue;
            }
            let Some(l2) = it.next() else { break };
            let (Some(sp), Some(np)) = (memchr::memchr(b':', l1), memchr::memchr(b':', l2)) else {
                return false;
            };
            let title = &l1[..sp];
            if let Some(f) = filter
                && !title.starts_with(f)
            {
                continue;
            }
            let cur = self.new_section(SNMP_SECTIONS, title);
            let names = l1[sp + 1..].split(|b| b" \t\n".contains(b)).filter(|w| !w.is_empty());
            let mut values = &l2[np + 1..];
            for name in names {
                values = trim_start(values);
                let (v, used) = strtoull_prefix(values);
                values = &values[used..];
                if self.flag(cur.flag) {
                    self.value(&cur, name, v);
                }
            }
        }
        true
    }

    /// newtable(): prints the section title when it is shown.
    fn new_section(&mut self, sections: &'static [Section], title: &[u8]) -> Current {
        for s in sections {
            if s.title.as_bytes() == title {
                if self.flag(s.flag) {
                    self.out.extend_from_slice(title);
                    self.out.extend_from_slice(b":\n");
                }
                self.state = Number;
                return Current {
                    tab: s.tab,
                    flag: s.flag,
                };
            }
        }
        self.out.extend_from_slice(title);
        self.out.extend_from_slice(b":\n");
        Current {
            tab: &[],
            flag: Flag::Unknown,
        }
    }

    /// printval().
    fn value(&mut self, cur: &Current, name: &[u8], val: u64) {
        let Some(e) = bsearch(cur.tab, name) else {
            if val != 0 {
                self.indent(self.state.indent());
                self.out.extend_from_slice(name);
                self.out.extend_from_slice(format!(": {val}\n").as_bytes());
            }
            return;
        };
        if e.stat || e.out.is_empty() {
            return;
        }
        let mut kind = e.kind;
        if e.titled && self.state != kind {
            self.indent(self.state.indent());
            self.out.extend_from_slice(kind.title().as_bytes());
            self.out.push(b'\n');
        }
        let text = match kind {
            OptNumber if val == 0 => None,
            Number | OptNumber => Some(e.out.replacen("%llu", &val.to_string(), 1)),
            Forward => {
                kind = Number;
                Some(e.out.replacen("%s", if val == 2 { "enabled" } else { "disabled" }, 1))
            }
            InpIcmp | OutpIcmp if val > 0 => Some(e.out.replacen("%llu", &val.to_string(), 1)),
            _ => None,
        };
        if let Some(t) = text {
            self.indent(kind.indent());
            self.out.extend_from_slice(t.as_bytes());
            self.out.push(b'\n');
        }
        self.state = kind;
    }

    fn indent(&mut self, n: usize) {
        self.out.resize(self.out.len() + n, b' ');
    }
}

/// glibc's bsearch() with strcmp, over a table that may not be sorted.
fn bsearch(tab: &'static [E], key: &[u8]) -> Option<&'static E> {
    let (mut l, mut u) = (0usize, tab.len());
    while l < u {
        let idx = (l + u) / 2;
        match key.cmp(tab[idx].title.as_bytes()) {
            std::cmp::Ordering::Less => u = idx,
            std::cmp::Ordering::Greater => l = idx + 1,
            std::cmp::Ordering::Equal => return Some(&tab[idx]),
        }
    }
    None
}

/// cpytitle(): the name up to and including its first '6'.
fn cpytitle(name: &[u8]) -> Vec<u8> {
    match name.iter().position(|&b| b == b'6') {
        Some(p) => name[..=p].to_vec(),
        None => name.to_vec(),
    }
}

fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split_inclusive(|&b| b == b'\n')
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b" \t\n".contains(b)).count();
    &s[n..]
}

/// strtoull(s, &end, 10): the value and how many bytes it used (a minus
/// sign negates, as in C: `-1` is 2^64-1).
fn strtoull_prefix(s: &[u8]) -> (u64, usize) {
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let neg = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while i < s.len() && s[i].is_ascii_digit() {
        match v.checked_mul(10).and_then(|x| x.checked_add((s[i] - b'0') as u64)) {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    if overflow {
        return (u64::MAX, i);
    }
    (if neg { v.wrapping_neg() } else { v }, i)
}

fn strtoull(s: &[u8]) -> u64 {
    strtoull_prefix(s).0
}

// net-tools' tables, in their order (which bsearch depends on).
#[rustfmt::skip]
const IP_TAB: &[E] = &[
    E { title: "DefaultTTL", out: "Default TTL is %llu", kind: Number, stat: true, titled: false },
    E { title: "Forwarding", out: "Forwarding is %s", kind: Forward, stat: true, titled: false },
    E { title: "ForwDatagrams", out: "%llu forwarded", kind: Number, stat: false, titled: false },
    E { title: "FragCreates", out: "%llu fragments created", kind: OptNumber, stat: false, titled: false },
    E { title: "FragFails", out: "%llu outgoing packets failed fragmentation", kind: OptNumber, stat: false, titled: false },
    E { title: "FragOKs", out: "%llu outgoing packets fragmented ok", kind: OptNumber, stat: false, titled: false },
    E { title: "InAddrErrors", out: "%llu with invalid addresses", kind: OptNumber, stat: false, titled: false },
    E { title: "InDelivers", out: "%llu incoming packets delivered", kind: Number, stat: false, titled: false },
    E { title: "InDiscards", out: "%llu incoming packets discarded", kind: Number, stat: false, titled: false },
    E { title: "InHdrErrors", out: "%llu with invalid headers", kind: OptNumber, stat: false, titled: false },
    E { title: "InReceives", out: "%llu total packets received", kind: Number, stat: false, titled: false },
    E { title: "InUnknownProtos", out: "%llu with unknown protocol", kind: OptNumber, stat: false, titled: false },
    E { title: "OutDiscards", out: "%llu outgoing packets dropped", kind: OptNumber, stat: false, titled: false },
    E { title: "OutNoRoutes", out: "%llu dropped because of missing route", kind: OptNumber, stat: false, titled: false },
    E { title: "OutRequests", out: "%llu requests sent out", kind: Number, stat: false, titled: false },
    E { title: "ReasmFails", out: "%llu packet reassemblies failed", kind: OptNumber, stat: false, titled: false },
    E { title: "ReasmOKs", out: "%llu packets reassembled ok", kind: OptNumber, stat: false, titled: false },
    E { title: "ReasmReqds", out: "%llu reassemblies required", kind: OptNumber, stat: false, titled: false },
    E { title: "ReasmTimeout", out: "%llu fragments dropped after timeout", kind: OptNumber, stat: false, titled: false },
];

#[rustfmt::skip]
const IP6_TAB: &[E] = &[
    E { title: "Ip6FragCreates", out: "%llu fragments created", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6FragFails", out: "%llu outgoing packets failed fragmentation", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6FragOKs", out: "%llu outgoing packets fragmented ok", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InAddrErrors", out: "%llu with invalid addresses", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InDelivers", out: "%llu incoming packets delivered", kind: Number, stat: false, titled: false },
    E { title: "Ip6InDiscards", out: "%llu incoming packets discarded", kind: Number, stat: false, titled: false },
    E { title: "Ip6InHdrErrors", out: "%llu with invalid headers", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InMcastPkts", out: "%llu incoming multicast packets", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InNoRoutes", out: "%llu incoming packets with no route", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InReceives", out: "%llu total packets received", kind: Number, stat: false, titled: false },
    E { title: "Ip6InTooBigErrors", out: "%llu with packets too big", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InTruncatedPkts", out: "%llu with truncated packets", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6InUnknownProtos", out: "%llu with unknown protocol", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6OutDiscards", out: "%llu outgoing packets dropped", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6OutForwDatagrams", out: "%llu forwarded", kind: Number, stat: false, titled: false },
    E { title: "Ip6OutMcastPkts", out: "%llu outgoing multicast packets", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6OutNoRoutes", out: "%llu dropped because of missing route", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6OutRequests", out: "%llu requests sent out", kind: Number, stat: false, titled: false },
    E { title: "Ip6ReasmFails", out: "%llu packet reassemblies failed", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6ReasmOKs", out: "%llu packets reassembled ok", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6ReasmReqds", out: "%llu reassemblies required", kind: OptNumber, stat: false, titled: false },
    E { title: "Ip6ReasmTimeout", out: "%llu fragments dropped after timeout", kind: OptNumber, stat: false, titled: false },
];

#[rustfmt::skip]
const ICMP_TAB: &[E] = &[
    E { title: "InAddrMaskReps", out: "address mask replies: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InAddrMasks", out: "address mask request: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InDestUnreachs", out: "destination unreachable: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InEchoReps", out: "echo replies: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InEchos", out: "echo requests: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InErrors", out: "%llu input ICMP message failed", kind: Number, stat: false, titled: false },
    E { title: "InMsgs", out: "%llu ICMP messages received", kind: Number, stat: false, titled: false },
    E { title: "InParmProbs", out: "wrong parameters: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InRedirects", out: "redirects: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InSrcQuenchs", out: "source quenches: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InTimeExcds", out: "timeout in transit: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InTimestampReps", out: "timestamp reply: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "InTimestamps", out: "timestamp request: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "OutAddrMaskReps", out: "address mask replies: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutAddrMasks", out: "address mask requests: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutDestUnreachs", out: "destination unreachable: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutEchoReps", out: "echo replies: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutEchos", out: "echo requests: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutErrors", out: "%llu ICMP messages failed", kind: Number, stat: false, titled: false },
    E { title: "OutMsgs", out: "%llu ICMP messages sent", kind: Number, stat: false, titled: false },
    E { title: "OutParmProbs", out: "wrong parameters: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutRedirects", out: "redirect: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutSrcQuenchs", out: "source quench: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutTimeExcds", out: "time exceeded: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutTimestampReps", out: "timestamp replies: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "OutTimestamps", out: "timestamp requests: %llu", kind: OutpIcmp, stat: false, titled: true },
];

#[rustfmt::skip]
const ICMP6_TAB: &[E] = &[
    E { title: "Icmp6InDestUnreachs", out: "destination unreachable: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InEchoReplies", out: "echo replies: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InEchos", out: "echo requests: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InErrors", out: "%llu input ICMP message failed", kind: Number, stat: false, titled: false },
    E { title: "Icmp6InGroupMembQueries", out: "group member queries: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InGroupMembReductions", out: "group member reductions: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InGroupMembResponses", out: "group member responses: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InMsgs", out: "%llu ICMP messages received", kind: Number, stat: false, titled: false },
    E { title: "Icmp6InNeighborAdvertisements", out: "neighbour advertisement: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InNeighborSolicits", out: "neighbour solicits: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InParmProblems", out: "parameter problem: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InPktTooBigs", out: "packets too big: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InRedirects", out: "redirects: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InRouterAdvertisements", out: "router advertisement: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InRouterSolicits", out: "router solicits: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6InTimeExcds", out: "received ICMPv6 time exceeded: %llu", kind: InpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutDestUnreachs", out: "destination unreachable: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutEchoReplies", out: "echo replies: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutEchos", out: "echo requests: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutGroupMembQueries", out: "group member queries: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutGroupMembReductions", out: "group member reductions: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutGroupMembResponses", out: "group member responses: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutMsgs", out: "%llu ICMP messages sent", kind: Number, stat: false, titled: false },
    E { title: "Icmp6OutNeighborAdvertisements", out: "neighbor advertisements: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutNeighborSolicits", out: "neighbor solicits: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutParmProblems", out: "parameter problem: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutPktTooBigs", out: "packets too big: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutRedirects", out: "redirects: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutRouterAdvertisements ", out: "router advertisement: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutRouterSolicits", out: "router solicits: %llu", kind: OutpIcmp, stat: false, titled: true },
    E { title: "Icmp6OutTimeExcds", out: "sent ICMPv6 time exceeded: %llu", kind: OutpIcmp, stat: false, titled: true },
];

#[rustfmt::skip]
const TCP_TAB: &[E] = &[
    E { title: "ActiveOpens", out: "%llu active connection openings", kind: Number, stat: false, titled: false },
    E { title: "AttemptFails", out: "%llu failed connection attempts", kind: Number, stat: false, titled: false },
    E { title: "CurrEstab", out: "%llu connections established", kind: Number, stat: false, titled: false },
    E { title: "EstabResets", out: "%llu connection resets received", kind: Number, stat: false, titled: false },
    E { title: "InErrs", out: "%llu bad segments received", kind: Number, stat: false, titled: false },
    E { title: "InSegs", out: "%llu segments received", kind: Number, stat: false, titled: false },
    E { title: "MaxConn", out: "", kind: Number, stat: false, titled: false },
    E { title: "OutRsts", out: "%llu resets sent", kind: Number, stat: false, titled: false },
    E { title: "OutSegs", out: "%llu segments sent out", kind: Number, stat: false, titled: false },
    E { title: "PassiveOpens", out: "%llu passive connection openings", kind: Number, stat: false, titled: false },
    E { title: "RetransSegs", out: "%llu segments retransmitted", kind: Number, stat: false, titled: false },
    E { title: "RtoAlgorithm", out: "RTO algorithm is %s", kind: RtoAlg, stat: true, titled: false },
    E { title: "RtoMax", out: "", kind: Number, stat: false, titled: false },
    E { title: "RtoMin", out: "", kind: Number, stat: false, titled: false },
];

#[rustfmt::skip]
const UDP_TAB: &[E] = &[
    E { title: "InDatagrams", out: "%llu packets received", kind: Number, stat: false, titled: false },
    E { title: "InErrors", out: "%llu packet receive errors", kind: Number, stat: false, titled: false },
    E { title: "NoPorts", out: "%llu packets to unknown port received", kind: Number, stat: false, titled: false },
    E { title: "OutDatagrams", out: "%llu packets sent", kind: Number, stat: false, titled: false },
    E { title: "RcvbufErrors", out: "%llu receive buffer errors", kind: Number, stat: false, titled: false },
    E { title: "SndbufErrors", out: "%llu send buffer errors", kind: Number, stat: false, titled: false },
];

#[rustfmt::skip]
const UDP6_TAB: &[E] = &[
    E { title: "Udp6InDatagrams", out: "%llu packets received", kind: Number, stat: false, titled: false },
    E { title: "Udp6InErrors", out: "%llu packet receive errors", kind: Number, stat: false, titled: false },
    E { title: "Udp6NoPorts", out: "%llu packets to unknown port received", kind: Number, stat: false, titled: false },
    E { title: "Udp6OutDatagrams", out: "%llu packets sent", kind: Number, stat: false, titled: false },
];

#[rustfmt::skip]
const TCPEXT_TAB: &[E] = &[
    E { title: "DelayedACKLocked", out: "%llu delayed acks further delayed because of locked socket", kind: OptNumber, stat: false, titled: false },
    E { title: "DelayedACKLost", out: "Quick ack mode was activated %llu times", kind: OptNumber, stat: false, titled: false },
    E { title: "DelayedACKs", out: "%llu delayed acks sent", kind: OptNumber, stat: false, titled: false },
    E { title: "EmbryonicRsts", out: "%llu resets received for embryonic SYN_RECV sockets", kind: OptNumber, stat: false, titled: false },
    E { title: "ListenDrops", out: "%llu SYNs to LISTEN sockets dropped", kind: OptNumber, stat: false, titled: false },
    E { title: "ListenOverflows", out: "%llu times the listen queue of a socket overflowed", kind: OptNumber, stat: false, titled: false },
    E { title: "LockDroppedIcmps", out: "%llu ICMP packets dropped because socket was locked", kind: OptNumber, stat: false, titled: false },
    E { title: "OfoPruned", out: "%llu packets dropped from out-of-order queue because of socket buffer overrun", kind: OptNumber, stat: false, titled: false },
    E { title: "OutOfWindowIcmps", out: "%llu ICMP packets dropped because they were out-of-window", kind: OptNumber, stat: false, titled: false },
    E { title: "PAWSActive", out: "%llu active connections rejected because of time stamp", kind: OptNumber, stat: false, titled: false },
    E { title: "PAWSEstab", out: "%llu packets rejected in established connections because of timestamp", kind: OptNumber, stat: false, titled: false },
    E { title: "PAWSPassive", out: "%llu passive connections rejected because of time stamp", kind: OptNumber, stat: false, titled: false },
    E { title: "PruneCalled", out: "%llu packets pruned from receive queue because of socket buffer overrun", kind: OptNumber, stat: false, titled: false },
    E { title: "RcvPruned", out: "%llu packets pruned from receive queue", kind: OptNumber, stat: false, titled: false },
    E { title: "SockMallocOOM", out: "Ran %llu times out of system memory during packet sending", kind: OptNumber, stat: false, titled: false },
    E { title: "SyncookiesFailed", out: "%llu invalid SYN cookies received", kind: OptNumber, stat: false, titled: false },
    E { title: "SyncookiesRecv", out: "%llu SYN cookies received", kind: OptNumber, stat: false, titled: false },
    E { title: "SyncookiesSent", out: "%llu SYN cookies sent", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortFailed", out: "%llu times unable to send RST due to no memory", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortOnClose", out: "%llu connections reset due to early user close", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortOnData", out: "%llu connections reset due to unexpected data", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortOnLinger", out: "%llu connections aborted after user close in linger timeout", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortOnMemory", out: "%llu connections aborted due to memory pressure", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortOnSyn", out: "%llu connections reset due to unexpected SYN", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPAbortOnTimeout", out: "%llu connections aborted due to timeout", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDirectCopyFromBacklog", out: "%llu bytes directly in process context from backlog", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDirectCopyFromPrequeue", out: "%llu bytes directly received in process context from prequeue", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDSACKOfoRecv", out: "%llu DSACKs for out of order packets received", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDSACKOfoSent", out: "%llu DSACKs sent for out of order packets", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDSACKOldSent", out: "%llu DSACKs sent for old packets", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDSACKRecv", out: "%llu DSACKs received", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDSackUndo", out: "%llu congestion window recovered without slow start using DSACK", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPDSACKUndo", out: "%llu congestion windows recovered without slow start by DSACK", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPFACKReorder", out: "Detected reordering %llu times using FACK", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPFastRetrans", out: "%llu fast retransmits", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPForwardRetrans", out: "%llu forward retransmits", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPFullUndo", out: "%llu congestion windows fully recovered without slow start", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPHPAcks", out: "%llu predicted acknowledgments", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPHPHits", out: "%llu packet headers predicted", kind: Number, stat: false, titled: false },
    E { title: "TCPHPHitsToUser", out: "%llu packet headers predicted and directly queued to user", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPLossFailures", out: "%llu timeouts in loss state", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPLoss", out: "%llu TCP data loss events", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPLossUndo", out: "%llu congestion windows recovered without slow start after partial ack", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPLostRetransmits", out: "%llu retransmits lost", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPMemoryPressures", out: "TCP ran low on memory %llu times", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPPartialUndo", out: "%llu congestion windows partially recovered using Hoe heuristic", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPPrequeued", out: "%llu packets directly queued to recvmsg prequeue", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPPrequeueDropped", out: "%llu packets dropped from prequeue", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPPureAcks", out: "%llu acknowledgments not containing data payload received", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPRcvCollapsed", out: "%llu packets collapsed in receive queue due to low socket buffer", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPRenoFailures", out: "%llu timeouts after reno fast retransmit", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPRenoRecoveryFailed", out: "%llu reno fast retransmits failed", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPRenoRecoveryFail", out: "%llu classic Reno fast retransmits failed", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPRenoRecovery", out: "%llu times recovered from packet loss due to fast retransmit", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPRenoReorder", out: "Detected reordering %llu times using reno fast retransmit", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSackFailures", out: "%llu timeouts after SACK recovery", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSackRecoveryFail", out: "%llu SACK retransmits failed", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSackRecovery", out: "%llu times recovered from packet loss by selective acknowledgements", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSACKReneging", out: "%llu bad SACK blocks received", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSACKReorder", out: "Detected reordering %llu times using SACK", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSchedulerFailed", out: "%llu times receiver scheduled too late for direct processing", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPSlowStartRetrans", out: "%llu retransmits in slow start", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPTimeouts", out: "%llu other TCP timeouts", kind: OptNumber, stat: false, titled: false },
    E { title: "TCPTSReorder", out: "Detected reordering %llu times using time stamp", kind: OptNumber, stat: false, titled: false },
    E { title: "TWKilled", out: "%llu TCP sockets finished time wait in slow timer", kind: OptNumber, stat: false, titled: false },
    E { title: "TW", out: "%llu TCP sockets finished time wait in fast timer", kind: OptNumber, stat: false, titled: false },
    E { title: "TWRecycled", out: "%llu time wait sockets recycled by time stamp", kind: OptNumber, stat: false, titled: false },
];

#[rustfmt::skip]
const SCTP_TAB: &[E] = &[
    E { title: "SctpAborteds", out: "%llu Number of Aborteds ", kind: Number, stat: false, titled: false },
    E { title: "SctpActiveEstabs", out: "%llu Active Associations", kind: Number, stat: false, titled: false },
    E { title: "SctpChecksumErrors", out: "%llu Number of Packets with invalid Checksum", kind: Number, stat: false, titled: false },
    E { title: "SctpCurrEstab", out: "%llu Current Associations", kind: Number, stat: false, titled: false },
    E { title: "SctpFragUsrMsgs", out: "%llu Number of messages fragmented", kind: Number, stat: false, titled: false },
    E { title: "SctpInCtrlChunks", out: "%llu Number of control chunks received", kind: Number, stat: false, titled: false },
    E { title: "SctpInOrderChunks", out: "%llu Number of ordered chunks received", kind: Number, stat: false, titled: false },
    E { title: "SctpInSCTPPacks", out: "%llu Number of SCTP packets received", kind: Number, stat: false, titled: false },
    E { title: "SctpInUnorderChunks", out: "%llu Number of Unordered chunks received", kind: Number, stat: false, titled: false },
    E { title: "SctpOutCtrlChunks", out: "%llu Number of control chunks sent", kind: Number, stat: false, titled: false },
    E { title: "SctpOutOfBlues", out: "%llu Number of Out of Blue packets", kind: Number, stat: false, titled: false },
    E { title: "SctpOutOrderChunks", out: "%llu Number of ordered chunks sent", kind: Number, stat: false, titled: false },
    E { title: "SctpOutSCTPPacks", out: "%llu Number of SCTP packets sent", kind: Number, stat: false, titled: false },
    E { title: "SctpOutUnorderChunks", out: "%llu Number of Unordered chunks sent", kind: Number, stat: false, titled: false },
    E { title: "SctpPassiveEstabs", out: "%llu Passive Associations", kind: Number, stat: false, titled: false },
    E { title: "SctpReasmUsrMsgs", out: "%llu Number of messages reassembled ", kind: Number, stat: false, titled: false },
    E { title: "SctpShutdowns", out: "%llu Number of Graceful Terminations", kind: Number, stat: false, titled: false },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_tables_miss_as_glibc_misses() {
        // Iptab is out of order at "Forwarding": the search cannot find it.
        assert!(bsearch(IP_TAB, b"Forwarding").is_none());
        assert!(bsearch(IP_TAB, b"InReceives").is_some());
        assert!(bsearch(TCPEXT_TAB, b"TCPTimeouts").is_none());
        assert_eq!(cpytitle(b"Icmp6InMsgs"), b"Icmp6");
        assert_eq!(strtoull_prefix(b" -1 5"), (u64::MAX, 3));
    }
}
