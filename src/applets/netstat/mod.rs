//! `netstat` (net-tools 2.10), byte-identical.
//!
//! Path of a run: `options::parse` (getopt_long exactly as netstat calls it,
//! then netstat's flag resolution) → the mode → for sockets,
//! `sockets::Listing` (tables in netstat's order, one row at a time) using
//! `names` (host:port text, PID/Program name) over the shared core.

pub mod iface;
mod names;
pub mod options;
mod route;
mod sockets;
mod stats;

use crate::core::root::SysRoot;
use options::{Mode, Options, Parsed};
use std::ffi::OsString;
use std::io::Write;

pub fn main(argv0: &[u8], args: &[OsString]) -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let opts = match options::parse(argv0, args, &mut stdout.lock(), &mut stderr.lock()) {
        Parsed::Run(o) => o,
        Parsed::Exit(code) => return code,
    };
    let root = SysRoot::from_env();
    run(&opts, &root, stdout.lock(), stderr.lock())
}

/// Runs a parsed invocation against `root`, writing to `out` and `err`;
/// returns netstat's exit status.
pub fn run(opts: &Options, root: &SysRoot, out: impl Write, mut err: impl Write) -> i32 {
    match opts.mode {
        Mode::Sockets => {}
        Mode::Masquerade => {
            // /proc/net/ip_masquerade has been gone since Linux 2.4.
            return match std::fs::metadata(root.path("/proc/net/ip_masquerade")) {
                Err(_) => {
                    let _ = err.write_all(b"netstat: no support for `ip_masquerade' on this system.\n");
                    1
                }
                Ok(_) => not_yet(&mut err, "-M"),
            };
        }
        Mode::Route => {
            let mut routes = route::Routes::new(opts, root, out, err);
            loop {
                let rc = routes.round();
                routes.flush();
                if rc != 0 || !opts.continuous {
                    return rc & 0xff;
                }
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
        Mode::Interfaces => {
            let mut table = iface::Interfaces::new(opts, root, out, err);
            loop {
                let rc = table.round();
                table.flush();
                if rc != 0 || !opts.continuous {
                    return rc & 0xff;
                }
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
        Mode::Statistics => return stats::Stats::new(opts, root).run(opts, out, err),
    }
    let mut listing = sockets::Listing::new(opts, root, out, err);
    loop {
        let rc = listing.round();
        if !opts.continuous || rc != 0 {
            listing.flush();
            // netstat's main() returns -1 for a read error: exit status 255.
            return rc & 0xff;
        }
        listing.end_round();
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// The modes of issue 5 that are not built yet.
fn not_yet(err: &mut impl Write, flag: &str) -> i32 {
    let _ = writeln!(err, "sockbox: netstat {flag}: not implemented yet");
    1
}

/// net-tools' flag columns: one letter per set bit, in the table's order.
fn push_flag_letters(bits: u32, table: &[(u32, u8)], out: &mut Vec<u8>) {
    out.extend(table.iter().filter(|&&(bit, _)| bits & bit != 0).map(|&(_, c)| c));
}
