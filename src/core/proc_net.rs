//! Zero-copy readers for the /proc/net socket tables.
//!
//! `LineReader` reads a file in large chunks into one reused buffer and hands
//! out each line as a slice of it; the parsers decode a line in place, hex by
//! hand, without allocating. They follow the `sscanf` formats net-tools uses,
//! field by field, and report how many fields they got: a malformed or
//! truncated line yields a short count (the caller decides, as the original
//! tool does, whether that is a bogus line), never a panic. Like `sscanf`,
//! they leave the fields they could not convert as they were: net-tools
//! then prints the previous row's values there, and so do we.

use crate::core::model::{InetSocket, IpAddr, UnixSocket};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

const CHUNK: usize = 256 * 1024;
/// `LineReader`'s first buffer.
const SMALL: usize = 16 * 1024;

/// Streams the lines of a file through one reused buffer.
pub struct LineReader {
    buf: Vec<u8>,
}

impl Default for LineReader {
    fn default() -> Self {
        Self::new()
    }
}

impl LineReader {
    pub fn new() -> Self {
        LineReader { buf: Vec::new() }
    }

    /// Opens `path` (errors are returned before any line is read, so callers
    /// can tell a missing table from an empty one) and calls `line` for every
    /// line without its `\n`; a last line without newline is passed too.
    pub fn read(&mut self, path: &Path, line: impl FnMut(&[u8])) -> io::Result<()> {
        let file = File::open(path)?;
        self.read_until(file, SeqEnd::for_path(path), line)
    }

    /// `read` of an open source (to its 0-byte end).
    pub fn read_from(&mut self, src: impl Read, line: impl FnMut(&[u8])) -> io::Result<()> {
        self.read_until(src, SeqEnd::untrusted(), line)
    }

    fn read_until(&mut self, mut src: impl Read, end_at: SeqEnd, mut line: impl FnMut(&[u8])) -> io::Result<()> {
        // Small to start: a /proc table comes a page per read() whatever
        // the room, so only a file that fills the room (a snapshot's) makes
        // it grow, up to CHUNK.
        if self.buf.len() < SMALL {
            self.buf.resize(SMALL, 0);
        }
        let mut filled = 0;
        loop {
            if filled == self.buf.len() {
                // A line longer than the buffer: grow it.
                let n = self.buf.len() * 2;
                self.buf.resize(n, 0);
            }
            let asked = self.buf.len() - filled;
            let n = match src.read(&mut self.buf[filled..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                break;
            }
            let ended = end_at.ended(n, asked);
            let end = filled + n;
            let mut start = 0;
            let mut scan_from = filled;
            while let Some(i) = memchr::memchr(b'\n', &self.buf[scan_from..end]) {
                let nl = scan_from + i;
                line(&self.buf[start..nl]);
                start = nl + 1;
                scan_from = start;
            }
            self.buf.copy_within(start..end, 0);
            filled = end - start;
            if ended {
                break;
            }
            if n == asked && self.buf.len() < CHUNK {
                let n = self.buf.len() * 2;
                self.buf.resize(n, 0);
            }
        }
        if filled > 0 {
            line(&self.buf[..filled]);
        }
        Ok(())
    }
}

/// The end of a live /proc/net socket table, seen without one more read().
/// Those tables are seq_files: each read() hands out at most a page (the
/// seq_file buffer), as many whole rows as fit, and stops short of that
/// only when the next row does not fit or the table has ended. That is the
/// kernel's seq_read contract, not a property of one table, and the
/// emulated /procs that serve these files (gVisor's) generate the whole
/// text and hand out as much as asked. Asking again at the end is not
/// free: the kernel does not remember that it got there and walks its
/// whole connection hash once more to find out (about a tenth of `netstat
/// -tan` at 120,000 sockets, and a third of it on an empty system, where
/// each table is one short read). So a read that leaves room for another
/// row ends the table. Files of a snapshot, and any other file, are read
/// to their 0-byte end.
struct SeqEnd {
    trusted: bool,
    page: usize,
}

impl SeqEnd {
    /// Room left for another row: no row of these tables comes near it.
    const ROW_ROOM: usize = 512;

    /// For a source that ends only at a 0-byte read.
    fn untrusted() -> SeqEnd {
        SeqEnd {
            trusted: false,
            ..SeqEnd::for_path(Path::new(""))
        }
    }

    fn for_path(path: &Path) -> SeqEnd {
        const TABLES: [&str; 9] = [
            "tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix",
        ];
        let trusted = path.parent() == Some(Path::new("/proc/net"))
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| TABLES.contains(&n));
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        SeqEnd {
            trusted,
            page: usize::try_from(page).unwrap_or(4096).max(4096),
        }
    }

    /// After a read() of `got` bytes into room for `asked`: the table ended.
    fn ended(&self, got: usize, asked: usize) -> bool {
        self.trusted && got > 0 && got + Self::ROW_ROOM <= self.page.min(asked)
    }
}

impl LineReader {
    /// `read`, with the file read on another thread while this one handles
    /// the lines: the kernel hands /proc text out a page per read() call and
    /// writes it as it goes, so on a big table its cost and ours overlap
    /// instead of adding up. Same lines, same errors, in the same order.
    pub fn read_overlapped(&mut self, path: &Path, mut line: impl FnMut(&[u8])) -> io::Result<()> {
        use std::sync::mpsc;
        let mut file = File::open(path)?;
        // Filled chunks (buffer, bytes used) go one way; emptied buffers come
        // back to be refilled; a read error ends the stream.
        let (full_tx, full_rx) = mpsc::sync_channel::<io::Result<(Vec<u8>, usize)>>(2);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        for _ in 0..3 {
            let _ = empty_tx.send(vec![0u8; CHUNK]);
        }
        std::thread::scope(|s| {
            s.spawn(move || {
                let end = SeqEnd::for_path(path);
                while let Ok(mut chunk) = empty_rx.recv() {
                    // Fill to near the end, a page per read().
                    let mut used = 0;
                    let res = loop {
                        if chunk.len() - used < 4096 {
                            break Ok(false);
                        }
                        let asked = chunk.len() - used;
                        match file.read(&mut chunk[used..]) {
                            Ok(0) => break Ok(true),
                            Ok(n) if end.ended(n, asked) => {
                                used += n;
                                break Ok(true);
                            }
                            Ok(n) => used += n,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                            Err(e) => break Err(e),
                        }
                    };
                    if used > 0 && full_tx.send(Ok((chunk, used))).is_err() {
                        return;
                    }
                    match res {
                        Ok(false) => {}
                        Ok(true) => return,
                        Err(e) => {
                            let _ = full_tx.send(Err(e));
                            return;
                        }
                    }
                }
            });
            // Owned here, so both ends close when the lines are done.
            let (full_rx, empty_tx) = (full_rx, empty_tx);
            // `self.buf` holds the start of a line cut by a chunk's end.
            let carry = &mut self.buf;
            carry.clear();
            for got in full_rx.iter() {
                let (chunk, used) = got?;
                let data = &chunk[..used];
                let mut start = 0;
                if !carry.is_empty() {
                    let Some(nl) = memchr::memchr(b'\n', data) else {
                        carry.extend_from_slice(data);
                        let _ = empty_tx.send(chunk);
                        continue;
                    };
                    carry.extend_from_slice(&data[..nl]);
                    line(carry);
                    carry.clear();
                    start = nl + 1;
                }
                let base = start;
                for nl in memchr::memchr_iter(b'\n', &data[base..]) {
                    line(&data[start..base + nl]);
                    start = base + nl + 1;
                }
                carry.extend_from_slice(&data[start..]);
                let _ = empty_tx.send(chunk);
            }
            if !carry.is_empty() {
                line(carry);
                carry.clear();
            }
            Ok(())
        })
    }
}

/// Whether this namespace holds many TCP sockets (/proc/net/sockstat's
/// TCP `alloc`, 4,096 or more): only then are its tables big enough for
/// reading them on threads of their own (starting one costs about as much
/// as reading a few hundred rows) to pay.
pub fn many_sockets(root: &crate::core::root::SysRoot) -> bool {
    let mut text = Vec::new();
    let path = root.path("/proc/net/sockstat");
    if crate::core::procinfo::read_small(path.as_os_str().as_encoded_bytes(), &mut text).is_err() {
        return false;
    }
    let alloc = text
        .split(|&b| b == b'\n')
        .find(|l| l.starts_with(b"TCP:"))
        .and_then(|l| {
            let mut w = l.split(|&b| b == b' ');
            while let Some(x) = w.next() {
                if x == b"alloc" {
                    return std::str::from_utf8(w.next()?).ok()?.parse::<u64>().ok();
                }
            }
            None
        });
    alloc.unwrap_or(0) >= 4096
}

/// Whole tables read ahead, in order, on a thread of their own while the
/// caller handles the ones before them. Every /proc/net/{tcp,tcp6} read
/// walks the kernel's whole connection hash (tcp6 as much as tcp, even
/// with no IPv6 socket at all), so on two cores the second walk costs
/// nothing; the tables come back byte for byte, with their open/read error.
pub struct ReadAhead {
    rx: Option<std::sync::mpsc::Receiver<(std::path::PathBuf, io::Result<Vec<u8>>)>>,
    /// Asked for and not yet taken.
    ahead: Vec<std::path::PathBuf>,
    got: Vec<(std::path::PathBuf, io::Result<Vec<u8>>)>,
}

impl ReadAhead {
    /// Nothing read ahead: every `take` answers None.
    pub fn none() -> Self {
        ReadAhead {
            rx: None,
            ahead: Vec::new(),
            got: Vec::new(),
        }
    }

    /// Starts reading `paths` (only where a second core can do it).
    pub fn start(paths: Vec<std::path::PathBuf>) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if paths.is_empty() || cores < 2 {
            return Self::none();
        }
        let ahead = paths.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        // Detached: a run that stops early (an error, a missing table)
        // leaves it to finish on its own; it only reads.
        let spawned = std::thread::Builder::new().spawn(move || {
            for path in paths {
                let data = read_whole(&path);
                if tx.send((path, data)).is_err() {
                    return;
                }
            }
        });
        match spawned {
            Ok(_) => ReadAhead {
                rx: Some(rx),
                ahead,
                got: Vec::new(),
            },
            Err(_) => Self::none(),
        }
    }

    /// The text of `path` if it was read ahead (waiting for it), else None.
    pub fn take(&mut self, path: &Path) -> Option<io::Result<Vec<u8>>> {
        let i = self.ahead.iter().position(|p| p == path)?;
        self.ahead.swap_remove(i);
        loop {
            if let Some(i) = self.got.iter().position(|(p, _)| p == path) {
                return Some(self.got.swap_remove(i).1);
            }
            let got = self.rx.as_ref()?.recv();
            match got {
                Ok(item) => self.got.push(item),
                Err(_) => {
                    self.rx = None;
                    return None;
                }
            }
        }
    }
}

/// A whole file in big reads (std::fs::read starts /proc files, whose size
/// reads as 0, with 32-byte reads).
pub fn read_whole(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let end = SeqEnd::for_path(path);
    let mut data = vec![0u8; CHUNK];
    let mut filled = 0;
    loop {
        if data.len() - filled < 4096 {
            // Grown in steps of at most 4 MiB: zeroing a doubled buffer
            // would touch (and count in the peak RSS) up to twice the text.
            let step = data.len().clamp(CHUNK, 4 << 20);
            data.resize(data.len() + step, 0);
        }
        let asked = data.len() - filled;
        match file.read(&mut data[filled..]) {
            Ok(0) => {
                data.truncate(filled);
                return Ok(data);
            }
            Ok(n) if end.ended(n, asked) => {
                data.truncate(filled + n);
                return Ok(data);
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A cursor with the conversions of C `sscanf` that the tables need.
struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

#[inline]
fn hex_val(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u32),
        b'a'..=b'f' => Some((b - b'a' + 10) as u32),
        b'A'..=b'F' => Some((b - b'A' + 10) as u32),
        _ => None,
    }
}

impl<'a> Scan<'a> {
    fn new(s: &'a [u8]) -> Self {
        Scan { s, i: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if !is_space(b) {
                break;
            }
            self.i += 1;
        }
    }

    /// A literal character of the format (no whitespace skipping).
    fn lit(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Optional sign; returns true when negative.
    fn sign(&mut self) -> bool {
        match self.peek() {
            Some(b'-') => {
                self.i += 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                false
            }
            _ => false,
        }
    }

    /// `%d` / `%ld` / `%lu`: decimal, saturating like strtol/strtoul.
    fn dec(&mut self) -> Option<i64> {
        self.skip_ws();
        let neg = self.sign();
        let start = self.i;
        let mut v: u64 = 0;
        let mut over = false;
        while let Some(b) = self.peek() {
            if !b.is_ascii_digit() {
                break;
            }
            match v.checked_mul(10).and_then(|x| x.checked_add((b - b'0') as u64)) {
                Some(x) => v = x,
                None => over = true,
            }
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        if over {
            v = u64::MAX;
        }
        Some(if neg { (v as i64).wrapping_neg() } else { v as i64 })
    }

    /// `%X` / `%lX` / `%p`: hex with optional sign and `0x`, saturating.
    fn hex(&mut self) -> Option<u64> {
        self.skip_ws();
        let neg = self.sign();
        if self.peek() == Some(b'0')
            && matches!(self.s.get(self.i + 1), Some(b'x' | b'X'))
            && self.s.get(self.i + 2).and_then(|&b| hex_val(b)).is_some()
        {
            self.i += 2;
        }
        let start = self.i;
        let mut v: u64 = 0;
        let mut over = false;
        while let Some(d) = self.peek().and_then(hex_val) {
            if v >> 60 != 0 {
                over = true;
            }
            v = (v << 4) | d as u64;
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        if over {
            v = u64::MAX;
        }
        Some(if neg { v.wrapping_neg() } else { v })
    }

    /// `%64[0-9A-Fa-f]`: one to `max` hex digits, no whitespace skipping.
    fn hex_run(&mut self, max: usize) -> Option<&'a [u8]> {
        let start = self.i;
        while self.i - start < max && self.peek().and_then(hex_val).is_some() {
            self.i += 1;
        }
        if self.i == start {
            None
        } else {
            Some(&self.s[start..self.i])
        }
    }

    /// `%s`: a run of non-space bytes.
    fn word(&mut self) -> Option<&'a [u8]> {
        self.skip_ws();
        let start = self.i;
        while let Some(b) = self.peek() {
            if is_space(b) {
                break;
            }
            self.i += 1;
        }
        if self.i == start {
            None
        } else {
            Some(&self.s[start..self.i])
        }
    }
}

/// Reads up to 8 hex digits as one 32-bit word (`%08X`), from `s[*i..]`.
fn hex_word(s: &[u8], i: &mut usize) -> Option<u32> {
    let start = *i;
    let mut v: u32 = 0;
    while *i < s.len() && *i - start < 8 {
        match hex_val(s[*i]) {
            Some(d) => v = (v << 4) | d,
            None => break,
        }
        *i += 1;
    }
    if *i == start { None } else { Some(v) }
}

/// Decodes an address column: up to 8 hex digits is IPv4 (one host-order
/// word), longer is IPv6 (four host-order words), as net-tools decides by
/// the local address's length. Missing words decode as zero.
pub fn decode_addr(hex: &[u8], v6: bool) -> IpAddr {
    if v6 {
        let mut bytes = [0u8; 16];
        let mut i = 0;
        for w in 0..4 {
            match hex_word(hex, &mut i) {
                Some(v) => bytes[w * 4..w * 4 + 4].copy_from_slice(&v.to_ne_bytes()),
                None => break,
            }
        }
        IpAddr::v6(bytes)
    } else {
        // `%X` into a 32-bit word: excess digits keep the low 32 bits.
        let mut v: u32 = 0;
        for &b in hex {
            match hex_val(b) {
                Some(d) => v = (v << 4) | d,
                None => break,
            }
        }
        IpAddr::v4(v.to_ne_bytes())
    }
}

/// Parses one line of /proc/net/{tcp,udp,udplite,raw}{,6} into `s`
/// following `"%d: %64[0-9A-Fa-f]:%X %64[0-9A-Fa-f]:%X %X %lX:%lX %X:%lX %lX %d %d %lu"`.
/// Returns the number of fields converted (14 for a whole line); the fields
/// after those keep the values `s` had.
pub fn parse_inet_line(line: &[u8], s: &mut InetSocket) -> u8 {
    let mut sc = Scan::new(line);
    let mut n = 0u8;
    macro_rules! field {
        ($e:expr) => {
            match $e {
                Some(v) => {
                    n += 1;
                    v
                }
                None => return n,
            }
        };
    }
    macro_rules! lit {
        ($c:expr) => {
            if !sc.lit($c) {
                return n;
            }
        };
    }
    field!(sc.dec());
    lit!(b':');
    sc.skip_ws();
    let local_hex = field!(sc.hex_run(64));
    // The family follows the local address's length (net-tools decides so);
    // an unconverted remote address decodes as the family's zero address.
    let v6 = local_hex.len() > 8;
    s.local = decode_addr(local_hex, v6);
    s.remote = decode_addr(b"", v6);
    lit!(b':');
    s.local_port = field!(sc.hex()) as u32;
    sc.skip_ws();
    s.remote = decode_addr(field!(sc.hex_run(64)), v6);
    lit!(b':');
    s.remote_port = field!(sc.hex()) as u32;
    s.state = field!(sc.hex()) as u32;
    s.tx_queue = field!(sc.hex());
    lit!(b':');
    s.rx_queue = field!(sc.hex());
    s.timer = field!(sc.hex()) as u32;
    lit!(b':');
    s.timer_when = field!(sc.hex());
    s.retransmits = field!(sc.hex());
    s.uid = field!(sc.dec()) as i32 as i64;
    s.timeout = field!(sc.dec()) as i32 as i64;
    s.inode = field!(sc.dec()) as u64;
    n
}

/// Parses one line of /proc/net/unix following
/// `"%p: %lX %lX %lX %X %X %lu %s"`: the path is the first word after the
/// inode (net-tools cuts it at whitespace) and empty when absent. Returns
/// the field count (8 with a path, 7 without) and the socket; numbers not
/// converted keep `prev`'s values.
pub fn parse_unix_line<'a>(line: &'a [u8], prev: &UnixSocket<'_>) -> (u8, UnixSocket<'a>) {
    let mut u = UnixSocket { path: b"", ..*prev };
    let mut sc = Scan::new(line);
    let mut n = 0u8;
    macro_rules! field {
        ($e:expr) => {
            match $e {
                Some(v) => {
                    n += 1;
                    v
                }
                None => return (n, u),
            }
        };
    }
    field!(sc.hex());
    if !sc.lit(b':') {
        return (n, u);
    }
    u.refcnt = field!(sc.hex());
    u.protocol = field!(sc.hex());
    u.flags = field!(sc.hex());
    u.sock_type = field!(sc.hex()) as u32;
    u.state = field!(sc.hex()) as u32;
    u.inode = field!(sc.dec()) as u64;
    u.path = field!(sc.word());
    (n, u)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP4: &[u8] = b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0";
    const TCP6: &[u8] = b"   1: 00000000000000000000000001000000:0016 0000000000000000FFFF00000100007F:C350 01 00000010:00000020 02:00001234 00000003  65534        0 99 1 0000000000000000 20 4 30 10 -1";

    #[test]
    fn tcp4_line() {
        let mut s = InetSocket::default();
        let n = parse_inet_line(TCP4, &mut s);
        assert_eq!(n, 14);
        assert_eq!(s.local, IpAddr::v4([127, 0, 0, 1]));
        assert_eq!(s.local_port, 8080);
        assert!(s.remote.is_unspecified());
        assert_eq!(s.state, 10);
        assert_eq!((s.tx_queue, s.rx_queue), (0, 3));
        assert_eq!(s.inode, 4242);
    }

    #[test]
    fn tcp6_line() {
        let mut s = InetSocket::default();
        let n = parse_inet_line(TCP6, &mut s);
        assert_eq!(n, 14);
        let mut lo = [0u8; 16];
        lo[15] = 1;
        assert_eq!(s.local, IpAddr::v6(lo));
        assert!(s.remote.is_v4_mapped());
        assert_eq!(&s.remote.bytes[12..], &[127, 0, 0, 1]);
        assert_eq!(s.remote_port, 50000);
        assert_eq!((s.timer, s.timer_when, s.retransmits), (2, 0x1234, 3));
        assert_eq!((s.uid, s.timeout, s.inode), (65534, 0, 99));
    }

    #[test]
    fn malformed_inet_lines_give_short_counts() {
        let cases: &[(&[u8], u8)] = &[
            (b"", 0),
            (b"  sl  local_address rem_address   st tx_queue", 0),
            (b"   0:", 1),
            (b"   0: 0100007F", 2),
            (b"   0: 0100007F:1F90 00000000:0000 0A", 6),
            (
                b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000",
                11,
            ),
            (b"   0: ZZZZ:1F90", 1),
            (b"\xff\x00\n garbage", 0),
        ];
        for (line, want) in cases {
            let n = parse_inet_line(line, &mut InetSocket::default());
            assert_eq!(n, *want, "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn unconverted_fields_keep_the_previous_rows_values() {
        let mut s = InetSocket::default();
        parse_inet_line(TCP6, &mut s);
        let n = parse_inet_line(
            b"   2: 0100007F:0050 0100007F:1234 01 00000000:00000000 00:00000000 00000000",
            &mut s,
        );
        assert_eq!(n, 11);
        assert_eq!(s.local, IpAddr::v4([127, 0, 0, 1]));
        assert_eq!((s.uid, s.inode), (65534, 99));
        let (_, prev) = parse_unix_line(b"0: 2 0 0 1 1 6303 @", &UnixSocket::default());
        let (n, u) = parse_unix_line(b"0: 2 0 0 1 3", &prev);
        assert_eq!((n, u.inode, u.state, u.path), (6, 6303, 3, &b""[..]));
    }

    #[test]
    fn overlapped_reads_give_the_same_lines() {
        let dir = std::env::temp_dir().join(format!("sockbox-overlap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"one line, no newline".to_vec(),
            b"a\n\nb\n".to_vec(),
            // Many lines crossing chunk ends, one longer than a chunk, and
            // a last line without its newline.
            {
                let mut v = Vec::new();
                for i in 0..40_000 {
                    v.extend_from_slice(format!("{i:>6}: some row text {}\n", "x".repeat(i % 97)).as_bytes());
                }
                v.extend(std::iter::repeat_n(b'L', CHUNK * 2 + 17));
                v.extend_from_slice(b"\ntail");
                v
            },
        ];
        for (k, data) in cases.iter().enumerate() {
            let path = dir.join(format!("t{k}"));
            std::fs::write(&path, data).unwrap();
            let (mut want, mut got) = (Vec::new(), Vec::new());
            LineReader::new().read(&path, |l| want.push(l.to_vec())).unwrap();
            LineReader::new()
                .read_overlapped(&path, |l| got.push(l.to_vec()))
                .unwrap();
            assert_eq!(want, got, "case {k}");
        }
        assert!(LineReader::new().read_overlapped(&dir.join("missing"), |_| {}).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_ahead_gives_each_asked_table_once_in_any_order() {
        let dir = std::env::temp_dir().join(format!("sockbox-ahead-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big: Vec<u8> = (0..100_000u32).flat_map(|i| format!("{i}\n").into_bytes()).collect();
        std::fs::write(dir.join("a"), b"first\n").unwrap();
        std::fs::write(dir.join("b"), &big).unwrap();
        let mut ahead = ReadAhead::start(vec![dir.join("a"), dir.join("missing"), dir.join("b")]);
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert_eq!(ahead.take(&dir.join("b")).unwrap().unwrap(), big);
            let missing = ahead.take(&dir.join("missing")).unwrap().unwrap_err();
            assert_eq!(missing.kind(), io::ErrorKind::NotFound);
            assert_eq!(ahead.take(&dir.join("a")).unwrap().unwrap(), b"first\n");
            // Taken once; never asked for: read as usual.
            assert!(ahead.take(&dir.join("a")).is_none());
        }
        assert!(ahead.take(&dir.join("other")).is_none());
        assert!(ReadAhead::none().take(&dir.join("a")).is_none());
        assert_eq!(read_whole(&dir.join("b")).unwrap(), big);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_short_read_ends_only_a_live_socket_table() {
        let end = SeqEnd::for_path(Path::new("/proc/net/tcp"));
        let page = end.page;
        // Full: 27 rows of 150 (another might not have fit); go on.
        assert!(!end.ended(page - 46, 256 * 1024));
        assert!(end.ended(2850, 256 * 1024));
        // An empty table's header ends it.
        assert!(SeqEnd::for_path(Path::new("/proc/net/tcp6")).ended(150, 256 * 1024));
        // Room asked for bounds what "full" is.
        let end = SeqEnd::for_path(Path::new("/proc/net/unix"));
        assert!(!end.ended(4000, 4096));
        assert!(end.ended(100, 4096));
        assert!(!end.ended(0, 4096));
        // Snapshots and other files: only a 0-byte read ends them.
        for other in ["/snap/proc/net/tcp", "/proc/net/route", "/proc/net/tcp/x", "tcp"] {
            let end = SeqEnd::for_path(Path::new(other));
            assert!(!end.ended(page, 256 * 1024) && !end.ended(10, 256 * 1024), "{other}");
        }
        assert!(!SeqEnd::untrusted().ended(10, 256 * 1024));
    }

    #[test]
    fn overlong_values_saturate_instead_of_panicking() {
        let line = b"0: FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:FFFFFFFFFFFFFFFFFFFF 1:1 1 FFFFFFFFFFFFFFFFFFFFFF:1 0:0 0 99999999999999999999999 -5 184467440737095516160";
        let mut s = InetSocket::default();
        let n = parse_inet_line(line, &mut s);
        assert_eq!(n, 2); // 64 hex digits taken, then no ':' follows
        assert!(s.local.v6);
    }

    #[test]
    fn unix_lines() {
        let (n, u) = parse_unix_line(
            b"0000000000000000: 00000002 00000000 00010000 0001 01 12345 /run/a b.sock",
            &UnixSocket::default(),
        );
        assert_eq!(n, 8);
        assert_eq!(
            (u.refcnt, u.flags, u.sock_type, u.state, u.inode),
            (2, 0x10000, 1, 1, 12345)
        );
        assert_eq!(u.path, b"/run/a");
        let (n, u) = parse_unix_line(
            b"0000000000000000: 00000003 00000000 00000000 0001 03 777",
            &UnixSocket::default(),
        );
        assert_eq!(n, 7);
        assert_eq!(u.path, b"");
        assert_eq!(
            parse_unix_line(
                b"Num       RefCount Protocol Flags    Type St Inode Path",
                &UnixSocket::default()
            )
            .0,
            0
        );
        assert_eq!(parse_unix_line(b"0000: 2 0 0 1", &UnixSocket::default()).0, 5);
    }

    #[test]
    fn reader_hands_out_every_line_once() {
        let mut text = Vec::new();
        for i in 0..100_000 {
            text.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        text.extend_from_slice(b"no newline at end");
        let mut r = LineReader::new();
        let mut count = 0;
        let mut last = Vec::new();
        r.read_from(&text[..], |l| {
            count += 1;
            last = l.to_vec();
        })
        .unwrap();
        assert_eq!(count, 100_001);
        assert_eq!(last, b"no newline at end");
    }

    #[test]
    fn reader_grows_for_lines_longer_than_its_buffer() {
        let mut text = vec![b'x'; CHUNK * 3];
        text.push(b'\n');
        text.extend_from_slice(b"short\n");
        let mut lens = Vec::new();
        LineReader::new().read_from(&text[..], |l| lens.push(l.len())).unwrap();
        assert_eq!(lens, vec![CHUNK * 3, 5]);
    }
}
