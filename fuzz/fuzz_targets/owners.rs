//! The owner scan's link parsing (core::owners::socket_inode and
//! parse_decimal) on the input, checked against a plain decimal reading,
//! and the whole scan over a snapshot /proc whose fd links hold the
//! input's NUL-separated pieces.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::core::owners::{Owners, parse_decimal, socket_inode};
use sockbox_fuzz::{Snapshot, split_nul};
use std::sync::OnceLock;

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| Snapshot::new("owners"))
}

/// What a link names, by the scan's contract read the slow way: a kernel
/// socket inode is an unsigned int, so `socket:[N]` takes 1 to 10 digits up
/// to u32::MAX; the old `[0000]:N` form takes 1 to 20 digits of a u64 short
/// of u64::MAX (the originals' error value).
fn expected_inode(link: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(link).ok()?;
    let (digits, max_len) = match text.strip_prefix("socket:[").and_then(|r| r.strip_suffix(']')) {
        Some(d) => (d, 10),
        None => (text.strip_prefix("[0000]:")?, 20),
    };
    if digits.is_empty() || digits.len() > max_len || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = digits.parse::<u64>().ok()?;
    let fits = if max_len == 10 {
        v <= u32::MAX as u64
    } else {
        v != u64::MAX
    };
    fits.then_some(v)
}

fuzz_target!(|data: &[u8]| {
    let got = socket_inode(data);
    assert_eq!(got, expected_inode(data));
    if let Some(v) = parse_decimal(data) {
        assert_eq!(
            std::str::from_utf8(data).ok().and_then(|s| s.parse::<u32>().ok()),
            Some(v)
        );
    }

    // The scan itself: pid 1 holds one fd per piece (link text as given).
    let snap = snapshot();
    let fd_dir = snap.dir.join("proc/1/fd");
    let _ = std::fs::remove_dir_all(&fd_dir);
    std::fs::create_dir_all(&fd_dir).unwrap();
    let mut want = Vec::new();
    for (fd, link) in split_nul(data).into_iter().enumerate().take(64) {
        if link.is_empty() {
            continue; // a symlink cannot be empty
        }
        let target = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(link);
        std::os::unix::fs::symlink(target, fd_dir.join(fd.to_string())).unwrap();
        if let Some(inode) = socket_inode(link) {
            want.push((fd as u32, inode));
        }
    }
    let o = Owners::scan(&snap.root());
    let seen: Vec<(u32, u64)> = o.fds.iter().map(|s| (s.fd, s.inode)).collect();
    // The scan reads at most 64 bytes of a link, but no socket link is
    // that long, so it finds exactly the socket links, in fd order.
    assert_eq!(seen, want);
});
