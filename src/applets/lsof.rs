//! `lsof` (4.95.0) for network files — not yet implemented (issue 4).
use std::ffi::OsString;

pub fn main(_argv0: &[u8], _args: &[OsString]) -> i32 {
    eprintln!("sockbox: lsof: not yet implemented");
    1
}
