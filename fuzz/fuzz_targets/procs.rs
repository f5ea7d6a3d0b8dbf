//! The per-process files behind the owner columns, over a snapshot /proc
//! whose files are the input: /proc/PID/{stat,status,cmdline,comm},
//! fdinfo, the fd links (one per line of a piece) and the socket tables
//! they point into, read by lsof's scan and renderer (`lsof::run`),
//! netstat -p (`netstat::run`) and ss -p (`ss::run`), output into sinks.
//! The first byte picks the run; pieces are separated by 0x1e (record
//! separator), since cmdline holds NULs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::lsof::{self, options as lsof_options, render};
use sockbox::applets::netstat::{self, options as netstat_options};
use sockbox::applets::ss;
use sockbox::core::names::hosts::Hosts;
use sockbox::core::names::services::LazyServices;
use sockbox::core::names::users::Users;
use sockbox_fuzz::{Snapshot, argv, selector, set_env, words};
use std::io::sink;
use std::sync::OnceLock;

const FILES: &[&str] = &[
    "proc/7/stat",
    "proc/7/status",
    "proc/7/cmdline",
    "proc/7/comm",
    "proc/7/fdinfo/3",
    // piece 5: the links of proc/7/fd/3, 4, … one per line
    "proc/net/tcp",
    "proc/net/unix",
    "proc/net/tcp6",
    "proc/net/udp",
];

enum Applet {
    Lsof,
    Netstat,
    Ss,
}

const RUNS: &[(Applet, &[&str])] = &[
    (Applet::Lsof, &["-i"]),
    (Applet::Lsof, &["-n", "-P", "-i", "-U"]),
    (Applet::Lsof, &["-i", "-F", "pcfnPtTsSu"]),
    (Applet::Lsof, &["-U", "-F0"]),
    (Applet::Lsof, &["-i", "-a", "-c", "/^[a-z]+$/", "-Tfqs"]),
    (Applet::Lsof, &["-t", "-i", "-a", "-p", "7"]),
    (Applet::Lsof, &["-i", "+c", "0", "-l", "-o"]),
    (Applet::Lsof, &["-i", "-s", "TCP:LISTEN", "-w", "-R"]),
    (Applet::Netstat, &["-tanp"]),
    (Applet::Netstat, &["-xap", "-e"]),
    (Applet::Netstat, &["-taupW"]),
    (Applet::Ss, &["-tanp"]),
    (Applet::Ss, &["-xap"]),
    (Applet::Ss, &["-tapT"]),
];

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("procs");
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
    let snap = snapshot();
    let pieces: Vec<&[u8]> = rest.split(|&b| b == 0x1e).collect();
    let mut files = pieces.clone();
    let links = if files.len() > 5 { files.remove(5) } else { &[][..] };
    snap.put_all(FILES, &files);
    let fd_dir = snap.dir.join("proc/7/fd");
    let _ = std::fs::remove_dir_all(&fd_dir);
    std::fs::create_dir_all(&fd_dir).unwrap();
    for (i, link) in links.split(|&b| b == b'\n').enumerate().take(32) {
        if link.is_empty() || link.contains(&0) {
            continue;
        }
        let target = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(link);
        std::os::unix::fs::symlink(target, fd_dir.join((i + 3).to_string())).unwrap();
    }
    let (applet, args) = &RUNS[which];
    match applet {
        Applet::Lsof => {
            let root = snap.root();
            let services = LazyServices::new(&root);
            let hosts = Hosts::new(&root);
            let mut users = Users::new(&root);
            let mut err = Vec::new();
            let args = words(args.join("\0").as_bytes());
            let parsed = lsof_options::parse(b"lsof", &args, &services, &hosts, &mut users, &mut err);
            let lsof_options::Parsed::Run(mut o) = parsed else {
                unreachable!("the option sets are valid")
            };
            assert!(o.refusal.is_none(), "the option sets select sockets only");
            let mut names = render::Names::new(&hosts, &services, &mut users);
            err.clear();
            lsof::run(&root, &mut o, &mut names, &mut err, &mut sink());
        }
        Applet::Netstat => {
            let args = argv(args.join("\0").as_bytes());
            let netstat_options::Parsed::Run(o) = netstat_options::parse(b"netstat", &args, &mut sink(), &mut sink())
            else {
                unreachable!("the option sets are valid")
            };
            netstat::run(&o, &snap.root(), sink(), sink());
        }
        Applet::Ss => {
            ss::run(b"ss", &argv(args.join("\0").as_bytes()), sink(), sink());
        }
    }
});
