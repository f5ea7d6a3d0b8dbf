//! The snapshot switch. With `SOCKBOX_ROOT=DIR` in the environment every file
//! sockbox reads under /proc, /sys and /etc is read under DIR instead, so a
//! recorded snapshot replays exactly. One `SysRoot` value is made in each
//! applet's entry point and handed to every source and name service.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

/// The environment variable that redirects all reads to a snapshot.
pub const ROOT_ENV: &str = "SOCKBOX_ROOT";

#[derive(Debug, Clone, Default)]
pub struct SysRoot {
    /// `None`: the live system. `Some(dir)`: a snapshot rooted at `dir`.
    prefix: Option<Vec<u8>>,
}

impl SysRoot {
    /// The live system, unless `SOCKBOX_ROOT` names a snapshot.
    pub fn from_env() -> SysRoot {
        match std::env::var_os(ROOT_ENV) {
            Some(dir) if !dir.is_empty() => SysRoot::snapshot(dir),
            _ => SysRoot::live(),
        }
    }

    pub fn live() -> SysRoot {
        SysRoot { prefix: None }
    }

    pub fn snapshot(dir: impl Into<OsString>) -> SysRoot {
        let mut prefix = dir.into().into_vec();
        while prefix.len() > 1 && prefix.ends_with(b"/") {
            prefix.pop();
        }
        SysRoot { prefix: Some(prefix) }
    }

    /// True when reading the running kernel (name lookups then go through
    /// the C library, as the originals' do).
    pub fn is_live(&self) -> bool {
        self.prefix.is_none()
    }

    /// The real path of the absolute system path `abs` (e.g. `/proc/net/tcp`).
    pub fn path(&self, abs: &str) -> PathBuf {
        let mut buf = Vec::new();
        self.path_into(abs.as_bytes(), &mut buf);
        PathBuf::from(OsString::from_vec(buf))
    }

    /// Writes the real path of `abs` into `buf` (cleared first); for hot
    /// loops that build many paths without allocating.
    pub fn path_into(&self, abs: &[u8], buf: &mut Vec<u8>) {
        buf.clear();
        if let Some(p) = &self.prefix {
            buf.extend_from_slice(p);
        }
        buf.extend_from_slice(abs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_paths_are_unchanged() {
        assert_eq!(SysRoot::live().path("/proc/net/tcp"), PathBuf::from("/proc/net/tcp"));
    }

    #[test]
    fn snapshot_paths_are_prefixed() {
        let r = SysRoot::snapshot("/tmp/snap/");
        assert_eq!(r.path("/etc/services"), PathBuf::from("/tmp/snap/etc/services"));
        assert!(!r.is_live());
    }
}
