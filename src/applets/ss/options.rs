//! ss's command line, exactly as iproute2 6.1.0 parses it: glibc
//! getopt_long over its option table, options acting in order, then the
//! leading `state`/`exclude` words and the table/family/state resolution of
//! main(). What remains of the arguments is the filter expression.

use crate::core::getopt::{Getopt, HasArg, LongOpt};
use std::ffi::OsString;
use std::io::Write;

/// The socket tables ("dbs") in ss's numbering.
pub mod db {
    pub const TCP: u32 = 0;
    pub const MPTCP: u32 = 1;
    pub const DCCP: u32 = 2;
    pub const UDP: u32 = 3;
    pub const RAW: u32 = 4;
    pub const UNIX_DG: u32 = 5;
    pub const UNIX_ST: u32 = 6;
    pub const UNIX_SQ: u32 = 7;
    pub const PACKET_DG: u32 = 8;
    pub const PACKET_R: u32 = 9;
    pub const NETLINK: u32 = 10;
    pub const SCTP: u32 = 11;
    pub const VSOCK_ST: u32 = 12;
    pub const VSOCK_DG: u32 = 13;
    pub const TIPC: u32 = 14;
    pub const XDP: u32 = 15;
    pub const MAX: u32 = 16;

    pub const fn bit(db: u32) -> u32 {
        1 << db
    }
    pub const UNIX_MASK: u32 = bit(UNIX_DG) | bit(UNIX_ST) | bit(UNIX_SQ);
    pub const PACKET_MASK: u32 = bit(PACKET_DG) | bit(PACKET_R);
    pub const INET_L4_MASK: u32 = bit(TCP) | bit(MPTCP) | bit(UDP) | bit(DCCP) | bit(SCTP);
    pub const INET_MASK: u32 = INET_L4_MASK | bit(RAW);
    pub const VSOCK_MASK: u32 = bit(VSOCK_ST) | bit(VSOCK_DG);
}

/// ss's socket states (the kernel's TCP numbering, CLOSE shown UNCONN).
pub mod state {
    pub const ESTABLISHED: u32 = 1;
    pub const SYN_SENT: u32 = 2;
    pub const SYN_RECV: u32 = 3;
    pub const TIME_WAIT: u32 = 6;
    pub const CLOSE: u32 = 7;
    pub const LISTEN: u32 = 10;
    pub const MAX: u32 = 12;
    pub const ALL: u32 = (1 << MAX) - 1;
    pub const CONN: u32 = ALL & !((1 << LISTEN) | (1 << CLOSE) | (1 << TIME_WAIT) | (1 << SYN_RECV));
    pub const TIPC_CONN: u32 = (1 << ESTABLISHED) | (1 << LISTEN) | (1 << CLOSE);
}

/// Address families ss knows (Linux numbering).
pub mod af {
    pub const UNIX: u32 = 1;
    pub const INET: u32 = 2;
    pub const INET6: u32 = 10;
    pub const NETLINK: u32 = 16;
    pub const PACKET: u32 = 17;
    pub const TIPC: u32 = 30;
    pub const VSOCK: u32 = 40;
    pub const XDP: u32 = 44;
}

/// Which sockets to dump: tables, families and states.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub dbs: u32,
    pub states: u32,
    pub families: u64,
}

impl Filter {
    pub fn has_db(&self, db: u32) -> bool {
        self.dbs & db::bit(db) != 0
    }
    /// `af` may come from a message (a TCPDIAG_FILE row's family): ss's
    /// FAMILY_MASK shifts unchecked, and on x86-64 the count is taken mod 64.
    pub fn has_family(&self, af: u32) -> bool {
        self.families & 1u64.wrapping_shl(af) != 0
    }
}

/// The states and families each table shows by default (default_dbs[]).
fn db_defaults(d: u32) -> (u32, u64) {
    let inet = (1 << af::INET) | (1 << af::INET6);
    match d {
        db::TCP | db::MPTCP | db::DCCP | db::SCTP => (state::CONN, inet),
        db::UDP | db::RAW => (1 << state::ESTABLISHED, inet),
        db::UNIX_DG => (1 << state::CLOSE, 1 << af::UNIX),
        db::UNIX_ST | db::UNIX_SQ => (state::CONN, 1 << af::UNIX),
        db::PACKET_DG | db::PACKET_R => (1 << state::CLOSE, 1 << af::PACKET),
        db::NETLINK => (1 << state::CLOSE, 1 << af::NETLINK),
        db::VSOCK_ST | db::VSOCK_DG => (state::CONN, 1 << af::VSOCK),
        db::TIPC => (state::TIPC_CONN, 1 << af::TIPC),
        _ => (1 << state::CLOSE, 1 << af::XDP),
    }
}

/// The tables and states each family shows by default (default_afs[]).
fn af_defaults(a: u32) -> (u32, u32) {
    match a {
        af::INET | af::INET6 => (db::INET_MASK, state::CONN),
        af::UNIX => (db::UNIX_MASK, state::CONN),
        af::PACKET => (db::PACKET_MASK, 1 << state::CLOSE),
        af::NETLINK => (db::bit(db::NETLINK), 1 << state::CLOSE),
        af::VSOCK => (db::VSOCK_MASK, state::CONN),
        af::TIPC => (db::bit(db::TIPC), state::TIPC_CONN),
        af::XDP => (db::bit(db::XDP), 1 << state::CLOSE),
        _ => (0, 0),
    }
}

const ALL_FAMILIES: [u32; 8] = [
    af::UNIX,
    af::INET,
    af::INET6,
    af::NETLINK,
    af::PACKET,
    af::TIPC,
    af::VSOCK,
    af::XDP,
];

/// `-A` names and the tables they stand for (db_name_tbl[]).
const QUERIES: &[(&[u8], &[u32])] = &[
    (
        b"all",
        &[
            db::UDP,
            db::DCCP,
            db::TCP,
            db::MPTCP,
            db::RAW,
            db::UNIX_ST,
            db::UNIX_DG,
            db::UNIX_SQ,
            db::PACKET_R,
            db::PACKET_DG,
            db::NETLINK,
            db::SCTP,
            db::VSOCK_ST,
            db::VSOCK_DG,
            db::XDP,
        ],
    ),
    (b"inet", &[db::UDP, db::DCCP, db::TCP, db::MPTCP, db::SCTP, db::RAW]),
    (b"udp", &[db::UDP]),
    (b"dccp", &[db::DCCP]),
    (b"tcp", &[db::TCP]),
    (b"mptcp", &[db::MPTCP]),
    (b"sctp", &[db::SCTP]),
    (b"raw", &[db::RAW]),
    (b"unix", &[db::UNIX_ST, db::UNIX_DG, db::UNIX_SQ]),
    (b"unix_stream", &[db::UNIX_ST]),
    (b"u_str", &[db::UNIX_ST]),
    (b"unix_dgram", &[db::UNIX_DG]),
    (b"u_dgr", &[db::UNIX_DG]),
    (b"unix_seqpacket", &[db::UNIX_SQ]),
    (b"u_seq", &[db::UNIX_SQ]),
    (b"packet", &[db::PACKET_R, db::PACKET_DG]),
    (b"packet_raw", &[db::PACKET_R]),
    (b"p_raw", &[db::PACKET_R]),
    (b"packet_dgram", &[db::PACKET_DG]),
    (b"p_dgr", &[db::PACKET_DG]),
    (b"netlink", &[db::NETLINK]),
    (b"tipc", &[db::TIPC]),
    (b"vsock", &[db::VSOCK_ST, db::VSOCK_DG]),
    (b"vsock_stream", &[db::VSOCK_ST]),
    (b"v_str", &[db::VSOCK_ST]),
    (b"vsock_dgram", &[db::VSOCK_DG]),
    (b"v_dgr", &[db::VSOCK_DG]),
    (b"xdp", &[db::XDP]),
];

/// The parsed invocation.
#[derive(Debug, Default)]
pub struct Options {
    pub numeric: bool,
    pub resolve: bool,
    /// -o (also set by -e and -b)
    pub show_options: bool,
    /// number of -e
    pub details: u32,
    pub mem: bool,
    pub tcpinfo: bool,
    pub processes: bool,
    pub threads: bool,
    pub bpf: bool,
    pub events: bool,
    pub summary: bool,
    pub header: bool,
    pub oneline: bool,
    pub tos: bool,
    pub cgroup: bool,
    pub inet_sockopt: bool,
    pub tipcinfo: bool,
    pub kill: bool,
    /// -D FILE
    pub dump: Option<Vec<u8>>,
    /// -F FILE, opened as the option was read (its lines are read later).
    pub filter_file: Option<FilterFile>,
    pub filter: Filter,
    /// The family named last (-4/-6/-0/-x/-f), AF_UNSPEC (0) if none.
    pub preferred_family: u32,
    /// Nothing selected a table: show all (main()'s do_default).
    pub default_tables: bool,
    /// The -a/-l state set, before the state words.
    pub state_option: u32,
    /// Arguments after the options: state words, then the expression.
    pub operands: Vec<Vec<u8>>,
}

pub enum Parsed {
    Run(Options),
    /// Messages are already written; exit with this status.
    Exit(i32),
}

const OPTSTRING: &[u8] = b"dhaletuwxnro460spTbEf:mMiA:D:F:vVzZN:KHSO";
const OPT_VSOCK: i32 = 256;
const OPT_TIPCSOCK: i32 = 257;
const OPT_TIPCINFO: i32 = 258;
const OPT_TOS: i32 = 259;
const OPT_XDPSOCK: i32 = 260;
const OPT_CGROUP: i32 = 261;
const OPT_INET_SOCKOPT: i32 = 262;

const fn no(name: &'static str, val: i32) -> LongOpt {
    LongOpt::new(name, HasArg::No, val)
}
const fn req(name: &'static str, val: u8) -> LongOpt {
    LongOpt::new(name, HasArg::Required, val as i32)
}

const LONGOPTS: &[LongOpt] = &[
    no("numeric", b'n' as i32),
    no("resolve", b'r' as i32),
    no("options", b'o' as i32),
    no("extended", b'e' as i32),
    no("memory", b'm' as i32),
    no("info", b'i' as i32),
    no("processes", b'p' as i32),
    no("threads", b'T' as i32),
    no("bpf", b'b' as i32),
    no("events", b'E' as i32),
    no("dccp", b'd' as i32),
    no("tcp", b't' as i32),
    no("sctp", b'S' as i32),
    no("udp", b'u' as i32),
    no("raw", b'w' as i32),
    no("unix", b'x' as i32),
    no("tipc", OPT_TIPCSOCK),
    no("vsock", OPT_VSOCK),
    no("all", b'a' as i32),
    no("listening", b'l' as i32),
    no("ipv4", b'4' as i32),
    no("ipv6", b'6' as i32),
    no("packet", b'0' as i32),
    req("family", b'f'),
    req("socket", b'A'),
    req("query", b'A'),
    no("summary", b's' as i32),
    req("diag", b'D'),
    req("filter", b'F'),
    no("version", b'V' as i32),
    no("help", b'h' as i32),
    no("context", b'Z' as i32),
    no("contexts", b'z' as i32),
    req("net", b'N'),
    no("tipcinfo", OPT_TIPCINFO),
    no("tos", OPT_TOS),
    no("cgroup", OPT_CGROUP),
    no("kill", b'K' as i32),
    no("no-header", b'H' as i32),
    no("xdp", OPT_XDPSOCK),
    no("mptcp", b'M' as i32),
    no("oneline", b'O' as i32),
    no("inet-sockopt", OPT_INET_SOCKOPT),
];

pub const USAGE: &[u8] = b"Usage: ss [ OPTIONS ]
       ss [ OPTIONS ] [ FILTER ]
   -h, --help          this message
   -V, --version       output version information
   -n, --numeric       don't resolve service names
   -r, --resolve       resolve host names
   -a, --all           display all sockets
   -l, --listening     display listening sockets
   -o, --options       show timer information
   -e, --extended      show detailed socket information
   -m, --memory        show socket memory usage
   -p, --processes     show process using socket
   -T, --threads       show thread using socket
   -i, --info          show internal TCP information
       --tipcinfo      show internal tipc socket information
   -s, --summary       show socket usage summary
       --tos           show tos and priority information
       --cgroup        show cgroup information
   -b, --bpf           show bpf filter socket information
   -E, --events        continually display sockets as they are destroyed
   -Z, --context       display task SELinux security contexts
   -z, --contexts      display task and socket SELinux security contexts
   -N, --net           switch to the specified network namespace name

   -4, --ipv4          display only IP version 4 sockets
   -6, --ipv6          display only IP version 6 sockets
   -0, --packet        display PACKET sockets
   -t, --tcp           display only TCP sockets
   -M, --mptcp         display only MPTCP sockets
   -S, --sctp          display only SCTP sockets
   -u, --udp           display only UDP sockets
   -d, --dccp          display only DCCP sockets
   -w, --raw           display only RAW sockets
   -x, --unix          display only Unix domain sockets
       --tipc          display only TIPC sockets
       --vsock         display only vsock sockets
       --xdp           display only XDP sockets
   -f, --family=FAMILY display sockets of type FAMILY
       FAMILY := {inet|inet6|link|unix|netlink|vsock|tipc|xdp|help}

   -K, --kill          forcibly close sockets, display what was closed
   -H, --no-header     Suppress header line
   -O, --oneline       socket's data printed on a single line
       --inet-sockopt  show various inet socket options

   -A, --query=QUERY, --socket=QUERY
       QUERY := {all|inet|tcp|mptcp|udp|raw|unix|unix_dgram|unix_stream|unix_seqpacket|packet|packet_raw|packet_dgram|netlink|dccp|sctp|vsock_stream|vsock_dgram|tipc|xdp}[,QUERY]

   -D, --diag=FILE     Dump raw information about TCP sockets to FILE
   -F, --filter=FILE   read filter information from FILE
       FILTER := [ state STATE-FILTER ] [ EXPRESSION ]
       STATE-FILTER := {all|connected|synchronized|bucket|big|TCP-STATES}
         TCP-STATES := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|closed|close-wait|last-ack|listening|closing}
          connected := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}
       synchronized := {established|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}
             bucket := {syn-recv|time-wait}
                big := {established|syn-sent|fin-wait-{1,2}|closed|close-wait|last-ack|listening|closing}
";

/// Where -F's filter lines come from: a name starting with `-` is stdin.
#[derive(Debug)]
pub enum FilterFile {
    Stdin,
    File(std::fs::File),
}

impl FilterFile {
    fn open(name: &[u8]) -> std::io::Result<FilterFile> {
        if name.first() == Some(&b'-') {
            return Ok(FilterFile::Stdin);
        }
        let path = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name);
        std::fs::File::open(path).map(FilterFile::File)
    }

    /// The whole text, as far as it can be read: ss reads with fgets,
    /// which takes a read error (a directory, say) as the end.
    pub fn read_all(self) -> Vec<u8> {
        use std::io::Read;
        let mut text = Vec::new();
        let _ = match self {
            FilterFile::Stdin => std::io::stdin().lock().read_to_end(&mut text),
            FilterFile::File(mut f) => f.read_to_end(&mut text),
        };
        text
    }
}

/// usage(): to stderr, exit status 255.
pub fn usage(err: &mut dyn Write) -> Parsed {
    let _ = err.write_all(USAGE);
    Parsed::Exit(255)
}

impl Options {
    fn set_db(&mut self, d: u32, enable: bool) {
        if enable {
            self.filter.states |= db_defaults(d).0;
            self.filter.dbs |= db::bit(d);
        } else {
            self.filter.dbs &= !db::bit(d);
        }
        self.default_tables = false;
    }

    fn set_family(&mut self, a: u32) {
        self.filter.states |= af_defaults(a).1;
        self.filter.families |= 1 << a;
        self.default_tables = false;
        self.preferred_family = a;
    }

    /// filter_db_parse(): one `-A` name, `!` to remove.
    fn query(&mut self, name: &[u8]) -> bool {
        let (enable, name) = match name.strip_prefix(b"!") {
            Some(rest) => (false, rest),
            None => (true, name),
        };
        match QUERIES.iter().find(|(n, _)| *n == name) {
            Some((_, dbs)) => {
                for &d in *dbs {
                    self.set_db(d, enable);
                }
                true
            }
            None => false,
        }
    }
}

/// Parses the options (getopt loop of main()).
pub fn parse(argv0: &[u8], args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> Parsed {
    let mut o = Options {
        header: true,
        default_tables: true,
        ..Options::default()
    };
    let mut saw_query = false;
    let mut g = Getopt::new(argv0, args, OPTSTRING, LONGOPTS);
    while let Some(got) = g.next(err) {
        let arg = got.arg.unwrap_or(b"");
        match got.val {
            v if v == b'n' as i32 => o.numeric = true,
            v if v == b'r' as i32 => o.resolve = true,
            v if v == b'o' as i32 => o.show_options = true,
            v if v == b'e' as i32 => {
                o.show_options = true;
                o.details += 1;
            }
            v if v == b'm' as i32 => o.mem = true,
            v if v == b'i' as i32 => o.tcpinfo = true,
            v if v == b'p' as i32 => o.processes = true,
            v if v == b'T' as i32 => o.threads = true,
            v if v == b'b' as i32 => {
                o.show_options = true;
                o.bpf = true;
            }
            v if v == b'E' as i32 => o.events = true,
            v if v == b'd' as i32 => o.set_db(db::DCCP, true),
            v if v == b't' as i32 => o.set_db(db::TCP, true),
            v if v == b'S' as i32 => o.set_db(db::SCTP, true),
            v if v == b'u' as i32 => o.set_db(db::UDP, true),
            v if v == b'w' as i32 => o.set_db(db::RAW, true),
            v if v == b'x' as i32 => o.set_family(af::UNIX),
            OPT_VSOCK => o.set_family(af::VSOCK),
            OPT_TIPCSOCK => o.set_family(af::TIPC),
            v if v == b'a' as i32 => o.state_option = state::ALL,
            v if v == b'l' as i32 => o.state_option = (1 << state::LISTEN) | (1 << state::CLOSE),
            v if v == b'4' as i32 => o.set_family(af::INET),
            v if v == b'6' as i32 => o.set_family(af::INET6),
            v if v == b'0' as i32 => o.set_family(af::PACKET),
            OPT_XDPSOCK => o.set_family(af::XDP),
            v if v == b'M' as i32 => o.set_db(db::MPTCP, true),
            v if v == b'f' as i32 => {
                let a = match arg {
                    b"inet" => af::INET,
                    b"inet6" => af::INET6,
                    b"link" => af::PACKET,
                    b"unix" => af::UNIX,
                    b"netlink" => af::NETLINK,
                    b"tipc" => af::TIPC,
                    b"vsock" => af::VSOCK,
                    b"xdp" => af::XDP,
                    b"help" => {
                        let _ = out.write_all(USAGE);
                        return Parsed::Exit(0);
                    }
                    _ => {
                        let mut m = b"ss: \"".to_vec();
                        m.extend_from_slice(arg);
                        m.extend_from_slice(b"\" is invalid family\n");
                        let _ = err.write_all(&m);
                        return usage(err);
                    }
                };
                o.set_family(a);
            }
            v if v == b'A' as i32 => {
                if !saw_query {
                    o.filter.dbs = 0;
                    if o.state_option == 0 {
                        o.state_option = state::CONN;
                    }
                    saw_query = true;
                    o.default_tables = false;
                }
                for name in arg.split(|&b| b == b',') {
                    if !o.query(name) {
                        let mut m = b"ss: \"".to_vec();
                        m.extend_from_slice(name);
                        m.extend_from_slice(b"\" is illegal socket table id\n");
                        let _ = err.write_all(&m);
                        return usage(err);
                    }
                }
            }
            v if v == b's' as i32 => o.summary = true,
            v if v == b'D' as i32 => o.dump = Some(arg.to_vec()),
            // ss opens the filter file, and switches netns, as it meets the
            // option: a failure ends the run before any later option is read.
            v if v == b'F' as i32 => {
                if o.filter_file.is_some() {
                    let _ = err.write_all(b"More than one filter file\n");
                    return Parsed::Exit(255);
                }
                match FilterFile::open(arg) {
                    Ok(f) => o.filter_file = Some(f),
                    Err(e) => {
                        let mut m = b"fopen filter file: ".to_vec();
                        m.extend_from_slice(&crate::core::sys::strerror(e.raw_os_error().unwrap_or(0)));
                        m.push(b'\n');
                        let _ = err.write_all(&m);
                        return Parsed::Exit(255);
                    }
                }
            }
            v if v == b'v' as i32 || v == b'V' as i32 => {
                let _ = out.write_all(b"ss utility, iproute2-6.1.0\n");
                return Parsed::Exit(0);
            }
            v if v == b'z' as i32 || v == b'Z' as i32 => {
                // This build has SELinux, which is not enabled here.
                let _ = err.write_all(b"ss: SELinux is not enabled.\n");
                return Parsed::Exit(1);
            }
            v if v == b'N' as i32 => {
                if !crate::core::netns::switch(arg, err) {
                    return Parsed::Exit(1);
                }
            }
            OPT_TIPCINFO => o.tipcinfo = true,
            OPT_TOS => o.tos = true,
            OPT_CGROUP => o.cgroup = true,
            v if v == b'K' as i32 => o.kill = true,
            v if v == b'H' as i32 => o.header = false,
            v if v == b'O' as i32 => o.oneline = true,
            OPT_INET_SOCKOPT => o.inet_sockopt = true,
            v if v == b'h' as i32 => {
                let _ = out.write_all(USAGE);
                return Parsed::Exit(0);
            }
            _ => return usage(err),
        }
    }
    o.operands = g.operands.iter().map(|a| a.to_vec()).collect();
    Parsed::Run(o)
}

/// scan_state(): one state word, or the error ss exits with.
fn scan_state(word: &[u8], err: &mut dyn Write) -> Result<u32, i32> {
    let w = word.to_ascii_lowercase();
    let bits = match &w[..] {
        b"close" | b"closed" => 1 << state::CLOSE,
        b"syn-rcv" => 1 << state::SYN_RECV,
        b"established" => 1 << state::ESTABLISHED,
        b"all" => state::ALL,
        b"connected" => state::ALL & !((1 << state::CLOSE) | (1 << state::LISTEN)),
        b"synchronized" => state::ALL & !((1 << state::CLOSE) | (1 << state::LISTEN) | (1 << state::SYN_SENT)),
        b"bucket" => (1 << state::SYN_RECV) | (1 << state::TIME_WAIT),
        b"big" => state::ALL & !((1 << state::SYN_RECV) | (1 << state::TIME_WAIT)),
        _ => {
            const NAMES: [&[u8]; 12] = [
                b"unknown",
                b"established",
                b"syn-sent",
                b"syn-recv",
                b"fin-wait-1",
                b"fin-wait-2",
                b"time-wait",
                b"unconnected",
                b"close-wait",
                b"last-ack",
                b"listening",
                b"closing",
            ];
            match NAMES.iter().position(|n| *n == &w[..]) {
                Some(i) => 1 << i,
                None => {
                    let mut m = b"ss: wrong state name: ".to_vec();
                    m.extend_from_slice(word);
                    m.push(b'\n');
                    let _ = err.write_all(&m);
                    return Err(255);
                }
            }
        }
    };
    Ok(bits)
}

/// What main() does after the options (and after -s's summary): the
/// leading `state`/`exclude` words, the defaults, and the checks that end
/// the run early. Leaves the expression words in `operands`.
pub fn resolve(o: &mut Options, err: &mut dyn Write) -> Result<(), i32> {
    let mut states = o.state_option;
    let mut saw_states = false;
    let mut i = 0;
    while i < o.operands.len() {
        let word = &o.operands[i];
        let exclude = word == b"exclude" || word == b"excl";
        if word != b"state" && !exclude {
            break;
        }
        let Some(name) = o.operands.get(i + 1) else {
            let _ = err.write_all(b"Command line is not complete. Try option \"help\"\n");
            return Err(255);
        };
        let bits = scan_state(name, err)?;
        if exclude {
            if !saw_states {
                states = state::ALL;
            }
            states &= !bits;
        } else {
            if !saw_states {
                states = 0;
            }
            states |= bits;
        }
        saw_states = true;
        i += 2;
    }
    o.operands.drain(..i);
    if o.default_tables {
        if states == 0 {
            states = state::CONN;
        }
        o.query(b"all");
    }
    if states != 0 {
        o.filter.states = states;
    }
    // filter_merge_defaults()
    for d in 0..db::MAX {
        if o.filter.has_db(d) && db_defaults(d).1 & o.filter.families == 0 {
            o.filter.families |= db_defaults(d).1;
        }
    }
    for a in ALL_FAMILIES {
        if o.filter.has_family(a) && af_defaults(a).0 & o.filter.dbs == 0 {
            o.filter.dbs |= af_defaults(a).0;
        }
    }
    let empty: Option<&[u8]> = if o.filter.dbs == 0 {
        Some(b"ss: no socket tables to show with such filter.\n")
    } else if o.filter.families == 0 {
        Some(b"ss: no families to show with such filter.\n")
    } else if o.filter.states == 0 {
        Some(b"ss: no socket states to show with such filter.\n")
    } else {
        None
    };
    if let Some(m) = empty {
        let _ = err.write_all(m);
        return Err(0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_past_63_wraps_instead_of_panicking() {
        let f = Filter {
            dbs: 0,
            states: 0,
            families: 1 << af::INET,
        };
        assert!(f.has_family(af::INET));
        assert!(f.has_family(af::INET + 64));
        assert!(!f.has_family(200));
    }
}
