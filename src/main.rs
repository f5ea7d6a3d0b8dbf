//! sockbox: one binary that is `netstat`, `ss` and `lsof` (busybox-style).
//!
//! The basename of argv[0] picks the applet (the table is `APPLETS` in
//! lib.rs); `sockbox APPLET ARGS…` works too. Everything else about the
//! `sockbox` name itself (install, list, who, report, …) lives in
//! `applets::front`.

use sockbox::{applets, basename, find_applet};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

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
