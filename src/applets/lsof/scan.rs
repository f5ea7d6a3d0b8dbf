//! One lsof scan: the socket tables lsof would consult, then every process
//! in pid order, kept or dropped as lsof's is_proc_excl()/is_cmd_excl()
//! decide *before* its fds are read (so `-a -p` costs one process), then
//! the socket fds of the kept ones, each selected as lsof's
//! process_proc_sock() and is_file_sel() would. Only selected files are
//! kept, with what printing needs; processes and fds that vanish mid-scan
//! are skipped silently, as lsof skips them.

use super::inet_spec::Proto;
use super::options::{Options, atoi, sel};
use crate::core::owners::{BuildInodeHasher, needs_sort, parse_decimal, push_decimal, walk_socket_fds};
use crate::core::par;
use crate::core::proc_net::{LineReader, ReadAhead, decode_addr, many_sockets};
use crate::core::procinfo::{read_small, status_euid};
use crate::core::root::SysRoot;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

/// A row of /proc/net/{tcp,udp,udplite}{,6} as lsof keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InetRow {
    pub v6: bool,
    pub proto: Proto,
    pub local: [u8; 16],
    pub local_port: u32,
    pub remote: [u8; 16],
    pub remote_port: u32,
    pub state: u32,
    pub txq: u64,
    pub rxq: u64,
}

/// A row of /proc/net/unix as lsof keeps it.
#[derive(Debug, Clone)]
pub struct UnixRow {
    /// `0x` + the Num column, if any.
    pub pcb: Vec<u8>,
    pub path: Option<Vec<u8>>,
    /// The socket type, or u32::MAX when unreadable.
    pub ty: u32,
    pub flags: u64,
    pub state: u64,
}

#[derive(Default)]
pub struct Tables {
    /// Rows in table order, and where each inode's row is: a map of small
    /// values holds 120,000 sockets in a third of the memory of a map of
    /// rows (its buckets are at most 7/8 full, and often half empty), and
    /// a selected file points at its row instead of holding a copy.
    inet_rows: Vec<InetRow>,
    inet: HashMap<u64, u32, BuildInodeHasher>,
    unix_rows: Vec<UnixRow>,
    unix: HashMap<u64, u32, BuildInodeHasher>,
}

/// One endpoint as printed: address (v4 in the first 4 bytes) and port.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub addr: [u8; 16],
    pub port: u32,
}

/// Which row of the tables a socket is.
#[derive(Debug, Clone, Copy)]
pub enum RowRef {
    Inet(u32),
    Unix(u32),
}

/// A socket's row, as printing reads it.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'a> {
    Inet(&'a InetRow),
    Unix(&'a UnixRow),
}

/// One selected socket file: 32 bytes, as there can be 100,000 of them.
#[derive(Debug)]
pub struct SockFile {
    pub inode: u64,
    pub row: RowRef,
    pub fd: u32,
    pub access: u8,
    /// Its fdinfo, where it was read (only `-F G` needs it); else a
    /// socket's: offset 0, open read-write.
    pub fdinfo: Option<Box<FdInfo>>,
}

/// fdinfo `pos:` and `flags:`.
#[derive(Debug)]
pub struct FdInfo {
    pub offset: Option<u64>,
    pub flags: Option<u64>,
}

/// A selected file with its row, for printing.
#[derive(Clone, Copy)]
pub struct File<'a> {
    pub fd: u32,
    pub inode: u64,
    pub access: u8,
    pub offset: Option<u64>,
    pub flags: Option<u64>,
    pub kind: Kind<'a>,
}

pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub pgid: i32,
    pub uid: u32,
    pub cmd: Vec<u8>,
    pub files: Vec<SockFile>,
}

/// What one scan found, plus the "found" marks it leaves in `Options`.
pub struct Scan {
    pub procs: Vec<Proc>,
    /// The rows the files point at.
    tables: Tables,
    /// An ORed process selector matched: lsof would list all its files.
    pub refused: bool,
}

impl Scan {
    /// A process's files with their rows, in fd order.
    pub fn files<'a>(&'a self, p: &'a Proc) -> impl Iterator<Item = File<'a>> + 'a {
        p.files.iter().map(|f| self.view(f))
    }

    /// A selected file with its row.
    pub fn view<'a>(&'a self, f: &'a SockFile) -> File<'a> {
        let (offset, flags) = match &f.fdinfo {
            Some(i) => (i.offset, i.flags),
            None => (Some(0), Some(libc::O_RDWR as u64)),
        };
        let kind = match f.row {
            RowRef::Inet(i) => Kind::Inet(&self.tables.inet_rows[i as usize]),
            RowRef::Unix(i) => Kind::Unix(&self.tables.unix_rows[i as usize]),
        };
        File {
            fd: f.fd,
            inode: f.inode,
            access: f.access,
            offset,
            flags,
            kind,
        }
    }
}

impl Tables {
    /// Loads the tables the selection can need. Missing files are skipped
    /// silently; a file whose header is not lsof's gets its warning.
    pub fn load(root: &SysRoot, o: &Options, reader: &mut LineReader, err: &mut Vec<u8>) -> Tables {
        let mut t = Tables::default();
        // Only the tables a selected socket can come from: `[v6][proto]`.
        // An included state marks its "found" through any inet socket
        // (UDP through its raw state), so then every table is read.
        let mut need = [[false; 3]; 2];
        if o.tcp_include.iter().any(|&s| s != 0) {
            need = [[true; 3]; 2];
        }
        if o.net.on {
            for (v6, row) in need.iter_mut().enumerate() {
                if o.net.ty == 0 || o.net.ty == if v6 == 1 { 6 } else { 4 } {
                    *row = [true; 3];
                }
            }
        }
        o.specs.tables_needed(&mut need);
        if o.unix {
            t.load_unix(root, o, reader, err);
        }
        if !o.no_inet_tables {
            let wanted: Vec<(&str, bool, Proto)> = [
                ("/proc/net/tcp6", true, Proto::Tcp),
                ("/proc/net/udp6", true, Proto::Udp),
                ("/proc/net/udplite6", true, Proto::UdpLite),
                ("/proc/net/tcp", false, Proto::Tcp),
                ("/proc/net/udp", false, Proto::Udp),
                ("/proc/net/udplite", false, Proto::UdpLite),
            ]
            .into_iter()
            .filter(|&(_, v6, proto)| need[v6 as usize][proto as usize])
            .collect();
            // The kernel walks its whole connection hash for tcp6 as for
            // tcp, so /proc/net/tcp (the big one) is streamed here beside
            // its parse while the others are read on another thread. The
            // order does not matter (a socket is in one table only), but
            // the warnings keep lsof's. Small tables are read in turn here.
            let busy = many_sockets(root);
            let here = wanted.iter().position(|t| t.0 == "/proc/net/tcp").unwrap_or(0);
            let others = wanted.iter().enumerate().filter(|&(i, _)| i != here);
            let mut ahead = if busy {
                ReadAhead::start(others.map(|(_, t)| root.path(t.0)).collect())
            } else {
                ReadAhead::none()
            };
            let mut warnings = vec![Vec::new(); wanted.len()];
            if let Some(&(file, v6, proto)) = wanted.get(here) {
                let path = root.path(file);
                let rows = t.inet_rows(file, v6, proto, o, &mut warnings[here]);
                let _ = if busy {
                    reader.read_overlapped(&path, rows)
                } else {
                    reader.read(&path, rows)
                };
            }
            for (i, &(file, v6, proto)) in wanted.iter().enumerate() {
                if i == here {
                    continue;
                }
                let path = root.path(file);
                let rows = t.inet_rows(file, v6, proto, o, &mut warnings[i]);
                let _ = match ahead.take(&path) {
                    Some(Ok(data)) => reader.read_from(&data[..], rows),
                    Some(Err(_)) => Ok(()),
                    None => reader.read(&path, rows),
                };
            }
            err.extend(warnings.concat());
        }
        t
    }

    /// The line handler that loads one inet table (header checked as lsof
    /// checks it, its warning into `err`).
    fn inet_rows<'a>(
        &'a mut self,
        file: &'a str,
        v6: bool,
        proto: Proto,
        o: &'a Options,
        err: &'a mut Vec<u8>,
    ) -> impl FnMut(&[u8]) + 'a {
        let mut header = true;
        let mut stop = false;
        let (inet, rows) = (&mut self.inet, &mut self.inet_rows);
        move |line| {
            if stop {
                return;
            }
            if header {
                let (f, n) = take_fields::<12>(line, b"");
                if n < 12 {
                    return;
                }
                let remote: &[u8] = if v6 { b"remote_address" } else { b"rem_address" };
                if f[1] != b"local_address"
                    || f[2] != remote
                    || f[3] != b"st"
                    || f[4] != b"tx_queue"
                    || f[5] != b"rx_queue"
                    || f[11] != b"inode"
                {
                    if o.warn {
                        warn_format(err, &o.pn, file);
                    }
                    stop = true;
                }
                header = false;
                return;
            }
            if let Some((inode, row)) = parse_inet_row(line, v6, proto)
                && let std::collections::hash_map::Entry::Vacant(slot) = inet.entry(inode)
            {
                slot.insert(rows.len() as u32);
                rows.push(row);
            }
        }
    }

    fn load_unix(&mut self, root: &SysRoot, o: &Options, reader: &mut LineReader, err: &mut Vec<u8>) {
        let mut header = true;
        let mut stop = false;
        let (unix, rows) = (&mut self.unix, &mut self.unix_rows);
        let _ = reader.read(&root.path("/proc/net/unix"), |line| {
            if stop {
                return;
            }
            let (f, n) = take_fields::<8>(line, b":");
            let f = &f[..n];
            if f.len() < 7 {
                return;
            }
            if header {
                let names: [&[u8]; 7] = [b"Num", b"RefCount", b"Protocol", b"Flags", b"Type", b"St", b"Inode"];
                if f[..7] != names[..] || f.len() < 8 || f[7] != b"Path" {
                    if o.warn {
                        warn_format(err, &o.pn, "/proc/net/unix");
                    }
                    stop = true;
                }
                header = false;
                return;
            }
            let Some(inode) = strtoul(f[6], 0) else { return };
            if unix.contains_key(&inode) {
                return;
            }
            let mut pcb = Vec::new();
            if !f[0].is_empty() {
                pcb.extend_from_slice(b"0x");
                pcb.extend_from_slice(f[0]);
            }
            let path = f.get(7).filter(|p| !p.is_empty()).map(|p| p.to_vec());
            let ty = strtoul(f[4], 16).map(|t| t as u32).unwrap_or(u32::MAX);
            let flags = strtoul(f[3], 16).unwrap_or(0);
            let state = strtoul(f[5], 16).unwrap_or(0);
            unix.insert(inode, rows.len() as u32);
            rows.push(UnixRow {
                pcb,
                path,
                ty,
                flags,
                state,
            });
        });
    }
}

fn warn_format(err: &mut Vec<u8>, pn: &[u8], file: &str) {
    err.extend_from_slice(pn);
    err.extend_from_slice(b": WARNING: unsupported format: ");
    err.extend_from_slice(file.as_bytes());
    err.push(b'\n');
}

/// lsof's get_fields(): words split at blanks, and at `seps` too; the
/// separator that ends a word is consumed, so two in a row give an empty word.
pub fn fields<'a>(line: &'a [u8], seps: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
            i += 1;
        }
        if i >= line.len() || line[i] == b'\n' || line[i] == 0 {
            return None;
        }
        let start = i;
        while i < line.len()
            && line[i] != b'\n'
            && line[i] != b' '
            && line[i] != b'\t'
            && line[i] != 0
            && !seps.contains(&line[i])
        {
            i += 1;
        }
        let word = &line[start..i];
        if i < line.len() && line[i] != b'\n' {
            i += 1;
        } else {
            i = line.len();
        }
        Some(word)
    })
}

/// The first N words of `fields()`, without allocating; and how many there were.
fn take_fields<'a, const N: usize>(line: &'a [u8], seps: &'a [u8]) -> ([&'a [u8]; N], usize) {
    let mut out: [&[u8]; N] = [&[]; N];
    let mut n = 0;
    for (slot, w) in out.iter_mut().zip(fields(line, seps)) {
        *slot = w;
        n += 1;
    }
    (out, n)
}

/// strtoul(s, &end, base) that must consume all of `s` (base 0: C prefixes).
fn strtoul(s: &[u8], base: u32) -> Option<u64> {
    let (digits, radix) = match base {
        0 if s.len() > 1 && s[0] == b'0' && (s[1] == b'x' || s[1] == b'X') => (&s[2..], 16),
        0 if s.len() > 1 && s[0] == b'0' => (&s[1..], 8),
        0 => (s, 10),
        16 if s.len() > 2 && s[0] == b'0' && (s[1] == b'x' || s[1] == b'X') => (&s[2..], 16),
        b => (s, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix)? as u64;
        v = v.checked_mul(radix as u64)?.checked_add(d)?;
    }
    if v == u64::MAX { None } else { Some(v) }
}

fn parse_inet_row(line: &[u8], v6: bool, proto: Proto) -> Option<(u64, InetRow)> {
    let Some((row, rest)) = kernel_row_prefix(line, v6, proto) else {
        return parse_inet_row_fields(line, v6, proto);
    };
    if let Some(inode) = kernel_row_inode(&line[rest..]) {
        return Some((inode, row));
    }
    // tr, when, retrnsmt, uid, timeout, inode: lsof's split of the rest.
    let (f, n) = take_fields::<6>(&line[rest..], b":");
    if n < 6 {
        return None;
    }
    Some((strtoul(f[5], 0)?, row))
}

/// The inode of a row's rest in the kernel's shape (`%02X:%08lX %08X`,
/// then uid, timeout and inode as right-aligned decimals), read in place;
/// None for any other shape, which then goes through lsof's split (a
/// leading-zero inode too: lsof reads it as octal).
fn kernel_row_inode(rest: &[u8]) -> Option<u64> {
    let hex = |r: std::ops::Range<usize>| rest.get(r).is_some_and(|w| w.iter().all(u8::is_ascii_hexdigit));
    if !(hex(0..2) && rest.get(2) == Some(&b':') && hex(3..11) && rest.get(11) == Some(&b' ') && hex(12..20)) {
        return None;
    }
    let mut i = 20;
    // uid, timeout (maybe negative), inode: each after blanks, as digits.
    let mut number = |signed: bool| -> Option<&[u8]> {
        if rest.get(i) != Some(&b' ') {
            return None;
        }
        while rest.get(i) == Some(&b' ') {
            i += 1;
        }
        let start = i;
        if signed && rest.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = i;
        while rest.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > digits).then(|| &rest[start..i])
    };
    number(false)?;
    number(true)?;
    let inode = number(false)?;
    if !matches!(rest.get(i), None | Some(b' ')) || inode.len() > 19 || (inode.len() > 1 && inode[0] == b'0') {
        return None;
    }
    Some(inode.iter().fold(0u64, |v, &d| v * 10 + (d - b'0') as u64))
}

/// The fixed-width start of a row as the kernel writes it (`%4d: `, then
/// `%08X:%04X %08X:%04X %02X %08X:%08X ` with 32-digit addresses for v6),
/// decoded in place, and where the rest begins. None when the row has any
/// other shape: it then goes through lsof's word split. Where it matches,
/// that split gives exactly these words (each ends at its one separator),
/// so both paths read the same values (a test holds them to it).
fn kernel_row_prefix(line: &[u8], v6: bool, proto: Proto) -> Option<(InetRow, usize)> {
    let mut i = 0;
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    let sl = i;
    while line.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == sl || line.get(i) != Some(&b':') || line.get(i + 1) != Some(&b' ') {
        return None;
    }
    i += 2;
    let a = if v6 { 32 } else { 8 };
    // Each word's width and the separator that ends it.
    let shape: [(usize, u8); 7] = [
        (a, b':'),
        (4, b' '),
        (a, b':'),
        (4, b' '),
        (2, b' '),
        (8, b':'),
        (8, b' '),
    ];
    let mut words: [&[u8]; 7] = [&[]; 7];
    for (slot, &(width, sep)) in words.iter_mut().zip(&shape) {
        let word = line.get(i..i + width)?;
        if !word.iter().all(u8::is_ascii_hexdigit) || line.get(i + width) != Some(&sep) {
            return None;
        }
        *slot = word;
        i += width + 1;
    }
    let hex = |w: &[u8]| {
        w.iter()
            .fold(0u64, |v, &b| (v << 4) | (b as char).to_digit(16).unwrap_or(0) as u64)
    };
    let addr = |w: &[u8]| -> [u8; 16] {
        if v6 {
            return decode_addr(w, true).bytes;
        }
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&(hex(w) as u32).to_ne_bytes());
        b
    };
    let row = InetRow {
        v6,
        proto,
        local: addr(words[0]),
        local_port: hex(words[1]) as u32,
        remote: addr(words[2]),
        remote_port: hex(words[3]) as u32,
        state: hex(words[4]) as u32,
        txq: hex(words[5]),
        rxq: hex(words[6]),
    };
    Some((row, i))
}

/// A row split into words as lsof's get_fields() splits it.
fn parse_inet_row_fields(line: &[u8], v6: bool, proto: Proto) -> Option<(u64, InetRow)> {
    let (f, n) = take_fields::<14>(line, b":");
    if n < 14 {
        return None;
    }
    let addr = |s: &[u8]| -> Option<[u8; 16]> {
        if v6 {
            if s.len() != 32 || !s.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            Some(decode_addr(s, true).bytes)
        } else {
            let v = strtoul(s, 16)?;
            let mut b = [0u8; 16];
            b[..4].copy_from_slice(&(v as u32).to_ne_bytes());
            Some(b)
        }
    };
    let local = addr(f[1])?;
    let local_port = strtoul(f[2], 16)? as u32 & 0xffff;
    let remote = addr(f[3])?;
    let remote_port = strtoul(f[4], 16)? as u32 & 0xffff;
    let state = strtoul(f[5], 16)? as u32;
    let txq = strtoul(f[6], 16)?;
    let rxq = strtoul(f[7], 16)?;
    let inode = strtoul(f[13], 0)?;
    Some((
        inode,
        InetRow {
            v6,
            proto,
            local,
            local_port,
            remote,
            remote_port,
            state,
            txq,
            rxq,
        },
    ))
}

/// What /proc/PID/stat says, read the way lsof's read_id_stat() reads it
/// (the command ends at the `)` that balances the first `(`).
struct StatLine {
    cmd: Vec<u8>,
    ppid: i32,
    pgid: i32,
    zombie: bool,
}

fn read_stat(data: &[u8], pid: i32) -> Option<StatLine> {
    let end = data
        .iter()
        .position(|&b| b == b' ' || b == b'\t' || b == b'\n')
        .unwrap_or(data.len());
    if atoi(&data[..end]) != pid {
        return None;
    }
    let mut i = end + 1;
    while i < data.len() && data[i] == b' ' {
        i += 1;
    }
    if data.get(i) != Some(&b'(') {
        return None;
    }
    i += 1;
    let mut depth = 1;
    let mut cmd = Vec::new();
    loop {
        let &c = data.get(i)?;
        i += 1;
        if c == b'(' {
            depth += 1;
        }
        if c == b')' {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
        cmd.push(c);
    }
    let rest = &data[i..];
    let rest = &rest[..rest.iter().position(|&b| b == b'\n').map_or(rest.len(), |p| p + 1)];
    let (f, n) = take_fields::<3>(rest, b"");
    if n < 3 || f[1].is_empty() || f[2].is_empty() {
        return None;
    }
    Some(StatLine {
        cmd,
        ppid: atoi(f[1]),
        pgid: atoi(f[2]),
        zombie: f[0] == b"Z",
    })
}

/// lsof's is_proc_excl(): true to skip the process; otherwise `sf` holds
/// the process selection flags and `primary` whether it was selected itself.
fn proc_excluded(o: &mut Options, pid: i32, pgid: i32, uid: u32, sf: &mut u32, primary: &mut bool) -> bool {
    *sf = 0;
    *primary = false;
    if o.uids.iter().any(|u| u.exclude && u.uid == uid)
        || o.pgids.iter().any(|p| p.exclude && p.id == pgid)
        || o.pids.iter().any(|p| p.exclude && p.id == pid)
    {
        return true;
    }
    let selflags = o.selflags;
    let ids = sel::PGID | sel::PID | sel::UID;
    if selflags & sel::PGID != 0 {
        if let Some(p) = o.pgids.iter_mut().find(|p| !p.exclude && p.id == pgid) {
            p.found = true;
            *primary = true;
            *sf = sel::PGID;
            if selflags == sel::PGID {
                return false;
            }
        }
        if selflags == sel::PGID && *sf == 0 {
            return true;
        }
    }
    if selflags & sel::PID != 0 {
        if let Some(p) = o.pids.iter_mut().find(|p| !p.exclude && p.id == pid) {
            p.found = true;
            *primary = true;
            *sf |= sel::PID;
            if selflags == sel::PID {
                return false;
            }
        }
        if selflags == sel::PID && *sf == 0 {
            return true;
        }
    }
    if selflags & sel::UID != 0 {
        if let Some(u) = o.uids.iter_mut().find(|u| !u.exclude && u.uid == uid) {
            u.found = true;
            *primary = true;
            *sf |= sel::UID;
            if selflags == sel::UID {
                return false;
            }
        }
        if selflags == sel::UID && *sf & sel::UID == 0 {
            return true;
        }
    }
    if *sf == 0 {
        return o.and && selflags & ids != 0;
    }
    if selflags & ids != 0 {
        if o.and {
            return selflags & ids != *sf;
        }
        return false;
    }
    o.and
}

/// lsof's is_cmd_excl().
fn cmd_excluded(o: &mut Options, cmd: &[u8], sf: &mut u32, primary: &mut bool) -> bool {
    if o.cmd_excl > 0 && o.cmds.iter().any(|c| c.exclude && cmd.starts_with(&c.text)) {
        return true;
    }
    if o.selflags & sel::CMD == 0 {
        return false;
    }
    if let Some(c) = o.cmds.iter_mut().find(|c| !c.exclude && cmd.starts_with(&c.text)) {
        c.found = true;
        *primary = true;
        *sf |= sel::CMD;
        return false;
    }
    if let Some(r) = o.cmd_regexes.iter_mut().find(|r| r.re.is_match(cmd)) {
        r.found = true;
        *primary = true;
        *sf |= sel::CMD;
        return false;
    }
    o.selflags == sel::CMD || o.and
}

/// lsof's ck_fd_status() folded into the file's flags.
fn fd_flag(o: &Options, fd: u32) -> u32 {
    let Some(exclude) = o.fd_exclude else { return 0 };
    let hit = o
        .fds
        .iter()
        .any(|f| f.name.is_none() && fd as i64 >= f.lo && fd as i64 <= f.hi);
    if exclude != hit { sel::FD } else { 0 }
}

fn v4_mapped(a: &[u8; 16]) -> bool {
    a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff
}

impl Scan {
    /// The tables are read when the first socket fd turns up (as lsof reads
    /// them): a run that meets no socket never pays for /proc/net.
    pub fn run(root: &SysRoot, o: &mut Options, reader: &mut LineReader, err: &mut Vec<u8>) -> Scan {
        let mut procs = Vec::new();
        let mut path = Vec::with_capacity(64);
        root.path_into(b"/proc", &mut path);
        let base_len = path.len();
        let Ok(dir) = std::fs::read_dir(OsStr::from_bytes(&path)) else {
            return Scan {
                procs,
                tables: Tables::default(),
                refused: false,
            };
        };
        let mut pids: Vec<u32> = dir
            .filter_map(|e| e.ok())
            .filter_map(|e| parse_decimal(e.file_name().as_bytes()))
            .collect();
        pids.sort_unstable();
        let base = path[..base_len].to_vec();
        // 1. Every process's owner and stat line (I/O only: in parallel).
        let infos = par::map_ordered(&pids, || (), |_, &pid| proc_info(root, &base, pid));
        // 2. lsof's selection, in pid order (it marks what was found).
        let mut kept = Vec::new();
        for (pid, info) in pids.iter().zip(infos) {
            let Some((uid, st)) = info else { continue };
            let (mut sf, mut primary) = (0, false);
            if proc_excluded(o, *pid as i32, st.pgid, uid, &mut sf, &mut primary)
                || cmd_excluded(o, &st.cmd, &mut sf, &mut primary)
            {
                continue;
            }
            if primary && o.refuse_selected_procs {
                return Scan {
                    procs,
                    tables: Tables::default(),
                    refused: true,
                };
            }
            kept.push((*pid, uid, st, sf, primary));
        }
        // 3. The socket fds of the kept processes, read in parallel; the
        //    tables are read meanwhile, as soon as one socket turns up.
        let kept_pids: Vec<u32> = kept.iter().map(|k| k.0).collect();
        let mut load_err = Vec::new();
        let (all_fds, tables) = walk_fds_and_load(&base, &kept_pids, || Tables::load(root, o, reader, &mut load_err));
        if tables.is_some() {
            err.extend_from_slice(&load_err);
        }
        // 4. Each socket classified and selected. Pieces of a process's fds
        //    are done on several threads when there are many; the files keep
        //    pid and fd order, and the "found" marks are set after.
        let Some(tables) = tables else {
            return Scan {
                procs,
                tables: Tables::default(),
                refused: false,
            };
        };
        let mut pieces = Vec::new();
        for (k, fds) in all_fds.iter().enumerate() {
            let n = fds.as_ref().map_or(0, |v| v.len());
            for start in (0..n).step_by(CLASSIFY_PIECE) {
                pieces.push((k, start..(start + CLASSIFY_PIECE).min(n)));
            }
        }
        let total: usize = all_fds.iter().flatten().map(|v| v.len()).sum();
        let threads = if total >= 2 * CLASSIFY_PIECE {
            crate::core::par::cores()
        } else {
            1
        };
        let (o_ref, tables_ref, kept_ref, fds_ref) = (&*o, &tables, &kept, &all_fds);
        let selected = par::map_ordered_on(
            threads,
            &pieces,
            || (Vec::with_capacity(64), Vec::new()),
            |(path, stat_buf), (k, range)| {
                let (pid, _, _, sf, primary) = &kept_ref[*k];
                let fds = fds_ref[*k].as_deref().unwrap_or_default();
                path.clear();
                path.extend_from_slice(&base);
                path.push(b'/');
                push_decimal(path, *pid as u64);
                path.push(b'/');
                let proc_sf = if *primary { *sf } else { 0 };
                let mut marks = Marks::new(o_ref);
                let files = select_files(
                    o_ref,
                    tables_ref,
                    proc_sf,
                    &fds[range.clone()],
                    path,
                    stat_buf,
                    &mut marks,
                );
                (*k, files, marks)
            },
        );
        let mut files_of: Vec<Vec<SockFile>> = (0..kept.len()).map(|_| Vec::new()).collect();
        for (k, files, marks) in selected {
            marks.set(o);
            if files_of[k].is_empty() {
                files_of[k] = files;
            } else {
                files_of[k].extend(files);
            }
        }
        for ((pid, uid, st, _, _), files) in kept.into_iter().zip(files_of) {
            if !files.is_empty() {
                procs.push(Proc {
                    pid: pid as i32,
                    ppid: st.ppid,
                    pgid: st.pgid,
                    uid,
                    cmd: st.cmd,
                    files,
                });
            }
        }
        Scan {
            procs,
            tables,
            refused: false,
        }
    }
}

/// Socket fds classified per piece (and on several threads from two pieces up).
const CLASSIFY_PIECE: usize = 4096;

/// The "found" marks classification leaves in `Options` (lsof's side
/// effects: a TCP state, the Internet files, an address seen), gathered
/// apart so that pieces can be classified on several threads and the marks
/// set after. Each is a plain "seen", so the order they are set in does not
/// matter.
struct Marks {
    states: [bool; 12],
    net: bool,
    specs: Vec<bool>,
}

impl Marks {
    fn new(o: &Options) -> Marks {
        Marks {
            states: [false; 12],
            net: false,
            specs: vec![false; o.specs.len()],
        }
    }

    fn set(self, o: &mut Options) {
        for (st, _) in self.states.iter().enumerate().filter(|s| *s.1) {
            o.tcp_include[st] = 2;
        }
        o.net.found |= self.net;
        for (i, _) in self.specs.iter().enumerate().filter(|s| *s.1) {
            o.specs.mark_found(i);
        }
    }
}

/// One process's socket fds (or some of them) classified and selected as
/// lsof's process_proc_sock() and is_file_sel() would: the files kept, in
/// fd order. `proc_sf` is what selected the process itself (0 unless it
/// was a primary selection), `proc_dir` its /proc/PID/ folder, `buf` scratch.
fn select_files(
    o: &Options,
    tables: &Tables,
    proc_sf: u32,
    fds: &[crate::core::owners::SocketFd],
    proc_dir: &mut Vec<u8>,
    buf: &mut Vec<u8>,
    marks: &mut Marks,
) -> Vec<SockFile> {
    let dir_len = proc_dir.len();
    let mut files = Vec::new();
    for s in fds {
        let mut fsf = proc_sf | fd_flag(o, s.fd);
        let Some((row, more)) = classify(o, tables, s.inode, marks) else {
            continue;
        };
        if more & sel::EXCLF != 0 {
            continue;
        }
        fsf |= more;
        if fsf == 0 {
            continue;
        }
        if fsf & sel::NET != 0 {
            marks.net = true;
        }
        if o.and && fsf & o.selflags != o.selflags {
            continue;
        }
        // Selected. A socket's file is always open read-write at offset 0,
        // so fdinfo is read only for what it alone holds: the open flags of
        // the -F G field.
        let (info, flags) = if o.field && o.fields[b'G' as usize] {
            proc_dir.truncate(dir_len);
            proc_dir.extend_from_slice(b"fdinfo/");
            push_decimal(proc_dir, s.fd as u64);
            buf.clear();
            if read_small(proc_dir, buf).is_err() {
                continue;
            }
            let (offset, flags) = fdinfo(buf);
            (Some(Box::new(FdInfo { offset, flags })), flags)
        } else {
            (None, Some(libc::O_RDWR as u64))
        };
        let access = match flags.map(|f| f & 3) {
            Some(0) => b'r',
            Some(1) => b'w',
            _ => b'u',
        };
        files.push(SockFile {
            inode: s.inode,
            row,
            fd: s.fd,
            access,
            fdinfo: info,
        });
    }
    files
}

/// The socket's row and the selection flags it earns (lsof's
/// process_proc_sock()); None when it is in none of the loaded tables.
fn classify(o: &Options, tables: &Tables, inode: u64, marks: &mut Marks) -> Option<(RowRef, u32)> {
    if let Some(&u) = tables.unix.get(&inode) {
        let f = if o.unix { sel::UNX } else { 0 };
        return Some((RowRef::Unix(u), f));
    }
    let index = *tables.inet.get(&inode)?;
    let row = tables.inet_rows.get(index as usize)?;
    let found = RowRef::Inet(index);
    let mut f = 0;
    let st = row.state as usize;
    if st < 12 {
        if o.tcp_exclude[st] {
            return Some((found, sel::EXCLF));
        }
        if o.tcp_include.iter().any(|&s| s != 0) {
            if o.tcp_include[st] != 0 {
                marks.states[st] = true;
            } else {
                return Some((found, sel::EXCLF));
            }
        }
    }
    if o.net.selects(row.v6) {
        f |= sel::NET;
    }
    let (v6_addrs, local, remote) = endpoints(row);
    if o.selflags & sel::NA != 0 {
        let mut m = false;
        for ep in [&remote, &local].into_iter().flatten() {
            if let Some(i) = o.specs.matching(row.proto, v6_addrs, &ep.addr, ep.port) {
                marks.specs[i] = true;
                m = true;
            }
        }
        if m {
            f |= sel::NA;
        }
    }
    Some((found, f))
}

/// The endpoints as lsof prints and matches them (ent_inaddr): each only
/// when its address or port is set, and both as IPv4 when either is
/// v4-mapped. Returns (printed as IPv6, local, remote).
pub fn endpoints(row: &InetRow) -> (bool, Option<Endpoint>, Option<Endpoint>) {
    let local_set = row.local.iter().any(|&b| b != 0) || row.local_port != 0;
    let remote_set = row.remote.iter().any(|&b| b != 0) || row.remote_port != 0;
    let mut v6_addrs = row.v6;
    let (mut la, mut ra) = (row.local, row.remote);
    if row.v6 && ((remote_set && v4_mapped(&row.remote)) || (local_set && v4_mapped(&row.local))) {
        v6_addrs = false;
        // lsof takes the last 4 bytes of both addresses.
        let (l, r) = (la, ra);
        la = [0; 16];
        ra = [0; 16];
        la[..4].copy_from_slice(&l[12..]);
        ra[..4].copy_from_slice(&r[12..]);
    }
    let local = local_set.then_some(Endpoint {
        addr: la,
        port: row.local_port,
    });
    let remote = remote_set.then_some(Endpoint {
        addr: ra,
        port: row.remote_port,
    });
    (v6_addrs, local, remote)
}

/// A process's owner (the uid owning /proc/PID; on a snapshot, the
/// effective uid of its `status`) and its stat line; None for a process
/// that vanished, cannot be read, or is a zombie.
fn proc_info(root: &SysRoot, base: &[u8], pid: u32) -> Option<(u32, StatLine)> {
    let mut path = base.to_vec();
    path.push(b'/');
    push_decimal(&mut path, pid as u64);
    path.push(b'/');
    let pid_len = path.len();
    let meta = std::fs::metadata(OsStr::from_bytes(&path)).ok()?;
    let mut uid = meta.uid();
    let mut buf = Vec::new();
    if !root.is_live() {
        // A snapshot's folders do not keep their owners.
        path.extend_from_slice(b"status");
        if read_small(&path, &mut buf).is_ok()
            && let Some(u) = status_euid(&buf)
        {
            uid = u;
        }
        path.truncate(pid_len);
        buf.clear();
    }
    path.extend_from_slice(b"stat");
    read_small(&path, &mut buf).ok()?;
    let st = read_stat(&buf, pid as i32)?;
    (!st.zombie).then_some((uid, st))
}

/// The socket fds of each pid (None where the folder cannot be read), read
/// in parallel, and the tables `load` reads on this thread meanwhile. lsof
/// reads them when its walk meets the first socket fd (never, if none has
/// one). On a small walk so do we, after it; on a big one (several cores
/// walking) the load starts at once, as the first socket can come late in
/// pid order (a server's pid is high) and the load is the longer of the
/// two; a walk that found no socket then drops what was loaded, warnings
/// and all.
fn walk_fds_and_load<T>(
    base: &[u8],
    pids: &[u32],
    load: impl FnOnce() -> T,
) -> (Vec<Option<Vec<crate::core::owners::SocketFd>>>, Option<T>) {
    let has_socket = |fds: &Option<Vec<crate::core::owners::SocketFd>>| fds.as_ref().is_some_and(|v| !v.is_empty());
    let (all_fds, tables) = walk_socket_fds(base, pids, needs_sort(base), true, load);
    let all_fds: Vec<_> = all_fds.into_iter().map(|r| r.ok()).collect();
    let tables = tables.filter(|_| all_fds.iter().any(has_socket));
    (all_fds, tables)
}

/// `pos:` and `flags:` (octal, as the kernel writes it) of an fdinfo file.
fn fdinfo(data: &[u8]) -> (Option<u64>, Option<u64>) {
    let (mut pos, mut flags) = (None, None);
    for line in data.split(|&b| b == b'\n') {
        let mut f = fields(line, b"");
        match (f.next(), f.next()) {
            (Some(b"pos:"), Some(v)) => pos = strtoul(v, 0),
            (Some(b"flags:"), Some(v)) => flags = strtoul(v, 0),
            _ => {}
        }
    }
    (pos, flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_as_lsof_reads_them() {
        let s = read_stat(b"42 (my (odd) cmd) S 1 42 42 0", 42).unwrap();
        assert_eq!(s.cmd, b"my (odd) cmd");
        assert_eq!((s.ppid, s.pgid, s.zombie), (1, 42, false));
        assert!(read_stat(b"43 (x) S 1 2", 42).is_none());
        assert!(read_stat(b"42 (x) Z 1 2", 42).unwrap().zombie);
        let s = read_stat(b"42 (a\nb) S 7 8 9\n", 42).unwrap();
        assert_eq!(s.cmd, b"a\nb");
        assert!(read_stat(b"42 (unclosed", 42).is_none());
    }

    #[test]
    fn get_fields_splits_like_lsof() {
        let f: Vec<&[u8]> = fields(b"  0: 0100007F:1F90 x\n", b":").collect();
        assert_eq!(f, vec![&b"0"[..], b"0100007F", b"1F90", b"x"]);
        let f: Vec<&[u8]> = fields(b"a::b", b":").collect();
        assert_eq!(f, vec![&b"a"[..], b"", b"b"]);
    }

    #[test]
    fn kernel_rows_read_alike_on_both_paths() {
        let rows: [(&[u8], bool); 4] = [
            (b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21166 1 0000000000000000 100 0 0 10 0                     ", false),
            (b"12345: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000", false),
            (b"   1: 00000000000000000000000001000000:0016 00000000000000000000FFFF0100007F:D431 01 00000010:0000002A 02:000AFC4C 00000000  1000        0 98765 2 0000000000000000 20 4 30 10 -1", true),
            (b"   2: 0000000000000000FFFF00000100007F:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 4242 2 0000000000000000 0", true),
        ];
        for (line, v6) in rows {
            assert!(
                kernel_row_prefix(line, v6, Proto::Tcp).is_some(),
                "{}",
                String::from_utf8_lossy(line)
            );
            assert!(parse_inet_row(line, v6, Proto::Tcp).is_some());
            let (_, rest) = kernel_row_prefix(line, v6, Proto::Tcp).unwrap();
            assert!(
                kernel_row_inode(&line[rest..]).is_some(),
                "{}",
                String::from_utf8_lossy(line)
            );
            assert_eq!(
                parse_inet_row(line, v6, Proto::Tcp),
                parse_inet_row_fields(line, v6, Proto::Tcp)
            );
        }
        // Any damage: the fast path either declines or agrees with lsof's split.
        let bytes = b" :\t0Fg\0\n-x9";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..50_000 {
            let (base, v6) = rows[next(rows.len())];
            let mut line = base.to_vec();
            for _ in 0..1 + next(3) {
                let at = next(line.len());
                match next(3) {
                    0 => line[at] = bytes[next(bytes.len())],
                    1 => line.insert(at, bytes[next(bytes.len())]),
                    _ => {
                        line.remove(at);
                    }
                }
            }
            for proto in [Proto::Tcp, Proto::Udp] {
                assert_eq!(
                    parse_inet_row(&line, v6, proto),
                    parse_inet_row_fields(&line, v6, proto),
                    "{}",
                    String::from_utf8_lossy(&line)
                );
            }
        }
    }

    #[test]
    fn inet_rows() {
        let line = b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21166 1 0000000000000000 100 0 0 10 0";
        let (ino, r) = parse_inet_row(line, false, Proto::Tcp).unwrap();
        assert_eq!(ino, 21166);
        assert_eq!((r.local_port, r.state), (8080, 10));
        assert_eq!(&r.local[..4], &[127, 0, 0, 1]);
        assert!(parse_inet_row(b"   0: 0100007F:1F90", false, Proto::Tcp).is_none());
        assert_eq!(fdinfo(b"pos:\t0\nflags:\t02000002\n"), (Some(0), Some(0o2000002)));
    }
}
