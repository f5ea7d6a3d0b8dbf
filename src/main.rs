//! sockbox: one binary that is `netstat`, `ss` and `lsof` (busybox-style).
//!
//! The basename of argv[0] picks the applet; `sockbox APPLET ARGS…` works too.
//! Everything else about the `sockbox` name itself (install, list, …) lives in
//! `applets::front`.

mod applets;
mod core;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// An applet's entry point: the name it was invoked as (for error messages,
/// as getopt prints argv[0]) and its arguments; returns the exit status.
pub type AppletMain = fn(argv0: &[u8], args: &[OsString]) -> i32;

/// The one table of applets.
pub const APPLETS: &[(&str, AppletMain)] = &[
    ("netstat", applets::netstat::main),
    ("ss", applets::ss::main),
    ("lsof", applets::lsof::main),
];

pub fn find_applet(name: &[u8]) -> Option<AppletMain> {
    APPLETS.iter().find(|(n, _)| n.as_bytes() == name).map(|(_, f)| *f)
}

fn basename(path: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', path) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

fn main() {
    // Like the originals, die quietly on a closed pipe (`netstat | head`).
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let argv0 = if args.is_empty() {
        OsString::from("sockbox")
    } else {
        args.remove(0)
    };
    let name = basename(argv0.as_bytes());
    let code = match find_applet(name) {
        Some(applet) => applet(argv0.as_bytes(), &args),
        None if name == b"sockbox" || name.starts_with(b"sockbox") => applets::front::main(argv0.as_bytes(), &args),
        None => applets::front::unknown_applet(name),
    };
    std::process::exit(code);
}
