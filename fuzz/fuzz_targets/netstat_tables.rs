//! netstat over a snapshot whose /proc/net files are the input: the
//! socket tables (tcp … unix), routes (route, ipv6_route, rt_cache),
//! interfaces (dev, if_inet6, the ifconf answers), groups (igmp, igmp6) and
//! statistics (snmp, netstat, snmp6), each through the real readers and
//! renderers of `netstat::run`, output into sinks. The first byte picks the
//! option set, the rest are the mode's files separated by NUL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::netstat::{self, options};
use sockbox_fuzz::{Snapshot, argv, selector, split_nul};
use std::io::sink;
use std::sync::OnceLock;

const SOCKETS: &[&str] = &[
    "proc/net/tcp",
    "proc/net/tcp6",
    "proc/net/udp",
    "proc/net/udp6",
    "proc/net/udplite",
    "proc/net/udplite6",
    "proc/net/raw",
    "proc/net/raw6",
    "proc/net/unix",
    "etc/services",
    "etc/hosts",
];
const ROUTES: &[&str] = &[
    "proc/net/route",
    "proc/net/ipv6_route",
    "proc/net/rt_cache",
    "etc/networks",
];
// A snapshot holds the interface ioctls' answers as files (golden/README.md).
const IFACES: &[&str] = &[
    "proc/net/dev",
    "proc/net/if_inet6",
    "sys/class/net/sockbox-ifconf",
    "sys/class/net/lo/flags",
    "sys/class/net/lo/mtu",
    "sys/class/net/lo/address",
    "sys/class/net/lo/type",
    "sys/class/net/lo/tx_queue_len",
    "sys/class/net/lo/carrier",
];
const GROUPS: &[&str] = &["proc/net/igmp", "proc/net/igmp6", "proc/net/dev"];
const STATS: &[&str] = &["proc/net/snmp", "proc/net/netstat", "proc/net/snmp6"];

/// (argv, the files its parts go to). Never `-c` (it repeats forever).
const RUNS: &[(&[&str], &[&str])] = &[
    (&["-a"], SOCKETS),
    (&["-an"], SOCKETS),
    (&["-ae"], SOCKETS),
    (&["-aee", "-o"], SOCKETS),
    (&["-anW", "-e", "-o"], SOCKETS),
    (&["-ap", "--numeric-users"], SOCKETS),
    (&["-lnt"], SOCKETS),
    (&["-ax", "-v"], SOCKETS),
    (&["-aw", "-6"], SOCKETS),
    (&["-A", "inet,unix", "-a", "--numeric-ports"], SOCKETS),
    (&["-r"], ROUTES),
    (&["-rn"], ROUTES),
    (&["-rne"], ROUTES),
    (&["-rnee"], ROUTES),
    (&["-rC"], ROUTES),
    (&["-rnC", "-e"], ROUTES),
    (&["-r", "-6"], ROUTES),
    (&["-rn", "-A", "inet,inet6"], ROUTES),
    (&["-i"], IFACES),
    (&["-ia"], IFACES),
    (&["-ie"], IFACES),
    (&["-iea"], IFACES),
    (&["-g"], GROUPS),
    (&["-gn"], GROUPS),
    (&["-g", "-6"], GROUPS),
    (&["-s"], STATS),
    (&["-s", "-6"], STATS),
    (&["-st"], STATS),
    (&["-su", "-w"], STATS),
    (&["-sS"], STATS),
];

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("netstat");
        s.fixed_etc();
        s
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = selector(data, RUNS.len()) else {
        return;
    };
    let (args, files) = RUNS[which];
    let snap = snapshot();
    snap.put_all(files, &split_nul(rest));
    let args = argv(args.join("\0").as_bytes());
    let opts = match options::parse(b"netstat", &args, &mut sink(), &mut sink()) {
        options::Parsed::Run(o) => o,
        options::Parsed::Exit(_) => unreachable!("the option sets are valid"),
    };
    netstat::run(&opts, &snap.root(), sink(), sink());
});
