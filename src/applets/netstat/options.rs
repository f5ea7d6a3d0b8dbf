//! netstat's command line, as net-tools 2.10 parses it (see issue 2).
//! TODO(helper): implement on top of `crate::core::getopt`.

use std::ffi::OsString;
use std::io::Write;

/// Which listing netstat produces. Only `Sockets` is implemented so far;
/// the other modes belong to issue 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Sockets,
    Route,
    Interfaces,
    Statistics,
    Masquerade,
}

/// The resolved invocation: netstat's global flags after `main()` has
/// finished deriving `flag_noprot`, `flag_inet*` and `flag_arg`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub mode: Mode,
    pub all: bool,
    pub listening: bool,
    pub numeric_hosts: bool,
    pub numeric_ports: bool,
    pub numeric_users: bool,
    /// `-N`
    pub symbolic: bool,
    /// number of `-e` given (netstat's flag_exp - 1)
    pub extend: u32,
    pub programs: bool,
    pub timers: bool,
    pub wide: bool,
    pub continuous: bool,
    pub verbose: bool,
    pub tcp: bool,
    pub sctp: bool,
    pub udp: bool,
    pub udplite: bool,
    pub raw: bool,
    pub igmp: bool,
    pub unix: bool,
    pub inet: bool,
    pub inet6: bool,
    pub ipx: bool,
    pub ax25: bool,
    pub netrom: bool,
    pub x25: bool,
    pub rose: bool,
    pub l2cap: bool,
    pub rfcomm: bool,
    /// protocol flags were switched on by a family/-s alone (netstat's flag_noprot)
    pub noprot: bool,
    /// netstat's flag_arg != 0: some table was selected explicitly
    pub selected: bool,
    /// `-C` / `-F` (routing cache / FIB)
    pub cache: bool,
    pub fib: bool,
    /// netstat's afname: the families named, comma-joined, in order
    pub afname: String,
}

pub enum Parsed {
    Run(Options),
    /// Messages are already written; exit with this status.
    Exit(i32),
}

pub fn parse(
    _argv0: &[u8],
    _args: &[OsString],
    _out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Parsed {
    Parsed::Run(Options::default())
}
