//! uid → user name. Live: the C library through `uzers` (NSS, so
//! `files systemd` and friends answer as they do for the originals).
//! Snapshot: the snapshot's /etc/passwd, first entry for a uid wins.

use crate::core::proc_net::LineReader;
use crate::core::root::SysRoot;
use std::collections::HashMap;
#[cfg(not(target_feature = "crt-static"))]
use std::os::unix::ffi::OsStrExt;

pub struct Users {
    #[cfg_attr(target_feature = "crt-static", allow(dead_code))]
    live: bool,
    /// Lookups made so far (the originals look up per row; answers do not
    /// change within a run, so one call per uid is enough).
    cache: HashMap<u32, Option<Vec<u8>>>,
    /// Snapshot only: (name, uid) in /etc/passwd order, for getpwnam().
    by_name: Vec<(Vec<u8>, u32)>,
}

impl Users {
    pub fn new(root: &SysRoot) -> Users {
        let mut cache = HashMap::new();
        let mut by_name = Vec::new();
        // A static build cannot load NSS modules: it reads /etc/passwd.
        let live = root.is_live() && !cfg!(target_feature = "crt-static");
        if !live {
            let mut reader = LineReader::new();
            let _ = reader.read(&root.path("/etc/passwd"), |line| {
                if let Some((uid, name)) = parse_passwd_line(line) {
                    cache.entry(uid).or_insert_with(|| Some(name.to_vec()));
                    by_name.push((name.to_vec(), uid));
                }
            });
        }
        Users { live, cache, by_name }
    }

    /// The user name for `uid`, or `None` when the system has none.
    pub fn name(&mut self, uid: u32) -> Option<&[u8]> {
        #[cfg(not(target_feature = "crt-static"))]
        if self.live && !self.cache.contains_key(&uid) {
            let found = uzers::get_user_by_uid(uid).map(|u| u.name().as_bytes().to_vec());
            self.cache.insert(uid, found);
        }
        self.cache.get(&uid).and_then(|n| n.as_deref())
    }
}

impl Users {
    /// getpwnam(name)->pw_uid (lsof's `-u login`).
    pub fn uid_by_name(&self, name: &[u8]) -> Option<u32> {
        #[cfg(not(target_feature = "crt-static"))]
        if self.live {
            let name = std::ffi::OsStr::from_bytes(name);
            return uzers::get_user_by_name(name).map(|u| u.uid());
        }
        self.by_name.iter().find(|(n, _)| n == name).map(|&(_, uid)| uid)
    }
}

/// `name:password:uid:…` → (uid, name). NIS compat lines (`+`/`-`) are skipped.
fn parse_passwd_line(line: &[u8]) -> Option<(u32, &[u8])> {
    let mut f = line.split(|&b| b == b':');
    let name = f.next()?;
    if name.is_empty() || name[0] == b'+' || name[0] == b'-' || name[0] == b'#' {
        return None;
    }
    let _pw = f.next()?;
    let uid = f.next()?;
    if uid.is_empty() || !uid.iter().all(u8::is_ascii_digit) || uid.len() > 10 {
        return None;
    }
    let v: u64 = uid.iter().fold(0, |a, &d| a * 10 + (d - b'0') as u64);
    u32::try_from(v).ok().map(|v| (v, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines() {
        assert_eq!(
            parse_passwd_line(b"root:x:0:0:root:/root:/bin/bash"),
            Some((0, &b"root"[..]))
        );
        assert_eq!(
            parse_passwd_line(b"nobody:x:65534:65534::/:/bin/false"),
            Some((65534, &b"nobody"[..]))
        );
        assert_eq!(parse_passwd_line(b"+::::::"), None);
        assert_eq!(parse_passwd_line(b"broken"), None);
        assert_eq!(parse_passwd_line(b"x:x:notanumber:0"), None);
        assert_eq!(parse_passwd_line(b"x:x:99999999999:0"), None);
    }
}
