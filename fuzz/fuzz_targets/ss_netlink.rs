//! The sock_diag message parsers (core::netlink: messages, attrs,
//! InetDiag::parse, UnixDiag::parse) on the input, then the same bytes as
//! ss's TCPDIAG_FILE (a `-D` dump it replays): every message through
//! InetDiag and ss's row renderer with the attribute printers (tcp_info,
//! skmeminfo, meminfo, tos, cgroup, sockopt, shutdown, mark) and the
//! filter, output into sinks. The first byte picks the option set.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::ss;
use sockbox::core::netlink::{self, InetDiag, UnixDiag};
use sockbox_fuzz::{Snapshot, argv, selector, set_env};
use std::io::sink;
use std::sync::OnceLock;

const RUNS: &[&[&str]] = &[
    &["-ta"],
    &["-tan", "-i"],
    &["-tanie"],
    &["-tanieo", "-m"],
    &["-tn", "-i", "-O"],
    &["-tnee", "-m", "--tos", "--cgroup", "--inet-sockopt"],
    &["-tn", "-O", "-e", "--inet-sockopt"],
    &["-tni", "-b"],
    &["-tn", "sport", "=", ":22", "or", "dev", "lo"],
    &["-tn", "fwmark", "=", "0x1/0xff", "or", "dst", "127.0.0.1"],
    &["-tn", "-6", "src", "::1", "and", "dport", ">", ":1024"],
    &["-tn", "autobound", "or", "cgroup", "/"],
];

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("ss-netlink");
        s.fixed_etc();
        set_env("SOCKBOX_ROOT", s.dir.as_os_str());
        // PROC_ROOT keeps every other table off the live kernel's netlink.
        set_env("PROC_ROOT", "/proc".as_ref());
        set_env("TCPDIAG_FILE", "/tcpdiag".as_ref());
        s
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = selector(data, RUNS.len()) else {
        return;
    };
    for m in netlink::messages(rest) {
        if let Some(d) = InetDiag::parse(m.payload) {
            // attr() finds every kind the walk yields.
            for (kind, _) in netlink::attrs(d.attrs) {
                assert!(d.attr(kind).is_some());
            }
        }
        if let Some(u) = UnixDiag::parse(m.payload) {
            let _ = netlink::attrs(u.attrs).count();
            let _ = u.attr(1);
        }
    }
    let snap = snapshot();
    snap.put("tcpdiag", Some(rest));
    let args = argv(RUNS[which].join("\0").as_bytes());
    ss::run(b"ss", &args, sink(), sink());
});
