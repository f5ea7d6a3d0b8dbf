//! sockbox: one binary that is `netstat`, `ss` and `lsof` (busybox-style).
//!
//! The library holds everything; `main.rs` only picks the applet. It is a
//! library so that the fuzz targets (`fuzz/`) can drive the parsers directly.

pub mod applets;
pub mod core;

/// An applet's entry point: the name it was invoked as (for error messages,
/// as getopt prints argv[0]) and its arguments; returns the exit status.
pub type AppletMain = fn(argv0: &[u8], args: &[std::ffi::OsString]) -> i32;

/// The one table of applets.
pub const APPLETS: &[(&str, AppletMain)] = &[
    ("netstat", applets::netstat::main),
    ("ss", applets::ss::main),
    ("lsof", applets::lsof::main),
];

pub fn find_applet(name: &[u8]) -> Option<AppletMain> {
    APPLETS.iter().find(|(n, _)| n.as_bytes() == name).map(|(_, f)| *f)
}

/// The last path component of `path` (argv[0] names the applet).
pub fn basename(path: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', path) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}
