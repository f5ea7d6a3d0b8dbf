//! `sockbox snapshot OUT`: everything sockbox reads, written to a folder
//! (or, for `OUT.tar`, a tar archive of one) in the golden-case layout
//! (golden/README.md), so that `SOCKBOX_ROOT=OUT sockbox netstat -tanp`
//! (and ss, lsof, who, report, list) replays this moment anywhere.
//!
//! Taken: the /proc/net tables and sysctls, sock_diag dumps of every table
//! ss reads (every state and attribute; replay filters them as the kernel
//! would), each process holding a socket of this namespace (its fd links,
//! socket fdinfo, cmdline, comm, stat, status, cwd and exe links),
//! /proc/stat's boot time, the /etc name files, and the interfaces' sysfs
//! attributes with the ioctl answers no file holds. This is the one
//! subcommand that writes files; it writes only under OUT, and refuses an
//! OUT that exists.

use crate::core::netlink::{self, DiagSocket};
use crate::core::owners::{parse_decimal, socket_inode};
use crate::core::root::SysRoot;
use argh::FromArgs;
use std::collections::HashSet;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// write everything sockbox reads to a folder (or OUT.tar), to replay with SOCKBOX_ROOT=OUT
#[derive(FromArgs)]
#[argh(subcommand, name = "snapshot")]
pub struct SnapshotArgs {
    /// the folder to create, or a file name ending in .tar
    #[argh(positional)]
    out: String,
    /// enter this network namespace first: a name (ip netns), a path, or pid:PID
    #[argh(option)]
    netns: Option<String>,
}

const NET_FILES: [&str; 24] = [
    "tcp",
    "tcp6",
    "udp",
    "udp6",
    "udplite",
    "udplite6",
    "raw",
    "raw6",
    "unix",
    "igmp",
    "igmp6",
    "snmp",
    "snmp6",
    "netstat",
    "dev",
    "route",
    "ipv6_route",
    "packet",
    "netlink",
    "sockstat",
    "sockstat6",
    "if_inet6",
    "protocols",
    "rt_cache",
];
const SYSCTLS: [&str; 6] = [
    "ip_local_port_range",
    "tcp_max_tw_buckets",
    "tcp_syncookies",
    "tcp_max_orphans",
    "tcp_max_syn_backlog",
    "tcp_fin_timeout",
];
const ETC_FILES: [&str; 6] = ["passwd", "group", "hosts", "services", "protocols", "networks"];
const IFACE_ATTRS: [&str; 6] = ["flags", "mtu", "type", "address", "tx_queue_len", "carrier"];
const PROC_FILES: [&str; 4] = ["cmdline", "comm", "stat", "status"];

/// Where the snapshot goes: a folder, or a tar archive.
enum Sink {
    Dir(PathBuf),
    Tar(Box<tar::Builder<std::fs::File>>),
}

impl Sink {
    fn file(&mut self, path: &str, data: &[u8]) -> io::Result<()> {
        let rel = path.trim_start_matches('/');
        match self {
            Sink::Dir(dir) => {
                let p = dir.join(rel);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(p, data)
            }
            Sink::Tar(t) => {
                let mut h = tar::Header::new_gnu();
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                h.set_mtime(crate::core::procinfo::now());
                h.set_entry_type(tar::EntryType::Regular);
                t.append_data(&mut h, rel, data)
            }
        }
    }

    fn symlink(&mut self, path: &str, target: &[u8]) -> io::Result<()> {
        let rel = path.trim_start_matches('/');
        let target = std::ffi::OsStr::from_bytes(target);
        match self {
            Sink::Dir(dir) => {
                let p = dir.join(rel);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::os::unix::fs::symlink(target, p)
            }
            Sink::Tar(t) => {
                let mut h = tar::Header::new_gnu();
                h.set_size(0);
                h.set_mode(0o777);
                h.set_mtime(crate::core::procinfo::now());
                h.set_entry_type(tar::EntryType::Symlink);
                t.append_link(&mut h, rel, target)
            }
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Dir(_) => Ok(()),
            Sink::Tar(t) => t.into_inner().and_then(|f| f.sync_all()),
        }
    }
}

pub fn run(a: SnapshotArgs) -> i32 {
    let root = match super::system(a.netns.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sockbox snapshot: {e}");
            return super::EXIT_ERROR;
        }
    };
    let out = Path::new(&a.out);
    if std::fs::symlink_metadata(out).is_ok() {
        eprintln!("sockbox snapshot: {}: exists; not overwriting it", out.display());
        return super::EXIT_ERROR;
    }
    let sink = if a.out.ends_with(".tar") {
        match std::fs::File::create_new(out) {
            Ok(f) => Sink::Tar(Box::new(tar::Builder::new(f))),
            Err(e) => {
                eprintln!("sockbox snapshot: {}: {e}", out.display());
                return super::EXIT_ERROR;
            }
        }
    } else {
        if let Err(e) = std::fs::create_dir(out) {
            eprintln!("sockbox snapshot: {}: {e}", out.display());
            return super::EXIT_ERROR;
        }
        Sink::Dir(out.to_path_buf())
    };
    match take(&root, sink) {
        Ok(n) => {
            eprintln!(
                "sockbox snapshot: {}: {n} process{}; replay with SOCKBOX_ROOT={}",
                out.display(),
                if n == 1 { "" } else { "es" },
                if a.out.ends_with(".tar") {
                    "DIR (after tar -xf)".to_string()
                } else {
                    out.display().to_string()
                }
            );
            0
        }
        Err(e) => {
            eprintln!("sockbox snapshot: {}: {e}", out.display());
            super::EXIT_ERROR
        }
    }
}

/// Writes the snapshot; returns how many processes it holds.
fn take(root: &SysRoot, mut sink: Sink) -> io::Result<usize> {
    let read = |abs: &str| std::fs::read(root.path(abs));
    let mut inodes: HashSet<u64> = HashSet::new();
    for name in NET_FILES {
        let abs = format!("/proc/net/{name}");
        let Ok(data) = read(&abs) else { continue };
        sink.file(&abs, &data)?;
        table_inodes(name, &data, &mut inodes);
    }
    for name in SYSCTLS {
        let abs = format!("/proc/sys/net/ipv4/{name}");
        if let Ok(data) = read(&abs) {
            sink.file(&abs, &data)?;
        }
    }
    if let Ok(data) = read("/proc/stat") {
        // Only the boot time is needed (process start times).
        let btime: Vec<u8> = data
            .split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"btime "))
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect();
        sink.file("/proc/stat", &btime)?;
    }
    if root.is_live() {
        for (name, req) in netlink::recording_requests() {
            let Ok(mut sock) = DiagSocket::open() else { break };
            let mut raw = Vec::new();
            // A failing dump is recorded with its error, as ss would see it.
            let _ = sock.dump_raw(&req, &mut raw);
            sink.file(&format!("{}/{name}", netlink::REPLAY_DIR), &raw)?;
        }
    }
    let procs = processes(root, &inodes, &mut sink)?;
    interfaces(root, &mut sink)?;
    for name in ETC_FILES {
        let abs = format!("/etc/{name}");
        if let Ok(data) = read(&abs) {
            sink.file(&abs, &data)?;
        }
    }
    sink.finish()?;
    Ok(procs)
}

/// The socket inodes one /proc/net table names.
fn table_inodes(name: &str, data: &[u8], into: &mut HashSet<u64>) {
    let column = match name {
        "tcp" | "tcp6" | "udp" | "udp6" | "udplite" | "udplite6" | "raw" | "raw6" => Some(9),
        "unix" => Some(6),
        "packet" | "netlink" => None, // the last column
        _ => return,
    };
    for line in data.split(|&b| b == b'\n').skip(1) {
        let words: Vec<&[u8]> = line.split(|&b| b == b' ').filter(|w| !w.is_empty()).collect();
        let word = match column {
            Some(c) => words.get(c),
            None => words.last(),
        };
        if let Some(ino) = word.and_then(|w| std::str::from_utf8(w).ok()?.parse::<u64>().ok())
            && ino != 0
        {
            into.insert(ino);
        }
    }
}

/// Every process holding a socket of this namespace's tables.
fn processes(root: &SysRoot, inodes: &HashSet<u64>, sink: &mut Sink) -> io::Result<usize> {
    let Ok(dir) = std::fs::read_dir(root.path("/proc")) else {
        return Ok(0);
    };
    let mut pids: Vec<u32> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| parse_decimal(e.file_name().as_bytes()))
        .collect();
    pids.sort_unstable();
    let mut kept = 0;
    for pid in pids {
        let base = root.path(&format!("/proc/{pid}"));
        let Ok(fds) = std::fs::read_dir(base.join("fd")) else {
            continue; // vanished, or not ours to read
        };
        let mut links: Vec<(u32, Vec<u8>)> = fds
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let fd = parse_decimal(e.file_name().as_bytes())?;
                let target = std::fs::read_link(e.path()).ok()?;
                Some((fd, target.as_os_str().as_bytes().to_vec()))
            })
            .collect();
        links.sort_unstable_by_key(|l| l.0);
        let ours = links
            .iter()
            .any(|(_, t)| socket_inode(t).is_some_and(|i| inodes.contains(&i)));
        if !ours {
            continue;
        }
        let files: Vec<(&str, Vec<u8>)> = PROC_FILES
            .iter()
            .filter_map(|&f| Some((f, std::fs::read(base.join(f)).ok()?)))
            .collect();
        if files.len() < PROC_FILES.len() {
            continue; // it went away meanwhile
        }
        let at = format!("/proc/{pid}");
        for (fd, target) in &links {
            sink.symlink(&format!("{at}/fd/{fd}"), target)?;
            if socket_inode(target).is_some()
                && let Ok(info) = std::fs::read(base.join(format!("fdinfo/{fd}")))
            {
                sink.file(&format!("{at}/fdinfo/{fd}"), &info)?;
            }
        }
        for (f, data) in &files {
            sink.file(&format!("{at}/{f}"), data)?;
        }
        for link in ["cwd", "exe"] {
            if let Ok(t) = std::fs::read_link(base.join(link)) {
                sink.symlink(&format!("{at}/{link}"), t.as_os_str().as_bytes())?;
            }
        }
        kept += 1;
    }
    Ok(kept)
}

/// /sys/class/net/IF attributes and the record of the interface ioctls.
fn interfaces(root: &SysRoot, sink: &mut Sink) -> io::Result<()> {
    let Ok(dir) = std::fs::read_dir(root.path("/sys/class/net")) else {
        return Ok(());
    };
    let mut names: Vec<Vec<u8>> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().as_bytes().to_vec())
        .collect();
    names.sort();
    for name in names {
        let shown = String::from_utf8_lossy(&name).into_owned();
        if shown == "sockbox-ifconf" {
            continue;
        }
        for attr in IFACE_ATTRS {
            let abs = format!("/sys/class/net/{shown}/{attr}");
            if let Ok(data) = std::fs::read(root.path(&abs)) {
                sink.file(&abs, &data)?;
            }
        }
    }
    let ifconf = if root.is_live() {
        crate::applets::netstat::iface::ifconf_record()
    } else {
        std::fs::read(root.path("/sys/class/net/sockbox-ifconf")).unwrap_or_default()
    };
    sink.file("/sys/class/net/sockbox-ifconf", &ifconf)
}
