//! The `users:((…))` column: which processes hold a socket, as ss 6.1
//! lists them. One /proc scan (core::owners), one hash map from inode to
//! its holders: linear, where ss itself chains 256 buckets.

use crate::core::escape::screened;
use crate::core::owners::{BuildInodeHasher, FdScratch, Owners, parse_decimal, pid_socket_fds, push_decimal};
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;

/// One fd holding a socket: (comm index, pid, tid, fd), and the index of
/// the holder of the same socket found before it (`NONE` for the first).
struct Holder {
    comm: u32,
    pid: u32,
    tid: u32,
    fd: u32,
    earlier: u32,
}

const NONE: u32 = u32::MAX;

pub struct Users {
    /// comm of each task, as ss reads it from /proc/ID/stat.
    comms: Vec<Vec<u8>>,
    /// Every holder, in discovery order.
    holders: Vec<Holder>,
    /// inode → its latest holder (ss lists the last one found first), the
    /// others chained through `Holder::earlier`: no allocation per socket.
    latest: HashMap<u64, u32, BuildInodeHasher>,
    /// -T: print `tid=`.
    threads: bool,
}

impl Users {
    /// user_ent_hash_build(): every process's socket fds and, with -T,
    /// every thread's (each thread lists the process's shared fds again).
    pub fn scan(proc_root: &std::path::Path, threads: bool) -> Users {
        let owners = Owners::scan_dir(proc_root);
        let mut users = Users {
            comms: Vec::with_capacity(owners.procs.len()),
            holders: Vec::with_capacity(owners.fds.len()),
            latest: HashMap::with_capacity_and_hasher(owners.fds.len(), BuildInodeHasher),
            threads,
        };
        let mut path = Vec::new();
        let mut scratch = FdScratch::default();
        let sort = crate::core::owners::needs_sort(proc_root.as_os_str().as_bytes());
        // The holders' names, read on every core (a stat file each).
        let names = crate::core::par::map_ordered(&owners.procs, Vec::new, |path, p| {
            screened(read_comm(proc_root, p.pid, path))
        });
        for (p, name) in owners.procs.iter().zip(names) {
            let comm = users.comms.len() as u32;
            users.comms.push(name);
            for s in &owners.fds[p.first_fd as usize..p.end_fd as usize] {
                users.add(s.inode, comm, p.pid, p.pid, s.fd);
            }
            if !threads {
                continue;
            }
            for tid in tasks(proc_root, p.pid, sort) {
                if tid == p.pid {
                    continue;
                }
                let base = proc_root.as_os_str().as_bytes();
                let base = base.strip_suffix(b"/").unwrap_or(base);
                let fds = match pid_socket_fds(base, tid, sort, &mut scratch) {
                    Ok(fds) if !fds.is_empty() => fds,
                    _ => continue,
                };
                let comm = users.comms.len() as u32;
                users.comms.push(screened(read_comm(proc_root, tid, &mut path)));
                for s in &fds {
                    users.add(s.inode, comm, p.pid, tid, s.fd);
                }
            }
        }
        users
    }

    fn add(&mut self, inode: u64, comm: u32, pid: u32, tid: u32, fd: u32) {
        let index = self.holders.len() as u32;
        let earlier = self.latest.insert(inode, index).unwrap_or(NONE);
        self.holders.push(Holder {
            comm,
            pid,
            tid,
            fd,
            earlier,
        });
    }

    /// The ` users:(…)` text for `inode`, appended to `out`; nothing when no
    /// process holds it. ss lists the last holder found first.
    pub fn write(&self, inode: u64, out: &mut Vec<u8>) {
        if inode == 0 {
            return;
        }
        let Some(&latest) = self.latest.get(&inode) else {
            return;
        };
        out.extend_from_slice(b" users:(");
        let mut next = latest;
        while next != NONE {
            let h = &self.holders[next as usize];
            if next != latest {
                out.push(b',');
            }
            out.extend_from_slice(b"(\"");
            out.extend_from_slice(&self.comms[h.comm as usize]);
            out.extend_from_slice(b"\",pid=");
            push_decimal(out, h.pid as u64);
            if self.threads {
                out.extend_from_slice(b",tid=");
                push_decimal(out, h.tid as u64);
            }
            out.extend_from_slice(b",fd=");
            push_decimal(out, h.fd as u64);
            out.push(b')');
            next = h.earlier;
        }
        out.push(b')');
    }
}

/// The thread ids under /proc/PID/task.
fn tasks(proc_root: &std::path::Path, pid: u32, sort: bool) -> Vec<u32> {
    let dir = proc_root.join(pid.to_string()).join("task");
    let mut tids: Vec<u32> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| parse_decimal(e.file_name().as_bytes()))
                .collect()
        })
        .unwrap_or_default();
    if sort {
        tids.sort_unstable();
    }
    tids
}

/// `fscanf(stat, "%*d (%[^)])")`: the comm up to the first ')'; empty when
/// the file cannot be read.
fn read_comm(proc_root: &std::path::Path, pid: u32, path: &mut Vec<u8>) -> Vec<u8> {
    path.clear();
    path.extend_from_slice(proc_root.as_os_str().as_bytes());
    if !path.ends_with(b"/") {
        path.push(b'/');
    }
    push_decimal(path, pid as u64);
    path.extend_from_slice(b"/stat");
    let mut stat = Vec::new();
    if crate::core::procinfo::read_small(path, &mut stat).is_err() {
        return Vec::new();
    }
    comm_from_stat(&stat).to_vec()
}

fn comm_from_stat(stat: &[u8]) -> &[u8] {
    comm_from_stat_checked(stat).unwrap_or(b"")
}

/// The comm, or `None` where `fscanf("%*d (%[^)])")` converts nothing.
pub fn comm_from_stat_checked(stat: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    while i < stat.len() && stat[i].is_ascii_whitespace() {
        i += 1;
    }
    let digits = i;
    if i < stat.len() && (stat[i] == b'-' || stat[i] == b'+') {
        i += 1;
    }
    while i < stat.len() && stat[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits {
        return None;
    }
    while i < stat.len() && stat[i].is_ascii_whitespace() {
        i += 1;
    }
    if stat.get(i) != Some(&b'(') {
        return None;
    }
    let rest = &stat[i + 1..];
    let end = memchr::memchr(b')', rest).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comm_stops_at_the_first_paren() {
        assert_eq!(comm_from_stat(b"123 (python3) S 1 2"), b"python3");
        assert_eq!(comm_from_stat(b"5 (we ird)na) S"), b"we ird");
        assert_eq!(comm_from_stat(b"5 (fake(srv)) S"), b"fake(srv");
        assert_eq!(comm_from_stat(b"garbage"), b"");
        assert_eq!(comm_from_stat(b""), b"");
        assert_eq!(comm_from_stat(b"7 (unterminated"), b"unterminated");
    }
}
