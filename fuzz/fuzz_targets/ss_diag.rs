//! ss over NETLINK_SOCK_DIAG with the input as the kernel's answer: the
//! input is every sock_diag recording of a snapshot (what `sockbox
//! snapshot` writes), so each dump of the chosen tables (unix, netlink,
//! packet, tcp/udp/raw) is answered with it through the snapshot replay
//! (state and attribute filters, then DiagSocket's reply walk) and read by
//! the table's parser and renderer (unix_diag_row, netlink_row,
//! packet_diag_row, inet_diag_row), output into sinks. Nothing is sent to
//! the kernel. The first byte picks the option set.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::ss;
use sockbox::core::netlink;
use sockbox_fuzz::{Snapshot, argv, selector, set_env};
use std::io::sink;
use std::sync::OnceLock;

/// Never -E (it listens forever) or -N; -K is safe here (nothing is sent).
const RUNS: &[&[&str]] = &[
    &["-xa"],
    &["-xae"],
    &["-xap", "-m"],
    &["-xa", "-e", "-O"],
    &["-xa", "src", "unix:/run/*", "or", "dst", "@*"],
    &["-A", "netlink", "-e"],
    &["-A", "netlink", "-ep"],
    &["-0a"],
    &["-0ae", "-m"],
    &["-f", "link", "-a", "autobound"],
    &["-ta"],
    &["-uane", "-m"],
    &["-wa", "-e", "--tos"],
    &["-tanie", "--cgroup", "--inet-sockopt"],
    &["-a"],
    &["-an", "-e", "-i", "-m", "-o", "--tos"],
    &["-Ka", "-t"],
    &["-ua", "dport", "=", ":53", "or", "src", "127.0.0.1"],
];

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("ss-diag");
        s.fixed_etc();
        set_env("SOCKBOX_ROOT", s.dir.as_os_str());
        s
    })
}

fn recordings() -> &'static [(String, Vec<u8>)] {
    static NAMES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    NAMES.get_or_init(netlink::recording_requests)
}

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = selector(data, RUNS.len()) else {
        return;
    };
    let snap = snapshot();
    for (name, _) in recordings() {
        snap.put(
            &format!("{}/{name}", netlink::REPLAY_DIR.trim_start_matches('/')),
            Some(rest),
        );
    }
    ss::run(b"ss", &argv(RUNS[which].join("\0").as_bytes()), sink(), sink());
});
