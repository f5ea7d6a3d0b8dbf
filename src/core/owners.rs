//! The owner scan: which processes hold which sockets.
//!
//! One pass over /proc: for every process, the links in /proc/PID/fd that
//! read `socket:[INODE]` (or the old `[0000]:INODE`). Processes and fds
//! that vanish mid-scan are skipped silently; fd folders we may not read are
//! counted (netstat and ss warn about them). The result lists processes in
//! scan order, each with its socket fds; applets index it by inode in one
//! pass (a hash map), so everything stays linear in the number of fds.

use crate::core::root::SysRoot;
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;

/// One process that holds at least one socket.
#[derive(Debug, Clone)]
pub struct OwnerProc {
    pub pid: u32,
    /// Its socket fds: `Owners::fds[first_fd..end_fd]`.
    pub first_fd: u32,
    pub end_fd: u32,
}

/// One fd that is a socket.
#[derive(Debug, Clone, Copy)]
pub struct SocketFd {
    pub fd: u32,
    pub inode: u64,
}

#[derive(Debug, Default)]
pub struct Owners {
    /// In scan order (ascending pid, as /proc lists them).
    pub procs: Vec<OwnerProc>,
    /// Grouped by process, ascending fd within each.
    pub fds: Vec<SocketFd>,
    /// Some /proc/PID/fd could not be read for lack of permission.
    pub denied: bool,
    /// /proc itself could not be listed.
    pub no_proc: bool,
}

impl Owners {
    /// Scans every process under `root`'s /proc.
    pub fn scan(root: &SysRoot) -> Owners {
        Owners::scan_dir(&root.path("/proc"))
    }

    /// Scans every process under a proc folder (ss honours `PROC_ROOT`).
    pub fn scan_dir(proc_dir: &std::path::Path) -> Owners {
        let mut o = Owners::default();
        let base = proc_dir.as_os_str().as_bytes();
        let base = if base.len() > 1 {
            base.strip_suffix(b"/").unwrap_or(base)
        } else {
            base
        };
        let sort = needs_sort(base);
        let Ok(dir) = std::fs::read_dir(OsStr::from_bytes(base)) else {
            o.no_proc = true;
            return o;
        };
        let mut pids: Vec<u32> = dir
            .filter_map(|e| e.ok())
            .filter_map(|e| parse_decimal(e.file_name().as_bytes()))
            .collect();
        if sort {
            pids.sort_unstable();
        }
        // The fd walk is most of the cost (one readlink per fd, all kernel
        // time): spread over the cores, joined in pid order.
        let (per_pid, _) = walk_socket_fds(base, &pids, sort, false, || ());
        let per_pid = per_pid.into_iter().map(|r| r.map_err(|e| e.kind()));
        for (&pid, fds) in pids.iter().zip(per_pid) {
            match fds {
                Ok(fds) if !fds.is_empty() => {
                    let first_fd = o.fds.len() as u32;
                    o.fds.extend_from_slice(&fds);
                    o.procs.push(OwnerProc {
                        pid,
                        first_fd,
                        end_fd: o.fds.len() as u32,
                    });
                }
                Ok(_) => {}
                // Vanished processes are skipped silently; unreadable ones
                // are what netstat and ss warn about.
                Err(kind) => o.denied |= kind == io::ErrorKind::PermissionDenied,
            }
        }
        o
    }
}

/// Fd numbers per piece of a big process's walk.
const WALK_PIECE_FDS: u32 = 4096;

/// The socket fds of each of `pids` under the proc folder `base` (in pid
/// order, each in fd order; an error where the folder cannot be read),
/// walked on as many threads as the walk is worth. Its cost is very uneven
/// (one server may hold 20,000 sockets while hundreds of processes hold
/// none), so a process with many fds is walked in pieces of fd numbers, and
/// the biggest pieces are claimed first: the threads end together instead
/// of one walking the last big process alone. `meanwhile` runs on the
/// calling thread beside the walk (`par::map_ordered_waking`) when a
/// socket turns up, or at once on a walk on several threads if `eager`.
pub fn walk_socket_fds<M>(
    base: &[u8],
    pids: &[u32],
    sort: bool,
    eager: bool,
    meanwhile: impl FnOnce() -> M,
) -> (Vec<io::Result<Vec<SocketFd>>>, Option<M>) {
    // (index in pids, fd numbers) per piece, and its cost: its fds.
    let mut pieces = Vec::with_capacity(pids.len());
    let mut costs = Vec::new();
    let cores = crate::core::par::walk_cores();
    let counts = if sort || cores < 2 {
        Vec::new()
    } else {
        fd_counts(base, pids)
    };
    if counts.is_empty() {
        pieces.extend((0..pids.len()).map(|i| (i, 0..u32::MAX)));
    } else {
        // Every process's first piece, then every second one, and so on:
        // pieces of equal cost are claimed in that order, so two threads
        // seldom walk the same process at once (they would contend for its
        // fd table and its folder's entries in the kernel).
        let most = counts.iter().max().copied().unwrap_or(0);
        let mut lo = 0;
        loop {
            for (i, &n) in counts.iter().enumerate() {
                let last = lo + WALK_PIECE_FDS >= n;
                if lo == 0 || lo < n {
                    pieces.push((i, lo..if last { u32::MAX } else { lo + WALK_PIECE_FDS }));
                    costs.push(n.saturating_sub(lo).min(WALK_PIECE_FDS) as u64);
                }
            }
            lo += WALK_PIECE_FDS;
            if lo >= most {
                break;
            }
        }
    }
    // Threads for many processes, or for one big enough to be in pieces.
    let threads = if pieces.len() > pids.len() {
        cores
    } else {
        crate::core::par::threads_for(pids.len())
    };
    let has_socket = |r: &io::Result<Vec<SocketFd>>| r.as_ref().is_ok_and(|v| !v.is_empty());
    let (per_piece, m) = crate::core::par::map_ordered_waking(
        threads,
        &pieces,
        &costs,
        FdScratch::default,
        |scratch, (i, fds)| pid_socket_fds_in(base, pids[*i], fds.clone(), sort, scratch),
        has_socket,
        eager && threads > 1,
        meanwhile,
    );
    // The pieces of a process, joined (a process's pieces are in fd order
    // in the list). One that could not be read after the first could: the
    // process went meanwhile (what was read stays, as a walk in one go
    // would have kept it).
    let mut out: Vec<Option<io::Result<Vec<SocketFd>>>> = (0..pids.len()).map(|_| None).collect();
    for ((i, _), r) in pieces.iter().zip(per_piece) {
        match (&mut out[*i], r) {
            (slot @ None, r) => *slot = Some(r),
            (Some(Ok(all)), Ok(more)) => all.extend(more),
            _ => {}
        }
    }
    (out.into_iter().flatten().collect(), m)
}

/// Each process's number of open fds, the size the kernel gives
/// /proc/PID/fd (since Linux 6.2; 0 before, which leaves one piece per
/// process in pid order).
fn fd_counts(base: &[u8], pids: &[u32]) -> Vec<u32> {
    let mut path = Vec::with_capacity(base.len() + 16);
    pids.iter()
        .map(|&pid| {
            fd_dir_path(&mut path, base, pid);
            path.push(0);
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: a NUL-terminated path and a stat buffer of our own.
            let ok = unsafe { libc::stat(path.as_ptr().cast(), &mut st) } == 0;
            if ok {
                st.st_size.clamp(0, u32::MAX as i64) as u32
            } else {
                0
            }
        })
        .collect()
}

/// Whether listings under the proc folder `base` must be sorted: /proc
/// lists ascending pids and fds, which is what the originals see; a
/// snapshot folder lists in its filesystem's order.
pub fn needs_sort(base: &[u8]) -> bool {
    base != b"/proc"
}

/// Reused buffers for `pid_socket_fds` (one per walking thread).
#[derive(Default)]
pub struct FdScratch {
    path: Vec<u8>,
    fd_nums: Vec<u32>,
}

/// The socket fds of process `pid` under the proc folder `base`, in fd
/// order (`sort`: list order is not fd order, as on a snapshot).
pub fn pid_socket_fds(base: &[u8], pid: u32, sort: bool, scratch: &mut FdScratch) -> io::Result<Vec<SocketFd>> {
    pid_socket_fds_in(base, pid, 0..u32::MAX, sort, scratch)
}

/// `pid_socket_fds`, of the fds numbered in `range` only.
fn pid_socket_fds_in(
    base: &[u8],
    pid: u32,
    range: std::ops::Range<u32>,
    sort: bool,
    scratch: &mut FdScratch,
) -> io::Result<Vec<SocketFd>> {
    let path = &mut scratch.path;
    fd_dir_path(path, base, pid);
    let mut fds = Vec::new();
    read_socket_fds(path, range, sort, &mut scratch.fd_nums, &mut fds)?;
    Ok(fds)
}

/// `path` set to the fd folder of process `pid` under the proc folder `base`.
fn fd_dir_path(path: &mut Vec<u8>, base: &[u8], pid: u32) {
    path.clear();
    path.extend_from_slice(base);
    path.push(b'/');
    push_decimal(path, pid as u64);
    path.extend_from_slice(b"/fd");
}

/// Appends the socket fds of the fd folder at `path` (a /proc/ID/fd; the
/// buffer is reused and left changed) numbered in `range` to `out`, in fd
/// order.
pub fn read_socket_fds(
    path: &mut Vec<u8>,
    range: std::ops::Range<u32>,
    sort: bool,
    fd_nums: &mut Vec<u32>,
    out: &mut Vec<SocketFd>,
) -> io::Result<()> {
    // One open folder for both the listing and readlinkat() relative to it
    // (no path walk per fd, no allocation per entry).
    path.push(0);
    let dirfd = unsafe {
        libc::open(
            path.as_ptr().cast(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    path.pop();
    if dirfd < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut listing = [0u8; 4096];
    fd_nums.clear();
    if sort {
        // A snapshot's folder (not in fd order): listed whole, sorted.
        while list_fds(dirfd, &mut listing, fd_nums).is_some() {}
        fd_nums.retain(|fd| range.contains(fd));
        fd_nums.sort_unstable();
        links_of(dirfd, fd_nums, out);
        unsafe { libc::close(dirfd) };
        return Ok(());
    }
    // /proc/PID/fd is listed a few hundred entries at a time and each
    // batch's links read at once, while the kernel's entries for them are
    // still in the cache (a quarter less time than listing a big process
    // whole first). A batch of consecutive fds (a server's thousands of
    // connections) is followed by reading the next fds' links straight
    // away, without listing them, up to the first that is not open; the
    // listing then goes on from that one (its position is the fd + 2, after
    // `.` and `..`). Every fd is listed or read once, in fd order.
    //
    // The kernel fills a listing until the next entry does not fit, so one
    // that leaves room for another (an fd's takes at most 32 bytes) is the
    // last: most processes need a single getdents64(), not two.
    //
    // A range that starts past 0 starts the listing at its first fd, and
    // the walk stops at the first fd past its end.
    if range.start > 0 && unsafe { libc::lseek(dirfd, range.start as libc::off_t + 2, libc::SEEK_SET) } < 0 {
        unsafe { libc::close(dirfd) };
        return Ok(());
    }
    loop {
        fd_nums.clear();
        let filled = list_fds(dirfd, &mut listing, fd_nums);
        let listed = fd_nums.len();
        fd_nums.retain(|&fd| fd < range.end);
        links_of(dirfd, fd_nums, out);
        match filled {
            _ if fd_nums.len() < listed => break,
            Some(n) if n + 64 <= listing.len() => break,
            Some(_) => {}
            None => break,
        }
        let (Some(&first), Some(&last)) = (fd_nums.first(), fd_nums.last()) else {
            continue;
        };
        if fd_nums.len() < 32 || (last - first) as usize + 1 != fd_nums.len() {
            continue;
        }
        let mut fd = last + 1;
        while fd < range.end
            && let Some(link) = link_of(dirfd, fd)
        {
            if let Some(inode) = link {
                out.push(SocketFd { fd, inode });
            }
            fd += 1;
        }
        if fd >= range.end {
            break;
        }
        if unsafe { libc::lseek(dirfd, fd as libc::off_t + 2, libc::SEEK_SET) } < 0 {
            break;
        }
    }
    unsafe { libc::close(dirfd) };
    Ok(())
}

/// One getdents64() of the folder `dirfd` into `buf`: the entries named
/// by a number, appended to `fds`, and the bytes it filled; None at the
/// end (or on an error, which ends the listing as readdir() would).
fn list_fds(dirfd: libc::c_int, buf: &mut [u8], fds: &mut Vec<u32>) -> Option<usize> {
    let n = unsafe { libc::syscall(libc::SYS_getdents64, dirfd, buf.as_mut_ptr(), buf.len()) };
    if n <= 0 {
        return None;
    }
    // linux_dirent64: ino u64, off i64, reclen u16, type u8, then the
    // NUL-ended name, padded to `reclen`.
    let data = &buf[..n as usize];
    let mut at = 0;
    while let Some(head) = data.get(at..at + 19) {
        let reclen = u16::from_ne_bytes([head[16], head[17]]) as usize;
        let Some(name) = data.get(at + 19..at + reclen) else {
            break;
        };
        let name = &name[..memchr::memchr(0, name).unwrap_or(name.len())];
        if let Some(fd) = parse_decimal(name) {
            fds.push(fd);
        }
        at += reclen.max(1);
    }
    Some(n as usize)
}

/// readlinkat() of each fd of the folder `dirfd`; the sockets to `out`.
fn links_of(dirfd: libc::c_int, fds: &[u32], out: &mut Vec<SocketFd>) {
    for &fd in fds {
        if let Some(Some(inode)) = link_of(dirfd, fd) {
            out.push(SocketFd { fd, inode });
        }
    }
}

/// The link of fd `fd` in the folder `dirfd`: None when it cannot be read
/// (not open), else its socket inode if it is a socket.
fn link_of(dirfd: libc::c_int, fd: u32) -> Option<Option<u64>> {
    let mut link = [0u8; 64];
    let mut name = [0u8; 12];
    let mut tmp = [0u8; 20];
    let digits = crate::core::out::fmt_u64(fd as u64, &mut tmp);
    name[..digits.len()].copy_from_slice(digits);
    name[digits.len()] = 0;
    let n = unsafe { libc::readlinkat(dirfd, name.as_ptr().cast(), link.as_mut_ptr().cast(), link.len()) };
    if n <= 0 {
        return None;
    }
    Some(socket_inode(&link[..n as usize]))
}

/// `socket:[N]` or `[0000]:N` → N.
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    if let Some(rest) = link.strip_prefix(b"socket:[") {
        let digits = rest.strip_suffix(b"]")?;
        return parse_decimal(digits).map(|_| ()).and(parse_u64(digits));
    }
    if let Some(rest) = link.strip_prefix(b"[0000]:") {
        return parse_u64(rest);
    }
    None
}

fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter()
        .try_fold(0u64, |a, &d| a.checked_mul(10)?.checked_add((d - b'0') as u64))
        .filter(|&v| v != u64::MAX)
}

/// A /proc entry name that is all digits and fits in u32.
pub fn parse_decimal(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = s.iter().fold(0u64, |a, &d| a * 10 + (d - b'0') as u64);
    u32::try_from(v).ok()
}

pub fn push_decimal(buf: &mut Vec<u8>, v: u64) {
    let mut tmp = [0u8; 20];
    buf.extend_from_slice(crate::core::out::fmt_u64(v, &mut tmp));
}

/// Inodes are already well spread: a multiplicative hash is enough and much
/// cheaper than SipHash on the hot path.
#[derive(Default, Clone, Copy)]
pub struct BuildInodeHasher;

impl std::hash::BuildHasher for BuildInodeHasher {
    type Hasher = InodeHasher;
    fn build_hasher(&self) -> InodeHasher {
        InodeHasher(0)
    }
}

#[derive(Default)]
pub struct InodeHasher(u64);

impl std::hash::Hasher for InodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ (v >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links() {
        assert_eq!(socket_inode(b"socket:[12345]"), Some(12345));
        assert_eq!(socket_inode(b"[0000]:99"), Some(99));
        assert_eq!(socket_inode(b"socket:[]"), None);
        assert_eq!(socket_inode(b"socket:[12a]"), None);
        assert_eq!(socket_inode(b"socket:[123"), None);
        assert_eq!(socket_inode(b"pipe:[123]"), None);
        assert_eq!(socket_inode(b"/dev/null"), None);
        assert_eq!(socket_inode(b"socket:[99999999999999999999999]"), None);
    }

    #[test]
    fn live_fd_folder_read_in_batches_and_runs_matches_a_plain_listing() {
        // 1,200 socket fds in a row (runs read without listing), gaps in
        // them, and a file among them, held by a child that does nothing:
        // the other tests in this process open and close fds all the time,
        // so this process's own fd folder never holds still to compare.
        let mut held = Vec::new();
        for _ in 0..600 {
            let mut pair = [0; 2];
            assert_eq!(
                unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, pair.as_mut_ptr()) },
                0
            );
            held.extend(pair);
        }
        for &at in &[200usize, 201, 450, 451, 452, 700, 1199] {
            unsafe { libc::close(held[at]) };
            held[at] = -1;
        }
        // Without O_CLOEXEC, like the socketpairs, so the child keeps it.
        let file = unsafe { libc::open(c"/proc/self/status".as_ptr(), libc::O_RDONLY) };
        assert!(file >= 0);
        let mut child = std::process::Command::new("sleep").arg("60").spawn().unwrap();
        let pid = child.id();
        for fd in held.iter().copied().filter(|&fd| fd >= 0).chain([file]) {
            unsafe { libc::close(fd) };
        }
        let folder = format!("/proc/{pid}/fd");
        let plain = || -> Vec<SocketFd> {
            let mut fds: Vec<u32> = std::fs::read_dir(&folder)
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect();
            fds.sort_unstable();
            fds.into_iter()
                .filter_map(|fd| {
                    let link = std::fs::read_link(format!("{folder}/{fd}")).ok()?;
                    Some(SocketFd {
                        fd,
                        inode: socket_inode(link.as_os_str().as_bytes())?,
                    })
                })
                .collect()
        };
        let expected = plain();
        let ours = pid_socket_fds(b"/proc", pid, false, &mut FdScratch::default()).unwrap();
        // In pieces of fd numbers: one starting in a gap, one at an open fd
        // inside a run, the last open-ended. Cut by the child's fd numbers,
        // not by `held`'s order: fds the other tests closed meanwhile were
        // reused, so `held` is not ascending (cuts taken from it overlapped).
        let open: Vec<u32> = expected.iter().map(|s| s.fd).collect();
        let gap = (open[200]..).find(|fd| !open.contains(fd)).unwrap();
        let inside = *open.iter().find(|&&fd| fd > gap + 300).unwrap();
        let cuts = [0, gap, inside, u32::MAX];
        let mut pieces = Vec::new();
        for w in cuts.windows(2) {
            pieces.extend(pid_socket_fds_in(b"/proc", pid, w[0]..w[1], false, &mut FdScratch::default()).unwrap());
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let ours_fds: Vec<u32> = ours.iter().map(|s| s.fd).collect();
        for &fd in held.iter().filter(|&&fd| fd >= 0) {
            assert!(ours_fds.contains(&(fd as u32)), "fd {fd} missing");
        }
        assert!(ours_fds.windows(2).all(|w| w[0] < w[1]), "not in fd order");
        let pairs = |a: &[SocketFd]| a.iter().map(|s| (s.fd, s.inode)).collect::<Vec<_>>();
        assert_eq!(pairs(&ours), pairs(&expected));
        assert_eq!(pairs(&pieces), pairs(&expected));
    }

    #[test]
    fn scan_of_a_snapshot() {
        let dir = std::env::temp_dir().join(format!("sockbox-owners-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (pid, fds) in [
            (20u32, &[(3u32, "socket:[7]"), (1, "/dev/null"), (10, "socket:[8]")][..]),
            (5, &[(4, "socket:[7]")][..]),
        ] {
            let fd_dir = dir.join(format!("proc/{pid}/fd"));
            std::fs::create_dir_all(&fd_dir).unwrap();
            for (fd, target) in fds {
                std::os::unix::fs::symlink(target, fd_dir.join(fd.to_string())).unwrap();
            }
        }
        std::fs::create_dir_all(dir.join("proc/net")).unwrap();
        std::fs::create_dir_all(dir.join("proc/77")).unwrap(); // no fd folder: vanished
        let o = Owners::scan(&SysRoot::snapshot(dir.clone()));
        let seen: Vec<(u32, u32, u64)> = o
            .procs
            .iter()
            .flat_map(|p| {
                o.fds[p.first_fd as usize..p.end_fd as usize]
                    .iter()
                    .map(move |s| (p.pid, s.fd, s.inode))
            })
            .collect();
        // Ascending pids and fds; the non-socket fd and the vanished pid are skipped.
        assert_eq!(seen, vec![(5, 4, 7), (20, 3, 7), (20, 10, 8)]);
        assert!(!o.denied);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
