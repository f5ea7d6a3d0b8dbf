//! ss's /proc fallback (PROC_ROOT set, as ss does then: no netlink) over a
//! snapshot whose /proc/net files are the input: FgetsLines and the
//! proc_line splitters for tcp/udp/raw (v4, v6), unix, netlink and packet,
//! the -s summary files, and the rows through the filter and the column
//! renderer of `ss::run`, output into sinks. The first byte picks the
//! option set, the rest are the files separated by NUL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::ss;
use sockbox_fuzz::{Snapshot, argv, selector, set_env, split_nul};
use std::io::sink;
use std::sync::OnceLock;

const TABLES: &[&str] = &[
    "proc/net/tcp",
    "proc/net/tcp6",
    "proc/net/udp",
    "proc/net/udp6",
    "proc/net/raw",
    "proc/net/raw6",
    "proc/net/unix",
    "proc/net/netlink",
    "proc/net/packet",
    "proc/sys/net/ipv4/ip_local_port_range",
];
const SUMMARY: &[&str] = &["proc/net/sockstat", "proc/net/sockstat6", "proc/net/snmp"];

/// (argv, the files its parts go to). No -K, -E, -N, -D: they act on the
/// live system.
const RUNS: &[(&[&str], &[&str])] = &[
    (&["-a"], TABLES),
    (&["-an"], TABLES),
    (&["-tan"], TABLES),
    (&["-uan", "-e"], TABLES),
    (&["-wan", "-o"], TABLES),
    (&["-tanoei"], TABLES),
    (&["-tai", "-O"], TABLES),
    (&["-ta", "-m", "-e"], TABLES),
    (&["-xa"], TABLES),
    (&["-xae", "-p"], TABLES),
    (&["-0a"], TABLES),
    (&["-A", "netlink,packet", "-e"], TABLES),
    (&["-aH", "-r"], TABLES),
    (&["-an", "sport", "=", ":22", "or", "dst", "10/8"], TABLES),
    (&["-an", "dport", "gt", ":1000", "and", "not", "src", "[::1]"], TABLES),
    (&["-an", "autobound"], TABLES),
    (&["-xa", "src", "unix:/run/*"], TABLES),
    (&["-ta", "state", "established", "exclude", "syn-recv"], TABLES),
    (&["-s"], SUMMARY),
    (&["-s", "-t"], SUMMARY),
];

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("ss-proc");
        s.fixed_etc();
        set_env("SOCKBOX_ROOT", s.dir.as_os_str());
        set_env("PROC_ROOT", "/proc".as_ref());
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
    ss::run(b"ss", &args, sink(), sink());
});
