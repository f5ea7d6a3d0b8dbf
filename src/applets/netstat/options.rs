//! netstat's command line, exactly as net-tools 2.10 parses it: glibc
//! getopt_long over the option table below, each option acting in order
//! (`-V` exits at once), then main()'s flag resolution.

use crate::core::getopt::{Getopt, HasArg, LongOpt};
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
    pub afname: Vec<u8>,
    /// `-A bluetooth` / `--bluetooth` was given
    pub bluetooth: bool,
}

pub enum Parsed {
    Run(Options),
    /// Messages are already written; exit with this status.
    Exit(i32),
}

const OPTSTRING: &[u8] = b"A:CFMacdeghilnNoprsStuUvVWw2fx64?Z";

/// `val` of the address-family long options (netstat's case 1).
const AF_LONG: i32 = 1;
/// How many of the leading long options netstat's case 1 accepts: its
/// AFTRANS_CNT is 12 but the table has 13, so `--tcpip` falls outside.
const AFTRANS_CNT: usize = 12;

const fn no(name: &'static str, val: u8) -> LongOpt {
    LongOpt::new(name, HasArg::No, val as i32)
}

/// netstat's `longopts`, in its order (the order ambiguity errors list).
const LONGOPTS: &[LongOpt] = &[
    LongOpt::new("ax25", HasArg::No, AF_LONG),
    LongOpt::new("x25", HasArg::No, AF_LONG),
    LongOpt::new("ip", HasArg::No, AF_LONG),
    LongOpt::new("ipx", HasArg::No, AF_LONG),
    LongOpt::new("appletalk", HasArg::No, AF_LONG),
    LongOpt::new("netrom", HasArg::No, AF_LONG),
    LongOpt::new("inet", HasArg::No, AF_LONG),
    LongOpt::new("inet6", HasArg::No, AF_LONG),
    LongOpt::new("ddp", HasArg::No, AF_LONG),
    LongOpt::new("rose", HasArg::No, AF_LONG),
    LongOpt::new("unix", HasArg::No, AF_LONG),
    LongOpt::new("bluetooth", HasArg::No, AF_LONG),
    LongOpt::new("tcpip", HasArg::No, AF_LONG),
    no("version", b'V'),
    no("interfaces", b'i'),
    no("help", b'h'),
    no("route", b'r'),
    no("masquerade", b'M'),
    LongOpt::new("protocol", HasArg::Required, b'A' as i32),
    no("tcp", b't'),
    no("sctp", b'S'),
    no("udp", b'u'),
    no("udplite", b'U'),
    no("raw", b'w'),
    no("unix", b'x'),
    no("l2cap", b'2'),
    no("rfcomm", b'f'),
    no("listening", b'l'),
    no("all", b'a'),
    no("timers", b'o'),
    no("continuous", b'c'),
    no("extend", b'e'),
    no("programs", b'p'),
    no("verbose", b'v'),
    no("statistics", b's'),
    no("wide", b'W'),
    no("numeric", b'n'),
    no("numeric-hosts", b'!'),
    no("numeric-ports", b'@'),
    no("numeric-users", b'#'),
    no("symbolic", b'N'),
    no("cache", b'C'),
    no("fib", b'F'),
    no("groups", b'g'),
    no("context", b'Z'),
];

const VERSION: &[u8] = b"net-tools 2.10
Fred Baumgarten, Alan Cox, Bernd Eckenfels, Phil Blundell, Tuan Hoang, Brian Micek and others
+NEW_ADDRT +RTF_IRTT +RTF_REJECT +FW_MASQUERADE +I18N +SELINUX
AF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH
HW:  +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI +HIPPI +HDLC/LAPB +EUI64 
";

const USAGE: &[u8] = b"usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}
       netstat [-vWnNcaeol] [<Socket> ...]
       netstat { [-vWeenNac] -i | [-cnNe] -M | -s [-6tuw] }

        -r, --route              display routing table
        -i, --interfaces         display interface table
        -g, --groups             display multicast group memberships
        -s, --statistics         display networking statistics (like SNMP)
        -M, --masquerade         display masqueraded connections

        -v, --verbose            be verbose
        -W, --wide               don't truncate IP addresses
        -n, --numeric            don't resolve names
        --numeric-hosts          don't resolve host names
        --numeric-ports          don't resolve port names
        --numeric-users          don't resolve user names
        -N, --symbolic           resolve hardware names
        -e, --extend             display other/more information
        -p, --programs           display PID/Program name for sockets
        -o, --timers             display timers
        -c, --continuous         continuous listing

        -l, --listening          display listening server sockets
        -a, --all                display all sockets (default: connected)
        -F, --fib                display Forwarding Information Base (default)
        -C, --cache              display routing cache instead of FIB
        -Z, --context            display SELinux security context for sockets

  <Socket>={-t|--tcp} {-u|--udp} {-U|--udplite} {-S|--sctp} {-w|--raw}
           {-x|--unix} --ax25 --ipx --netrom
  <AF>=Use '-6|-4' or '-A <af>' or '--<af>'; default: inet
  List of possible address families (which support routing):
";

/// print_aflist() writes to stderr whatever stream the usage went to.
const AF_LIST: &[u8] = b"    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) 
    ddp (Appletalk DDP) x25 (CCITT X.25) 
";

/// netstat's usage(): `-h` to stdout with status 0, errors to stderr with 3.
fn usage(rc: i32, out: &mut dyn Write, err: &mut dyn Write) -> Parsed {
    let _ = if rc == 0 {
        out.write_all(USAGE)
    } else {
        err.write_all(USAGE)
    };
    let _ = out.flush();
    let _ = err.write_all(AF_LIST);
    Parsed::Exit(rc)
}

/// The aliases aftrans_opt() accepts, and the family each stands for.
const AFTRANS: &[(&[u8], &[u8])] = &[
    (b"ax25", b"ax25"),
    (b"ip", b"inet"),
    (b"ip6", b"inet6"),
    (b"ipx", b"ipx"),
    (b"rose", b"rose"),
    (b"appletalk", b"ddp"),
    (b"netrom", b"netrom"),
    (b"inet", b"inet"),
    (b"inet6", b"inet6"),
    (b"ddp", b"ddp"),
    (b"unix", b"unix"),
    (b"tcpip", b"inet"),
    (b"econet", b"ec"),
    (b"x25", b"x25"),
    (b"ash", b"ash"),
    (b"bluetooth", b"bluetooth"),
];

/// net-tools' afname buffer size.
const AFNAME_MAX: usize = 256;

impl Options {
    /// aftrans_opt(): applies a comma list of families; false on an
    /// unknown one (after applying those before it), as netstat does.
    fn add_families(&mut self, arg: &[u8], err: &mut dyn Write) -> bool {
        let arg = &arg[..arg.len().min(AFNAME_MAX - 1)];
        for name in arg.split(|&b| b == b',') {
            let Some(&(_, family)) = AFTRANS.iter().find(|(alias, _)| *alias == name) else {
                let mut m = b"Unknown address family `".to_vec();
                m.extend_from_slice(name);
                m.extend_from_slice(b"'.\n");
                let _ = err.write_all(&m);
                return false;
            };
            if family.len() + self.afname.len() + 1 >= AFNAME_MAX {
                let _ = err.write_all(b"Too much address family arguments.\n");
                return true;
            }
            match family {
                b"inet" => self.inet = true,
                b"inet6" => self.inet6 = true,
                b"unix" => self.unix = true,
                b"ipx" => self.ipx = true,
                b"ax25" => self.ax25 = true,
                b"netrom" => self.netrom = true,
                b"x25" => self.x25 = true,
                b"rose" => self.rose = true,
                b"bluetooth" => self.bluetooth = true,
                _ => {} // ddp, ec, ash: counted nowhere
            }
            if !self.afname.is_empty() {
                self.afname.push(b',');
            }
            self.afname.extend_from_slice(family);
        }
        true
    }
}

/// Parses netstat's arguments; messages netstat prints while parsing go to
/// `out`/`err` in its order. What main() prints later (e.g. for -M, the
/// bluetooth flags, -s families) is left to the caller.
pub fn parse(argv0: &[u8], args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> Parsed {
    let mut o = Options::default();
    let (mut route, mut interfaces, mut masquerade, mut statistics) = (0, 0, 0, 0);
    let mut g = Getopt::new(argv0, args, OPTSTRING, LONGOPTS);
    while let Some(got) = g.next(err) {
        let Ok(c) = u8::try_from(got.val) else { continue };
        match c {
            1 => {
                let i = got.long_index.unwrap_or(usize::MAX);
                if i >= AFTRANS_CNT {
                    let _ = err.write_all(b"netstat.c: Internal Error `longopts 1 range'.\n");
                    continue;
                }
                if !o.add_families(LONGOPTS[i].name.as_bytes(), err) {
                    return Parsed::Exit(1);
                }
            }
            b'A' => {
                if !o.add_families(got.arg.unwrap_or(b""), err) {
                    return Parsed::Exit(1);
                }
            }
            b'M' => masquerade += 1,
            b'a' => o.all = true,
            b'l' => o.listening = true,
            b'c' => o.continuous = true,
            b'd' => {}
            b'g' => o.igmp = true,
            b'e' => o.extend += 1,
            b'p' => o.programs = true,
            b'i' => interfaces += 1,
            b'W' => o.wide = true,
            b'n' => {
                o.numeric_hosts = true;
                o.numeric_ports = true;
                o.numeric_users = true;
            }
            b'!' => o.numeric_hosts = true,
            b'@' => o.numeric_ports = true,
            b'#' => o.numeric_users = true,
            b'N' => o.symbolic = true,
            b'C' => o.cache = true,
            b'F' => o.fib = true,
            b'o' => o.timers = true,
            b'6' => {
                o.add_families(b"inet6", err);
            }
            b'4' => {
                o.add_families(b"inet", err);
            }
            b'V' => {
                let _ = out.write_all(VERSION);
                return Parsed::Exit(0);
            }
            b'v' => o.verbose = true,
            b'r' => route += 1,
            b't' => o.tcp = true,
            b'S' => o.sctp = true,
            b'u' => o.udp = true,
            b'U' => o.udplite = true,
            b'w' => o.raw = true,
            b'2' => o.l2cap = true,
            b'f' => o.rfcomm = true,
            b'x' => {
                o.add_families(b"unix", err);
            }
            b'Z' => {
                let _ = err.write_all(b"SELinux is not enabled on this machine.\n");
                return Parsed::Exit(1);
            }
            b'h' => return usage(0, out, err),
            b's' => statistics += 1,
            _ => return usage(3, out, err), // '?', ':' and anything unexpected
        }
    }
    if route + interfaces + masquerade + statistics > 1 {
        return usage(3, out, err);
    }
    o.mode = if masquerade > 0 {
        Mode::Masquerade
    } else if statistics > 0 {
        Mode::Statistics
    } else if route > 0 {
        Mode::Route
    } else if interfaces > 0 {
        Mode::Interfaces
    } else {
        Mode::Sockets
    };
    let any_proto = o.tcp || o.sctp || o.udp || o.udplite || o.raw;
    if (o.inet || o.inet6 || statistics > 0) && !any_proto {
        o.noprot = true;
        o.tcp = true;
        o.sctp = true;
        o.udp = true;
        o.udplite = true;
        o.raw = true;
    }
    if (o.tcp || o.sctp || o.udp || o.udplite || o.raw || o.igmp) && !(o.inet || o.inet6) {
        o.inet = true;
        o.inet6 = true;
    }
    if o.bluetooth && !(o.l2cap || o.rfcomm) {
        o.l2cap = true;
        o.rfcomm = true;
    }
    o.selected = o.tcp
        || o.sctp
        || o.udplite
        || o.udp
        || o.raw
        || o.unix
        || o.ipx
        || o.ax25
        || o.netrom
        || o.igmp
        || o.x25
        || o.rose
        || o.l2cap
        || o.rfcomm;
    Parsed::Run(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (stdout, stderr, Some(exit) or None when netstat would go on).
    fn run(args: &[&str]) -> (String, String, Option<i32>, Options) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (code, opts) = match parse(b"netstat", &args, &mut out, &mut err) {
            Parsed::Run(o) => (None, o),
            Parsed::Exit(c) => (Some(c), Options::default()),
        };
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8_lossy(&err).into_owned(),
            code,
            opts,
        )
    }

    fn usage_err(first: &str) -> String {
        format!(
            "{first}{}{}",
            String::from_utf8_lossy(USAGE),
            String::from_utf8_lossy(AF_LIST)
        )
    }

    #[test]
    fn version_and_help() {
        let (out, err, code, _) = run(&["-V", "-y"]);
        assert_eq!((out.as_bytes(), err.as_str(), code), (VERSION, "", Some(0)));
        let (out, err, code, _) = run(&["-y", "-V"]);
        assert_eq!((out.as_str(), code), ("", Some(3)));
        assert_eq!(err, usage_err("netstat: invalid option -- 'y'\n"));
        let (out, err, code, _) = run(&["-h"]);
        assert_eq!((out.as_bytes(), err.as_bytes(), code), (USAGE, AF_LIST, Some(0)));
        let (out, err, code, _) = run(&["-?"]);
        assert_eq!((out.as_str(), err, code), ("", usage_err(""), Some(3)));
        let (_, err, code, _) = run(&["-tV"]);
        assert_eq!((err.as_str(), code), ("", Some(0)));
    }

    #[test]
    fn getopt_errors() {
        for (args, msg) in [
            (&["--ash"][..], "netstat: unrecognized option '--ash'\n"),
            (
                &["--num"],
                "netstat: option '--num' is ambiguous; possibilities: '--numeric' '--numeric-hosts' '--numeric-ports' '--numeric-users'\n",
            ),
            (
                &["--in"],
                "netstat: option '--in' is ambiguous; possibilities: '--inet' '--interfaces'\n",
            ),
            (
                &["--n"],
                "netstat: option '--n' is ambiguous; possibilities: '--netrom' '--numeric' '--numeric-hosts' '--numeric-ports' '--numeric-users'\n",
            ),
            (&["-A"], "netstat: option requires an argument -- 'A'\n"),
            (&["--protocol"], "netstat: option '--protocol' requires an argument\n"),
            (&["--tcp=1"], "netstat: option '--tcp' doesn't allow an argument\n"),
            (&["-I=eth0"], "netstat: invalid option -- 'I'\n"),
        ] {
            let (out, err, code, _) = run(args);
            assert_eq!((out.as_str(), code), ("", Some(3)), "{args:?}");
            assert_eq!(err, usage_err(msg), "{args:?}");
        }
    }

    #[test]
    fn families() {
        let (_, err, code, _) = run(&["-A", "inet,bogus"]);
        assert_eq!((err.as_str(), code), ("Unknown address family `bogus'.\n", Some(1)));
        let (_, err, code, _) = run(&["--protocol="]);
        assert_eq!((err.as_str(), code), ("Unknown address family `'.\n", Some(1)));
        let (_, err, code, o) = run(&["--tcpip"]);
        assert_eq!(
            (err.as_str(), code),
            ("netstat.c: Internal Error `longopts 1 range'.\n", None)
        );
        assert!(!o.selected && !o.inet);
        let (_, _, code, o) = run(&["-A", "inet"]);
        assert_eq!(code, None);
        assert!(o.noprot && o.tcp && o.udp && o.raw && o.inet && !o.inet6 && o.selected && !o.unix);
        assert_eq!(o.afname, b"inet");
        let (_, _, _, o) = run(&["-t6"]);
        assert!(o.tcp && !o.udp && o.inet6 && !o.inet && !o.noprot);
        let (_, _, _, o) = run(&["-t"]);
        assert!(o.inet && o.inet6 && o.selected);
        let (_, _, _, o) = run(&["--ddp"]);
        assert!(!o.selected);
        let (_, _, _, o) = run(&["-x", "-4"]);
        assert!(o.unix && o.inet && o.noprot && o.tcp);
        assert_eq!(o.afname, b"unix,inet");
        let (_, _, _, o) = run(&["--unix"]);
        assert!(o.unix && o.selected && !o.tcp);
        let (_, _, _, o) = run(&["--bluetooth"]);
        assert!(o.l2cap && o.rfcomm && o.selected);
        let (_, _, _, o) = run(&["--x"]);
        assert!(o.x25 && o.selected);
    }

    #[test]
    fn flags_and_modes() {
        let (_, _, _, o) = run(&["-tulpn", "-ee", "-oW", "ignored", "-av"]);
        assert!(o.tcp && o.udp && o.listening && o.programs && o.numeric_hosts && o.numeric_users);
        assert!(o.timers && o.wide && o.all && o.verbose);
        assert_eq!(o.extend, 2);
        let (_, _, _, o) = run(&["--numeric-h", "--numeric-ports"]);
        assert!(o.numeric_hosts && o.numeric_ports && !o.numeric_users);
        let (_, _, code, o) = run(&["-M"]);
        assert_eq!((code, o.mode), (None, Mode::Masquerade));
        let (_, err, code, _) = run(&["-r", "-i"]);
        assert_eq!((err, code), (usage_err(""), Some(3)));
        let (_, _, _, o) = run(&["-s"]);
        assert!(o.noprot && o.tcp && o.mode == Mode::Statistics);
        let (_, err, code, _) = run(&["-Z"]);
        assert_eq!(
            (err.as_str(), code),
            ("SELinux is not enabled on this machine.\n", Some(1))
        );
        let (_, _, _, o) = run(&["--", "-t"]);
        assert!(!o.tcp && !o.selected);
    }
}
