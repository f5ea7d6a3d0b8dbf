//! Printing a scan as lsof prints it: the column table (sized by a first
//! pass over exactly the rows that will be printed, as print.c does), the
//! `-F` field records, or `-t` pids; plus the NAME column's address and
//! service naming, cached per run as lsof caches it.

use super::options::{Options, TCP_STATES, TCPTPI_QUEUES, TCPTPI_STATE};
use super::scan::{Endpoint, File, Kind, Proc, Scan};
use crate::core::escape::{safe_bytes, safe_cut, safe_len};
use crate::core::names::hosts::{Hosts, format_v6};
use crate::core::names::services::{LazyServices, ServiceProto};
use crate::core::names::users::Users;
use std::collections::HashMap;

pub struct Names<'a> {
    pub hosts: &'a Hosts,
    pub services: &'a LazyServices,
    pub users: &'a mut Users,
    host_cache: HashMap<(bool, [u8; 16]), Vec<u8>>,
    /// The NAME text before its escaping (reused row to row).
    name: Vec<u8>,
}

impl<'a> Names<'a> {
    pub fn new(hosts: &'a Hosts, services: &'a LazyServices, users: &'a mut Users) -> Names<'a> {
        Names {
            hosts,
            services,
            users,
            host_cache: HashMap::new(),
            name: Vec::new(),
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

/// printinaddr(): `local[->remote]` with names as asked.
fn inet_name(o: &Options, names: &mut Names, f: &File, out: &mut Vec<u8>) {
    let Kind::Inet(row) = f.kind else {
        return;
    };
    let (v6_addrs, local, remote) = super::scan::endpoints(row);
    let v6_addrs = &v6_addrs;
    let mut s = std::mem::take(&mut names.name);
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
            names.host(o, *v6_addrs, addr, &mut s);
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
            let svc = proto
                .filter(|_| o.port_names)
                .and_then(|p| names.services.get().first_name(p, *port as u16));
            match svc {
                Some(name) => s.extend_from_slice(name),
                None => crate::core::owners::push_decimal(&mut s, *port as u64),
            }
        }
    }
    safe_bytes(&s, false, out);
    names.name = s;
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

/// The NAME column without state (also the `n` field).
fn name_text(o: &Options, names: &mut Names, f: &File, out: &mut Vec<u8>) {
    match f.kind {
        Kind::Inet(_) => inet_name(o, names, f, out),
        Kind::Unix(u) => {
            let mut s = Vec::new();
            if let Some(p) = &u.path {
                s.extend_from_slice(p);
                s.push(b' ');
            }
            s.extend_from_slice(b"type=");
            s.extend_from_slice(unix_type(u.ty).as_bytes());
            safe_bytes(&s, false, out);
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
    // Pass 1: widths.
    let title_sz: &[u8] = if o.offset {
        b"OFFSET"
    } else if o.size {
        b"SIZE"
    } else {
        b"SIZE/OFF"
    };
    let (mut cmd_w, mut pid_w, mut ppid_w, mut pgid_w, mut user_w) = (7, 3, 4, 4, 4);
    let (mut fd_w, mut type_w, mut dev_w, mut sz_w, mut node_w) = (2, 4, 6, title_sz.len(), 4);
    // Per process: what every one of its rows shows the same. lsof looks
    // the user up per row and per pass; a missing one warns that often.
    let users: Vec<Vec<u8>> = scan
        .procs
        .iter()
        .map(|p| names.user_rows(o, p.uid, p.files.len(), err))
        .collect();
    let mut scratch = Vec::with_capacity(32);
    for (p, user) in scan.procs.iter().zip(&users) {
        if p.files.is_empty() {
            continue;
        }
        let mut l = safe_len(&p.cmd);
        if o.cmd_limit > 0 && l > o.cmd_limit {
            l = o.cmd_limit;
        }
        cmd_w = cmd_w.max(l);
        pid_w = pid_w.max(digits(p.pid as i64));
        ppid_w = ppid_w.max(digits(p.ppid as i64));
        pgid_w = pgid_w.max(digits(p.pgid as i64));
        user_w = user_w.max(user.len());
        for ref f in scan.files(p) {
            fd_w = fd_w.max(fd_text(f.fd).len() + 2);
            type_w = type_w.max(type_name(f).len());
            scratch.clear();
            device_into(f, &mut scratch);
            dev_w = dev_w.max(scratch.len());
            scratch.clear();
            offset_into(o, f, &mut scratch);
            sz_w = sz_w.max(scratch.len());
            scratch.clear();
            node_into(f, &mut scratch);
            node_w = node_w.max(scratch.len());
        }
    }
    // Pass 2: header and rows.
    let mut h = Vec::new();
    h.extend_from_slice(&b"COMMAND"[..7.min(cmd_w)]);
    h.resize(cmd_w, b' ');
    h.push(b' ');
    right(&mut h, b"PID", pid_w);
    if o.ppid {
        h.push(b' ');
        right(&mut h, b"PPID", ppid_w);
    }
    if o.pgid {
        h.push(b' ');
        right(&mut h, b"PGID", pgid_w);
    }
    h.push(b' ');
    right(&mut h, b"USER", user_w);
    h.push(b' ');
    right(&mut h, b"FD", fd_w - 2);
    h.extend_from_slice(b"   ");
    right(&mut h, b"TYPE", type_w);
    h.push(b' ');
    right(&mut h, b"DEVICE", dev_w);
    h.push(b' ');
    right(&mut h, title_sz, sz_w);
    h.push(b' ');
    right(&mut h, b"NODE", node_w);
    h.extend_from_slice(b" NAME\n");
    out.extend_from_slice(&h);
    let mut lead = Vec::with_capacity(128);
    for p in &scan.procs {
        if p.files.is_empty() {
            continue;
        }
        // The row's start, alike for all of a process's rows.
        lead.clear();
        safe_cut(&p.cmd, cmd_w, &mut lead);
        lead.push(b' ');
        right(&mut lead, p.pid.to_string().as_bytes(), pid_w);
        if o.ppid {
            lead.push(b' ');
            right(&mut lead, p.ppid.to_string().as_bytes(), ppid_w);
        }
        if o.pgid {
            lead.push(b' ');
            right(&mut lead, p.pgid.to_string().as_bytes(), pgid_w);
        }
        lead.push(b' ');
        let user = names.user_rows(o, p.uid, p.files.len(), err);
        right(&mut lead, &user, user_w);
        lead.push(b' ');
        for ref f in scan.files(p) {
            out.extend_from_slice(&lead);
            right(out, &fd_text(f.fd), fd_w - 2);
            out.push(f.access);
            out.push(b' ');
            out.push(b' ');
            right(out, type_name(f), type_w);
            out.push(b' ');
            scratch.clear();
            device_into(f, &mut scratch);
            right(out, &scratch, dev_w);
            out.push(b' ');
            scratch.clear();
            offset_into(o, f, &mut scratch);
            right(out, &scratch, sz_w);
            out.push(b' ');
            scratch.clear();
            node_into(f, &mut scratch);
            right(out, &scratch, node_w);
            out.push(b' ');
            let start = out.len();
            name_text(o, names, f, out);
            if o.tcptpi != 0 && tpi_type(f).is_some() {
                if out.len() > start {
                    out.push(b' ');
                }
                tcptpi_table(o, f, out);
            }
            out.push(b'\n');
            spill(out, sink);
        }
    }
    scan.procs.len()
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
            let mut s = Vec::new();
            name_text(o, names, f, &mut s);
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
