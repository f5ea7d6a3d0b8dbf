//! Printing a scan as lsof prints it: the column table (sized by a first
//! pass over exactly the rows that will be printed, as print.c does), the
//! `-F` field records, or `-t` pids; plus the NAME column's address and
//! service naming, cached per run as lsof caches it.

use super::options::{Options, TCP_STATES, TCPTPI_QUEUES, TCPTPI_STATE};
use super::scan::{Endpoint, File, Kind, Proc, Scan};
use crate::core::escape::{safe_bytes, safe_cut, safe_len};
use crate::core::names::hosts::{Hosts, format_v6};
use crate::core::names::services::{LazyServices, ServiceProto, Services};
use crate::core::names::users::Users;
use std::collections::HashMap;

pub struct Names<'a> {
    pub hosts: &'a Hosts,
    pub services: &'a LazyServices,
    pub users: &'a mut Users,
    host_cache: HashMap<(bool, [u8; 16]), Vec<u8>>,
}

impl<'a> Names<'a> {
    pub fn new(hosts: &'a Hosts, services: &'a LazyServices, users: &'a mut Users) -> Names<'a> {
        Names {
            hosts,
            services,
            users,
            host_cache: HashMap::new(),
        }
    }

    /// gethostnm(): the host name, or the numeric form.
    fn host(&mut self, o: &Options, v6: bool, addr: &[u8; 16], out: &mut Vec<u8>) {
        if !o.host_names {
            numeric_host(v6, addr, out);
            return;
        }
        let key = (v6, *addr);
        if let Some(n) = self.host_cache.get(&key) {
            out.extend_from_slice(n);
            return;
        }
        let looked = if !o.host_names {
            None
        } else if v6 {
            self.hosts.by_v6_hostent(*addr)
        } else {
            self.hosts.by_v4([addr[0], addr[1], addr[2], addr[3]])
        };
        let name = looked.unwrap_or_else(|| {
            let mut n = Vec::new();
            numeric_host(v6, addr, &mut n);
            n
        });
        out.extend_from_slice(&name);
        self.host_cache.insert(key, name);
    }

    /// The USER text of `rows` rows of one process, with lsof's warning
    /// repeated once per row when the uid has no name.
    fn user_rows(&mut self, o: &Options, uid: u32, rows: usize, err: &mut Vec<u8>) -> Vec<u8> {
        let mut first = Vec::new();
        let (text, _) = self.user(o, uid, &mut first);
        for _ in 0..rows {
            err.extend_from_slice(&first);
        }
        text
    }

    /// printuid(): the login name, or the uid in 8 columns; None as the
    /// "type" when numeric. Warns each time a uid has no entry, as lsof does.
    fn user(&mut self, o: &Options, uid: u32, err: &mut Vec<u8>) -> (Vec<u8>, bool) {
        if o.user_names {
            if let Some(n) = self.users.name(uid) {
                let mut n = n.to_vec();
                n.truncate(32);
                return (n, true);
            }
            if o.warn {
                err.extend_from_slice(&o.pn);
                err.extend_from_slice(format!(": no pwd entry for UID {uid}\n").as_bytes());
            }
        }
        (format!("{uid:>8}").into_bytes(), false)
    }
}

/// An address as lsof prints it without names: dotted v4, bracketed v6.
fn numeric_host(v6: bool, addr: &[u8; 16], out: &mut Vec<u8>) {
    if v6 {
        out.push(b'[');
        format_v6(addr, out);
        out.push(b']');
        return;
    }
    for (i, &b) in addr[..4].iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        crate::core::owners::push_decimal(out, b as u64);
    }
}

/// How NAME names hosts and ports: `Names` looks them up (and caches, as
/// lsof does); `Numeric` prints addresses as numbers and reads services
/// from a table loaded beforehand, so rows can be written on several
/// threads.
trait Naming {
    fn host(&mut self, o: &Options, v6: bool, addr: &[u8; 16], out: &mut Vec<u8>);
    fn service(&mut self, o: &Options, proto: ServiceProto, port: u16) -> Option<&[u8]>;
}

impl Naming for Names<'_> {
    fn host(&mut self, o: &Options, v6: bool, addr: &[u8; 16], out: &mut Vec<u8>) {
        Names::host(self, o, v6, addr, out)
    }

    fn service(&mut self, o: &Options, proto: ServiceProto, port: u16) -> Option<&[u8]> {
        if !o.port_names {
            return None;
        }
        self.services.get().first_name(proto, port)
    }
}

/// Naming without host names (`-n`).
struct Numeric<'s> {
    /// Loaded when port names are asked for.
    services: Option<&'s Services>,
}

impl Naming for Numeric<'_> {
    fn host(&mut self, _o: &Options, v6: bool, addr: &[u8; 16], out: &mut Vec<u8>) {
        numeric_host(v6, addr, out)
    }

    fn service(&mut self, _o: &Options, proto: ServiceProto, port: u16) -> Option<&[u8]> {
        self.services?.first_name(proto, port)
    }
}

/// printinaddr(): `local[->remote]` with names as asked; `s` is scratch.
fn inet_name(o: &Options, names: &mut (impl Naming + ?Sized), f: &File, s: &mut Vec<u8>, out: &mut Vec<u8>) {
    let Kind::Inet(row) = f.kind else {
        return;
    };
    let (v6_addrs, local, remote) = super::scan::endpoints(row);
    let v6_addrs = &v6_addrs;
    s.clear();
    for (i, ep) in [local, remote].iter().enumerate() {
        let Some(Endpoint { addr, port }) = ep else { continue };
        if i == 1 {
            s.extend_from_slice(b"->");
        }
        let n = if *v6_addrs { 16 } else { 4 };
        if addr[..n].iter().all(|&b| b == 0) {
            s.push(b'*');
        } else {
            names.host(o, *v6_addrs, addr, s);
        }
        s.push(b':');
        if *port == 0 {
            s.push(b'*');
        } else {
            let proto = match row.proto {
                super::inet_spec::Proto::Tcp => Some(ServiceProto::Tcp),
                super::inet_spec::Proto::Udp => Some(ServiceProto::Udp),
                super::inet_spec::Proto::UdpLite => None,
            };
            match proto.and_then(|p| names.service(o, p, *port as u16)) {
                Some(name) => s.extend_from_slice(name),
                None => crate::core::owners::push_decimal(s, *port as u64),
            }
        }
    }
    safe_bytes(s, false, out);
}

fn unix_type(ty: u32) -> &'static str {
    match ty {
        1 => "STREAM",
        2 => "DGRAM",
        3 => "RAW",
        4 => "RDM",
        5 => "SEQPACKET",
        6 => "DCCP",
        10 => "PACKET",
        _ => "unknown",
    }
}

fn unix_state(u: &super::scan::UnixRow) -> &'static str {
    if u.flags == crate::core::model::unix::ACCEPTCON {
        return "LISTEN";
    }
    match u.state {
        1 => "UNCONNECTED",
        2 => "CONNECTING",
        3 => "CONNECTED",
        4 => "DISCONNECTING",
        _ => "UNKNOWN",
    }
}

/// The file's TCP/TPI "type" (lsof's lts.type): 0 TCP, 1 UDP, 2 UDPLITE,
/// the socket type for unix; None when unknown.
fn tpi_type(f: &File) -> Option<u32> {
    match f.kind {
        Kind::Inet(row) => Some(match row.proto {
            super::inet_spec::Proto::Tcp => 0,
            super::inet_spec::Proto::Udp => 1,
            super::inet_spec::Proto::UdpLite => 2,
        }),
        Kind::Unix(u) => (u.ty <= i32::MAX as u32).then_some(u.ty),
    }
}

/// The NAME column without state (also the `n` field); `s` is scratch.
fn name_text(o: &Options, names: &mut (impl Naming + ?Sized), f: &File, s: &mut Vec<u8>, out: &mut Vec<u8>) {
    match f.kind {
        Kind::Inet(_) => inet_name(o, names, f, s, out),
        Kind::Unix(u) => {
            s.clear();
            if let Some(p) = &u.path {
                s.extend_from_slice(p);
                s.push(b' ');
            }
            s.extend_from_slice(b"type=");
            s.extend_from_slice(unix_type(u.ty).as_bytes());
            safe_bytes(s, false, out);
        }
    }
}

/// print_tcptpi() for the table: `(STATE QR=n QS=n)`.
fn tcptpi_table(o: &Options, f: &File, out: &mut Vec<u8>) {
    match f.kind {
        Kind::Unix(u) => {
            if o.tcptpi & TCPTPI_STATE != 0 {
                out.push(b'(');
                out.extend_from_slice(unix_state(u).as_bytes());
                out.push(b')');
            }
        }
        Kind::Inet(row) => {
            let mut any = false;
            if o.tcptpi & TCPTPI_STATE != 0 && tpi_type(f) == Some(0) {
                out.push(b'(');
                push_tcp_state(row.state, out);
                any = true;
            }
            if o.tcptpi & TCPTPI_QUEUES != 0 {
                for (tag, v) in [("QR=", row.rxq), ("QS=", row.txq)] {
                    out.push(if any { b' ' } else { b'(' });
                    out.extend_from_slice(tag.as_bytes());
                    out.extend_from_slice(v.to_string().as_bytes());
                    any = true;
                }
            }
            if any {
                out.push(b')');
            }
        }
    }
}

fn push_tcp_state(state: u32, out: &mut Vec<u8>) {
    match TCP_STATES.get(state as usize) {
        Some(s) => out.extend_from_slice(s.as_bytes()),
        None => out.extend_from_slice(format!("UNKNOWN_TCP_STATE_{}", state as i32).as_bytes()),
    }
}

/// print_tcptpi() for -F: `TST=…`, `TQR=…`, `TQS=…`.
fn tcptpi_fields(o: &Options, f: &File, out: &mut Vec<u8>) {
    let t = o.terminator;
    match f.kind {
        Kind::Unix(u) => {
            if o.tcptpi & TCPTPI_STATE != 0 {
                out.extend_from_slice(b"TST=");
                out.extend_from_slice(unix_state(u).as_bytes());
                out.push(t);
            }
        }
        Kind::Inet(row) => {
            if o.tcptpi & TCPTPI_STATE != 0 && tpi_type(f) == Some(0) {
                out.extend_from_slice(b"TST=");
                push_tcp_state(row.state, out);
                out.push(t);
            }
            if o.tcptpi & TCPTPI_QUEUES != 0 {
                out.extend_from_slice(format!("TQR={}", row.rxq).as_bytes());
                out.push(t);
                out.extend_from_slice(format!("TQS={}", row.txq).as_bytes());
                out.push(t);
            }
        }
    }
}

fn type_name(f: &File) -> &'static [u8] {
    match f.kind {
        Kind::Inet(row) if row.v6 => b"IPv6",
        Kind::Inet(_) => b"IPv4",
        Kind::Unix(_) => b"unix",
    }
}

/// The DEVICE column: the inode for inet sockets, `0x…` for unix ones.
fn device_into(f: &File, out: &mut Vec<u8>) {
    match f.kind {
        Kind::Inet(_) => crate::core::owners::push_decimal(out, f.inode),
        Kind::Unix(u) => out.extend_from_slice(&u.pcb),
    }
}

/// The NODE column: the protocol for inet sockets, the inode for unix ones.
fn node_into(f: &File, out: &mut Vec<u8>) {
    match f.kind {
        Kind::Inet(row) => out.extend_from_slice(row.proto.name().as_bytes()),
        Kind::Unix(_) => crate::core::owners::push_decimal(out, f.inode),
    }
}

fn digits(v: i64) -> usize {
    let mut tmp = [0u8; 20];
    crate::core::out::fmt_i64(v, &mut tmp).len()
}

/// SIZE/OFF: `0t<pos>`, or hex past the -o digit count; blank under -s
/// (lsof records the offset only when -o is given or -s is not). Appended
/// to `out`; false when there is none.
fn offset_into(o: &Options, f: &File, out: &mut Vec<u8>) -> bool {
    if o.size && !o.offset {
        return false;
    }
    let Some(pos) = f.offset else { return false };
    // A socket's offset is 0: "0t0" without going through fmt.
    if pos == 0 {
        out.extend_from_slice(b"0t0");
        return true;
    }
    let s = format!("0t{pos}");
    if o.offset_digits > 0 && s.len() > o.offset_digits + 2 {
        out.extend_from_slice(format!("{pos:#x}").as_bytes());
    } else {
        out.extend_from_slice(s.as_bytes());
    }
    true
}

fn fd_text(fd: u32) -> [u8; 4] {
    // `%4d`, or `*` and the last three digits past 9999: always 4 bytes.
    let (mut t, mut v, lead) = if fd < 10000 {
        ([b' '; 4], fd, 0)
    } else {
        ([b'*', b'0', b'0', b'0'], fd % 1000, 1)
    };
    let mut i = 4;
    loop {
        i -= 1;
        t[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 || i == lead {
            break;
        }
    }
    t
}

fn right(out: &mut Vec<u8>, s: &[u8], w: usize) {
    out.resize(out.len() + w.saturating_sub(s.len()), b' ');
    out.extend_from_slice(s);
}

/// Output is built in `out` and handed to `sink` in blocks of this size.
const BLOCK: usize = 1 << 16;

fn spill(out: &mut Vec<u8>, sink: &mut dyn std::io::Write) {
    if out.len() >= BLOCK {
        let _ = sink.write_all(out);
        out.clear();
    }
}

/// Prints one cycle; returns how many processes printed something.
pub fn print(
    o: &Options,
    names: &mut Names,
    scan: &Scan,
    out: &mut Vec<u8>,
    sink: &mut dyn std::io::Write,
    err: &mut Vec<u8>,
) -> usize {
    if o.terse {
        for p in &scan.procs {
            out.extend_from_slice(format!("{}\n", p.pid).as_bytes());
            spill(out, sink);
        }
        return scan.procs.len();
    }
    if o.field {
        for p in &scan.procs {
            print_fields(o, names, scan, p, out, err);
            spill(out, sink);
        }
        return scan.procs.len();
    }
    if scan.procs.is_empty() {
        return 0;
    }
    table(o, names, scan, out, sink, err);
    scan.procs.len()
}

/// The column widths: each the widest of its title and its values.
#[derive(Clone, Copy)]
struct Widths {
    cmd: usize,
    pid: usize,
    ppid: usize,
    pgid: usize,
    user: usize,
    fd: usize,
    ty: usize,
    dev: usize,
    sz: usize,
    node: usize,
}

impl Widths {
    fn widen(&mut self, o: &Options, f: &File, scratch: &mut Vec<u8>) {
        self.fd = self.fd.max(fd_text(f.fd).len() + 2);
        self.ty = self.ty.max(type_name(f).len());
        scratch.clear();
        device_into(f, scratch);
        self.dev = self.dev.max(scratch.len());
        scratch.clear();
        offset_into(o, f, scratch);
        self.sz = self.sz.max(scratch.len());
        scratch.clear();
        node_into(f, scratch);
        self.node = self.node.max(scratch.len());
    }

    fn max(self, b: Widths) -> Widths {
        Widths {
            cmd: self.cmd.max(b.cmd),
            pid: self.pid.max(b.pid),
            ppid: self.ppid.max(b.ppid),
            pgid: self.pgid.max(b.pgid),
            user: self.user.max(b.user),
            fd: self.fd.max(b.fd),
            ty: self.ty.max(b.ty),
            dev: self.dev.max(b.dev),
            sz: self.sz.max(b.sz),
            node: self.node.max(b.node),
        }
    }
}

/// Rows are sized and written in pieces of this many (a piece is some of
/// one process's files), on several threads when there are many rows and
/// no host names to look up.
const PIECE_ROWS: usize = 4096;

/// Some rows of one process: `scan.procs[proc].files[start..end]`.
#[derive(Clone, Copy)]
struct Piece {
    proc: usize,
    start: usize,
    end: usize,
}

/// The column table: a first pass over exactly the rows to be printed
/// sizes the columns (print.c), a second writes them.
fn table(
    o: &Options,
    names: &mut Names,
    scan: &Scan,
    out: &mut Vec<u8>,
    sink: &mut dyn std::io::Write,
    err: &mut Vec<u8>,
) {
    let title_sz: &[u8] = if o.offset {
        b"OFFSET"
    } else if o.size {
        b"SIZE"
    } else {
        b"SIZE/OFF"
    };
    let mut w = Widths {
        cmd: 7,
        pid: 3,
        ppid: 4,
        pgid: 4,
        user: 4,
        fd: 2,
        ty: 4,
        dev: 6,
        sz: title_sz.len(),
        node: 4,
    };
    let mut pieces = Vec::new();
    for (i, p) in scan.procs.iter().enumerate() {
        for start in (0..p.files.len()).step_by(PIECE_ROWS) {
            pieces.push(Piece {
                proc: i,
                start,
                end: (start + PIECE_ROWS).min(p.files.len()),
            });
        }
    }
    let rows: usize = scan.procs.iter().map(|p| p.files.len()).sum();
    let threads = if o.host_names || rows < 2 * PIECE_ROWS {
        1
    } else {
        crate::core::par::cores()
    };
    // Pass 1. Per process: what every one of its rows shows the same. lsof
    // looks the user up per row and per pass; a missing one warns that often.
    for p in &scan.procs {
        let user = names.user_rows(o, p.uid, p.files.len(), err);
        if p.files.is_empty() {
            continue;
        }
        let mut l = safe_len(&p.cmd);
        if o.cmd_limit > 0 && l > o.cmd_limit {
            l = o.cmd_limit;
        }
        w.cmd = w.cmd.max(l);
        w.pid = w.pid.max(digits(p.pid as i64));
        w.ppid = w.ppid.max(digits(p.ppid as i64));
        w.pgid = w.pgid.max(digits(p.pgid as i64));
        w.user = w.user.max(user.len());
    }
    // Thread k sizes (and then writes) pieces k, k + threads, …
    let widths_of = |k: usize| {
        let mut w = w;
        let mut scratch = Vec::with_capacity(32);
        for piece in pieces.iter().skip(k).step_by(threads) {
            for f in &scan.procs[piece.proc].files[piece.start..piece.end] {
                w.widen(o, &scan.view(f), &mut scratch);
            }
        }
        w
    };
    w = if threads == 1 {
        widths_of(0)
    } else {
        std::thread::scope(|sc| {
            let others: Vec<_> = (1..threads).map(|k| sc.spawn(move || widths_of(k))).collect();
            let mine = widths_of(0);
            others
                .into_iter()
                .map(|h| h.join().unwrap_or(w))
                .fold(mine, Widths::max)
        })
    };
    // Pass 2: header and rows.
    let mut h = Vec::new();
    h.extend_from_slice(&b"COMMAND"[..7.min(w.cmd)]);
    h.resize(w.cmd, b' ');
    h.push(b' ');
    right(&mut h, b"PID", w.pid);
    if o.ppid {
        h.push(b' ');
        right(&mut h, b"PPID", w.ppid);
    }
    if o.pgid {
        h.push(b' ');
        right(&mut h, b"PGID", w.pgid);
    }
    h.push(b' ');
    right(&mut h, b"USER", w.user);
    h.push(b' ');
    right(&mut h, b"FD", w.fd - 2);
    h.extend_from_slice(b"   ");
    right(&mut h, b"TYPE", w.ty);
    h.push(b' ');
    right(&mut h, b"DEVICE", w.dev);
    h.push(b' ');
    right(&mut h, title_sz, w.sz);
    h.push(b' ');
    right(&mut h, b"NODE", w.node);
    h.extend_from_slice(b" NAME\n");
    out.extend_from_slice(&h);
    // The row's start, alike for all of a process's rows.
    let leads: Vec<Vec<u8>> = scan
        .procs
        .iter()
        .map(|p| {
            let user = names.user_rows(o, p.uid, p.files.len(), err);
            let mut lead = Vec::with_capacity(64);
            safe_cut(&p.cmd, w.cmd, &mut lead);
            lead.push(b' ');
            right(&mut lead, p.pid.to_string().as_bytes(), w.pid);
            if o.ppid {
                lead.push(b' ');
                right(&mut lead, p.ppid.to_string().as_bytes(), w.ppid);
            }
            if o.pgid {
                lead.push(b' ');
                right(&mut lead, p.pgid.to_string().as_bytes(), w.pgid);
            }
            lead.push(b' ');
            right(&mut lead, &user, w.user);
            lead.push(b' ');
            lead
        })
        .collect();
    let write_piece = |naming: &mut dyn Naming, piece: &Piece, out: &mut Vec<u8>| {
        let lead = &leads[piece.proc];
        let mut scratch = Vec::with_capacity(32);
        let mut name = Vec::with_capacity(64);
        for f in &scan.procs[piece.proc].files[piece.start..piece.end] {
            let f = &scan.view(f);
            out.extend_from_slice(lead);
            right(out, &fd_text(f.fd), w.fd - 2);
            out.push(f.access);
            out.push(b' ');
            out.push(b' ');
            right(out, type_name(f), w.ty);
            out.push(b' ');
            scratch.clear();
            device_into(f, &mut scratch);
            right(out, &scratch, w.dev);
            out.push(b' ');
            scratch.clear();
            offset_into(o, f, &mut scratch);
            right(out, &scratch, w.sz);
            out.push(b' ');
            scratch.clear();
            node_into(f, &mut scratch);
            right(out, &scratch, w.node);
            out.push(b' ');
            let start = out.len();
            name_text(o, naming, f, &mut name, out);
            if o.tcptpi != 0 && tpi_type(f).is_some() {
                if out.len() > start {
                    out.push(b' ');
                }
                tcptpi_table(o, f, out);
            }
            out.push(b'\n');
        }
    };
    if threads == 1 {
        for piece in &pieces {
            write_piece(names, piece, out);
            spill(out, sink);
        }
        return;
    }
    // Several threads: helper k writes pieces k, k + threads, … into
    // buffers of its own, a couple ahead, while this thread writes the
    // rest and sends all out in order. The helpers live for the whole
    // table (starting a thread costs about as much as writing a piece).
    let services = o.port_names.then(|| names.services.get());
    let _ = sink.write_all(out);
    out.clear();
    std::thread::scope(|sc| {
        let mut helpers = Vec::new();
        for k in 1..threads {
            let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
            let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
            let (pieces, write_piece) = (&pieces, &write_piece);
            sc.spawn(move || {
                for piece in pieces.iter().skip(k).step_by(threads) {
                    let mut buf = back_rx.try_recv().unwrap_or_default();
                    buf.clear();
                    write_piece(&mut Numeric { services }, piece, &mut buf);
                    if done_tx.send(buf).is_err() {
                        return;
                    }
                }
            });
            helpers.push((done_rx, back_tx));
        }
        let mut mine = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            match i % threads {
                0 => {
                    mine.clear();
                    write_piece(&mut Numeric { services }, piece, &mut mine);
                    let _ = sink.write_all(&mine);
                }
                k => {
                    let (done, back) = &helpers[k - 1];
                    let Ok(buf) = done.recv() else { break };
                    let _ = sink.write_all(&buf);
                    let _ = back.send(buf);
                }
            }
        }
    });
}

fn print_fields(o: &Options, names: &mut Names, scan: &Scan, p: &Proc, out: &mut Vec<u8>, err: &mut Vec<u8>) {
    let t = o.terminator;
    let on = |c: u8| o.fields[c as usize];
    out.push(b'p');
    out.extend_from_slice(p.pid.to_string().as_bytes());
    out.push(t);
    if on(b'g') && o.pgid {
        out.extend_from_slice(format!("g{}", p.pgid).as_bytes());
        out.push(t);
    }
    if on(b'R') && o.ppid {
        out.extend_from_slice(format!("R{}", p.ppid).as_bytes());
        out.push(t);
    }
    if on(b'c') {
        out.push(b'c');
        safe_bytes(&p.cmd, false, out);
        out.push(t);
    }
    if on(b'u') {
        out.extend_from_slice(format!("u{}", p.uid as i32).as_bytes());
        out.push(t);
    }
    if on(b'L') {
        let (name, is_name) = names.user(o, p.uid, err);
        if is_name {
            out.push(b'L');
            out.extend_from_slice(&name);
            out.push(t);
        }
    }
    if t == 0 {
        out.push(b'\n');
    }
    for ref f in scan.files(p) {
        let mut n = 0;
        let mut field = |out: &mut Vec<u8>, id: u8, v: &[u8]| {
            out.push(id);
            out.extend_from_slice(v);
            out.push(t);
            n += 1;
        };
        if on(b'f') {
            let fd = fd_text(f.fd);
            let fd: Vec<u8> = fd.into_iter().skip_while(|&b| b == b' ').collect();
            field(out, b'f', &fd);
        }
        if on(b'a') {
            field(out, b'a', &[f.access]);
        }
        if on(b'l') {
            field(out, b'l', b" ");
        }
        if on(b't') {
            field(out, b't', type_name(f));
        }
        if on(b'G')
            && let Some(flags) = f.flags
        {
            field(out, b'G', format!("{flags:#x};0x0").as_bytes());
        }
        if on(b'd') {
            let mut d = Vec::new();
            device_into(f, &mut d);
            if !d.is_empty() {
                field(out, b'd', &d);
            }
        }
        let mut s = Vec::new();
        if on(b'o') && offset_into(o, f, &mut s) {
            field(out, b'o', &s);
        }
        if on(b'i') && matches!(f.kind, Kind::Unix(_)) {
            field(out, b'i', f.inode.to_string().as_bytes());
        }
        if on(b'P') && matches!(f.kind, Kind::Inet(_)) {
            let mut n = Vec::new();
            node_into(f, &mut n);
            field(out, b'P', &n);
        }
        if on(b'n') {
            let (mut s, mut scratch) = (Vec::new(), Vec::new());
            name_text(o, names, f, &mut scratch, &mut s);
            field(out, b'n', &s);
        }
        if on(b'T') && tpi_type(f).is_some() {
            tcptpi_fields(o, f, out);
            n += 1;
        }
        if t == 0 && n > 0 {
            out.push(b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fd_column_is_printf_width_4_or_star_and_three_digits() {
        let cases = [
            (0, "   0"),
            (7, "   7"),
            (42, "  42"),
            (1234, "1234"),
            (9999, "9999"),
            (10000, "*000"),
            (10005, "*005"),
            (12345, "*345"),
            (u32::MAX, "*295"),
        ];
        for (fd, want) in cases {
            assert_eq!(&fd_text(fd), want.as_bytes(), "fd {fd}");
        }
    }
}
