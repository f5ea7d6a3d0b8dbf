//! `netstat -r`: the kernel routing tables, as net-tools 2.10's route_info()
//! prints them: /proc/net/route (IPv4 FIB, `-e` layouts, `-C` cache) and
//! /proc/net/ipv6_route, once per family named by -4/-6/-A (default inet),
//! with net-tools' host/network naming and its errors for other families.

use super::options::Options;
use crate::core::names::hosts::{Hosts, format_v6, parse_v6};
use crate::core::root::SysRoot;
use crate::core::sys::strerror;
use std::collections::HashMap;
use std::io::Write;

const RTF_UP: u32 = 0x0001;
const RTF_GATEWAY: u32 = 0x0002;
const RTF_HOST: u32 = 0x0004;
const RTF_REINSTATE: u32 = 0x0008;
const RTF_DYNAMIC: u32 = 0x0010;
const RTF_MODIFIED: u32 = 0x0020;
const RTF_MTU: u32 = 0x0040;
const RTF_WINDOW: u32 = 0x0080;
const RTF_IRTT: u32 = 0x0100;
const RTF_REJECT: u32 = 0x0200;
const RTF_DEFAULT: u32 = 0x0001_0000;
const RTF_ALLONLINK: u32 = 0x0002_0000;
const RTF_ADDRCONF: u32 = 0x0004_0000;
const RTF_NONEXTHOP: u32 = 0x0020_0000;
const RTF_EXPIRES: u32 = 0x0040_0000;
const RTF_CACHE: u32 = 0x0100_0000;
const RTF_FLOW: u32 = 0x0200_0000;
const RTF_POLICY: u32 = 0x0400_0000;
const RTF_LOCAL: u32 = 0x8000_0000;
const RTF_NOTCACHED: u32 = 0x0400;

/// net-tools' E_OPTERR.
const E_OPTERR: i32 = 3;

pub struct Routes<'a, W: Write, E: Write> {
    opts: &'a Options,
    root: &'a SysRoot,
    out: W,
    err: E,
    hosts: Option<Hosts>,
    /// INET_rresolve's cache: (address, looked up as a host) → text.
    names: HashMap<([u8; 4], bool), Vec<u8>>,
}

impl<'a, W: Write, E: Write> Routes<'a, W, E> {
    pub fn new(opts: &'a Options, root: &'a SysRoot, out: W, err: E) -> Self {
        Routes {
            opts,
            root,
            out,
            err,
            hosts: None,
            names: HashMap::new(),
        }
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
        let _ = self.err.flush();
    }

    /// route_info(): every named family in order; the first failure ends it.
    pub fn round(&mut self) -> i32 {
        let afname = if self.opts.afname.is_empty() {
            b"inet".to_vec()
        } else {
            self.opts.afname.clone()
        };
        // netstat swaps -e's meaning for routes: none → 2, -e → 1, -ee → 3.
        let flag_exp = self.opts.extend + 1;
        let flag_exp = match flag_exp {
            1 => 2,
            2 => 1,
            n => n,
        };
        let ext = flag_exp & 3;
        let numeric = self.opts.numeric_hosts || self.opts.symbolic;
        let (fib, cache) = if self.opts.cache || self.opts.fib {
            (self.opts.fib, self.opts.cache)
        } else {
            (true, false)
        };
        for fam in afname.split(|&b| b == b',') {
            if fam.is_empty() {
                continue;
            }
            let rc = match fam {
                b"inet" => {
                    let mut rc = 2; // E_INTERN when neither table is asked
                    if fib {
                        rc = self.fib4(ext, numeric);
                        if rc != 0 {
                            return rc;
                        }
                    }
                    if cache {
                        rc = self.cache4(ext);
                    }
                    rc
                }
                b"inet6" => {
                    let mut rc = 2;
                    if fib {
                        rc = self.fib6(numeric, false);
                        if rc != 0 {
                            return rc;
                        }
                    }
                    if cache {
                        // No /proc/net/ndisc on Linux ≥ 2.6: the FIB's cache rows.
                        rc = self.fib6(numeric, true);
                    }
                    rc
                }
                b"ax25" => self.exotic(
                    &["/proc/net/ax25_route"],
                    b"AX.25 not configured in this system.\n",
                    true,
                ),
                b"netrom" => {
                    let _ = self.err.write_all(
                        b"/proc/net/nr_nodes: No such file or directory\n/proc/net/nr_neigh: Invalid argument\n",
                    );
                    self.exotic(
                        &["/proc/net/nr_nodes"],
                        b"NET/ROM not configured in this system.\n",
                        true,
                    )
                }
                b"rose" => self.exotic(
                    &["/proc/net/rose_nodes"],
                    b"ROSE not configured in this system.\n",
                    false,
                ),
                b"ipx" => {
                    let _ = self.err.write_all(b"No such file or directory\n");
                    self.exotic(
                        &["/proc/net/ipx/route", "/proc/net/ipx_route"],
                        b"IPX routing not in file /proc/net/ipx/route or /proc/net/ipx_route found.\n",
                        true,
                    )
                }
                b"ddp" => {
                    let _ = self
                        .err
                        .write_all(b"Error opening /proc/net/atalk_route: No such file or directory\n");
                    self.exotic(
                        &["/proc/net/atalk_route"],
                        b"DDP (AppleTalk) not configured on this system.\n",
                        false,
                    )
                }
                b"x25" => self.exotic(
                    &["/proc/net/x25/route", "/proc/net/x25_routes"],
                    b"X.25 not configured in this system.\n",
                    true,
                ),
                b"bluetooth" => {
                    let _ = self.err.write_all(b"Address family `bluetooth' not supported.\n");
                    return E_OPTERR;
                }
                other => {
                    let mut m = b"No routing for address family `".to_vec();
                    m.extend_from_slice(other);
                    m.extend_from_slice(b"'.\n");
                    let _ = self.err.write_all(&m);
                    return E_OPTERR;
                }
            };
            if rc != 0 {
                return rc;
            }
        }
        0
    }

    /// The routing tables of families this kernel does not have. Their
    /// files never exist here (COMPAT.md N3); the messages are net-tools'.
    fn exotic(&mut self, paths: &[&str], msg: &[u8], to_stdout: bool) -> i32 {
        if paths.iter().any(|p| self.root.path(p).exists()) {
            let _ = self
                .err
                .write_all(b"sockbox: netstat -r: this family's routing table is not supported\n");
            return 1;
        }
        if paths[0] == "/proc/net/ax25_route" {
            let _ = self.err.write_all(b"/proc/net/ax25_route: No such file or directory\n");
        } else if paths[0] == "/proc/net/rose_nodes" {
            let _ = self.err.write_all(b"/proc/net/rose_nodes: No such file or directory\n");
        }
        if to_stdout {
            let _ = self.out.write_all(msg);
        } else {
            let _ = self.err.write_all(msg);
        }
        1
    }

    fn missing(&mut self, path: &str, e: &std::io::Error, family: &[u8]) -> i32 {
        let _ = self.flush_out();
        let _ = writeln!(
            self.err,
            "{path}: {}",
            String::from_utf8_lossy(&strerror(e.raw_os_error().unwrap_or(0)))
        );
        let _ = self.out.write_all(family);
        1
    }

    fn flush_out(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// rprint_fib(): /proc/net/route.
    fn fib4(&mut self, ext: u32, numeric: bool) -> i32 {
        let path = self.root.path("/proc/net/route");
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => return self.missing("/proc/net/route", &e, b"INET (IPv4) not configured in this system.\n"),
        };
        let mut o = Vec::new();
        o.extend_from_slice(b"Kernel IP routing table\n");
        match ext {
            1 => {
                o.extend_from_slice(b"Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n")
            }
            2 => {
                o.extend_from_slice(b"Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n")
            }
            3 => o.extend_from_slice(
                b"Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   Window irtt\n",
            ),
            _ => {}
        }
        let mut lines = data.split(|&b| b == b'\n');
        let header: Vec<&[u8]> = lines
            .next()
            .unwrap_or_default()
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        let col = |name: &[u8]| header.iter().position(|h| *h == name);
        let cols = [
            col(b"Iface"),
            col(b"Destination"),
            col(b"Gateway"),
            col(b"Flags"),
            col(b"RefCnt"),
            col(b"Use"),
            col(b"Metric"),
            col(b"Mask"),
            col(b"MTU"),
            col(b"Window"),
            col(b"IRTT"),
        ];
        // Values persist across rows where a line is short, as sscanf leaves them.
        let (mut mss, mut window, mut irtt) = (0i32, 0i32, 0i32);
        for line in lines {
            let words: Vec<&[u8]> = line
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .collect();
            let get = |i: usize| cols[i].and_then(|c| words.get(c).copied());
            // sscanf stops at the first field that does not convert.
            let mut num = 0;
            for i in 0..11 {
                match get(i) {
                    Some(w) if i == 3 && hex_u32(w).is_none() => break,
                    Some(w) if matches!(i, 4..=6 | 8..=10) && dec_i32(w).is_none() => break,
                    Some(_) => num += 1,
                    None => break,
                }
            }
            if num < 10 {
                continue;
            }
            let iflags = hex_u32(get(3).unwrap()).unwrap();
            if iflags & RTF_UP == 0 {
                continue;
            }
            let iface = &get(0).unwrap()[..get(0).unwrap().len().min(15)];
            let dest = v4_hex(get(1).unwrap());
            let gw = v4_hex(get(2).unwrap());
            let mask = v4_hex(get(7).unwrap());
            let refcnt = dec_i32(get(4).unwrap()).unwrap();
            let use_ = dec_i32(get(5).unwrap()).unwrap();
            let metric = dec_i32(get(6).unwrap()).unwrap();
            mss = dec_i32(get(8).unwrap()).unwrap_or(mss);
            window = dec_i32(get(9).unwrap()).unwrap_or(window);
            if let Some(v) = get(10).and_then(dec_i32) {
                irtt = v;
            }
            let mut dest_text = self.rresolve(dest, numeric, true, iflags & RTF_HOST != 0, u32::from_le_bytes(mask));
            dest_text.truncate(15);
            let mut gw_text = self.rresolve(gw, numeric, false, true, 0xffff_ff00);
            gw_text.truncate(15);
            let mut mask_text = dotted(mask);
            mask_text.truncate(15);
            let (d, g, m, f) = (&dest_text[..], &gw_text[..], &mask_text[..], &v4_flags(iflags)[..]);
            let reject = iflags & RTF_REJECT != 0;
            // printf's %-15s and friends count bytes: the row is built from
            // bytes, so names pass through unchanged (or escaped on a terminal).
            if (1..=3).contains(&ext) {
                lpad(&mut o, d, 15);
                o.push(b' ');
                if reject {
                    o.extend_from_slice(b"-              ");
                } else {
                    lpad(&mut o, g, 15);
                }
                o.push(b' ');
                lpad(&mut o, m, 15);
                o.push(b' ');
                lpad(&mut o, f, 5);
                o.push(b' ');
            }
            match (ext, reject) {
                (1 | 3, true) => {
                    lpad(&mut o, &dec(metric), 6);
                    o.extend_from_slice(b" -  ");
                    rpad(&mut o, &dec(use_), 7);
                    o.extend_from_slice(if ext == 1 {
                        b" -\n"
                    } else {
                        b" -        -     -      -\n"
                    });
                }
                (1, false) => {
                    lpad(&mut o, &dec(metric), 6);
                    o.push(b' ');
                    lpad(&mut o, &dec(refcnt), 2);
                    o.push(b' ');
                    rpad(&mut o, &dec(use_), 7);
                    o.push(b' ');
                    crate::core::escape::screen(iface, &mut o);
                    o.push(b'\n');
                }
                (2, true) => o.extend_from_slice(b"    - -          - -\n"),
                (2, false) => {
                    rpad(&mut o, &dec(mss), 5);
                    o.push(b' ');
                    lpad(&mut o, &dec(window), 5);
                    o.push(b' ');
                    rpad(&mut o, &dec(irtt), 6);
                    o.push(b' ');
                    crate::core::escape::screen(iface, &mut o);
                    o.push(b'\n');
                }
                (3, false) => {
                    lpad(&mut o, &dec(metric), 6);
                    o.push(b' ');
                    lpad(&mut o, &dec(refcnt), 3);
                    o.push(b' ');
                    rpad(&mut o, &dec(use_), 6);
                    o.push(b' ');
                    let mut i6 = Vec::new();
                    crate::core::escape::screen(&iface[..iface.len().min(6)], &mut i6);
                    lpad(&mut o, &i6, 6);
                    o.extend_from_slice(b"   ");
                    lpad(&mut o, &dec(mss), 5);
                    o.push(b' ');
                    lpad(&mut o, &dec(window), 6);
                    o.push(b' ');
                    o.extend_from_slice(&dec(irtt));
                    o.push(b'\n');
                }
                _ => {}
            }
        }
        let _ = self.out.write_all(&o);
        0
    }

    /// rprint_cache(): /proc/net/rt_cache, which has only its header since
    /// Linux 3.6 (rows, were there any, are not shown: COMPAT.md N3).
    fn cache4(&mut self, ext: u32) -> i32 {
        let path = self.root.path("/proc/net/rt_cache");
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                return self.missing(
                    "/proc/net/rt_cache",
                    &e,
                    b"INET (IPv4) not configured in this system.\n",
                );
            }
        };
        let header = data.split(|&b| b == b'\n').next().unwrap_or_default();
        let has = |w: &[u8]| header.split(|b| b.is_ascii_whitespace()).any(|x| x == w);
        let mut o = b"Kernel IP routing cache\n".to_vec();
        let format = if has(b"TOS") && has(b"HHRef") { 2 } else { 1 };
        match ext {
            1 => {
                o.extend_from_slice(b"Source          Destination     Gateway         Flags Metric Ref    Use Iface\n")
            }
            2 => {
                o.extend_from_slice(b"Source          Destination     Gateway         Flags   MSS Window  irtt Iface\n")
            }
            _ => {}
        }
        if ext >= 3 {
            if format == 1 {
                o.extend_from_slice(
                    b"Source          Destination     Gateway         Flags Metric Ref    Use Iface    MSS   Window irtt  HH  Arp\n",
                );
            } else {
                o.extend_from_slice(b"Source          Destination     Gateway         Flags Metric Ref    Use Iface    MSS   Window irtt  TOS HHRef HHUptod     SpecDst\n");
            }
        }
        let _ = self.out.write_all(&o);
        0
    }

    /// rprint_fib6(): /proc/net/ipv6_route, every row (or only the cache rows).
    fn fib6(&mut self, numeric: bool, cache_rows: bool) -> i32 {
        let path = self.root.path("/proc/net/ipv6_route");
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                return self.missing(
                    "/proc/net/ipv6_route",
                    &e,
                    b"INET6 (IPv6) not configured in this system.\n",
                );
            }
        };
        let mut o = Vec::new();
        o.extend_from_slice(if cache_rows {
            b"Kernel IPv6 routing cache\n"
        } else {
            b"Kernel IPv6 routing table\n"
        });
        o.extend_from_slice(b"Destination                    Next Hop                   Flag Met Ref  Use If\n");
        for line in data.split(|&b| b == b'\n') {
            let w: Vec<&[u8]> = line
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .collect();
            if w.len() < 10 {
                continue;
            }
            let (Some(dest), Some(plen), Some(next), Some(metric), Some(refcnt), Some(use_), Some(iflags)) = (
                v6_hex(w[0]),
                hex_u32(w[1]),
                v6_hex(w[4]),
                hex_u32(w[5]),
                hex_u32(w[6]),
                hex_u32(w[7]),
                hex_u32(w[8]),
            ) else {
                continue;
            };
            if (iflags & RTF_CACHE != 0) != cache_rows {
                continue;
            }
            let iface = &w[9][..w[9].len().min(15)];
            let mut d = self.v6_text(dest, numeric);
            d.extend_from_slice(format!("/{}", plen as i32).as_bytes());
            let n = self.v6_text(next, numeric);
            let mut flags = Vec::new();
            super::push_flag_letters(
                iflags,
                &[
                    (RTF_UP, b'U'),
                    (RTF_REJECT, b'!'),
                    (RTF_GATEWAY, b'G'),
                    (RTF_HOST, b'H'),
                    (RTF_DEFAULT, b'D'),
                    (RTF_ADDRCONF, b'A'),
                    (RTF_CACHE, b'C'),
                    (RTF_ALLONLINK, b'a'),
                    (RTF_EXPIRES, b'e'),
                    (RTF_MODIFIED, b'm'),
                    (RTF_NONEXTHOP, b'n'),
                    (RTF_FLOW, b'f'),
                ],
                &mut flags,
            );
            lpad(&mut o, &d, 30);
            o.push(b' ');
            lpad(&mut o, &n, 26);
            o.push(b' ');
            lpad(&mut o, &flags, 4);
            o.push(b' ');
            lpad(&mut o, &dec(metric as i32), 3);
            o.push(b' ');
            lpad(&mut o, &dec(refcnt as i32), 1);
            o.push(b' ');
            rpad(&mut o, &dec(use_ as i32), 6);
            o.push(b' ');
            crate::core::escape::screen(iface, &mut o);
            o.push(b'\n');
        }
        let _ = self.out.write_all(&o);
        0
    }

    /// INET6_sprint(): numeric, `[::]`, or getnameinfo's answer.
    fn v6_text(&mut self, a: [u8; 16], numeric: bool) -> Vec<u8> {
        let mut t = Vec::new();
        if numeric {
            format_v6(&a, &mut t);
        } else if a == [0; 16] {
            t.extend_from_slice(b"[::]");
        } else {
            let root = self.root;
            match self.hosts.get_or_insert_with(|| Hosts::new(root)).by_v6(a) {
                Some(n) => t = n,
                None => format_v6(&a, &mut t),
            }
        }
        let mapped = a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff;
        if mapped
            && let Some(dot) = t.iter().position(|&b| b == b'.')
            && let Some(c) = t[..dot].iter().rposition(|&b| b == b':')
        {
            t.drain(..=c);
        }
        t
    }

    /// INET_rresolve(): `default`/`*`, a host name (gethostbyaddr), a network
    /// name (getnetbyaddr), or the dotted number; cached per (address, kind).
    fn rresolve(&mut self, a: [u8; 4], numeric: bool, default_name: bool, host_flag: bool, netmask: u32) -> Vec<u8> {
        if numeric {
            return dotted(a);
        }
        let ad = u32::from_le_bytes(a);
        if ad == 0 {
            return if netmask == 0 {
                if default_name {
                    b"default".to_vec()
                } else {
                    b"*".to_vec()
                }
            } else {
                b"0.0.0.0".to_vec()
            };
        }
        let host = ad & !netmask != 0 || host_flag;
        if let Some(n) = self.names.get(&(a, host)) {
            return n.clone();
        }
        let root = self.root;
        let hosts = self.hosts.get_or_insert_with(|| Hosts::new(root));
        let found = if host {
            hosts.by_v4(a)
        } else {
            hosts.network(u32::from_be_bytes(a))
        };
        let mut name = found.unwrap_or_else(|| dotted(a));
        name.truncate(127);
        self.names.insert((a, host), name.clone());
        name
    }
}

fn v4_flags(iflags: u32) -> Vec<u8> {
    let mut f = Vec::new();
    if iflags & RTF_UP != 0 {
        f.push(b'U');
    }
    if iflags & RTF_GATEWAY != 0 {
        f.push(b'G');
    }
    if iflags & RTF_REJECT != 0 {
        f.clear();
        f.push(b'!');
    }
    super::push_flag_letters(
        iflags,
        &[
            (RTF_HOST, b'H'),
            (RTF_REINSTATE, b'R'),
            (RTF_DYNAMIC, b'D'),
            (RTF_MODIFIED, b'M'),
            (RTF_DEFAULT, b'd'),
            (RTF_ALLONLINK, b'a'),
            (RTF_ADDRCONF, b'c'),
            (RTF_NONEXTHOP, b'o'),
            (RTF_EXPIRES, b'e'),
            (RTF_CACHE, b'c'),
            (RTF_FLOW, b'f'),
            (RTF_POLICY, b'p'),
            (RTF_LOCAL, b'l'),
            (RTF_MTU, b'u'),
            (RTF_WINDOW, b'w'),
            (RTF_IRTT, b'i'),
            (RTF_NOTCACHED, b'n'),
        ],
        &mut f,
    );
    f
}

/// `%-Ws` over bytes.
fn lpad(o: &mut Vec<u8>, s: &[u8], w: usize) {
    o.extend_from_slice(s);
    o.resize(o.len() + w.saturating_sub(s.len()), b' ');
}

/// `%Ws` over bytes.
fn rpad(o: &mut Vec<u8>, s: &[u8], w: usize) {
    o.resize(o.len() + w.saturating_sub(s.len()), b' ');
    o.extend_from_slice(s);
}

fn dec(v: i32) -> Vec<u8> {
    v.to_string().into_bytes()
}

fn hex_u32(w: &[u8]) -> Option<u32> {
    if w.is_empty() || w.len() > 8 || !w.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(w).ok()?, 16).ok()
}

fn dec_i32(w: &[u8]) -> Option<i32> {
    std::str::from_utf8(w).ok()?.parse::<i64>().ok().map(|v| v as i32)
}

/// INET_getsock(): 8 hex digits, the kernel's `%08X` of the address word.
fn v4_hex(w: &[u8]) -> [u8; 4] {
    let v = if w.len() >= 8 { hex_u32(&w[..8]).unwrap_or(0) } else { 0 };
    v.to_le_bytes()
}

fn v6_hex(w: &[u8]) -> Option<[u8; 16]> {
    if w.len() != 32 {
        return None;
    }
    let mut text = Vec::with_capacity(40);
    for (i, c) in w.chunks(4).enumerate() {
        if i > 0 {
            text.push(b':');
        }
        text.extend_from_slice(c);
    }
    parse_v6(&text)
}

fn dotted(a: [u8; 4]) -> Vec<u8> {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_addresses() {
        assert_eq!(v4_flags(RTF_UP | RTF_GATEWAY), b"UG");
        assert_eq!(v4_flags(RTF_UP | RTF_REJECT | RTF_HOST), b"!H");
        assert_eq!(v4_hex(b"000200C0"), [192, 0, 2, 0]);
        assert_eq!(v6_hex(b"fe800000000000000000000000000001").unwrap()[..2], [0xfe, 0x80]);
        assert!(v6_hex(b"xyz").is_none());
    }
}
