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
        let Ok(p) = Process::new_with_root(dir) else {
            return info;
        };
        if let Ok(st) = p.stat() {
            info.ppid = u32::try_from(st.ppid).ok();
            info.start_time = boot_time(root).map(|b| b + st.starttime / procfs::ticks_per_second().max(1));
        }
        if let Ok(status) = p.status() {
            info.uid = Some(status.euid);
        }
        info.cwd = p.cwd().ok().map(|c| c.as_os_str().as_bytes().to_vec());
        info.exe = p.exe().ok().map(|c| c.as_os_str().as_bytes().to_vec());
        info
    }
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
    fn vanished_process_has_no_fields() {
        let p = ProcInfo::read(&SysRoot::snapshot("/nonexistent"), 1);
        assert!(p.comm.is_empty() && p.ppid.is_none() && p.cmdline.is_empty());
    }
}
