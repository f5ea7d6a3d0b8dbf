//! What the front door tells about a process (`sockbox who`, `list`):
//! read with the procfs crate, off the hot path, under the snapshot root
//! like every other source. A process that vanished or that we may not
//! inspect gives `None` fields, never an error.

use crate::core::root::SysRoot;
use procfs::process::Process;

#[derive(Debug, Clone, Default)]
pub struct ProcInfo {
    pub pid: u32,
    pub ppid: Option<u32>,
    /// Effective uid (status `Uid:` second field).
    pub uid: Option<u32>,
    /// The kernel's name for it (`comm`), as bytes.
    pub comm: Vec<u8>,
    /// argv, as bytes (procfs wants UTF-8 there; a hostile name is not).
    pub cmdline: Vec<Vec<u8>>,
    /// Seconds since the epoch.
    pub start_time: Option<u64>,
    pub cwd: Option<Vec<u8>>,
    pub exe: Option<Vec<u8>>,
}

impl ProcInfo {
    pub fn read(root: &SysRoot, pid: u32) -> ProcInfo {
        use std::os::unix::ffi::OsStrExt;
        let dir = root.path(&format!("/proc/{pid}"));
        let mut info = ProcInfo {
            pid,
            comm: comm(root, pid),
            ..ProcInfo::default()
        };
        if let Ok(data) = std::fs::read(dir.join("cmdline")) {
            info.cmdline = data
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(<[u8]>::to_vec)
                .collect();
        }
        // Our own reading of one line: procfs's whole-status parser costs
        // ~25 KiB of the static binary for this one number.
        if let Ok(status) = std::fs::read(dir.join("status")) {
            info.uid = status_euid(&status);
        }
        let Ok(p) = Process::new_with_root(dir) else {
            return info;
        };
        if let Ok(st) = p.stat() {
            info.ppid = u32::try_from(st.ppid).ok();
            info.start_time = boot_time(root).map(|b| b + st.starttime / procfs::ticks_per_second().max(1));
        }
        info.cwd = p.cwd().ok().map(|c| c.as_os_str().as_bytes().to_vec());
        info.exe = p.exe().ok().map(|c| c.as_os_str().as_bytes().to_vec());
        info
    }
}

/// A small /proc/PID file (stat, status, fdinfo) appended to `buf`, in
/// reads of 4 KiB: one that holds it and one that finds the end. (std's
/// `fs::read` and `read_to_end` first ask the size, which /proc does not
/// know, then probe with 32-byte reads: six calls for a stat line, a few
/// thousand per listing of 1,000 processes.)
pub fn read_small(path: &[u8], buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    use std::os::unix::ffi::OsStrExt;
    let mut f = std::fs::File::open(std::ffi::OsStr::from_bytes(path))?;
    loop {
        let start = buf.len();
        buf.resize(start + 4096, 0);
        match f.read(&mut buf[start..]) {
            Ok(n) => {
                buf.truncate(start + n);
                if n == 0 {
                    return Ok(());
                }
            }
            Err(e) => {
                buf.truncate(start);
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

/// The effective uid (second field of the `Uid:` line) of a
/// /proc/PID/status text: its leading digits, as strtoul takes them.
pub fn status_euid(status: &[u8]) -> Option<u32> {
    let line = status.split(|&b| b == b'\n').find(|l| l.starts_with(b"Uid:"))?;
    let euid = line[4..]
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
        .nth(1)?;
    let digits = euid.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&euid[..digits]).ok()?.parse().ok()
}

/// `comm` as bytes, without its newline; empty when unreadable.
pub fn comm(root: &SysRoot, pid: u32) -> Vec<u8> {
    let mut c = std::fs::read(root.path(&format!("/proc/{pid}/comm"))).unwrap_or_default();
    if c.last() == Some(&b'\n') {
        c.pop();
    }
    c
}

/// The boot time (btime of /proc/stat), in seconds since the epoch.
pub fn boot_time(root: &SysRoot) -> Option<u64> {
    let text = std::fs::read(root.path("/proc/stat")).ok()?;
    let line = text.split(|&b| b == b'\n').find(|l| l.starts_with(b"btime "))?;
    std::str::from_utf8(&line[6..]).ok()?.trim().parse().ok()
}

/// Seconds since the epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process() {
        let me = std::process::id();
        let p = ProcInfo::read(&SysRoot::live(), me);
        assert!(!p.comm.is_empty());
        assert!(p.ppid.is_some() && p.uid.is_some());
        assert!(p.exe.is_some() && p.cwd.is_some());
        let started = p.start_time.unwrap();
        assert!(started <= now() && now() - started < 3600);
    }

    #[test]
    fn euid_is_the_second_uid() {
        assert_eq!(status_euid(b"Name:\tx\nUid:\t0\t65534\t0\t0\nGid:\t1\n"), Some(65534));
        assert_eq!(status_euid(b"Uid: 5 7x"), Some(7));
        assert_eq!(status_euid(b"Uid:\t5\n"), None);
        assert_eq!(status_euid(b"Uid:\t5\t99999999999\n"), None);
        assert_eq!(status_euid(b"Gid:\t1\t2\n"), None);
    }

    #[test]
    fn vanished_process_has_no_fields() {
        let p = ProcInfo::read(&SysRoot::snapshot("/nonexistent"), 1);
        assert!(p.comm.is_empty() && p.ppid.is_none() && p.cmdline.is_empty());
    }
}
