//! `ss` (iproute2 6.1.0).
//!
//! Path of a run: `options::parse` (getopt_long as ss calls it) →
//! `options::resolve` (state words, default tables) → the tables in ss's
//! order (netlink, packet, unix, raw, udp, tcp, dccp, …), each read through
//! NETLINK_SOCK_DIAG as real ss reads it, or from /proc where ss falls back
//! → every cell into `columns::Columns` → one render at the end.

mod cgroup;
mod columns;
pub mod filter;
pub mod options;
mod summary;
mod tcpinfo;
mod users;

use crate::core::model::IpAddr;
use crate::core::names::hosts::{Hosts, format_v6};
use crate::core::names::services::{ServiceProto, Services};
use crate::core::netlink::{self, DiagSocket, DumpError, InetDiag, UnixDiag, inet_attr, unix_attr};
use crate::core::out::Out;
use crate::core::owners::push_decimal;
use crate::core::root::SysRoot;
use crate::core::sys;
use columns::Columns;
use options::{Filter, FilterFile, Options, Parsed, af, db, state};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

pub fn main(argv0: &[u8], args: &[OsString]) -> i32 {
    run(argv0, args, std::io::stdout().lock(), std::io::stderr().lock())
}

/// main() writing to `out` and `err` instead of stdout and stderr (the
/// fuzz targets run whole invocations into sinks). `-D -` still dumps to
/// stdout.
pub fn run(argv0: &[u8], args: &[OsString], mut out: impl Write, mut err: impl Write) -> i32 {
    let mut opts = match options::parse(argv0, args, &mut out, &mut err) {
        Parsed::Run(o) => o,
        Parsed::Exit(code) => return code,
    };
    // --tipcinfo only adds detail to TIPC rows, which this kernel has none
    // of (no tipc module), so it changes nothing here.
    let root = SysRoot::from_env();
    let filter_text = opts.filter_file.take().map(FilterFile::read_all);
    let proc_root = proc_root(&root);
    if opts.summary {
        summary::print(&root, &proc_root, &mut out, &mut err);
        if opts.default_tables && opts.operands.is_empty() {
            return 0;
        }
    }
    if let Err(code) = options::resolve(&mut opts, &mut err) {
        return code;
    }
    // -D writes the raw TCP dump and ends the run (before any expression
    // is read, as in ss).
    let dump = opts.dump.take();
    if dump.is_some() && !opts.filter.has_db(db::TCP) {
        let _ = err.write_all(b"ss: tcpdiag dump requested and no tcp in filter.\n");
        return 0;
    }
    let mut words = std::mem::take(&mut opts.operands);
    if let Some(text) = &filter_text {
        // Filter file lines follow the arguments; lines starting with '#'
        // or '0' are skipped (6.1 reads both as comments).
        for line in text.split_inclusive(|&b| b == b'\n') {
            if line.len() >= 1023 {
                let _ = err.write_all(b"Too long line in filter\n");
                return 255;
            }
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            if line.first().is_some_and(|&c| c == b'#' || c == b'0') {
                continue;
            }
            words.push(line.to_vec());
        }
    }
    let expr = if dump.is_some() {
        None
    } else {
        match filter::Parser::new(words, &mut opts.filter, &mut opts.preferred_family, &root, &mut err).parse() {
            Ok(e) => e,
            Err(code) => return code,
        }
    };
    let screen = terminal_width();
    let mut ss = Ss {
        filter: opts.filter,
        cols: Columns::new(screen),
        out: Out::new(out),
        err,
        users: None,
        early_dump: None,
        services: None,
        hosts: None,
        ephemeral: None,
        root,
        proc_root,
        opts,
        expr,
        cell: Vec::with_capacity(256),
        nl_protos: None,
        kill_sock: None,
        dump_sink: None,
        exit_code: 0,
        host_cache: Default::default(),
        cgroups: Default::default(),
        recent: Default::default(),
    };
    if let Some(path) = dump {
        let sink: Box<dyn Write> = if path.first() == Some(&b'-') {
            Box::new(std::io::stdout())
        } else {
            match std::fs::File::create(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&path)) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    // ss 6.1 does not check and crashes here (COMPAT.md).
                    let mut m = b"fopen dump file: ".to_vec();
                    m.extend_from_slice(&sys::strerror(e.raw_os_error().unwrap_or(0)));
                    m.push(b'\n');
                    let _ = ss.err.write_all(&m);
                    return 255;
                }
            }
        };
        ss.dump_sink = Some(sink);
        let _ = ss.inet_netlink(InetProto::Tcp);
        if let Some(mut s) = ss.dump_sink.take() {
            let _ = s.flush();
        }
        return 0;
    }
    if ss.opts.processes || ss.opts.threads {
        ss.scan_users();
    }
    ss.run();
    ss.exit_code
}

/// The inet tables in the order ss shows them, after netlink, packet and
/// unix.
const INET_TABLES: [(u32, InetProto); 5] = [
    (db::RAW, InetProto::Raw),
    (db::UDP, InetProto::Udp),
    (db::TCP, InetProto::Tcp),
    (db::DCCP, InetProto::Dccp),
    (db::SCTP, InetProto::Sctp),
];

/// Where an inet table is read from first (`Ss::inet_source`).
enum InetSource {
    /// No inet family is asked for: nothing.
    Nothing,
    /// TCPDIAG_FILE: a saved `ss -D` dump (TCP only).
    TcpdiagFile(PathBuf),
    /// sock_diag, falling back to /proc when it fails.
    Netlink,
    /// /proc, as the table's variable or PROC_ROOT forces.
    Proc,
}

/// How much of the first table's replies is received while the owner scan
/// runs; the rest comes as read. 120,000 TCP sockets take about 13 MiB:
/// held whole, ss -tanp there is ~12% faster for ~13 MiB more RSS.
const EARLY_DUMP_LIMIT: usize = 16 << 20;

/// ss reads /proc under `PROC_ROOT` when set (default `/proc`).
fn proc_root(root: &SysRoot) -> PathBuf {
    env_path(root, "PROC_ROOT").unwrap_or_else(|| root.path("/proc"))
}

/// A path ss takes from the environment (PROC_ROOT, PROC_NET_TCP, …). On
/// a snapshot it lies under the snapshot like every other file.
pub fn env_path(root: &SysRoot, var: &str) -> Option<PathBuf> {
    let v = std::env::var_os(var)?;
    if root.is_live() {
        return Some(PathBuf::from(v));
    }
    let s = v.to_string_lossy();
    let abs = if s.starts_with('/') {
        s.into_owned()
    } else {
        format!("/{s}")
    };
    Some(root.path(&abs))
}

/// The terminal's width when stdout is one (ss 6.1 ignores COLUMNS).
fn terminal_width() -> Option<usize> {
    if !sys::isatty(1) {
        return None;
    }
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) };
    (rc != -1 && ws.ws_col > 0).then_some(ws.ws_col as usize)
}

struct Ss<W: Write, E: Write> {
    opts: Options,
    /// The filter expression, if any.
    expr: Option<filter::Node>,
    filter: Filter,
    cols: Columns,
    out: Out<W>,
    err: E,
    users: Option<users::Users>,
    /// The socket with the first table's dump already under way (`scan_users`).
    early_dump: Option<DiagSocket>,
    services: Option<Services>,
    hosts: Option<Hosts>,
    ephemeral: Option<(u32, u32)>,
    root: SysRoot,
    proc_root: PathBuf,
    /// Scratch for one cell's text.
    cell: Vec<u8>,
    nl_protos: Option<Vec<Option<Vec<u8>>>>,
    /// -K: the second socket SOCK_DESTROY requests go through.
    kill_sock: Option<DiagSocket>,
    /// -D: where raw TCP replies go instead of being shown.
    dump_sink: Option<Box<dyn Write>>,
    exit_code: i32,
    host_cache: std::collections::HashMap<IpAddr, Option<Vec<u8>>>,
    cgroups: cgroup::Paths,
    /// Rows the kernel showed just before (core::recent).
    recent: crate::core::recent::Recent,
}

/// Which inet protocol a section shows, and how ss names its ports.
#[derive(Clone, Copy, PartialEq, Eq)]
enum InetProto {
    Tcp,
    Udp,
    Raw,
    Dccp,
    /// Asked for as ss asks (its errors are printed alike), never shown:
    /// COMPAT.md S1.
    Sctp,
    /// -E destroy events: ss passes IPPROTO_MAX and leaves `dg_proto` unset.
    Event,
}

impl InetProto {
    fn number(self) -> u8 {
        match self {
            InetProto::Tcp => 6,
            InetProto::Udp => 17,
            InetProto::Raw => 255,
            InetProto::Dccp => 33,
            InetProto::Sctp => 132,
            InetProto::Event => 0,
        }
    }
    /// ss's `dg_proto` for service names (dccp keeps tcp's).
    fn service(self) -> ServiceProto {
        match self {
            InetProto::Tcp | InetProto::Dccp | InetProto::Sctp | InetProto::Event => ServiceProto::Tcp,
            InetProto::Udp => ServiceProto::Udp,
            InetProto::Raw => ServiceProto::Raw,
        }
    }
    /// The environment variable that forces the /proc path, and the files.
    fn proc_files(self) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
        match self {
            InetProto::Tcp => Some(("PROC_NET_TCP", "net/tcp", "PROC_NET_TCP6", "net/tcp6")),
            InetProto::Udp => Some(("PROC_NET_UDP", "net/udp", "PROC_NET_UDP6", "net/udp6")),
            InetProto::Raw => Some(("PROC_NET_RAW", "net/raw", "PROC_NET_RAW6", "net/raw6")),
            InetProto::Dccp | InetProto::Sctp | InetProto::Event => None,
        }
    }
    fn env(self) -> &'static str {
        match self {
            InetProto::Dccp => "PROC_NET_DCCP",
            InetProto::Sctp => "PROC_NET_SCTP",
            InetProto::Event => "",
            p => p.proc_files().map_or("", |f| f.0),
        }
    }
}

const STATE_NAMES: [&[u8]; 12] = [
    b"UNKNOWN",
    b"ESTAB",
    b"SYN-SENT",
    b"SYN-RECV",
    b"FIN-WAIT-1",
    b"FIN-WAIT-2",
    b"TIME-WAIT",
    b"UNCONN",
    b"CLOSE-WAIT",
    b"LAST-ACK",
    b"LISTEN",
    b"CLOSING",
];

/// One socket as the row printers need it (ss's `struct sockstat`).
struct Row<'a> {
    netid: &'a [u8],
    state: u32,
    rq: i64,
    wq: i64,
    inode: u64,
}

impl<W: Write, E: Write> Ss<W, E> {
    fn run(&mut self) {
        let f = self.filter;
        // One table: no Netid column; one state: no State column.
        if f.dbs & f.dbs.wrapping_sub(1) == 0 {
            self.cols.disabled[columns::NETID] = true;
        }
        if f.states & f.states.wrapping_sub(1) == 0 {
            self.cols.disabled[columns::STATE] = true;
        }
        if self.opts.header {
            self.cols.header(&mut self.out);
        }
        self.out.flush();
        if self.opts.events {
            self.follow();
            return;
        }
        if f.has_db(db::NETLINK) {
            self.netlink_show();
        }
        if f.dbs & db::PACKET_MASK != 0 {
            self.packet_show();
        }
        if f.dbs & db::UNIX_MASK != 0 {
            self.unix_show();
        }
        for (table, proto) in INET_TABLES {
            if f.has_db(table) {
                self.inet_show(proto);
            }
        }
        // vsock, tipc, xdp and mptcp have no diag module on this kernel,
        // ss prints nothing for them, and mptcp's errors are suppressed
        // (see COMPAT.md S1).
        self.cols.render(&mut self.out);
        self.out.flush();
    }

    /// run_ssfilter(): whether the expression keeps this row.
    fn keep(&mut self, s: &filter::Sock<'_>) -> bool {
        let Some(expr) = self.expr.take() else { return true };
        let ok = expr.eval(s, &mut |p| p >= 0 && self.is_ephemeral(p as u32));
        self.expr = Some(expr);
        ok
    }

    fn cell_out(&mut self, s: &[u8]) {
        self.cols.out(s);
    }

    fn next(&mut self) {
        self.cols.next(&mut self.out);
    }

    fn set(&mut self, col: usize) {
        self.cols.set(col, &mut self.out);
    }

    /// sock_state_print(): Netid, State, Recv-Q, Send-Q.
    fn state_cells(&mut self, r: &Row<'_>) {
        self.set(columns::NETID);
        self.cell_out(r.netid);
        self.set(columns::STATE);
        let name = STATE_NAMES.get(r.state as usize).copied().unwrap_or(b"UNKNOWN");
        self.cell_out(name);
        self.set(columns::RECVQ);
        let mut q = Vec::with_capacity(8);
        push_left_int(&mut q, r.rq, 6);
        self.cell_out(&q);
        self.set(columns::SENDQ);
        q.clear();
        push_left_int(&mut q, r.wq, 6);
        self.cell_out(&q);
        self.set(columns::ADDR);
    }

    /// sock_addr_print(): the address cell (with its delimiter) and the port.
    fn addr_cells(&mut self, addr: &[u8], delim: &[u8], port: &[u8]) {
        let mut a = std::mem::take(&mut self.cell);
        a.clear();
        a.extend_from_slice(addr);
        a.extend_from_slice(delim);
        self.cell_out(&a);
        self.cell = a;
        self.next();
        self.cell_out(port);
        self.next();
    }

    fn users_cell(&mut self, inode: u64) {
        if let Some(u) = &self.users {
            let mut t = std::mem::take(&mut self.cell);
            t.clear();
            u.write(inode, &mut t);
            self.cols.out(&t);
            self.cell = t;
        }
    }

    fn is_ephemeral(&mut self, port: u32) -> bool {
        let (lo, hi) = *self.ephemeral.get_or_insert_with(|| {
            let path = env_path(&self.root, "PROC_IP_LOCAL_PORT_RANGE")
                .unwrap_or_else(|| self.proc_root.join("sys/net/ipv4/ip_local_port_range"));
            let text = std::fs::read(path).unwrap_or_default();
            let mut it = text
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .map(|w| std::str::from_utf8(w).ok().and_then(|s| s.parse::<u32>().ok()));
            match (it.next().flatten(), it.next().flatten()) {
                (Some(a), Some(b)) if a != 0 => (a, b),
                _ => (1024, 4999),
            }
        });
        port >= lo && port <= hi
    }

    fn services(&mut self) -> &Services {
        let root = &self.root;
        self.services.get_or_insert_with(|| Services::load(root))
    }

    /// resolve_service(): `*`, a name, or the number.
    fn service_text(&mut self, port: u32, proto: InetProto, buf: &mut Vec<u8>) {
        buf.clear();
        if port == 0 {
            buf.push(b'*');
            return;
        }
        if !self.opts.numeric {
            if proto == InetProto::Raw {
                match self.services().protocol(port as u16).filter(|_| port <= 0xffff) {
                    Some(n) => buf.extend_from_slice(n),
                    None => {
                        buf.extend_from_slice(b"ipproto-");
                        push_decimal(buf, port as u64);
                    }
                }
                return;
            }
            if !self.is_ephemeral(port) && proto == InetProto::Event {
                if let Some(n) = self.services().first_any(port as u16).filter(|_| port <= 0xffff) {
                    buf.extend_from_slice(n);
                    return;
                }
            } else if !self.is_ephemeral(port) {
                let sp = proto.service();
                if let Some(n) = self.services().first_name(sp, port as u16).filter(|_| port <= 0xffff) {
                    buf.extend_from_slice(n);
                    return;
                }
            }
        }
        push_decimal(buf, port as u64);
    }

    /// format_host(): numeric, or with -r the host name (gethostbyaddr,
    /// a v4-mapped address asked as IPv4; answers are remembered).
    fn host_text(&mut self, a: &IpAddr, buf: &mut Vec<u8>) {
        if self.opts.resolve {
            let key = if a.is_v4_mapped() {
                IpAddr::v4([a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]])
            } else {
                *a
            };
            let name = match self.host_cache.get(&key) {
                Some(n) => n.clone(),
                None => {
                    let root = &self.root;
                    let hosts = self.hosts.get_or_insert_with(|| Hosts::new(root));
                    let n = if key.v6 {
                        hosts.by_v6_hostent(key.bytes)
                    } else {
                        hosts.by_v4(key.v4_octets())
                    };
                    self.host_cache.insert(key, n.clone());
                    n
                }
            };
            if let Some(n) = name {
                buf.extend_from_slice(&n);
                return;
            }
        }
        if a.v6 {
            format_v6(&a.bytes, buf);
        } else {
            for (i, o) in a.v4_octets().iter().enumerate() {
                if i > 0 {
                    buf.push(b'.');
                }
                push_decimal(buf, *o as u64);
            }
        }
    }

    /// inet_addr_print().
    fn inet_addr(&mut self, a: &IpAddr, port: u32, ifindex: u32, v6only: bool, proto: InetProto) {
        let mut host = Vec::with_capacity(64);
        if a.v6 && !v6only && a.is_unspecified() {
            host.push(b'*');
        } else {
            let mut text = Vec::with_capacity(48);
            self.host_text(a, &mut text);
            if a.v6 && text.contains(&b':') {
                host.push(b'[');
                host.extend_from_slice(&text);
                host.push(b']');
            } else {
                host = text;
            }
        }
        if ifindex != 0 {
            host.push(b'%');
            crate::core::escape::screen(&interface_name(ifindex), &mut host);
        }
        let mut port_text = Vec::with_capacity(16);
        self.service_text(port, proto, &mut port_text);
        self.addr_cells(&host, b":", &port_text);
    }

    /// Where `inet_show` reads `proto`'s table from first.
    fn inet_source(&self, proto: InetProto) -> InetSource {
        let f = self.filter;
        if !f.has_family(af::INET) && !f.has_family(af::INET6) {
            return InetSource::Nothing;
        }
        if proto == InetProto::Tcp
            && let Some(file) = env_path(&self.root, "TCPDIAG_FILE")
        {
            return InetSource::TcpdiagFile(file);
        }
        if Self::proc_forced(proto.env()) {
            InetSource::Proc
        } else {
            InetSource::Netlink
        }
    }

    fn inet_show(&mut self, proto: InetProto) {
        let f = self.filter;
        match self.inet_source(proto) {
            InetSource::Nothing => return,
            InetSource::TcpdiagFile(file) => {
                self.tcpdiag_file(&file);
                return;
            }
            // /proc when netlink fails, as ss falls back.
            InetSource::Netlink if self.inet_netlink(proto).is_ok() => return,
            InetSource::Netlink | InetSource::Proc => {}
        }
        if let Some((_, v4, env6, v6)) = proto.proc_files() {
            if f.has_family(af::INET) {
                let path = env_path(&self.root, proto.env()).unwrap_or_else(|| self.proc_root.join(v4));
                if !self.inet_proc(&path, false, proto) {
                    return;
                }
            }
            if f.has_family(af::INET6) {
                let path = env_path(&self.root, env6).unwrap_or_else(|| self.proc_root.join(v6));
                self.inet_proc(&path, true, proto);
            }
        }
    }

    /// The holders of every socket (-p, -T), found on the other cores while
    /// this one receives the first table, when that table is an inet one
    /// read through netlink: the kernel's dump and the fd walk are the two
    /// big costs, and neither needs the other.
    fn scan_users(&mut self) {
        let threads = self.opts.threads;
        let proc_root = &self.proc_root;
        let Some(first) = self.first_inet_request() else {
            self.users = Some(users::Users::scan(proc_root, threads));
            return;
        };
        let root = &self.root;
        let (users, early) = std::thread::scope(|s| {
            let scan = s.spawn(move || users::Users::scan(proc_root, threads));
            let early = DiagSocket::open_at(root).ok().map(|mut sock| {
                sock.prefetch(&first, EARLY_DUMP_LIMIT);
                sock
            });
            (scan.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), early)
        });
        self.users = Some(users);
        self.early_dump = early;
    }

    /// The first request `run` sends, when its first table is an inet one
    /// read through netlink and nothing before it (events, -K) acts first.
    fn first_inet_request(&self) -> Option<Vec<u8>> {
        let f = self.filter;
        if self.opts.events || self.opts.kill || f.has_db(db::NETLINK) || f.dbs & (db::PACKET_MASK | db::UNIX_MASK) != 0
        {
            return None;
        }
        let (_, proto) = INET_TABLES.into_iter().find(|&(table, _)| f.has_db(table))?;
        if !matches!(self.inet_source(proto), InetSource::Netlink) {
            return None;
        }
        let bytecode = self.expr.as_ref().and_then(filter::compile);
        Some(self.inet_request(proto, self.first_family(), bytecode.as_deref()))
    }

    /// The family inet_show_netlink() asks for first.
    fn first_family(&self) -> u32 {
        if self.opts.preferred_family == af::INET6 {
            af::INET6
        } else {
            af::INET
        }
    }

    /// The sock_diag request for one inet table and family; family 0 is
    /// the old TCPDIAG interface (TCP and DCCP only).
    fn inet_request(&self, proto: InetProto, family: u32, bytecode: Option<&[u8]>) -> Vec<u8> {
        if family == 0 {
            let kind = if proto == InetProto::Tcp {
                netlink::TCPDIAG_GETSOCK
            } else {
                netlink::TCPDIAG_GETSOCK + 1
            };
            netlink::old_inet_request(kind, af::INET as u8, self.filter.states, bytecode)
        } else {
            netlink::inet_request(family as u8, proto.number(), self.ext(), self.filter.states, bytecode)
        }
    }

    /// inet_show_netlink(): v4 then v6 (or only the preferred family), with
    /// ss's retry through the old TCPDIAG interface when a request fails.
    fn inet_netlink(&mut self, proto: InetProto) -> Result<(), ()> {
        let mut sock = match self.early_dump.take() {
            Some(sock) => sock,
            None => DiagSocket::open_at(&self.root).map_err(|_| ())?,
        };
        let bytecode = self.expr.as_ref().and_then(filter::compile);
        let mut family = self.first_family();
        loop {
            if family == 0 && !matches!(proto, InetProto::Tcp | InetProto::Dccp) {
                return Err(());
            }
            let req = self.inet_request(proto, family, bytecode.as_deref());
            let mut aborted = false;
            let res = match self.dump_sink.take() {
                Some(mut sink) => {
                    let r = sock.dump_raw(&req, &mut *sink);
                    self.dump_sink = Some(sink);
                    r
                }
                None => sock.dump(&req, |m| {
                    if let Some(d) = InetDiag::parse(m.payload)
                        && !self.inet_diag_row(&d, proto)
                    {
                        aborted = true;
                        return false;
                    }
                    true
                }),
            };
            // A row that stopped the dump (a failed -K) fails it, as the
            // callback's error does in ss.
            let res = if aborted { Err(DumpError::Io) } else { res };
            match res {
                Ok(()) => {}
                Err(e) => {
                    self.report(e);
                    if family != 0 {
                        family = 0;
                        continue;
                    }
                    return Err(());
                }
            }
            if family == af::INET && self.opts.preferred_family != af::INET {
                family = af::INET6;
                continue;
            }
            return Ok(());
        }
    }

    /// handle_follow_request(): print every socket destroyed from now on,
    /// each event rendered on its own, until interrupted. Output goes out
    /// per event on a terminal and in 4 KiB blocks into a pipe, as ss's
    /// stdio buffering does (so an interrupted pipe loses the same tail).
    fn follow(&mut self) {
        let f = self.filter;
        let mut groups = 0u32;
        for (family, db_id, group) in [
            (af::INET, db::TCP, 1),
            (af::INET, db::UDP, 2),
            (af::INET6, db::TCP, 3),
            (af::INET6, db::UDP, 4),
        ] {
            if f.has_family(family) && f.has_db(db_id) {
                groups |= 1 << (group - 1);
            }
        }
        if groups == 0 {
            self.exit_code = 255;
            return;
        }
        let Ok(mut sock) = DiagSocket::open_groups(groups) else {
            self.exit_code = 255;
            return;
        };
        let tty = sys::isatty(1);
        self.out.set_flush_at(if tty { 1 } else { 4096 });
        let _ = sock.listen(&mut |m| {
            if let Some(d) = InetDiag::parse(m.payload)
                && (d.family as u32 == af::INET || d.family as u32 == af::INET6)
            {
                self.inet_diag_row(&d, InetProto::Event);
            }
            self.cols.render(&mut self.out);
            self.out.row_done();
            true
        });
        self.exit_code = 255;
    }

    /// tcp_show_netlink_file(): TCP rows from a `-D` dump, up to its first
    /// NLMSG_DONE; only the expression filters them (no states, families).
    fn tcpdiag_file(&mut self, file: &std::path::Path) {
        let data = match std::fs::read(file) {
            Ok(d) => d,
            Err(e) => {
                let mut m = b"fopen($TCPDIAG_FILE): ".to_vec();
                m.extend_from_slice(&sys::strerror(e.raw_os_error().unwrap_or(0)));
                m.push(b'\n');
                let _ = self.err.write_all(&m);
                return;
            }
        };
        let mut at = 0;
        loop {
            if data.len() - at < 16 {
                let _ = self.err.write_all(b"Unexpected EOF reading $TCPDIAG_FILE");
                return;
            }
            let len = netlink::u32_ne(&data, at) as usize;
            let kind = netlink::u16_ne(&data, at + 4);
            let body = (len.saturating_sub(16) + 3) & !3;
            if data.len() - at - 16 < body {
                let _ = self.err.write_all(b"Unexpected EOF reading $TCPDIAG_FILE");
                return;
            }
            let payload = &data[at + 16..at + 16 + body];
            at += 16 + body;
            match kind {
                netlink::NLMSG_DONE => return,
                netlink::NLMSG_ERROR => {
                    if len < 16 + 20 {
                        let _ = self.err.write_all(b"ERROR truncated\n");
                    } else {
                        let errno = netlink::errno_of(payload);
                        let mut m = b"TCPDIAG answered: ".to_vec();
                        m.extend_from_slice(&sys::strerror(errno));
                        m.push(b'\n');
                        let _ = self.err.write_all(&m);
                    }
                    return;
                }
                _ => {
                    let payload = &payload[..len.saturating_sub(16).min(payload.len())];
                    if let Some(d) = InetDiag::parse(payload) {
                        self.inet_file_row(&d);
                    }
                }
            }
        }
    }

    /// A row of a TCPDIAG_FILE: shown like a netlink row, without the
    /// family check and -K.
    fn inet_file_row(&mut self, d: &InetDiag<'_>) {
        let (families, kill) = (self.filter.families, self.opts.kill);
        self.filter.families = u64::MAX;
        self.opts.kill = false;
        self.inet_diag_row(d, InetProto::Tcp);
        self.filter.families = families;
        self.opts.kill = kill;
    }

    /// kill_inet_sock(): SOCK_DESTROY for the socket `d` names.
    fn kill(&mut self, d: &InetDiag<'_>, raw_protocol: u8, proto: InetProto) -> Result<(), i32> {
        if self.kill_sock.is_none() {
            self.kill_sock = Some(DiagSocket::open_at(&self.root).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?);
        }
        let mut body = vec![0u8; 56];
        body[0] = d.family;
        body[1] = proto.number();
        if proto == InetProto::Raw {
            body[3] = raw_protocol;
        }
        body[8..56].copy_from_slice(d.id);
        let req = netlink::request(
            netlink::SOCK_DESTROY,
            netlink::NLM_F_REQUEST | netlink::NLM_F_ACK,
            &body,
        );
        self.kill_sock.as_mut().map_or(Err(libc::EIO), |s| s.talk(&req))
    }

    /// idiag_ext: which extra attributes to ask the kernel for.
    fn ext(&self) -> u8 {
        let mut e = 0u8;
        if self.opts.mem {
            e |= 1 << (inet_attr::MEMINFO - 1) | 1 << (inet_attr::SKMEMINFO - 1);
        }
        if self.opts.tos {
            e |= 1 << (inet_attr::TOS - 1) | 1 << (inet_attr::TCLASS - 1);
        }
        if self.opts.tcpinfo {
            e |= 1 << (tcpinfo::INFO - 1) | 1 << (tcpinfo::VEGASINFO - 1) | 1 << (tcpinfo::CONG - 1);
        }
        e
    }

    /// Whether ss would skip netlink for this table: its variable or
    /// PROC_ROOT is set.
    fn proc_forced(env: &str) -> bool {
        std::env::var_os(env).is_some() || std::env::var_os("PROC_ROOT").is_some()
    }

    /// The /proc file ss falls back to: `$ENV`, or `PROC_ROOT/rel`.
    fn proc_file(&self, env: &str, rel: &str) -> Option<Vec<u8>> {
        let path = env_path(&self.root, env).unwrap_or_else(|| self.proc_root.join(rel));
        std::fs::read(path).ok()
    }

    /// One sock_diag dump; `row` sees each reply's payload as it arrives
    /// and may stop the dump (returning false), which fails it.
    fn dump_rows(&mut self, req: &[u8], mut row: impl FnMut(&mut Self, &[u8]) -> bool) -> Result<(), ()> {
        let mut sock = DiagSocket::open_at(&self.root).map_err(|_| ())?;
        let mut stopped = false;
        let res = sock.dump(req, |m| {
            stopped = !row(self, m.payload);
            !stopped
        });
        if stopped {
            return Err(());
        }
        res.map_err(|e| self.report(e))
    }

    /// rtnl_dump_error(): sock_diag's ENOENT/EOPNOTSUPP are silent.
    fn report(&mut self, e: DumpError) {
        if let DumpError::Kernel(errno) = e
            && errno != libc::ENOENT
            && errno != libc::EOPNOTSUPP
        {
            let mut m = b"RTNETLINK answers: ".to_vec();
            m.extend_from_slice(&sys::strerror(errno));
            m.push(b'\n');
            let _ = self.err.write_all(&m);
        }
    }

    /// show_one_inet_sock(): false stops the dump (a -K that failed).
    fn inet_diag_row(&mut self, d: &InetDiag<'_>, proto: InetProto) -> bool {
        let family = d.family as u32;
        if !self.filter.has_family(family) || proto == InetProto::Sctp {
            return true;
        }
        // A dump shows each socket once, by its cookie (core::recent).
        if proto != InetProto::Event {
            let mut key = [0u8; 10];
            key[0] = proto.number();
            key[1] = d.family;
            key[2..].copy_from_slice(&d.cookie.to_le_bytes());
            if self.recent.repeat(&key) {
                return true;
            }
        }
        let mut kind: u16 = if proto == InetProto::Event {
            262
        } else {
            proto.number() as u16
        };
        if let Some(p) = d.attr(inet_attr::PROTOCOL)
            && let Some(&b) = p.first()
        {
            kind = b as u16;
        }
        let netid = proto_name(kind);
        if self.expr.is_some() {
            let mark = d
                .attr(inet_attr::MARK)
                .filter(|m| m.len() >= 4)
                .map_or(0, |m| netlink::u32_ne(m, 0));
            let cgroup = d
                .attr(inet_attr::CGROUP_ID)
                .filter(|c| c.len() >= 8)
                .map_or(0, |c| netlink::u64_ne(c, 0));
            let s = filter::Sock {
                family,
                local: d.local.bytes,
                remote: d.remote.bytes,
                lport: d.local_port as i64,
                rport: d.remote_port as i64,
                iface: d.ifindex,
                mark,
                cgroup,
                local_name: None,
                remote_name: None,
            };
            if !self.keep(&s) {
                return true;
            }
        }
        if self.opts.kill {
            match self.kill(d, kind as u8, proto) {
                Ok(()) => {}
                Err(libc::EOPNOTSUPP | libc::ENOENT) => return true, // cannot be closed, or already closed
                Err(errno) => {
                    let mut m = b"SOCK_DESTROY answers: ".to_vec();
                    m.extend_from_slice(&sys::strerror(errno));
                    m.push(b'\n');
                    let _ = self.err.write_all(&m);
                    return false;
                }
            }
        }
        let v6only = if d.family == libc::AF_INET6 as u8 {
            d.attr(inet_attr::SKV6ONLY).and_then(|v| v.first().copied())
        } else {
            None
        };
        let row = Row {
            netid,
            state: d.state as u32,
            rq: d.rqueue as i32 as i64,
            wq: d.wqueue as i32 as i64,
            inode: d.inode as u64,
        };
        self.state_cells(&row);
        self.inet_addr(
            &d.local,
            d.local_port as u32,
            d.ifindex,
            v6only.unwrap_or(0) != 0,
            proto,
        );
        self.inet_addr(&d.remote, d.remote_port as u32, 0, v6only.unwrap_or(0) != 0, proto);
        self.users_cell(row.inode);
        let mut t = Vec::new();
        if self.opts.show_options && d.timer != 0 {
            timer_text(&mut t, d.timer as u32, d.expires, d.retrans as i64);
        }
        if self.opts.details > 0 {
            if d.uid != 0 {
                t.extend_from_slice(b" uid:");
                push_decimal(&mut t, d.uid as u64);
            }
            t.extend_from_slice(b" ino:");
            push_decimal(&mut t, d.inode as u64);
            t.extend_from_slice(b" sk:");
            push_hex(&mut t, d.cookie);
            if let Some(m) = d.attr(inet_attr::MARK).filter(|m| m.len() >= 4) {
                let mark = netlink::u32_ne(m, 0);
                if mark != 0 {
                    t.extend_from_slice(b" fwmark:0x");
                    push_hex(&mut t, mark as u64);
                }
            }
            if let Some(c) = d.attr(inet_attr::CGROUP_ID).filter(|c| c.len() >= 8) {
                let id = netlink::u64_ne(c, 0);
                if id != 0 {
                    t.extend_from_slice(b" cgroup:");
                    t.extend_from_slice(&self.cgroup_path(id));
                }
            }
            if let Some(v) = v6only {
                t.extend_from_slice(b" v6only:");
                push_decimal(&mut t, v as u64);
            }
            if let Some(&mask) = d.attr(inet_attr::SHUTDOWN).and_then(|m| m.first()) {
                shutdown_text(&mut t, mask);
            }
        }
        if self.opts.tos {
            if let Some(&v) = d.attr(inet_attr::TOS).and_then(|v| v.first()) {
                t.extend_from_slice(b" tos:");
                push_c_hex(&mut t, v as u64);
            }
            if let Some(&v) = d.attr(inet_attr::TCLASS).and_then(|v| v.first()) {
                t.extend_from_slice(b" tclass:");
                push_c_hex(&mut t, v as u64);
            }
            if let Some(v) = d.attr(inet_attr::CLASS_ID).filter(|v| v.len() >= 4) {
                t.extend_from_slice(b" class_id:");
                push_c_hex(&mut t, netlink::u32_ne(v, 0) as u64);
            }
        }
        if self.opts.cgroup
            && let Some(c) = d.attr(inet_attr::CGROUP_ID).filter(|c| c.len() >= 8)
        {
            t.extend_from_slice(b" cgroup:");
            t.extend_from_slice(&self.cgroup_path(netlink::u64_ne(c, 0)));
        }
        if self.opts.inet_sockopt
            && let Some(o) = d.attr(inet_attr::SOCKOPT).filter(|o| o.len() >= 2)
        {
            t.extend_from_slice(if self.opts.oneline {
                b" inet-sockopt: ("
            } else {
                b"\n\tinet-sockopt: ("
            });
            let bits = o[0] as u16 | (o[1] as u16) << 8;
            for (bit, name) in [
                (0, &b" recverr"[..]),
                (1, b" is_icsk"),
                (2, b" freebind"),
                (3, b" hdrincl"),
                (4, b" mc_loop"),
                (5, b" transparent"),
                (6, b" mc_all"),
                (7, b" nodefrag"),
                (8, b" bind_addr_no_port"),
                (9, b" recverr_rfc4884"),
                (10, b" defer_connect"),
            ] {
                if bits & (1 << bit) != 0 {
                    t.extend_from_slice(name);
                }
            }
            t.push(b')');
        }
        if self.opts.mem || (self.opts.tcpinfo && kind != 17) {
            if !self.opts.oneline {
                t.extend_from_slice(b"\n\t");
            }
            skmeminfo(&mut t, d.attr(inet_attr::SKMEMINFO), d.attr(inet_attr::MEMINFO));
            let find = |k: u16| d.attr(k).map(|v| v.to_vec());
            tcpinfo::write(&mut t, &find, d.state, self.opts.show_options, self.opts.numeric);
        }
        self.cols.out(&t);
        true
    }

    /// cg_id_to_path(): the cgroup v2 path of an id, or `unreachable:ID`
    /// (ss caches the names it finds, lib/cg_map.c; so does `cgroup::Paths`).
    fn cgroup_path(&mut self, id: u64) -> Vec<u8> {
        let mut msgs = Vec::new();
        let path = self.cgroups.path(id, &mut msgs);
        let _ = self.err.write_all(&msgs);
        crate::core::escape::screened(path)
    }

    /// The /proc fallback (tcp_show_line / dgram_show_line).
    /// generic_record_read(): false when the file could not be opened or
    /// read as ss wants it (then ss gives up on the protocol).
    fn inet_proc(&mut self, path: &std::path::Path, v6: bool, proto: InetProto) -> bool {
        let Ok(data) = std::fs::read(path) else { return false };
        let mut lines = FgetsLines::new(&data, 256);
        // The header; an empty file is an error only if it cannot be read.
        if lines.next().is_none() {
            return true;
        }
        for line in lines {
            // A piece without its newline (a long or truncated line) is an
            // error that ends the protocol.
            let Some(line) = line.strip_suffix(b"\n") else {
                return false;
            };
            if !self.inet_proc_line(line, v6, proto) {
                // A line ss cannot split ends this file only.
                return true;
            }
        }
        true
    }

    /// tcp_show_line / dgram_show_line: false when the line cannot be split.
    fn inet_proc_line(&mut self, line: &[u8], v6: bool, proto: InetProto) -> bool {
        let Some(p) = proc_line::split(line) else { return false };
        let st = p.state_digit();
        if st >= 32 || self.filter.states & (1 << st) == 0 {
            return true;
        }
        let (local, lport) = proc_line::addr(p.local, v6);
        let (remote, rport) = proc_line::addr(p.remote, v6);
        if self.expr.is_some() {
            let s = filter::Sock {
                family: if v6 { af::INET6 } else { af::INET },
                local: local.bytes,
                remote: remote.bytes,
                lport: lport as i64,
                rport: rport as i64,
                iface: 0,
                mark: 0,
                cgroup: 0,
                local_name: None,
                remote_name: None,
            };
            if !self.keep(&s) {
                return true;
            }
        }
        let fields = proc_line::data_fields(p.data, proto == InetProto::Tcp);
        let id = crate::core::model::InetSocket {
            local,
            local_port: lport,
            remote,
            remote_port: rport,
            inode: fields.inode,
            ..Default::default()
        };
        if self.recent.repeat(&crate::core::recent::inet_key(proto.number(), &id)) {
            return true;
        }
        let netid: &'static [u8] = match proto {
            InetProto::Tcp => b"tcp",
            InetProto::Udp => b"udp",
            _ => b"raw",
        };
        let row = Row {
            netid,
            state: fields.state,
            rq: fields.rq,
            wq: fields.wq,
            inode: fields.inode,
        };
        self.state_cells(&row);
        self.inet_addr(&local, lport, 0, false, proto);
        self.inet_addr(&remote, rport, 0, false, proto);
        self.users_cell(row.inode);
        let mut t = Vec::new();
        if proto == InetProto::Tcp {
            let hz = sys::clock_ticks() as i64;
            let retrans = if fields.timer != 1 {
                fields.probes
            } else {
                fields.retrans
            };
            // unsigned int arithmetic in ss: large values wrap.
            let timeout = (fields.timeout as u32).wrapping_mul(1000).wrapping_add(hz as u32 - 1) / hz as u32;
            if self.opts.show_options && fields.timer != 0 {
                timer_text(&mut t, fields.timer as u32, timeout, retrans);
            }
            if self.opts.details > 0 {
                if fields.uid != 0 {
                    t.extend_from_slice(b" uid:");
                    push_decimal(&mut t, fields.uid as u64);
                }
                t.extend_from_slice(b" ino:");
                push_decimal(&mut t, fields.inode);
                t.extend_from_slice(b" sk:");
                push_hex(&mut t, fields.sk);
                if !fields.opt.is_empty() {
                    t.extend_from_slice(b" opt:\"");
                    t.extend_from_slice(fields.opt);
                    t.push(b'"');
                }
            }
            if self.opts.tcpinfo {
                // tcp_show_line(): what /proc knows, in tcp_stats_print()'s form.
                let [rto, ato, qack, cwnd, ssthresh] = fields.tcp_extra.unwrap_or([0, 0, 0, 2, -1]);
                let rto = if rto != 3 * hz { rto as f64 / hz as f64 } else { 0.0 };
                tcpinfo::write_proc(&mut t, rto, ato as f64 / hz as f64, qack / 2, cwnd, ssthresh, retrans);
            }
        }
        // dgram_show_line() never prints opt: its sscanf converts at most 8
        // fields and keeps opt only when it got 9.
        self.cols.out(&t);
        true
    }

    fn unix_show(&mut self) {
        if !self.filter.has_family(af::UNIX) {
            return;
        }
        let forced = Self::proc_forced("PROC_NET_UNIX");
        if !forced && self.unix_netlink().is_ok() {
            return;
        }
        self.unix_proc();
    }

    fn unix_type_skip(&self, t: u32) -> bool {
        (t == 1 && !self.filter.has_db(db::UNIX_ST))
            || (t == 2 && !self.filter.has_db(db::UNIX_DG))
            || (t == 5 && !self.filter.has_db(db::UNIX_SQ))
    }

    fn unix_netlink(&mut self) -> Result<(), ()> {
        let mut show = unix_attr::SHOW_NAME | unix_attr::SHOW_PEER | unix_attr::SHOW_RQLEN;
        if self.opts.mem {
            show |= unix_attr::SHOW_MEMINFO;
        }
        if self.opts.details > 0 {
            show |= unix_attr::SHOW_VFS | unix_attr::SHOW_ICONS;
        }
        let req = netlink::unix_request(self.filter.states, show);
        self.dump_rows(&req, |me, p| {
            if let Some(u) = UnixDiag::parse(p) {
                me.unix_diag_row(&u);
            }
            true
        })
    }

    fn unix_diag_row(&mut self, u: &UnixDiag<'_>) {
        let t = u.sock_type as u32;
        let name_attr = u.attr(unix_attr::NAME).unwrap_or_default();
        let key = crate::core::recent::unix_key(u.inode as u64, name_attr);
        if self.unix_type_skip(t) || key.is_some_and(|k| self.recent.repeat(&k)) {
            return;
        }
        let (rq, wq) = match u.attr(unix_attr::RQLEN).filter(|a| a.len() >= 8) {
            Some(a) => (netlink::u32_ne(a, 0) as i32 as i64, netlink::u32_ne(a, 4) as i32 as i64),
            None => (0, 0),
        };
        let mut name: Vec<u8> = match u.attr(unix_attr::NAME) {
            Some(n) => {
                let n = &n[..n.len().min(127)];
                if n.first() == Some(&0) {
                    n.iter().map(|&b| if b == 0 { b'@' } else { b }).collect()
                } else {
                    // ss copies into a C string: it ends at the first NUL.
                    n[..memchr::memchr(0, n).unwrap_or(n.len())].to_vec()
                }
            }
            None => b"*".to_vec(),
        };
        if name.is_empty() {
            name = Vec::new();
        }
        let peer = u
            .attr(unix_attr::PEER)
            .filter(|p| p.len() >= 4)
            .map_or(0, |p| netlink::u32_ne(p, 0));
        if self.expr.is_some() {
            let has_name = u.attr(unix_attr::NAME).is_some();
            let s = filter::Sock {
                family: af::UNIX,
                local: [0; 16],
                remote: [0; 16],
                lport: u.inode as i64,
                rport: peer as i64,
                iface: 0,
                mark: 0,
                cgroup: 0,
                local_name: has_name.then_some(&name[..]),
                remote_name: None,
            };
            if !self.keep(&s) {
                return;
            }
        }
        self.unix_row(t, u.state as u32, rq, wq, u.inode, &name, b"*", peer);
        let mut x = Vec::new();
        if self.opts.mem {
            skmeminfo(&mut x, u.attr(unix_attr::MEMINFO), None);
        }
        if self.opts.details > 0 {
            if let Some(&mask) = u.attr(unix_attr::SHUTDOWN).and_then(|m| m.first()) {
                shutdown_text(&mut x, mask);
            }
            if let Some(v) = u.attr(unix_attr::VFS).filter(|v| v.len() >= 8) {
                let ino = netlink::u32_ne(v, 0);
                let dev = netlink::u32_ne(v, 4);
                x.extend_from_slice(b" ino:");
                push_decimal(&mut x, ino as u64);
                x.extend_from_slice(b" dev:");
                push_decimal(&mut x, libc::major(dev as libc::dev_t) as u64);
                x.push(b'/');
                push_decimal(&mut x, libc::minor(dev as libc::dev_t) as u64);
            }
            if let Some(icons) = u.attr(unix_attr::ICONS) {
                x.extend_from_slice(b" peers:");
                for c in icons.chunks_exact(4) {
                    x.push(b' ');
                    push_decimal(&mut x, netlink::u32_ne(c, 0) as u64);
                }
            }
        }
        self.cols.out(&x);
    }

    /// unix_stats_print().
    #[allow(clippy::too_many_arguments)]
    fn unix_row(&mut self, t: u32, st: u32, rq: i64, wq: i64, inode: u32, name: &[u8], peer_name: &[u8], peer: u32) {
        let netid: &[u8] = match t {
            1 => b"u_str",
            5 => b"u_seq",
            _ => b"u_dgr",
        };
        let row = Row {
            netid,
            state: st,
            rq,
            wq,
            inode: inode as u64,
        };
        self.state_cells(&row);
        let mut port = Vec::with_capacity(12);
        push_signed(&mut port, inode as i32 as i64);
        let mut shown = Vec::new();
        crate::core::escape::screen(if name.is_empty() { b"*" } else { name }, &mut shown);
        self.addr_cells(&shown, b" ", &port);
        port.clear();
        push_signed(&mut port, peer as i32 as i64);
        shown.clear();
        crate::core::escape::screen(peer_name, &mut shown);
        self.addr_cells(&shown, b" ", &port);
        self.users_cell(row.inode);
    }

    /// unix_show() over /proc/net/unix: rows sorted by type, then inode.
    fn unix_proc(&mut self) {
        let Some(data) = self.proc_file("PROC_NET_UNIX", "net/unix") else {
            return;
        };
        let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
        if lines.is_empty() {
            return;
        }
        let newformat = lines[0].starts_with(b"Peer");
        struct U {
            t: u32,
            st: u32,
            rq: i64,
            wq: i64,
            ino: u32,
            peer: u32,
            name: Vec<u8>,
        }
        let mut list: Vec<U> = Vec::new();
        for line in &lines[1..] {
            // sscanf sees a C string: up to a NUL (the kernel writes none).
            let line = &line[..memchr::memchr(0, line).unwrap_or(line.len())];
            let v = proc_line::unix_fields(line);
            let mut st = v.state;
            if v.flags & (1 << 16) != 0 {
                st = state::LISTEN;
            } else if (1..=4).contains(&st) {
                st = [state::CLOSE, state::SYN_SENT, state::ESTABLISHED, 11][st as usize - 1];
                if v.sock_type == 2 && st == state::CLOSE && v.peer != 0 {
                    st = state::ESTABLISHED;
                }
            }
            if self.unix_type_skip(v.sock_type) || self.filter.states & (1u32.checked_shl(st).unwrap_or(0)) == 0 {
                continue;
            }
            if crate::core::recent::unix_key(v.inode as u64, v.name).is_some_and(|k| self.recent.repeat(&k)) {
                continue;
            }
            let (peer, rq, wq) = if newformat { (v.peer, v.rq, v.wq) } else { (0, 0, 0) };
            if self.expr.is_some() {
                // ss filters with the name and the peer's name as known so
                // far (the peer must already be in the sorted list).
                let peer_name: Option<Vec<u8>> = if peer != 0 {
                    Some(match list.iter().find(|p| p.ino == peer) {
                        Some(p) if !p.name.is_empty() => p.name.clone(),
                        Some(_) => b"*".to_vec(),
                        None => b"?".to_vec(),
                    })
                } else {
                    None
                };
                let s = filter::Sock {
                    family: af::UNIX,
                    local: [0; 16],
                    remote: [0; 16],
                    lport: 0,
                    rport: 0,
                    iface: 0,
                    mark: 0,
                    cgroup: 0,
                    local_name: (!v.name.is_empty()).then_some(v.name),
                    remote_name: peer_name.as_deref().filter(|n| *n != b"*"),
                };
                if !self.keep(&s) {
                    continue;
                }
            }
            let u = U {
                t: v.sock_type,
                st,
                rq,
                wq,
                ino: v.inode,
                peer,
                name: v.name.to_vec(),
            };
            let at = list.partition_point(|x| x.t < u.t || (x.t == u.t && x.ino <= u.ino));
            list.insert(at, u);
        }
        for u in &list {
            let peer_name: Vec<u8> = if u.peer != 0 {
                match list.iter().find(|p| p.ino == u.peer) {
                    Some(p) if !p.name.is_empty() => p.name.clone(),
                    Some(_) => b"*".to_vec(),
                    None => b"?".to_vec(),
                }
            } else {
                b"*".to_vec()
            };
            self.unix_row(u.t, u.st, u.rq, u.wq, u.ino, &u.name, &peer_name, u.peer);
        }
    }

    fn netlink_show(&mut self) {
        if !self.filter.has_family(af::NETLINK) || self.filter.states & (1 << state::CLOSE) == 0 {
            return;
        }
        let forced = Self::proc_forced("PROC_NET_NETLINK");
        if !forced && self.netlink_netlink().is_ok() {
            return;
        }
        let Some(data) = self.proc_file("PROC_NET_NETLINK", "net/netlink") else {
            return;
        };
        for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).skip(1) {
            let mut w = line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
            let sk = proc_line::hex_u64(w.next());
            let prot = proc_line::dec_i64(w.next()) as i32;
            let pid = proc_line::dec_i64(w.next()) as i32;
            let groups = proc_line::hex_u64(w.next()) as u32;
            let rq = proc_line::dec_i64(w.next()) as i32;
            let wq = proc_line::dec_i64(w.next()) as i32;
            let cb = proc_line::hex_u64(w.next());
            let _ = self.netlink_row(prot, pid, groups as u64, 0, 0, 0, rq, wq, sk, cb);
        }
    }

    fn netlink_netlink(&mut self) -> Result<(), ()> {
        self.dump_rows(&netlink::netlink_request(), |me, p| {
            if p.len() < 28 {
                return true;
            }
            let attrs = &p[28..];
            let find = |k: u16| netlink::attrs(attrs).find(|(t, _)| *t == k).map(|(_, v)| v);
            let groups = find(1).filter(|g| g.len() >= 8).map_or(0, |g| netlink::u64_ne(g, 0));
            let (rq, wq) = find(0)
                .filter(|m| m.len() >= 12)
                .map_or((0, 0), |m| (netlink::u32_ne(m, 0) as i32, netlink::u32_ne(m, 8) as i32));
            let kept = me.netlink_row(
                p[2] as i32,
                netlink::u32_ne(p, 4) as i32,
                groups,
                p[3] as u32,
                netlink::u32_ne(p, 8) as i32,
                netlink::u32_ne(p, 12),
                rq,
                wq,
                0,
                0,
            );
            if kept && me.opts.mem {
                let mut t = b"\t".to_vec();
                skmeminfo(&mut t, find(0), None);
                me.cols.out(&t);
            }
            true
        })
    }

    /// netlink_show_one().
    #[allow(clippy::too_many_arguments)]
    fn netlink_row(
        &mut self,
        prot: i32,
        pid: i32,
        groups: u64,
        nl_state: u32,
        dst_pid: i32,
        dst_group: u32,
        rq: i32,
        wq: i32,
        sk: u64,
        cb: u64,
    ) -> bool {
        if self.expr.is_some() {
            let mut local = [0u8; 16];
            local[..4].copy_from_slice(&(prot as u32).to_ne_bytes());
            let s = filter::Sock {
                family: af::NETLINK,
                local,
                remote: [0; 16],
                lport: pid as i64,
                rport: -1,
                iface: 0,
                mark: 0,
                cgroup: 0,
                local_name: None,
                remote_name: None,
            };
            if !self.keep(&s) {
                return false;
            }
        }
        let row = Row {
            netid: b"nl",
            state: state::CLOSE,
            rq: rq as i64,
            wq: wq as i64,
            inode: 0,
        };
        self.state_cells(&row);
        let name = self.netlink_proto_name(prot);
        let mut procname = Vec::with_capacity(32);
        if pid == -1 {
            procname.push(b'*');
        } else if !self.opts.numeric && pid == 0 {
            procname.extend_from_slice(b"kernel");
        } else if !self.opts.numeric && pid > 0 {
            let mut path = Vec::new();
            path.extend_from_slice(std::os::unix::ffi::OsStrExt::as_bytes(self.proc_root.as_os_str()));
            path.push(b'/');
            push_decimal(&mut path, pid as u64);
            path.extend_from_slice(b"/stat");
            let comm = std::fs::read(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&path))
                .ok()
                .and_then(|st| users::comm_from_stat_checked(&st).map(|c| c.to_vec()));
            match comm {
                Some(c) => {
                    crate::core::escape::screen(&c[..c.len().min(62)], &mut procname);
                    procname.push(b'/');
                    push_signed(&mut procname, pid as i64);
                    procname.truncate(63);
                }
                None => push_signed(&mut procname, pid as i64),
            }
        } else {
            push_signed(&mut procname, pid as i64);
        }
        self.addr_cells(&name, b":", &procname);
        if nl_state == 1 {
            let mut g = Vec::new();
            push_signed(&mut g, dst_group as i32 as i64);
            let mut p = Vec::new();
            push_signed(&mut p, dst_pid as i64);
            self.addr_cells(&g, b":", &p);
        } else {
            self.addr_cells(b"", b"*", b"");
        }
        if self.opts.details > 0 {
            let mut t = b" sk=".to_vec();
            push_hex(&mut t, sk);
            t.extend_from_slice(b" cb=");
            push_hex(&mut t, cb);
            t.extend_from_slice(format!(" groups=0x{:08x}", groups as u32).as_bytes());
            self.cols.out(&t);
        }
        true
    }

    fn packet_show(&mut self) {
        if !self.filter.has_family(af::PACKET) || self.filter.states & (1 << state::CLOSE) == 0 {
            return;
        }
        let forced = Self::proc_forced("PROC_NET_PACKET");
        if !forced && self.packet_netlink().is_ok() {
            return;
        }
        let Some(data) = self.proc_file("PROC_NET_PACKET", "net/packet") else {
            return;
        };
        for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).skip(1) {
            // "%llx %*d %d %x %d %d %u %u %u": sk refcnt type proto iface r rmem uid inode
            let mut w = line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
            let sk = proc_line::hex_u64(w.next());
            let _refcnt = w.next();
            let t = proc_line::dec_i64(w.next()) as u32;
            let prot = proc_line::hex_u64(w.next()) as u32;
            let iface = proc_line::dec_i64(w.next()) as i32;
            let _running = w.next();
            let rq = proc_line::dec_i64(w.next()) as i32;
            let uid = proc_line::dec_i64(w.next()) as u32;
            let ino = proc_line::dec_i64(w.next()) as u32;
            self.packet_row(t, prot, iface, rq, uid, ino, sk);
        }
    }

    fn packet_netlink(&mut self) -> Result<(), ()> {
        self.dump_rows(&netlink::packet_request(), |me, p| me.packet_diag_row(p))
    }

    /// packet_show_sock(): false when a reply lacks meminfo (ss then stops
    /// and reads /proc/net/packet instead).
    fn packet_diag_row(&mut self, p: &[u8]) -> bool {
        if p.len() < 16 {
            return true;
        }
        let attrs = &p[16..];
        let find = |k: u16| netlink::attrs(attrs).find(|(t, _)| *t == k).map(|(_, v)| v);
        // Without meminfo ss stops and reads /proc/net/packet instead.
        let Some(mem) = find(6) else { return false };
        let rq = if mem.len() >= 4 {
            netlink::u32_ne(mem, 0) as i32
        } else {
            0
        };
        let info = find(0).filter(|i| i.len() >= 24);
        let iface = info.map_or(0, |i| netlink::u32_ne(i, 0) as i32);
        let uid = find(5).filter(|u| u.len() >= 4).map_or(0, |u| netlink::u32_ne(u, 0));
        let cookie = ((netlink::u32_ne(p, 12) as u64) << 32) | netlink::u32_ne(p, 8) as u64;
        let prot = u16::from_ne_bytes([p[2], p[3]]) as u32;
        if !self.packet_row(p[1] as u32, prot, iface, rq, uid, netlink::u32_ne(p, 4), cookie) {
            return true;
        }
        if self.opts.details > 0 {
            let nl = if self.opts.oneline { &b" "[..] } else { &b"\n\t"[..] };
            let mut t = Vec::new();
            if let Some(i) = info {
                t.extend_from_slice(nl);
                t.extend_from_slice(b"ver:");
                push_signed(&mut t, netlink::u32_ne(i, 4) as i32 as i64);
                t.extend_from_slice(b" cpy_thresh:");
                push_signed(&mut t, netlink::u32_ne(i, 12) as i32 as i64);
                t.extend_from_slice(b" flags( ");
                let flags = netlink::u32_ne(i, 20);
                for (bit, name) in [
                    (1, &b"running"[..]),
                    (2, b" auxdata"),
                    (4, b" origdev"),
                    (8, b" vnethdr"),
                    (16, b" loss"),
                ] {
                    if flags & bit != 0 {
                        t.extend_from_slice(name);
                    }
                }
                if flags == 0 {
                    t.push(b'0');
                }
                t.extend_from_slice(b" )");
            }
            for (kind, name) in [(2u16, &b"ring_rx("[..]), (3, b"ring_tx(")] {
                if let Some(r) = find(kind).filter(|r| r.len() >= 28) {
                    t.extend_from_slice(nl);
                    t.extend_from_slice(name);
                    for (k, (label, at)) in [
                        ("blk_size:", 0),
                        (",blk_nr:", 4),
                        (",frm_size:", 8),
                        (",frm_nr:", 12),
                        (",tmo:", 16),
                    ]
                    .iter()
                    .enumerate()
                    {
                        let _ = k;
                        t.extend_from_slice(label.as_bytes());
                        push_signed(&mut t, netlink::u32_ne(r, *at) as i32 as i64);
                    }
                    t.extend_from_slice(b",features:0x");
                    push_hex(&mut t, netlink::u32_ne(r, 24) as u64);
                    t.push(b')');
                }
            }
            if let Some(fo) = find(4).filter(|f| f.len() >= 4) {
                let fanout = netlink::u32_ne(fo, 0);
                t.extend_from_slice(nl);
                t.extend_from_slice(b"fanout(id:");
                push_signed(&mut t, (fanout & 0xffff) as i64);
                t.extend_from_slice(b",type:");
                match (fanout >> 16) & 0xffff {
                    0 => t.extend_from_slice(b"hash"),
                    1 => t.extend_from_slice(b"lb"),
                    2 => t.extend_from_slice(b"cpu"),
                    3 => t.extend_from_slice(b"roll"),
                    4 => t.extend_from_slice(b"random"),
                    5 => t.extend_from_slice(b"qm"),
                    x => {
                        t.extend_from_slice(b"0x");
                        push_hex(&mut t, x as u64);
                    }
                }
                t.push(b')');
            }
            self.cols.out(&t);
        }
        if self.opts.bpf
            && let Some(f) = find(7)
        {
            let n = f.len() / 8;
            let mut t = Vec::new();
            t.extend_from_slice(if self.opts.oneline {
                b" bpf filter ("
            } else {
                b"\n\tbpf filter ("
            });
            push_signed(&mut t, n as i64);
            t.extend_from_slice(b"): ");
            for insn in f.chunks_exact(8) {
                let code = u16::from_ne_bytes([insn[0], insn[1]]);
                t.extend_from_slice(
                    format!(" 0x{:02x} {} {} {},", code, insn[2], insn[3], netlink::u32_ne(insn, 4)).as_bytes(),
                );
            }
            self.cols.out(&t);
        }
        if self.opts.mem {
            let mut t = Vec::new();
            skmeminfo(&mut t, Some(mem), None);
            self.cols.out(&t);
        }
        true
    }

    /// packet_stats_print().
    #[allow(clippy::too_many_arguments)]
    fn packet_row(&mut self, t: u32, prot: u32, iface: i32, rq: i32, uid: u32, ino: u32, sk: u64) -> bool {
        if self.expr.is_some() {
            let mut local = [0u8; 16];
            local[..4].copy_from_slice(&prot.to_ne_bytes());
            let s = filter::Sock {
                family: af::PACKET,
                local,
                remote: [0; 16],
                lport: iface as i64,
                rport: 0,
                iface: iface as u32,
                mark: 0,
                cgroup: 0,
                local_name: None,
                remote_name: None,
            };
            if !self.keep(&s) {
                return false;
            }
        }
        let row = Row {
            netid: if t == 3 { b"p_raw" } else { b"p_dgr" },
            state: state::CLOSE,
            rq: rq as i64,
            wq: 0,
            inode: ino as u64,
        };
        self.state_cells(&row);
        let addr: Vec<u8> = if prot == 3 {
            b"*".to_vec()
        } else {
            match LL_PROTOS
                .iter()
                .find(|(id, _)| *id as u32 == prot & 0xffff)
                .filter(|_| !self.opts.numeric)
            {
                Some((_, n)) => n.to_vec(),
                None => format!("[{}]", prot & 0xffff).into_bytes(),
            }
        };
        let port = if iface == 0 {
            b"*".to_vec()
        } else {
            crate::core::escape::screened(interface_name(iface as u32))
        };
        self.addr_cells(&addr, b":", &port);
        self.addr_cells(b"", b"*", b"");
        self.users_cell(ino as u64);
        if self.opts.details > 0 {
            let mut x = Vec::new();
            if uid != 0 {
                x.extend_from_slice(b" uid:");
                push_decimal(&mut x, uid as u64);
            }
            x.extend_from_slice(b" ino:");
            push_decimal(&mut x, ino as u64);
            x.extend_from_slice(b" sk:");
            push_hex(&mut x, sk);
            self.cols.out(&x);
        }
        true
    }

    /// nl_proto_n2a(): the netlink protocol's name (/etc/iproute2/nl_protos
    /// overrides the built-in table), or its number with -n.
    fn netlink_proto_name(&mut self, prot: i32) -> Vec<u8> {
        if !(0..256).contains(&prot) || self.opts.numeric {
            let mut b = Vec::new();
            push_signed(&mut b, prot as i64);
            return b;
        }
        let root = &self.root;
        let table = self.nl_protos.get_or_insert_with(|| nl_protos(root));
        match &table[prot as usize] {
            Some(n) => n.clone(),
            None => {
                let mut b = Vec::new();
                push_decimal(&mut b, prot as u64);
                b
            }
        }
    }
}

/// iproute2's link-layer protocol names (ll_proto.c), first match wins.
const LL_PROTOS: &[(u16, &[u8])] = &[
    (0x0060, b"loop"),
    (0x0200, b"pup"),
    (0x0201, b"pupat"),
    (0x0800, b"ip"),
    (0x0805, b"x25"),
    (0x0806, b"arp"),
    (0x08FF, b"bpq"),
    (0x0a00, b"ieeepup"),
    (0x0a01, b"ieeepupat"),
    (0x6000, b"dec"),
    (0x6001, b"dna_dl"),
    (0x6002, b"dna_rc"),
    (0x6003, b"dna_rt"),
    (0x6004, b"lat"),
    (0x6005, b"diag"),
    (0x6006, b"cust"),
    (0x6007, b"sca"),
    (0x8035, b"rarp"),
    (0x809B, b"atalk"),
    (0x80F3, b"aarp"),
    (0x8137, b"ipx"),
    (0x86DD, b"ipv6"),
    (0x8863, b"ppp_disc"),
    (0x8864, b"ppp_ses"),
    (0x884c, b"atmmpoa"),
    (0x8884, b"atmfate"),
    (0x0001, b"802_3"),
    (0x0002, b"ax25"),
    (0x0003, b"all"),
    (0x0004, b"802_2"),
    (0x0005, b"snap"),
    (0x0006, b"ddcmp"),
    (0x0007, b"wan_ppp"),
    (0x0008, b"ppp_mp"),
    (0x0009, b"localtalk"),
    (0x000C, b"can"),
    (0x0010, b"ppptalk"),
    (0x0011, b"tr_802_2"),
    (0x0015, b"mobitex"),
    (0x0016, b"control"),
    (0x0017, b"irda"),
    (0x0018, b"econet"),
    (0x88CA, b"tipc"),
    (0x8892, b"profinet"),
    (0x88A2, b"aoe"),
    (0x88A4, b"ethercat"),
    (0x8100, b"802.1Q"),
    (0x88A8, b"802.1ad"),
    (0x8847, b"mpls_uc"),
    (0x8848, b"mpls_mc"),
    (0x6558, b"teb"),
    (0x88cc, b"LLDP"),
];

/// The lines `fgets(buf, size)` hands out: at most size-1 bytes each, the
/// newline included when it fits, each seen as a C string (up to a NUL,
/// so a line holding one has lost its newline).
struct FgetsLines<'a> {
    data: &'a [u8],
    at: usize,
    max: usize,
}

impl<'a> FgetsLines<'a> {
    fn new(data: &'a [u8], size: usize) -> Self {
        FgetsLines {
            data,
            at: 0,
            max: size - 1,
        }
    }
}

impl<'a> Iterator for FgetsLines<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.at >= self.data.len() {
            return None;
        }
        let rest = &self.data[self.at..];
        let take = match memchr::memchr(b'\n', rest) {
            Some(i) if i < self.max => i + 1,
            _ => rest.len().min(self.max),
        };
        self.at += take;
        let piece = &rest[..take];
        Some(&piece[..memchr::memchr(0, piece).unwrap_or(take)])
    }
}

/// The netlink protocol names: iproute2's table, then /etc/iproute2/nl_protos.
fn nl_protos(root: &SysRoot) -> Vec<Option<Vec<u8>>> {
    const BUILTIN: [(usize, &[u8]); 21] = [
        (0, b"rtnl"),
        (1, b"unused"),
        (2, b"usersock"),
        (3, b"fw"),
        (4, b"tcpdiag"),
        (5, b"nflog"),
        (6, b"xfrm"),
        (7, b"selinux"),
        (8, b"iscsi"),
        (9, b"audit"),
        (10, b"fiblookup"),
        (11, b"connector"),
        (12, b"nft"),
        (13, b"ip6fw"),
        (14, b"dec-rt"),
        (15, b"uevent"),
        (16, b"genl"),
        (18, b"scsi-trans"),
        (19, b"ecryptfs"),
        (20, b"rdma"),
        (21, b"crypto"),
    ];
    let mut tab: Vec<Option<Vec<u8>>> = vec![None; 256];
    for (i, n) in BUILTIN {
        tab[i] = Some(n.to_vec());
    }
    let text = std::fs::read(root.path("/etc/iproute2/nl_protos")).unwrap_or_default();
    for line in text.split(|&b| b == b'\n') {
        let line = line.trim_ascii_start();
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let mut w = line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
        let (Some(id), Some(name)) = (w.next(), w.next()) else {
            break;
        };
        let id = match id.strip_prefix(b"0x") {
            Some(h) => std::str::from_utf8(h)
                .ok()
                .and_then(|h| i64::from_str_radix(h, 16).ok()),
            None => std::str::from_utf8(id).ok().and_then(|d| d.parse::<i64>().ok()),
        };
        match id {
            Some(i) if (0..256).contains(&i) => tab[i as usize] = Some(name.to_vec()),
            Some(_) => {}
            None => break,
        }
    }
    tab
}

/// proto_name(): Netid of an inet socket.
fn proto_name(kind: u16) -> &'static [u8] {
    match kind {
        0 => b"raw",
        17 => b"udp",
        6 => b"tcp",
        262 => b"mptcp",
        132 => b"sctp",
        33 => b"dccp",
        58 => b"icmp6",
        _ => b"???",
    }
}

/// tcp_timer_print().
fn timer_text(t: &mut Vec<u8>, timer: u32, timeout_ms: u32, retrans: i64) {
    const NAMES: [&[u8]; 6] = [b"off", b"on", b"keepalive", b"timewait", b"persist", b"unknown"];
    t.extend_from_slice(b" timer:(");
    t.extend_from_slice(NAMES[timer.min(5) as usize]);
    t.push(b',');
    ms_timer(t, timeout_ms);
    t.push(b',');
    push_signed(t, retrans as i32 as i64);
    t.push(b')');
}

/// print_ms_timer(), including 6.1's `9.373ms` for 9.373 seconds.
fn ms_timer(t: &mut Vec<u8>, timeout: u32) {
    let mut secs = timeout / 1000;
    let minutes = secs / 60;
    secs %= 60;
    let mut msecs = timeout % 1000;
    if minutes > 0 {
        msecs = 0;
        push_decimal(t, minutes as u64);
        t.extend_from_slice(b"min");
        if minutes > 9 {
            secs = 0;
        }
    }
    if secs > 0 {
        if secs > 9 {
            msecs = 0;
        }
        push_decimal(t, secs as u64);
        t.extend_from_slice(if msecs > 0 { b"." } else { b"sec" });
    }
    if msecs > 0 {
        t.push(b'0' + (msecs / 100) as u8);
        t.push(b'0' + (msecs / 10 % 10) as u8);
        t.push(b'0' + (msecs % 10) as u8);
        t.extend_from_slice(b"ms");
    }
}

/// print_skmeminfo(): ` skmem:(…)`, or the older ` mem:(…)`.
fn skmeminfo(t: &mut Vec<u8>, skmem: Option<&[u8]>, mem: Option<&[u8]>) {
    let Some(m) = skmem else {
        if let Some(m) = mem.filter(|m| m.len() >= 16) {
            let v = |i: usize| netlink::u32_ne(m, i * 4);
            t.extend_from_slice(format!(" mem:(r{},w{},f{},t{})", v(0), v(1), v(2), v(3)).as_bytes());
        }
        return;
    };
    let v = |i: usize| {
        if m.len() >= (i + 1) * 4 {
            netlink::u32_ne(m, i * 4)
        } else {
            0
        }
    };
    t.extend_from_slice(
        format!(
            " skmem:(r{},rb{},t{},tb{},f{},w{},o{}",
            v(0),
            v(1),
            v(2),
            v(3),
            v(4),
            v(5),
            v(6)
        )
        .as_bytes(),
    );
    if m.len() >= 8 * 4 {
        t.extend_from_slice(format!(",bl{}", v(7)).as_bytes());
    }
    if m.len() >= 9 * 4 {
        t.extend_from_slice(format!(",d{}", v(8)).as_bytes());
    }
    t.push(b')');
}

/// `%#x`: `0`, or `0x…`.
fn push_c_hex(t: &mut Vec<u8>, v: u64) {
    if v == 0 {
        t.push(b'0');
    } else {
        t.extend_from_slice(b"0x");
        push_hex(t, v);
    }
}

fn shutdown_text(t: &mut Vec<u8>, mask: u8) {
    t.push(b' ');
    t.push(if mask & 1 != 0 { b'-' } else { b'<' });
    t.push(b'-');
    t.push(if mask & 2 != 0 { b'-' } else { b'>' });
}

fn push_signed(t: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    t.extend_from_slice(crate::core::out::fmt_i64(v, &mut tmp));
}

/// `%-Nd`
fn push_left_int(t: &mut Vec<u8>, v: i64, width: usize) {
    let start = t.len();
    push_signed(t, v);
    while t.len() - start < width {
        t.push(b' ');
    }
}

/// `%llx`
fn push_hex(t: &mut Vec<u8>, v: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 16];
    let mut n = 0;
    let mut x = v;
    loop {
        digits[n] = HEX[(x & 0xf) as usize];
        n += 1;
        x >>= 4;
        if x == 0 {
            break;
        }
    }
    t.extend(digits[..n].iter().rev());
}

/// ll_index_to_name(): the interface's name, or `ifN` when it has none.
fn interface_name(index: u32) -> Vec<u8> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    let p = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    if p.is_null() {
        let mut n = b"if".to_vec();
        push_decimal(&mut n, index as u64);
        return n;
    }
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_bytes().to_vec()
}

mod proc_line {
    //! The /proc line layouts ss reads with sscanf.
    use crate::core::model::IpAddr;
    use crate::core::proc_net::decode_addr;

    pub struct Split<'a> {
        pub local: &'a [u8],
        pub remote: &'a [u8],
        pub data: &'a [u8],
    }

    impl Split<'_> {
        /// `data[1]` read as one hex digit (ss's state shortcut).
        pub fn state_digit(&self) -> u32 {
            let c = self.data.get(1).copied().unwrap_or(b'0');
            if c >= b'A' {
                (c as u32).wrapping_sub(b'A' as u32) + 10
            } else {
                (c as u32).wrapping_sub(b'0' as u32)
            }
        }
    }

    /// proc_inet_split_line(): local `ADDR:PORT`, remote, and the rest.
    pub fn split(line: &[u8]) -> Option<Split<'_>> {
        let c = memchr::memchr(b':', line)?;
        let loc = line.get(c + 2..)?;
        let c2 = memchr::memchr(b':', loc)?;
        let local = loc.get(..c2 + 5)?;
        let rem = loc.get(c2 + 6..)?;
        let c3 = memchr::memchr(b':', rem)?;
        let remote = rem.get(..c3 + 5)?;
        let data = rem.get(c3 + 6..)?;
        Some(Split { local, remote, data })
    }

    /// `%x:%x` (or four `%08x` words for v6) → address and port.
    pub fn addr(s: &[u8], v6: bool) -> (IpAddr, u32) {
        // %x skips leading blanks (a port wider than 4 digits shifts ss's
        // fixed offsets and leaves one here).
        let s = s.trim_ascii_start();
        let colon = memchr::memchr(b':', s).unwrap_or(s.len());
        let a = decode_addr(&s[..colon], v6);
        let port = s.get(colon + 1..).map_or(0, |p| {
            p.iter().take_while(|b| b.is_ascii_hexdigit()).fold(0u32, |acc, &b| {
                acc.wrapping_mul(16).wrapping_add((b as char).to_digit(16).unwrap_or(0))
            })
        });
        (a, port)
    }

    #[derive(Default)]
    pub struct Fields<'a> {
        pub state: u32,
        pub wq: i64,
        pub rq: i64,
        pub timer: i64,
        pub timeout: i64,
        pub retrans: i64,
        pub uid: u32,
        pub probes: i64,
        pub inode: u64,
        pub sk: u64,
        /// rto ato qack cwnd ssthresh (tcp), when the line has them.
        pub tcp_extra: Option<[i64; 5]>,
        pub opt: &'a [u8],
    }

    fn words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
        s.split(|b| b.is_ascii_whitespace() || *b == b':')
            .filter(|w| !w.is_empty())
    }

    pub fn hex_u64(w: Option<&[u8]>) -> u64 {
        w.map_or(0, |w| {
            w.iter().take_while(|b| b.is_ascii_hexdigit()).fold(0u64, |a, &b| {
                a.wrapping_mul(16)
                    .wrapping_add((b as char).to_digit(16).unwrap_or(0) as u64)
            })
        })
    }

    pub fn dec_i64(w: Option<&[u8]>) -> i64 {
        dec(w)
    }

    fn hex(w: Option<&[u8]>) -> i64 {
        w.map_or(0, |w| {
            w.iter().take_while(|b| b.is_ascii_hexdigit()).fold(0i64, |a, &b| {
                a.wrapping_mul(16)
                    .wrapping_add((b as char).to_digit(16).unwrap_or(0) as i64)
            })
        })
    }

    fn dec(w: Option<&[u8]>) -> i64 {
        w.map_or(0, |w| {
            let (neg, d) = match w.first() {
                Some(b'-') => (true, &w[1..]),
                _ => (false, w),
            };
            let v = d
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .fold(0i64, |a, &b| a.wrapping_mul(10).wrapping_add((b - b'0') as i64));
            // Wrapping like the digits: -9223372036854775808 is i64::MIN.
            if neg { v.wrapping_neg() } else { v }
        })
    }

    /// The data part after the addresses: tcp
    /// `st tx:rx tr:when retr uid probes ino ref sk rto ato qack cwnd ssthresh opt…`,
    /// dgram `st tx:rx tr:when retr uid timeout ino ref sk opt…`.
    pub fn data_fields(data: &[u8], tcp: bool) -> Fields<'_> {
        let mut w = words(data);
        let mut f = Fields {
            state: hex(w.next()) as u32,
            wq: hex(w.next()) as i32 as i64,
            rq: hex(w.next()) as i32 as i64,
            ..Fields::default()
        };
        f.timer = hex(w.next());
        f.timeout = hex(w.next()) as i32 as i64;
        f.retrans = hex(w.next());
        f.uid = dec(w.next()) as u32;
        f.probes = dec(w.next());
        f.inode = dec(w.next()) as u32 as u64;
        let _refcnt = w.next();
        f.sk = hex(w.next()) as u64;
        if tcp {
            let extra: Vec<Option<&[u8]>> = (0..5).map(|_| w.next()).collect();
            if extra[0].is_some() {
                let v = |i: usize| if extra[i].is_some() { dec(extra[i]) } else { 0 };
                f.tcp_extra = Some([v(0), v(1), v(2), v(3), v(4)]);
            }
        }
        let rest_start = |consumed: usize| -> &[u8] {
            // Everything after the `consumed`-th field, leading blanks skipped.
            let mut n = 0;
            let mut i = 0;
            while i < data.len() && n < consumed {
                while i < data.len() && data[i].is_ascii_whitespace() {
                    i += 1;
                }
                while i < data.len() && !data[i].is_ascii_whitespace() {
                    i += 1;
                }
                n += 1;
            }
            while i < data.len() && data[i].is_ascii_whitespace() {
                i += 1;
            }
            &data[i..]
        };
        // Whitespace-separated fields before opt: tcp has 8 after "st"
        // (tx:rx, tr:when count once each) plus rto ato qack cwnd ssthresh.
        f.opt = if tcp { rest_start(14) } else { rest_start(9) };
        f
    }

    pub struct UnixFields<'a> {
        pub peer: u32,
        pub rq: i64,
        pub wq: i64,
        pub flags: u32,
        pub sock_type: u32,
        pub state: u32,
        pub inode: u32,
        pub name: &'a [u8],
    }

    /// `"%x: %x %x %x %x %x %d %s"` of /proc/net/unix (name empty unless
    /// all eight converted).
    pub fn unix_fields(line: &[u8]) -> UnixFields<'_> {
        let mut w = line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
        let first = w.next().unwrap_or(b"");
        let peer = hex(Some(first.strip_suffix(b":").unwrap_or(first))) as u32;
        let rq = hex(w.next()) as i32 as i64;
        let wq = hex(w.next()) as i32 as i64;
        let flags = hex(w.next()) as u32;
        let sock_type = hex(w.next()) as u32;
        let state = hex(w.next()) as u32;
        let inode = dec(w.next()) as u32;
        let name = w.next().unwrap_or(b"");
        UnixFields {
            peer,
            rq,
            wq,
            flags,
            sock_type,
            state,
            inode,
            name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fgets_lines_are_c_strings() {
        let data = b"header\nab\0cd\nef\nlong-line\n";
        let pieces: Vec<&[u8]> = FgetsLines::new(data, 8).collect();
        // A NUL ends what the C code sees of its line (the newline is lost);
        // a line longer than the buffer comes in pieces.
        assert_eq!(pieces, [&b"header\n"[..], b"ab", b"ef\n", b"long-li", b"ne\n"]);
    }

    #[test]
    fn most_negative_proc_field_wraps_instead_of_overflowing() {
        let data = b"0A 00000000:00000000 00:00000000 00000000 -9223372036854775808 -9223372036854775808 1";
        let f = proc_line::data_fields(data, true);
        assert_eq!((f.uid, f.probes, f.inode), (0, i64::MIN, 1));
        assert_eq!(
            proc_line::dec_i64(Some(b"-99999999999999999999")),
            (99999999999999999999u128 as i64).wrapping_neg()
        );
    }

    #[test]
    fn ms_timer_like_ss_6_1() {
        let f = |ms| {
            let mut t = Vec::new();
            ms_timer(&mut t, ms);
            String::from_utf8(t).unwrap()
        };
        assert_eq!(f(0), "");
        assert_eq!(f(420), "420ms");
        assert_eq!(f(9373), "9.373ms");
        assert_eq!(f(59000), "59sec");
        assert_eq!(f(59500), "59sec");
        assert_eq!(f(7_199_000), "119min");
        assert_eq!(f(125_000), "2min5sec");
    }

    #[test]
    fn hex_and_padding() {
        let mut t = Vec::new();
        push_hex(&mut t, 0xa4);
        push_left_int(&mut t, 5, 6);
        assert_eq!(t, b"a45     ");
    }
}
