//! The kernel's floor for a `-p` listing, for bench.py: the work that any
//! tool reading /proc must have the kernel do, and nothing else.
//!
//! One thread reads /proc/net/tcp and /proc/net/tcp6 to their end (the
//! kernel writes the text as it goes, a page per read) while the others,
//! one per core, read every /proc/PID/fd link with readlinkat() relative to
//! the open fd folder. Nothing is parsed, looked up or printed. `netstat
//! -tanp` needs exactly this from the kernel; `lsof -i` this and more.
//!
//! Built by bench.py with plain rustc (std only): `floor [THREADS]`.

use std::ffi::CString;
use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::raw::{c_char, c_int};
use std::sync::atomic::{AtomicUsize, Ordering};

unsafe extern "C" {
    fn readlinkat(dirfd: c_int, path: *const c_char, buf: *mut c_char, size: usize) -> isize;
}

/// Reads a /proc/net table to its end. A read that leaves room for another
/// row is the last (as sockbox reads them: the 0-byte read after it would
/// cost the kernel one more walk of its connection hash).
fn read_table(path: &str, buf: &mut [u8]) -> usize {
    let Ok(mut f) = File::open(path) else { return 0 };
    let mut total = 0;
    while let Ok(n) = f.read(buf) {
        total += n;
        if n == 0 || n + 512 <= 4096 {
            break;
        }
    }
    total
}

/// The fd numbers of /proc/PID/fd.
fn list(pid: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect()
}

/// Links claimed at a time by a walking thread: runs of one process's fds
/// mostly, so one open of its folder serves hundreds of them, and the
/// threads share a big process instead of one walking it alone.
const CLAIM: usize = 256;

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(cores);
    let next = AtomicUsize::new(0);
    let read = AtomicUsize::new(0);
    let mut text = 0;
    std::thread::scope(|s| {
        let tcp = s.spawn(|| {
            let mut buf = vec![0u8; 1 << 17];
            read_table("/proc/net/tcp", &mut buf) + read_table("/proc/net/tcp6", &mut buf)
        });
        let pids: Vec<String> = std::fs::read_dir("/proc")
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                    .collect()
            })
            .unwrap_or_default();
        // (index in pids, fd) of every open fd.
        let links: Vec<(usize, u32)> = pids
            .iter()
            .enumerate()
            .flat_map(|(i, pid)| list(pid).into_iter().map(move |fd| (i, fd)))
            .collect();
        let (pids, links) = (&pids, &links);
        let walker = || {
            let mut folder: Option<(usize, File)> = None;
            let mut link = [0u8; 64];
            loop {
                let from = next.fetch_add(CLAIM, Ordering::Relaxed);
                if from >= links.len() {
                    break;
                }
                for &(p, fd) in &links[from..(from + CLAIM).min(links.len())] {
                    if folder.as_ref().is_none_or(|f| f.0 != p) {
                        folder = File::open(format!("/proc/{}/fd", pids[p])).ok().map(|f| (p, f));
                    }
                    let Some((_, dir)) = &folder else { continue };
                    let name = CString::new(fd.to_string()).unwrap_or_default();
                    // SAFETY: a NUL-ended name and a buffer of our own.
                    let got = unsafe { readlinkat(dir.as_raw_fd(), name.as_ptr(), link.as_mut_ptr().cast(), link.len()) };
                    read.fetch_add((got > 0) as usize, Ordering::Relaxed);
                }
            }
        };
        std::thread::scope(|w| (0..threads).for_each(|_| drop(w.spawn(walker))));
        text = tcp.join().unwrap_or(0);
    });
    println!("{} bytes of tcp text, {} links", text, read.load(Ordering::Relaxed));
}
