//! `ss` (iproute2 6.1.0) — not yet implemented (issue 3).
use std::ffi::OsString;

pub fn main(_argv0: &[u8], _args: &[OsString]) -> i32 {
    eprintln!("sockbox: ss: not yet implemented");
    1
}
