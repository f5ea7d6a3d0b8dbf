//! lsof's file-name arguments (`lsof -i -- NAME…`), as far as sockbox
//! goes. lsof resolves each name's symbolic links its own way, drops
//! trailing slashes and stats it; a name that cannot be stat'ed gets
//! `status error on NAME: REASON` and is dropped, and when every name is
//! dropped lsof exits 1 before listing anything. That outcome involves no
//! file other than sockets, so sockbox gives it byte for byte; a name that
//! exists would select files of every kind, which sockbox refuses
//! (COMPAT.md L1), as it does anything it cannot settle here.

use crate::core::escape::safe_bytes;
use std::ffi::CString;

/// The longest path lsof assembles (MAXPATHLEN).
const PATH_MAX: usize = 4096;
/// Rounds of link resolution before sockbox gives up (lsof allows the C
/// library's MAXSYMLINKS and then reports a loop; sockbox refuses instead).
const MAX_ROUNDS: usize = 8;

/// When no name can be stat'ed: lsof's messages for them (appended to
/// `err`) and true. False when some name exists, or is a mount point or
/// device of the mount table, or its links could not be followed here:
/// the caller refuses; `err` is then left as it was.
pub fn all_missing(pn: &[u8], names: &[Vec<u8>], mounts: &[u8], err: &mut Vec<u8>) -> bool {
    let mut text = Vec::new();
    for name in names {
        // lsof resolves an empty name into whatever its (uninitialised)
        // assembly buffer held from the name before: not settled here.
        if name.is_empty() {
            return false;
        }
        let Some(mut path) = resolve(name) else {
            return false;
        };
        strip_trailing_slashes(&mut path);
        if in_mount_table(&path, mounts) {
            return false;
        }
        let Some(errno) = stat_error(&path) else {
            return false;
        };
        text.extend_from_slice(pn);
        text.extend_from_slice(b": status error on ");
        safe_bytes(&path, false, &mut text);
        text.extend_from_slice(b": ");
        text.extend_from_slice(&crate::core::sys::strerror(errno));
        text.push(b'\n');
    }
    err.extend_from_slice(&text);
    true
}

/// lsof's reading of a name's links, until it stops changing: each
/// leading part of the name (up to each `/`) that is a link is replaced by
/// its target (an absolute target replaces all assembled so far), and the
/// result is read again. None: too long, or too many rounds.
pub fn resolve(name: &[u8]) -> Option<Vec<u8>> {
    let mut cur = name.to_vec();
    for _ in 0..MAX_ROUNDS {
        let next = resolve_once(&cur)?;
        if next == cur {
            return Some(cur);
        }
        cur = next;
    }
    None
}

/// lsof drops the trailing slashes of a path longer than one byte.
pub fn strip_trailing_slashes(path: &mut Vec<u8>) {
    let mut keep = path.len();
    while keep > 1 && path[keep - 1] == b'/' {
        keep -= 1;
    }
    path.truncate(keep);
}

fn resolve_once(name: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < name.len() {
        // A part: from its `/` (the first from the start) to the next.
        let end = name[start + 1..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(name.len(), |i| start + 1 + i);
        if end > PATH_MAX {
            return None;
        }
        let target = read_link(&name[..end]);
        let (part, is_link) = match &target {
            Some(t) if t.first() == Some(&b'/') => {
                out.clone_from(t);
                start = end;
                continue;
            }
            Some(t) => (&t[..], true),
            None => (&name[start..end], false),
        };
        let slash = match part.first() {
            Some(b'/') => false,
            _ if !out.is_empty() => out.last() != Some(&b'/'),
            // A relative link as the first part of an absolute name.
            _ => is_link && name[0] == b'/',
        };
        if slash {
            out.push(b'/');
        }
        out.extend_from_slice(part);
        if out.len() > PATH_MAX {
            return None;
        }
        start = end;
    }
    Some(out)
}

fn read_link(path: &[u8]) -> Option<Vec<u8>> {
    let c = CString::new(path).ok()?;
    let mut buf = vec![0u8; PATH_MAX];
    // SAFETY: a NUL-terminated path and a buffer of the size given.
    let n = unsafe { libc::readlink(c.as_ptr(), buf.as_mut_ptr().cast(), buf.len() - 1) };
    if n < 0 {
        return None;
    }
    buf.truncate(n as usize);
    Some(buf)
}

/// stat()'s errno for `path`; None when it exists.
fn stat_error(path: &[u8]) -> Option<i32> {
    let Ok(c) = CString::new(path) else {
        return Some(libc::ENOENT);
    };
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a stat buffer of our own.
    if unsafe { libc::stat(c.as_ptr(), &mut st) } == 0 {
        return None;
    }
    Some(crate::core::sys::errno())
}

/// The text of /proc/self/mounts, the mount table lsof reads.
pub fn mount_table() -> Option<Vec<u8>> {
    let mut mounts = Vec::new();
    crate::core::procinfo::read_small(b"/proc/self/mounts", &mut mounts).ok()?;
    Some(mounts)
}

/// Whether `path` is a mount point or a mounted device in `mounts` (the
/// text of /proc/mounts): lsof takes such a name as a file system, which
/// it does not stat.
fn in_mount_table(path: &[u8], mounts: &[u8]) -> bool {
    mount_fields(mounts).any(|(device, dir)| device == path || dir == path)
}

/// Whether `path` is a mount point in `mounts` (the text of /proc/mounts).
pub fn is_mount_dir(path: &[u8], mounts: &[u8]) -> bool {
    mount_fields(mounts).any(|(_, dir)| dir == path)
}

/// Each mount's (device, mount point), unescaped.
fn mount_fields(mounts: &[u8]) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
    mounts
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let mut fields = line.split(|&b| b == b' ');
            let device = fields.next().unwrap_or_default();
            let dir = fields.next().unwrap_or_default();
            (unescape(device), unescape(dir))
        })
}

/// /proc/mounts writes a space, tab, newline and backslash as `\ooo`.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let octal = field
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (field[i], octal) {
            (b'\\', Some(d)) => {
                out.push(d.iter().fold(0u8, |a, &b| a.wrapping_mul(8).wrapping_add(b - b'0')));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sockbox-file-args-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn b(p: &std::path::Path) -> Vec<u8> {
        p.to_str().unwrap().as_bytes().to_vec()
    }

    #[test]
    fn links_resolve_as_lsof_reads_them() {
        let dir = scratch("links");
        let d = dir.to_str().unwrap();
        std::fs::create_dir(dir.join("real")).unwrap();
        std::os::unix::fs::symlink("/nonexistent-abs", dir.join("abs")).unwrap();
        std::os::unix::fs::symlink("rel/x", dir.join("rel-link")).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("dir-link")).unwrap();
        std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).unwrap();
        let r = |s: String| resolve(s.as_bytes()).map(|v| String::from_utf8(v).unwrap());
        assert_eq!(r(format!("{d}/abs")), Some("/nonexistent-abs".into()));
        assert_eq!(r(format!("{d}/abs/more")), Some("/nonexistent-abs/more".into()));
        assert_eq!(r(format!("{d}/rel-link")), Some(format!("{d}/rel/x")));
        assert_eq!(r(format!("{d}/dir-link/zz")), Some(format!("{d}/real/zz")));
        assert_eq!(r(format!("{d}/dir-link/../zz")), Some(format!("{d}/real/../zz")));
        assert_eq!(r(format!("{d}//x/")), Some(format!("{d}//x/")));
        assert_eq!(r("a//b".into()), Some("a//b".into()));
        assert_eq!(r(String::new()), Some(String::new()));
        assert_eq!(r(format!("{d}/loop-a")), None);
        assert_eq!(r("/x".repeat(2100)), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_names_get_status_errors_and_existing_ones_refuse() {
        let dir = scratch("missing");
        std::os::unix::fs::symlink("/nonexistent-abs", dir.join("dangling")).unwrap();
        let mut err = b"kept\n".to_vec();
        let names = vec![b(&dir.join("none/")), b(&dir.join("dangling")), b"\x01\xff".to_vec()];
        assert!(all_missing(b"lsof", &names, b"", &mut err));
        let want = format!(
            "kept\nlsof: status error on {}: No such file or directory\n\
             lsof: status error on /nonexistent-abs: No such file or directory\n\
             lsof: status error on ^A\\xff: No such file or directory\n",
            dir.join("none").display()
        );
        assert_eq!(String::from_utf8_lossy(&err), want);

        let mut err = Vec::new();
        assert!(!all_missing(
            b"lsof",
            &[b"/nonexistent".to_vec(), b(&dir)],
            b"",
            &mut err
        ));
        assert!(err.is_empty());
        let mounts = b"/dev/root / ext4 rw 0 0\nfuse /mnt/gone\\040away fuse rw 0 0\n";
        assert!(!all_missing(b"lsof", &[b"/mnt/gone away".to_vec()], mounts, &mut err));
        assert!(!all_missing(b"lsof", &[b"/dev/root".to_vec()], mounts, &mut err));
        assert!(all_missing(b"lsof", &[b"/mnt/gone".to_vec()], mounts, &mut err));
        assert!(!all_missing(b"lsof", &[b"/x".to_vec(), Vec::new()], mounts, &mut err));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
