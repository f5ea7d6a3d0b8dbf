//! The personalities (netstat, ss, lsof) and the `sockbox` front door.
//! Each applet owns its option parser and renderer; all share `crate::core`.

pub mod front;
pub mod lsof;
pub mod netstat;
pub mod ss;
