//! Helpers shared by the fuzz targets: a snapshot folder that each run
//! rewrites with the input's files (the applets read it through
//! `SysRoot`, exactly as they read a golden case), and the splitting of an
//! input into files or argv words.

use sockbox::core::root::SysRoot;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

/// One target's snapshot folder, private to its process.
pub struct Snapshot {
    pub dir: PathBuf,
}

impl Snapshot {
    /// A fresh, empty folder (on tmpfs when there is one: every run writes
    /// its files there).
    pub fn new(target: &str) -> Snapshot {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        // A fuzzing process ends by exit() (no destructor runs), and fork
        // mode starts one per job: clear the folders of processes gone.
        if let Ok(entries) = std::fs::read_dir(&base) {
            for e in entries.flatten() {
                let name = e.file_name();
                let pid = name
                    .to_str()
                    .and_then(|n| n.strip_prefix("sockbox-fuzz-"))
                    .and_then(|n| n.rsplit('-').next());
                if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok())
                    && !std::path::Path::new(&format!("/proc/{pid}")).exists()
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = base.join(format!("sockbox-fuzz-{target}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("snapshot folder");
        Snapshot { dir }
    }

    pub fn root(&self) -> SysRoot {
        SysRoot::snapshot(self.dir.clone())
    }

    /// Writes `rel` (a path under the snapshot), or removes it for `None`,
    /// so that missing files are exercised too.
    pub fn put(&self, rel: &str, data: Option<&[u8]>) {
        let path = self.dir.join(rel);
        match data {
            Some(d) => {
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                std::fs::write(&path, d).expect("snapshot file");
            }
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    /// Small fixed /etc files, so that name lookups have something to find
    /// (and never go to the live system's resolver).
    pub fn fixed_etc(&self) {
        self.put(
            "etc/hosts",
            Some(b"127.0.0.1 localhost\n::1 localhost ip6-localhost\n10.0.0.1 gw.example gw\n"),
        );
        self.put(
            "etc/services",
            Some(b"ssh 22/tcp\nhttp 80/tcp www\nhttp 80/udp\ndomain 53/udp\nsyslog 514/udp\n"),
        );
        self.put("etc/protocols", Some(b"ip 0 IP\ntcp 6 TCP\nudp 17 UDP\n"));
        self.put("etc/networks", Some(b"loopnet 127.0.0.0\nten 10.0.0.0\n"));
        self.put(
            "etc/passwd",
            Some(b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n"),
        );
        self.put("etc/group", Some(b"root:x:0:\nnogroup:x:65534:\n"));
    }

    /// Writes `parts` to `files` in order; files past the parts are removed.
    pub fn put_all(&self, files: &[&str], parts: &[&[u8]]) {
        for (i, f) in files.iter().enumerate() {
            self.put(f, parts.get(i).copied());
        }
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The input's NUL-separated pieces (file contents or argv words).
pub fn split_nul(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == 0).collect()
}

/// NUL-separated argv words.
pub fn argv(data: &[u8]) -> Vec<OsString> {
    if data.is_empty() {
        return Vec::new();
    }
    split_nul(data)
        .into_iter()
        .map(|w| OsString::from_vec(w.to_vec()))
        .collect()
}

/// Plain words, for the parsers that take `&[Vec<u8>]`.
pub fn words(data: &[u8]) -> Vec<Vec<u8>> {
    if data.is_empty() {
        return Vec::new();
    }
    split_nul(data).into_iter().map(<[u8]>::to_vec).collect()
}

/// Splits off the first byte, which picks the option set of a run.
pub fn selector(data: &[u8], choices: usize) -> Option<(usize, &[u8])> {
    let (&first, rest) = data.split_first()?;
    Some((first as usize % choices, rest))
}

/// Sets an environment variable before any thread runs (at the target's
/// first input: libFuzzer is single-threaded there).
pub fn set_env(key: &str, value: &std::ffi::OsStr) {
    // SAFETY: called once from the fuzz target's init, before the code
    // under test starts any thread.
    unsafe { std::env::set_var(key, value) };
}
