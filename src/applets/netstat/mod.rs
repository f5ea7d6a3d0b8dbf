//! `netstat` (net-tools 2.10): socket tables, byte-identical.
//!
//! Path of a run: `options::parse` (getopt_long exactly as netstat calls it)
//! → `sockets::run` (which tables, in netstat's order) → `render` (each row).

pub mod options;

use std::ffi::OsString;

pub fn main(argv0: &[u8], args: &[OsString]) -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let opts = match options::parse(argv0, args, &mut stdout.lock(), &mut stderr.lock()) {
        options::Parsed::Run(o) => o,
        options::Parsed::Exit(code) => return code,
    };
    let _ = opts;
    eprintln!("sockbox: netstat: not yet implemented");
    1
}
