//! `ss -s`: the socket summary from /proc/net/sockstat, sockstat6 and the
//! `Tcp: CurrEstab` counter of /proc/net/snmp, printed as 6.1 prints it.

use crate::core::root::SysRoot;
use crate::core::sys;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Summary {
    socks: i64,
    tcp_total: i64,
    tcp_orphans: i64,
    tcp_tws: i64,
    tcp4_hashed: i64,
    udp4: i64,
    raw4: i64,
    frag4: i64,
    tcp6_hashed: i64,
    udp6: i64,
    raw6: i64,
    frag6: i64,
}

fn file(root: &SysRoot, env: &str, proc_root: &Path, rel: &str) -> PathBuf {
    super::env_path(root, env).unwrap_or_else(|| proc_root.join(rel))
}

/// The `n`-th number after the label (sscanf "%*s%d" chains).
fn nth_value(rest: &[u8], n: usize) -> Option<i64> {
    let mut words = rest.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
    for _ in 0..n {
        words.next()?;
        words.next()?;
    }
    words.next()?;
    let w = words.next()?;
    let (neg, d) = match w.first() {
        Some(b'-') => (true, &w[1..]),
        _ => (false, w),
    };
    let digits: Vec<u8> = d.iter().take_while(|b| b.is_ascii_digit()).copied().collect();
    if digits.is_empty() {
        return None;
    }
    let v: i64 = std::str::from_utf8(&digits).ok()?.parse::<i64>().ok()? as i32 as i64;
    Some(if neg { -v } else { v })
}

impl Summary {
    fn line(&mut self, line: &[u8]) {
        let Some(sp) = memchr::memchr(b' ', line) else { return };
        let (id, rest) = (&line[..sp], &line[sp + 1..]);
        if rest.is_empty() {
            return;
        }
        let set = |slot: &mut i64, n: usize| {
            if let Some(v) = nth_value(rest, n) {
                *slot = v;
            }
        };
        match id {
            b"sockets:" => set(&mut self.socks, 0),
            b"UDP:" => set(&mut self.udp4, 0),
            b"UDP6:" => set(&mut self.udp6, 0),
            b"RAW:" => set(&mut self.raw4, 0),
            b"RAW6:" => set(&mut self.raw6, 0),
            b"TCP6:" => set(&mut self.tcp6_hashed, 0),
            b"FRAG:" => set(&mut self.frag4, 0),
            b"FRAG6:" => set(&mut self.frag6, 0),
            b"TCP:" => {
                set(&mut self.tcp4_hashed, 0);
                set(&mut self.tcp_orphans, 1);
                set(&mut self.tcp_tws, 2);
                set(&mut self.tcp_total, 3);
            }
            _ => {}
        }
    }
}

/// get_snmp_int(): the value under `key` in the `proto` lines of snmp.
fn snmp_int(path: &Path, proto: &[u8], key: &[u8]) -> Result<i64, i32> {
    let text = std::fs::read(path).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
    let mut lines = text.split(|&b| b == b'\n');
    while let Some(header) = lines.next() {
        if !header.starts_with(proto) {
            continue;
        }
        let mut pos = 0;
        let mut i = 0;
        while let Some(s) = memchr::memchr(b' ', &header[i..]) {
            pos += 1;
            i += s + 1;
            let rest = &header[i..];
            if rest.starts_with(key) && matches!(rest.get(key.len()), Some(b' ') | None) {
                break;
            }
        }
        let Some(values) = lines.next() else { break };
        if !values.starts_with(proto) {
            break;
        }
        let mut i = 0;
        while let Some(s) = memchr::memchr(b' ', &values[i..]) {
            i += s + 1;
            pos -= 1;
            if pos == 0 {
                let v = &values[i..];
                let end = v
                    .iter()
                    .position(|b| !(b.is_ascii_digit() || *b == b'-'))
                    .unwrap_or(v.len());
                return Ok(std::str::from_utf8(&v[..end])
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                    .unwrap_or(0));
            }
        }
    }
    Err(libc::ESRCH)
}

pub fn print(root: &SysRoot, proc_root: &Path, out: &mut dyn Write, err: &mut dyn Write) {
    let mut s = Summary::default();
    match std::fs::read(file(root, "PROC_NET_SOCKSTAT", proc_root, "net/sockstat")) {
        Ok(text) => {
            for l in text.split(|&b| b == b'\n') {
                s.line(l);
            }
            if let Ok(text) = std::fs::read(file(root, "PROC_NET_SOCKSTAT6", proc_root, "net/sockstat6")) {
                for l in text.split(|&b| b == b'\n') {
                    s.line(l);
                }
            }
        }
        Err(e) => perror(err, "ss: get_sockstat", e.raw_os_error().unwrap_or(0)),
    }
    let estab = match snmp_int(
        &file(root, "PROC_NET_SNMP", proc_root, "net/snmp"),
        b"Tcp:",
        b"CurrEstab",
    ) {
        Ok(v) => v,
        Err(errno) => {
            perror(err, "ss: get_snmpstat", errno);
            0
        }
    };
    let t = format!(
        "Total: {}\nTCP:   {} (estab {}, closed {}, orphaned {}, timewait {})\n\nTransport Total     IP        IPv6\n\
         RAW\t  {:<9} {:<9} {:<9}\nUDP\t  {:<9} {:<9} {:<9}\nTCP\t  {:<9} {:<9} {:<9}\nINET\t  {:<9} {:<9} {:<9}\n\
         FRAG\t  {:<9} {:<9} {:<9}\n\n",
        s.socks,
        s.tcp_total + s.tcp_tws,
        estab,
        s.tcp_total - (s.tcp4_hashed + s.tcp6_hashed - s.tcp_tws),
        s.tcp_orphans,
        s.tcp_tws,
        s.raw4 + s.raw6,
        s.raw4,
        s.raw6,
        s.udp4 + s.udp6,
        s.udp4,
        s.udp6,
        s.tcp4_hashed + s.tcp6_hashed,
        s.tcp4_hashed,
        s.tcp6_hashed,
        s.raw4 + s.udp4 + s.tcp4_hashed + s.raw6 + s.udp6 + s.tcp6_hashed,
        s.raw4 + s.udp4 + s.tcp4_hashed,
        s.raw6 + s.udp6 + s.tcp6_hashed,
        s.frag4 + s.frag6,
        s.frag4,
        s.frag6,
    );
    let _ = out.write_all(t.as_bytes());
    let _ = out.flush();
}

fn perror(err: &mut dyn Write, what: &str, errno: i32) {
    let mut m = what.as_bytes().to_vec();
    m.extend_from_slice(b": ");
    m.extend_from_slice(&sys::strerror(errno));
    m.push(b'\n');
    let _ = err.write_all(&m);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockstat_lines() {
        let mut s = Summary::default();
        s.line(b"sockets: used 27");
        s.line(b"TCP: inuse 5 orphan 1 tw 2 alloc 7 mem 1");
        s.line(b"FRAG: inuse 3 memory 0");
        s.line(b"TCP6: inuse 4");
        s.line(b"garbage");
        assert_eq!(
            (s.socks, s.tcp4_hashed, s.tcp_orphans, s.tcp_tws, s.tcp_total),
            (27, 5, 1, 2, 7)
        );
        assert_eq!((s.frag4, s.tcp6_hashed), (3, 4));
    }
}
