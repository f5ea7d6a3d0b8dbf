//! netstat's socket listing: the tables in net-tools 2.10's order, each row
//! filtered and printed exactly as netstat.c prints it.
//!
//! Order of a round: [Internet header] tcp, tcp6, sctp, udp, udp6, udplite,
//! udplite6, raw, raw6, [UNIX header + table], then the families this kernel
//! no longer has. A table whose v4 file is missing stops the run when it was
//! asked for by name (rc 1); v6 files may be missing silently.

use super::names::{AddrNames, ProgramNames};
use super::options::Options;
use crate::core::model::{InetSocket, UnixSocket, tcp_state, unix};
use crate::core::names::services::ServiceProto;
use crate::core::out::Out;
use crate::core::proc_net::{LineReader, ReadAhead, parse_inet_line, parse_unix_line};
use crate::core::recent::{Recent, inet_key, unix_key};
use crate::core::root::SysRoot;
use crate::core::sys;
use std::io::{self, Write};

/// net-tools reads with `fgets` into this many bytes: longer lines arrive in
/// pieces, each handled as a line of its own.
const FGETS_BUF: usize = 8192;

pub struct Listing<'a, W: Write, E: Write> {
    opts: &'a Options,
    root: &'a SysRoot,
    out: Out<W>,
    err: E,
    reader: LineReader,
    names: AddrNames,
    programs: ProgramNames,
    clk_tck: u64,
    /// Scratch buffers for one row's addresses and timer text.
    local: Vec<u8>,
    remote: Vec<u8>,
    timer: Vec<u8>,
    /// The previous row of each kind (see `inet_row`).
    carry: [InetSocket; 3],
    unix_carry: UnixSocket<'static>,
    /// Rows the kernel showed just before (core::recent).
    recent: Recent,
    /// igmp_do_one()'s statics, kept across -c rounds as netstat keeps them
    /// (once the igmp6 file has been seen, later rounds read igmp as igmp6).
    igmp6: bool,
    igmp_idx: bool,
    igmp_device: Vec<u8>,
    /// The owner scan for -p, running beside the first table's read.
    pending: Option<std::thread::JoinHandle<(ProgramNames, Option<String>)>>,
    /// Rows are being formatted while that scan runs: their program
    /// column is left as a gap in `out`, filled in once it ends.
    programs_later: bool,
    /// Many sockets here (asked once per round): big tables are then read
    /// on a thread of their own beside the row formatting.
    busy: Option<bool>,
    /// The round's later tables, read meanwhile (core::proc_net::ReadAhead).
    ahead: ReadAhead,
}

/// What a table asks of the run: go on, or stop with this status.
type Step = Result<(), i32>;

#[derive(Clone, Copy)]
enum Kind {
    Tcp,
    Udp,
    Raw,
}

struct InetTable {
    kind: Kind,
    /// Whether the options list this table.
    asked: fn(&Options) -> bool,
    v4_path: &'static str,
    v6_path: &'static str,
    /// The family name in "no support for `…'" messages.
    family: &'static str,
    v4_name: &'static [u8],
    v6_name: &'static [u8],
}

const TCP: InetTable = InetTable {
    kind: Kind::Tcp,
    asked: |o| !o.selected || o.tcp,
    v4_path: "/proc/net/tcp",
    v6_path: "/proc/net/tcp6",
    family: "AF INET (tcp)",
    v4_name: b"tcp",
    v6_name: b"tcp6",
};
const UDP: InetTable = InetTable {
    kind: Kind::Udp,
    asked: |o| !o.selected || o.udp,
    v4_path: "/proc/net/udp",
    v6_path: "/proc/net/udp6",
    family: "AF INET (udp)",
    v4_name: b"udp",
    v6_name: b"udp6",
};
const UDPLITE: InetTable = InetTable {
    kind: Kind::Udp,
    asked: |o| !o.selected || o.udplite,
    v4_path: "/proc/net/udplite",
    v6_path: "/proc/net/udplite6",
    family: "AF INET (udplite)",
    v4_name: b"udpl",
    v6_name: b"udpl6",
};
const RAW: InetTable = InetTable {
    kind: Kind::Raw,
    asked: |o| !o.selected || o.raw,
    v4_path: "/proc/net/raw",
    v6_path: "/proc/net/raw6",
    family: "AF INET (raw)",
    v4_name: b"raw",
    v6_name: b"raw6",
};

/// The inet tables in the order a round lists them (sctp, which is not a
/// /proc/net socket table of this kind, comes after tcp); `tables()` reads
/// them so and `start_read_ahead` reads ahead the same files.
const ROUND_INET: [&InetTable; 4] = [&TCP, &UDP, &UDPLITE, &RAW];

/// Which of a table's two files the options read: (v4, v6).
fn families(o: &Options) -> (bool, bool) {
    (!o.selected || o.inet, !o.selected || o.inet6)
}

/// The families net-tools still knows whose /proc files this kernel lacks.
/// Only their "missing" behaviour is reproduced (see COMPAT.md). netstat
/// tolerates only ENOENT for these; the second ipx path must be a file.
struct ExoticTable {
    paths: &'static [&'static str],
    family: &'static str,
}

impl<'a, W: Write, E: Write> Listing<'a, W, E> {
    pub fn new(opts: &'a Options, root: &'a SysRoot, out: W, err: E) -> Self {
        Listing {
            opts,
            root,
            out: Out::new(out),
            err,
            reader: LineReader::new(),
            names: AddrNames::new(root, opts),
            programs: ProgramNames::default(),
            clk_tck: sys::clock_ticks(),
            local: Vec::with_capacity(160),
            remote: Vec::with_capacity(160),
            timer: Vec::with_capacity(64),
            carry: [InetSocket::default(); 3],
            unix_carry: UnixSocket::default(),
            recent: Recent::default(),
            igmp6: false,
            igmp_idx: false,
            igmp_device: Vec::new(),
            pending: None,
            programs_later: false,
            busy: None,
            ahead: ReadAhead::none(),
        }
    }

    /// One round of the listing; `Err(status)` where netstat returns early.
    pub fn round(&mut self) -> i32 {
        match self.tables() {
            Ok(()) => 0,
            Err(rc) => rc,
        }
    }

    /// Between `-c` rounds: flush, and forget the owners (netstat rescans).
    pub fn end_round(&mut self) {
        self.out.flush();
        let _ = self.err.flush();
        self.programs = ProgramNames::default();
        self.busy = None;
    }

    fn tables(&mut self) -> Step {
        let o = self.opts;
        let inet_selected = o.tcp || o.sctp || o.udp || o.udplite || o.raw;
        self.start_read_ahead();
        if !o.selected || inet_selected {
            self.start_programs();
            if self.pending.is_none() {
                self.load_programs();
            }
            self.inet_header();
        }
        let [tcp, after_sctp @ ..] = ROUND_INET;
        if (tcp.asked)(o) {
            self.inet_table(tcp)?;
        }
        if !o.selected || o.sctp {
            self.sctp()?;
        }
        for t in after_sctp {
            if (t.asked)(o) {
                self.inet_table(t)?;
            }
        }
        if o.igmp {
            self.groups()?;
        }
        if !o.selected || o.unix {
            self.load_programs();
            self.unix_table()?;
        }
        let exotic = [
            (
                o.ipx,
                ExoticTable {
                    paths: &["/proc/net/ipx/socket", "/proc/net/ipx"],
                    family: "AF IPX",
                },
            ),
            (
                o.ax25,
                ExoticTable {
                    paths: &["/proc/net/ax25"],
                    family: "AF AX25",
                },
            ),
            (
                o.x25,
                ExoticTable {
                    paths: &["/proc/net/x25"],
                    family: "AF X25",
                },
            ),
            (
                o.netrom,
                ExoticTable {
                    paths: &["/proc/net/nr"],
                    family: "AF NETROM",
                },
            ),
            (
                o.rose,
                ExoticTable {
                    paths: &["/proc/net/rose"],
                    family: "AF ROSE",
                },
            ),
        ];
        for (asked, table) in exotic {
            if !o.selected || asked {
                self.exotic(&table)?;
            }
        }
        if o.selected && (o.l2cap || o.rfcomm) {
            self.err_line(b"netstat: feature `AF BLUETOOTH' not supported.\nPlease recompile `net-tools' with newer kernel source or full configuration.");
            return Err(1);
        }
        Ok(())
    }

    fn err_line(&mut self, msg: &[u8]) {
        // On a terminal C stdio hands out each line of stdout at once, so
        // a warning follows the rows before it.
        if crate::core::escape::terminal() {
            self.out.flush();
        }
        let _ = self.err.write_all(msg);
        let _ = self.err.write_all(b"\n");
    }

    fn no_support(&mut self, family: &str) {
        let msg = format!("netstat: no support for `{family}' on this system.");
        self.err_line(msg.as_bytes());
    }

    fn perror(&mut self, path: &str, e: &io::Error) {
        let mut msg = path.as_bytes().to_vec();
        msg.extend_from_slice(b": ");
        msg.extend_from_slice(&sys::strerror(e.raw_os_error().unwrap_or(0)));
        self.err_line(&msg);
    }

    /// Reads every table of the round after the first one on another thread.
    fn start_read_ahead(&mut self) {
        // A thread is worth starting only for big tables.
        if !self.busy() {
            return;
        }
        let o = self.opts;
        let mut paths = Vec::new();
        let (v4, v6) = families(o);
        for t in ROUND_INET.into_iter().filter(|t| (t.asked)(o)) {
            if v4 {
                paths.push(self.root.path(t.v4_path));
            }
            if v6 {
                paths.push(self.root.path(t.v6_path));
            }
        }
        if !o.selected || o.unix {
            paths.push(self.root.path("/proc/net/unix"));
        }
        if !paths.is_empty() {
            paths.remove(0);
        }
        self.ahead = ReadAhead::start(paths);
    }

    /// Starts the -p owner scan on another thread (the fd walk and the
    /// kernel's table text then cost time side by side).
    fn start_programs(&mut self) {
        // Only worth it on a busy system: on a small one the two kinds of
        // /proc work slow each other down more than they overlap.
        if self.opts.programs && !self.programs.loaded && self.pending.is_none() && self.busy() {
            let root = self.root.clone();
            self.pending = Some(std::thread::spawn(move || {
                let mut p = ProgramNames::default();
                let warning = p.load(&root);
                (p, warning)
            }));
        }
    }

    /// Many TCP sockets in this namespace (/proc/net/sockstat's `alloc`).
    fn busy(&mut self) -> bool {
        *self
            .busy
            .get_or_insert_with(|| crate::core::proc_net::many_sockets(self.root))
    }

    fn load_programs(&mut self) {
        if let Some(h) = self.pending.take()
            && let Ok((p, warning)) = h.join()
        {
            self.programs = p;
            if let Some(w) = warning {
                let _ = self.err.write_all(w.as_bytes());
            }
        }
        if self.opts.programs && !self.programs.loaded {
            let warning = self.programs.load(self.root);
            if let Some(w) = warning {
                let _ = self.err.write_all(w.as_bytes());
            }
        }
    }

    fn state_suffix(&self) -> &'static [u8] {
        if self.opts.all {
            b"(servers and established)"
        } else if self.opts.listening {
            b"(only servers)"
        } else {
            b"(w/o servers)"
        }
    }

    fn inet_header(&mut self) {
        let suffix = self.state_suffix();
        let o = &mut self.out;
        o.bytes(b"Active Internet connections ");
        o.bytes(suffix);
        o.bytes(b"\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ");
        if self.opts.extend > 0 {
            o.bytes(b" User       Inode     ");
        }
        if self.opts.programs {
            o.bytes(b" PID/Program name    ");
        }
        if self.opts.timers {
            o.bytes(b" Timer");
        }
        o.byte(b'\n');
    }

    /// A v4 table that would not open, handled as INFO_GUTS1 does.
    fn missing_v4(&mut self, path: &str, family: &str, e: &io::Error) -> Step {
        let tolerated = matches!(e.raw_os_error(), Some(libc::ENOENT | libc::EACCES));
        if !tolerated {
            self.perror(path, e);
            return Err(-1);
        }
        let o = self.opts;
        if !o.noprot && (o.selected || o.verbose) {
            self.no_support(family);
        }
        if !o.noprot && o.selected {
            return Err(1);
        }
        Ok(())
    }

    fn inet_table(&mut self, t: &InetTable) -> Step {
        let (v4, v6) = families(self.opts);
        let mut rc = Ok(());
        if v4 {
            match self.read_table(t.v4_path, |me, lnr, line| me.inet_row(t, t.v4_name, lnr, line)) {
                Ok(()) => {}
                Err(e) => rc = self.missing_v4(t.v4_path, t.family, &e),
            }
            if let Err(-1) = rc {
                return rc;
            }
        }
        if v6 {
            let _ = self.read_table(t.v6_path, |me, lnr, line| me.inet_row(t, t.v6_name, lnr, line));
        }
        rc
    }

    /// Feeds each fgets-sized piece of each line to `row` with its number.
    fn read_table(&mut self, abs: &str, mut row: impl FnMut(&mut Self, usize, &[u8])) -> io::Result<()> {
        let path = self.root.path(abs);
        self.recent.clear();
        let mut reader = std::mem::take(&mut self.reader);
        let mut lnr = 0usize;
        // With the owner scan still running, the rows are formatted as the
        // table is read, each with a gap for its program (filled in when the
        // scan ends); the kernel's text and the fd walk then cost time side
        // by side with the formatting. On a terminal, where a warning
        // flushes the rows before it, the table is read whole first instead.
        let prefetched = match self.ahead.take(&path) {
            Some(data) => {
                self.load_programs();
                Some(data)
            }
            None if self.pending.is_some() && crate::core::escape::terminal() => {
                let data = crate::core::proc_net::read_whole(&path);
                self.load_programs();
                Some(data)
            }
            None => None,
        };
        self.programs_later = self.pending.is_some();
        let overlapped = prefetched.is_none() && self.busy();
        // fgets hands out at most FGETS_BUF-1 bytes, newline included.
        let mut pieces = |line: &[u8]| {
            let total = line.len() + 1;
            let mut start = 0;
            while start < total {
                let end = (start + FGETS_BUF - 1).min(total);
                let piece = &line[start.min(line.len())..end.min(line.len())];
                row(self, lnr, piece);
                lnr += 1;
                start = end;
            }
        };
        let res = match prefetched {
            Some(Ok(data)) => reader.read_from(&data[..], &mut pieces),
            Some(Err(e)) => Err(e),
            None if overlapped => reader.read_overlapped(&path, &mut pieces),
            None => reader.read(&path, &mut pieces),
        };
        if self.programs_later {
            self.programs_later = false;
            self.load_programs();
            let programs = &self.programs;
            self.out.fill_gaps(|inode, out| out.left(programs.get(inode), 20));
        }
        self.reader = reader;
        res
    }

    fn inet_row(&mut self, t: &InetTable, proto: &'static [u8], lnr: usize, line: &[u8]) {
        if lnr == 0 {
            return;
        }
        // Each kind of row is parsed over the previous one of its kind, as
        // net-tools' sscanf fills the same locals row after row.
        let carry = &mut self.carry[t.kind as usize];
        let n = parse_inet_line(line, carry);
        if matches!(t.kind, Kind::Udp) && n >= 10 {
            carry.retransmits = 0; // udp_do_one zeroes it once the line is good
        }
        let s = *carry;
        let o = self.opts;
        match t.kind {
            Kind::Tcp => {
                if n < 11 {
                    self.err_line(b"warning, got bogus tcp line.");
                    return;
                }
                if self.recent.repeat(&inet_key(t.kind as u8, &s)) {
                    return;
                }
                let has_peer = s.remote_port != 0;
                if !o.all && ((o.listening && has_peer) || (!o.listening && !has_peer)) {
                    return;
                }
            }
            Kind::Udp | Kind::Raw => {
                if n < 10 {
                    let msg: &[u8] = if matches!(t.kind, Kind::Udp) {
                        b"warning, got bogus udp line."
                    } else {
                        b"warning, got bogus raw line."
                    };
                    self.err_line(msg);
                    return;
                }
                if self.recent.repeat(&inet_key(t.kind as u8, &s)) {
                    return;
                }
                let has_peer = !s.remote.is_unspecified();
                if !(o.all || (has_peer && !o.listening) || (!has_peer && o.listening)) {
                    return;
                }
            }
        }
        let sp = match t.kind {
            Kind::Tcp => ServiceProto::Tcp,
            Kind::Udp => ServiceProto::Udp,
            Kind::Raw => ServiceProto::Raw,
        };
        let mut local = std::mem::take(&mut self.local);
        let mut remote = std::mem::take(&mut self.remote);
        self.names.endpoint(&s.local, s.local_port, sp, &mut local);
        self.names.endpoint(&s.remote, s.remote_port, sp, &mut remote);
        if o.timers {
            self.format_timer(t.kind, &s);
        }
        let out = &mut self.out;
        match t.kind {
            Kind::Tcp | Kind::Raw => {
                out.left(proto, 4);
                out.bytes(b"  ");
            }
            Kind::Udp => {
                out.left(proto, 5);
                out.byte(b' ');
            }
        }
        out.int_right(s.rx_queue as i64, 6);
        out.byte(b' ');
        out.int_right(s.tx_queue as i64, 6);
        out.byte(b' ');
        out.left(&local, 23);
        out.byte(b' ');
        out.left(&remote, 23);
        out.byte(b' ');
        match t.kind {
            Kind::Tcp => out.left(tcp_state_name(s.state), 11),
            Kind::Udp => {
                let st: &[u8] = match s.state {
                    tcp_state::ESTABLISHED => b"ESTABLISHED",
                    tcp_state::CLOSE => b"",
                    _ => b"UNKNOWN",
                };
                out.left(st, 11);
            }
            Kind::Raw => out.int_left(s.state as i32 as i64, 11),
        }
        self.local = local;
        self.remote = remote;
        self.finish_row(s.uid, s.inode);
    }

    /// The Timer column's text (netstat's `timers` buffer).
    fn format_timer(&mut self, kind: Kind, s: &InetSocket) {
        let t = &mut self.timer;
        t.clear();
        let (retr, div) = match kind {
            Kind::Tcp => (s.retransmits as i64, self.clk_tck),
            Kind::Udp | Kind::Raw => (0, 100),
        };
        let when = |t: &mut Vec<u8>| push_ticks(t, s.timer_when, div);
        let tail = |t: &mut Vec<u8>| {
            t.push(b'/');
            push_int(t, retr);
            t.push(b'/');
            push_int(t, s.timeout as i32 as i64);
            t.push(b')');
        };
        match (kind, s.timer) {
            (_, 0) => {
                t.extend_from_slice(b"off (0.00");
                tail(t);
            }
            (Kind::Tcp, 1..=4) => {
                let word: &[u8] = match s.timer {
                    1 => b"on",
                    2 => b"keepalive",
                    3 => b"timewait",
                    _ => b"probe",
                };
                t.extend_from_slice(word);
                t.extend_from_slice(b" (");
                when(t);
                tail(t);
            }
            (Kind::Udp | Kind::Raw, 1 | 2) => {
                t.extend_from_slice(b"on");
                push_int(t, s.timer as i64);
                t.extend_from_slice(b" (");
                when(t);
                tail(t);
            }
            (_, n) => {
                t.extend_from_slice(b"unkn-");
                push_int(t, n as i32 as i64);
                t.extend_from_slice(b" (");
                when(t);
                tail(t);
            }
        }
        // netstat formats into a 64-byte buffer.
        t.truncate(63);
    }

    /// netstat's finish_this_one(): -e, -p and -o columns, then the newline.
    fn finish_row(&mut self, uid: i64, inode: u64) {
        let o = self.opts;
        if o.extend > 0 {
            let name = if o.numeric_users {
                None
            } else {
                self.names.users.name(uid as u32)
            };
            let out = &mut self.out;
            out.byte(b' ');
            match name {
                Some(n) => out.left(n, 10),
                None => out.int_left(uid, 10),
            }
            out.byte(b' ');
            out.uint_left(inode, 10);
        }
        if o.programs {
            self.out.byte(b' ');
            if self.programs_later {
                self.out.gap(inode);
            } else {
                self.out.left(self.programs.get(inode), 20);
            }
        }
        if o.timers {
            self.out.byte(b' ');
            self.out.bytes(&self.timer);
        }
        self.out.byte(b'\n');
        self.out.row_done();
    }

    fn sctp(&mut self) -> Step {
        // No SCTP rows are rendered (see COMPAT.md); only what netstat does
        // when the kernel has no SCTP, which is the case without the module.
        let o = self.opts;
        let eps = "/proc/net/sctp/eps";
        let assocs = "/proc/net/sctp/assocs";
        let mut res = Ok(());
        if o.all || o.listening {
            res = self.sctp_file(eps, "/proc/net/sctp6/eps");
            res?;
        }
        if o.all || !o.listening {
            res = self.sctp_file(assocs, "/proc/net/sctp6/assocs");
        }
        res
    }

    fn sctp_file(&mut self, v4: &str, v6: &str) -> Step {
        let o = self.opts;
        let mut rc = Ok(());
        if (!o.selected || o.inet)
            && let Err(e) = std::fs::File::open(self.root.path(v4))
        {
            rc = self.missing_v4(v4, "AF INET (sctp)", &e);
            if let Err(-1) = rc {
                return rc;
            }
        }
        if !o.selected || o.inet6 {
            let _ = std::fs::File::open(self.root.path(v6));
        }
        rc
    }

    fn exotic(&mut self, t: &ExoticTable) -> Step {
        for p in t.paths {
            match std::fs::metadata(self.root.path(p)) {
                Ok(m) if m.is_file() => return Ok(()),
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
                Err(e) => {
                    self.perror(p, &e);
                    return Err(-1);
                }
            }
        }
        let o = self.opts;
        if o.selected || o.verbose {
            self.no_support(t.family);
        }
        if o.selected {
            return Err(1);
        }
        Ok(())
    }

    /// `-g`: /proc/net/igmp then /proc/net/igmp6 (igmp_info()).
    fn groups(&mut self) -> Step {
        self.out.bytes(
            b"IPv6/IPv4 Group Memberships\nInterface       RefCnt Group\n--------------- ------ ---------------------\n",
        );
        let o = self.opts;
        let mut rc = Ok(());
        if !o.selected || o.inet {
            if let Err(e) = self.read_table("/proc/net/igmp", |me, lnr, line| me.igmp_row(lnr, line)) {
                rc = self.missing_v4("/proc/net/igmp", "AF INET (igmp)", &e);
            }
            if let Err(-1) = rc {
                return rc;
            }
        }
        if !o.selected || o.inet6 {
            let _ = self.read_table("/proc/net/igmp6", |me, lnr, line| me.igmp_row(lnr, line));
        }
        rc
    }

    /// igmp_do_one(): device lines and group lines of igmp, rows of igmp6.
    fn igmp_row(&mut self, lnr: usize, line: &[u8]) {
        if lnr == 0 {
            if memchr::memmem::find(line, b"Device").is_none() {
                self.igmp6 = true;
            } else {
                self.igmp_idx = line.starts_with(b"Idx");
                return;
            }
        }
        let mut text = Vec::new();
        let refcnt;
        if self.igmp6 {
            // "%d %15s %64[0-9A-Fa-f] %d"
            let mut sc = CScan::new(line);
            let parsed = (|| {
                sc.int()?;
                let dev = sc.word(15)?;
                let hex = sc.hex_run(64)?;
                let r = sc.int()?;
                Some((dev, hex, r))
            })();
            let Some((dev, hex, r)) = parsed else {
                self.err_line(format!("warning, got bogus igmp6 line {lnr}.").as_bytes());
                return;
            };
            self.igmp_device = dev.to_vec();
            let mut bytes = [0u8; 16];
            for (i, chunk) in hex.chunks(8).take(4).enumerate() {
                let v = u32::from_str_radix(std::str::from_utf8(chunk).unwrap_or("0"), 16).unwrap_or(0);
                bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
            }
            self.names.host_text(&crate::core::model::IpAddr::v6(bytes), &mut text);
            refcnt = r;
        } else if line.first() != Some(&b'\t') {
            // "%d\t%15c" (or "%15c"): exactly 15 characters, newline counted.
            let mut full = line.to_vec();
            full.push(b'\n');
            let mut sc = CScan::new(&full);
            let dev = if self.igmp_idx {
                sc.int().and_then(|_| {
                    sc.skip_ws();
                    sc.chars(15)
                })
            } else {
                sc.chars(15)
            };
            let Some(dev) = dev else {
                self.err_line(format!("warning, got bogus igmp line {lnr}.").as_bytes());
                return;
            };
            let mut dev = dev.to_vec();
            if let Some(c) = memchr::memrchr(b':', &dev) {
                dev.truncate(c);
            }
            if let Some(z) = memchr::memchr(0, &dev) {
                dev.truncate(z);
            }
            self.igmp_device = dev;
            return;
        } else {
            // "\t%8[0-9A-Fa-f] %d"
            let mut sc = CScan::new(line);
            let parsed = sc.hex_run(8).and_then(|h| sc.int().map(|r| (h, r)));
            let Some((hex, r)) = parsed else {
                self.err_line(format!("warning, got bogus igmp line {lnr}.").as_bytes());
                return;
            };
            let v = u32::from_str_radix(std::str::from_utf8(hex).unwrap_or("0"), 16).unwrap_or(0);
            self.names
                .host_text(&crate::core::model::IpAddr::v4(v.to_ne_bytes()), &mut text);
            refcnt = r;
        }
        let mut row = Vec::with_capacity(64);
        crate::core::escape::screen(&self.igmp_device, &mut row);
        while row.len() < 15 {
            row.push(b' ');
        }
        row.push(b' ');
        let r = refcnt.to_string();
        row.extend_from_slice(r.as_bytes());
        row.resize(row.len() + 6usize.saturating_sub(r.len()), b' ');
        row.push(b' ');
        row.extend_from_slice(&text);
        row.push(b'\n');
        self.out.bytes(&row);
    }

    fn unix_table(&mut self) -> Step {
        let suffix = self.state_suffix();
        let o = &mut self.out;
        o.bytes(b"Active UNIX domain sockets ");
        o.bytes(suffix);
        o.bytes(b"\nProto RefCnt Flags       Type       State         I-Node  ");
        if self.opts.programs {
            o.bytes(b" PID/Program name    ");
        }
        o.bytes(b" Path\n");
        let mut has_inode = false;
        let res = self.read_table("/proc/net/unix", |me, lnr, line| me.unix_row(&mut has_inode, lnr, line));
        match res {
            Ok(()) => Ok(()),
            Err(e) => self.missing_v4("/proc/net/unix", "AF UNIX", &e),
        }
    }

    fn unix_row(&mut self, has_inode: &mut bool, lnr: usize, line: &[u8]) {
        if lnr == 0 {
            if memchr::memmem::find(line, b"Inode").is_some() {
                *has_inode = true;
            }
            return;
        }
        // sscanf sees a C string: up to a NUL (the kernel writes none).
        let line = &line[..memchr::memchr(0, line).unwrap_or(line.len())];
        let (n, u) = parse_unix_line(line, &self.unix_carry);
        self.unix_carry = UnixSocket { path: b"", ..u };
        if n < 6 {
            self.err_line(b"warning, got bogus unix line.");
            return;
        }
        if *has_inode && unix_key(u.inode, u.path).is_some_and(|k| self.recent.repeat(&k)) {
            return;
        }
        let o = self.opts;
        let listening = u.state == unix::SS_UNCONNECTED && u.flags & unix::ACCEPTCON != 0;
        if !o.all && (listening != o.listening) {
            return;
        }
        let mut flags: Vec<u8> = Vec::with_capacity(16);
        flags.extend_from_slice(b"[ ");
        if u.flags & unix::ACCEPTCON != 0 {
            flags.extend_from_slice(b"ACC ");
        }
        if u.flags & unix::WAITDATA != 0 {
            flags.extend_from_slice(b"W ");
        }
        if u.flags & unix::NOSPACE != 0 {
            flags.extend_from_slice(b"N ");
        }
        flags.push(b']');
        let sock_type: &[u8] = match u.sock_type {
            1 => b"STREAM",
            2 => b"DGRAM",
            3 => b"RAW",
            4 => b"RDM",
            5 => b"SEQPACKET",
            _ => b"UNKNOWN",
        };
        let state: &[u8] = match u.state {
            unix::SS_FREE => b"FREE",
            unix::SS_UNCONNECTED if u.flags & unix::ACCEPTCON != 0 => b"LISTENING",
            unix::SS_UNCONNECTED => b"",
            unix::SS_CONNECTING => b"CONNECTING",
            unix::SS_CONNECTED => b"CONNECTED",
            unix::SS_DISCONNECTING => b"DISCONNECTING",
            _ => b"UNKNOWN",
        };
        let out = &mut self.out;
        out.left(if u.protocol == 0 { b"unix" } else { b"??" }, 5);
        out.byte(b' ');
        out.int_left(u.refcnt as i64, 6);
        out.byte(b' ');
        out.left(&flags, 11);
        out.byte(b' ');
        out.left(sock_type, 10);
        out.byte(b' ');
        out.left(state, 13);
        out.byte(b' ');
        if *has_inode {
            out.uint_left(u.inode, 8);
        } else {
            out.bytes(b"-       ");
        }
        if o.programs {
            out.byte(b' ');
            let name = if *has_inode { self.programs.get(u.inode) } else { b"-" };
            out.left(name, 20);
        }
        out.byte(b' ');
        if *has_inode {
            out.screen(u.path);
        } else {
            out.uint(u.inode);
        }
        out.byte(b'\n');
        out.row_done();
    }

    pub fn flush(&mut self) {
        self.out.flush();
        let _ = self.err.flush();
    }
}

fn tcp_state_name(state: u32) -> &'static [u8] {
    // Out-of-range states index past netstat's table (undefined behaviour
    // in C); see COMPAT.md.
    crate::core::model::tcp_state::NAMES
        .get(state as usize)
        .map_or(b"UNKNOWN", |n| n.as_bytes())
}

fn push_int(t: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    t.extend_from_slice(crate::core::out::fmt_i64(v, &mut tmp));
}

/// `%2.2f` of `ticks / div`, as printf rounds it.
fn push_ticks(t: &mut Vec<u8>, ticks: u64, div: u64) {
    if ticks < (1 << 53) && div == 100 {
        let mut tmp = [0u8; 20];
        t.extend_from_slice(crate::core::out::fmt_u64(ticks / 100, &mut tmp));
        t.push(b'.');
        let r = ticks % 100;
        t.push(b'0' + (r / 10) as u8);
        t.push(b'0' + (r % 10) as u8);
    } else {
        let v = ticks as f64 / div as f64;
        t.extend_from_slice(format!("{v:.2}").as_bytes());
    }
}

/// A small sscanf: `%d`, `%Ns`, `%N[0-9A-Fa-f]` and `%Nc`, each (but %c)
/// after skipping whitespace, as the C directives do.
struct CScan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> CScan<'a> {
    fn new(s: &'a [u8]) -> Self {
        CScan { s, i: 0 }
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn int(&mut self) -> Option<i32> {
        self.skip_ws();
        let start = self.i;
        if matches!(self.s.get(self.i), Some(b'-' | b'+')) {
            self.i += 1;
        }
        let digits = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i == digits {
            self.i = start;
            return None;
        }
        let v: i64 = std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .unwrap_or(i64::MAX);
        Some(v as i32)
    }

    fn word(&mut self, max: usize) -> Option<&'a [u8]> {
        self.skip_ws();
        let start = self.i;
        while self.i < self.s.len() && self.i - start < max && !self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    fn hex_run(&mut self, max: usize) -> Option<&'a [u8]> {
        self.skip_ws();
        let start = self.i;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_hexdigit() {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    fn chars(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.s.len() - self.i < n {
            return None;
        }
        self.i += n;
        Some(&self.s[self.i - n..self.i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_tcp_state_is_unknown() {
        // COMPAT.md N1: net-tools reads past its table here.
        assert_eq!(tcp_state_name(11), b"CLOSING");
        assert_eq!(tcp_state_name(0), b"");
        assert_eq!(tcp_state_name(12), b"UNKNOWN");
        assert_eq!(tcp_state_name(u32::MAX), b"UNKNOWN");
    }

    #[test]
    fn ticks_format_like_printf() {
        let f = |ticks, div| {
            let mut t = Vec::new();
            push_ticks(&mut t, ticks, div);
            String::from_utf8(t).unwrap()
        };
        assert_eq!(f(0, 100), "0.00");
        assert_eq!(f(5, 100), "0.05");
        assert_eq!(f(719926, 100), "7199.26");
        assert_eq!(f(u64::MAX, 100), "184467440737095520.00");
        assert_eq!(f(333, 1000), "0.33");
    }
}
