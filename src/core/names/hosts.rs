//! Address → host name lookups, one call per address as the originals make
//! them. Live: the C library (`gethostbyaddr`, `getnetbyaddr`,
//! `getnameinfo`), so /etc/nsswitch.conf, /etc/hosts and DNS behave exactly
//! as for net-tools. Snapshot: the snapshot's /etc/hosts and /etc/networks,
//! read the way glibc 2.36's files backend reads them (no DNS).

use crate::core::names::{fields, parse_c_number};
use crate::core::proc_net::LineReader;
use crate::core::root::SysRoot;
use std::ffi::CStr;

pub enum Hosts {
    Libc,
    Files {
        /// (address bytes, is IPv6, canonical name), in file order.
        hosts: Vec<([u8; 16], bool, Vec<u8>)>,
        /// (name or alias, index into `hosts`), in file order.
        names: Vec<(Vec<u8>, usize)>,
        /// (network number, name), in file order.
        networks: Vec<(u32, Vec<u8>)>,
    },
}

impl Hosts {
    pub fn new(root: &SysRoot) -> Hosts {
        // A static build cannot load the C library's NSS modules: it reads
        // /etc/hosts and /etc/networks itself, as on a snapshot.
        if root.is_live() && !cfg!(target_feature = "crt-static") {
            return Hosts::Libc;
        }
        let mut hosts = Vec::new();
        let mut names = Vec::new();
        let mut networks = Vec::new();
        let mut reader = LineReader::new();
        let _ = reader.read(&root.path("/etc/hosts"), |line| {
            let mut f = fields(line);
            if let (Some(addr), Some(name)) = (f.next(), f.next()) {
                let entry = if let Some(a) = parse_v4(addr) {
                    let mut b = [0u8; 16];
                    b[..4].copy_from_slice(&a);
                    (b, false)
                } else if let Some(b) = parse_v6(addr) {
                    (b, true)
                } else {
                    return;
                };
                hosts.push((entry.0, entry.1, name.to_vec()));
                for n in std::iter::once(name).chain(f) {
                    names.push((n.to_vec(), hosts.len() - 1));
                }
            }
        });
        let _ = reader.read(&root.path("/etc/networks"), |line| {
            let mut f = fields(line);
            if let (Some(name), Some(num)) = (f.next(), f.next())
                && let Some(n) = inet_network(num)
            {
                networks.push((n, name.to_vec()));
            }
        });
        Hosts::Files { hosts, names, networks }
    }

    /// `gethostbyname2(name, family)`: every address of `name` (IPv4 as the
    /// first 4 bytes), or none.
    pub fn by_name(&self, name: &[u8], v6: bool) -> Vec<[u8; 16]> {
        match self {
            Hosts::Libc => {
                let Ok(c) = std::ffi::CString::new(name) else {
                    return Vec::new();
                };
                let family = if v6 { libc::AF_INET6 } else { libc::AF_INET };
                let mut out = Vec::new();
                unsafe {
                    let h = gethostbyname2(c.as_ptr(), family);
                    if h.is_null() || (*h).h_addr_list.is_null() {
                        return out;
                    }
                    let len = if v6 { 16 } else { 4 };
                    let mut p = (*h).h_addr_list;
                    while !(*p).is_null() {
                        let mut b = [0u8; 16];
                        std::ptr::copy_nonoverlapping((*p).cast::<u8>(), b.as_mut_ptr(), len);
                        out.push(b);
                        p = p.add(1);
                    }
                }
                out
            }
            Hosts::Files { hosts, names, .. } => names
                .iter()
                .filter(|(n, i)| n.as_slice() == name && hosts[*i].1 == v6)
                .map(|(_, i)| hosts[*i].0)
                .collect(),
        }
    }

    /// `gethostbyaddr(addr, 4, AF_INET)->h_name`.
    pub fn by_v4(&self, addr: [u8; 4]) -> Option<Vec<u8>> {
        match self {
            Hosts::Libc => unsafe {
                let h = gethostbyaddr(addr.as_ptr().cast(), 4, libc::AF_INET);
                if h.is_null() || (*h).h_name.is_null() {
                    None
                } else {
                    Some(CStr::from_ptr((*h).h_name).to_bytes().to_vec())
                }
            },
            Hosts::Files { hosts, .. } => hosts.iter().find_map(|(b, v6, name)| {
                // glibc reads v4-mapped and ::1 lines as IPv4 for AF_INET.
                let a: [u8; 4] = if !v6 {
                    [b[0], b[1], b[2], b[3]]
                } else if b[..10].iter().all(|&x| x == 0) && b[10] == 0xff && b[11] == 0xff {
                    [b[12], b[13], b[14], b[15]]
                } else if b[..15].iter().all(|&x| x == 0) && b[15] == 1 {
                    [127, 0, 0, 1]
                } else {
                    return None;
                };
                (a == addr).then(|| name.clone())
            }),
        }
    }

    /// `gethostbyaddr(addr, 16, AF_INET6)->h_name` (what ss -r asks).
    pub fn by_v6_hostent(&self, addr: [u8; 16]) -> Option<Vec<u8>> {
        match self {
            Hosts::Libc => unsafe {
                let h = gethostbyaddr(addr.as_ptr().cast(), 16, libc::AF_INET6);
                if h.is_null() || (*h).h_name.is_null() {
                    None
                } else {
                    Some(CStr::from_ptr((*h).h_name).to_bytes().to_vec())
                }
            },
            Hosts::Files { hosts, .. } => hosts
                .iter()
                .find(|(b, v6, _)| *v6 && *b == addr)
                .map(|(_, _, n)| n.clone()),
        }
    }

    /// `getnetbyaddr(net, AF_INET)->n_name`, `net` in host byte order.
    pub fn network(&self, net: u32) -> Option<Vec<u8>> {
        match self {
            Hosts::Libc => unsafe {
                let n = getnetbyaddr(net, libc::AF_INET);
                if n.is_null() || (*n).n_name.is_null() {
                    None
                } else {
                    Some(CStr::from_ptr((*n).n_name).to_bytes().to_vec())
                }
            },
            Hosts::Files { networks, .. } => networks.iter().find(|(n, _)| *n == net).map(|(_, name)| name.clone()),
        }
    }

    /// `getnameinfo()` of an IPv6 address with flags 0 and no scope: the host
    /// name, or `None` where it would fail or fall back to the number.
    pub fn by_v6(&self, addr: [u8; 16]) -> Option<Vec<u8>> {
        match self {
            Hosts::Libc => unsafe {
                let mut sa: libc::sockaddr_in6 = std::mem::zeroed();
                sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sa.sin6_addr.s6_addr = addr;
                let mut host = [0 as libc::c_char; 1025];
                let rc = getnameinfo(
                    (&sa as *const libc::sockaddr_in6).cast(),
                    std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    0,
                );
                if rc != 0 {
                    return None;
                }
                let name = CStr::from_ptr(host.as_ptr()).to_bytes();
                // With flags 0 an unresolved address comes back as its number.
                if parse_v6(name) == Some(addr) {
                    None
                } else {
                    Some(name.to_vec())
                }
            },
            Hosts::Files { hosts, .. } => hosts
                .iter()
                .find(|(b, v6, _)| *v6 && *b == addr)
                .map(|(_, _, n)| n.clone()),
        }
    }
}

#[repr(C)]
struct HostEnt {
    h_name: *const libc::c_char,
    h_aliases: *const *const libc::c_char,
    h_addrtype: libc::c_int,
    h_length: libc::c_int,
    h_addr_list: *const *const libc::c_char,
}

#[repr(C)]
struct NetEnt {
    n_name: *const libc::c_char,
    n_aliases: *const *const libc::c_char,
    n_addrtype: libc::c_int,
    n_net: u32,
}

#[cfg(not(target_feature = "crt-static"))]
unsafe extern "C" {
    fn gethostbyaddr(addr: *const libc::c_void, len: libc::socklen_t, family: libc::c_int) -> *const HostEnt;
    fn getnetbyaddr(net: u32, family: libc::c_int) -> *const NetEnt;
    fn gethostbyname2(name: *const libc::c_char, family: libc::c_int) -> *const HostEnt;
}

#[cfg(not(target_feature = "crt-static"))]
use libc::getnameinfo;

// In a static build the `Libc` variant is never made; these stand in so
// that the resolver and NSS stay out of the binary.
#[cfg(target_feature = "crt-static")]
unsafe fn gethostbyaddr(_: *const libc::c_void, _: libc::socklen_t, _: libc::c_int) -> *const HostEnt {
    std::ptr::null()
}
#[cfg(target_feature = "crt-static")]
unsafe fn getnetbyaddr(_: u32, _: libc::c_int) -> *const NetEnt {
    std::ptr::null()
}
#[cfg(target_feature = "crt-static")]
unsafe fn gethostbyname2(_: *const libc::c_char, _: libc::c_int) -> *const HostEnt {
    std::ptr::null()
}
#[cfg(target_feature = "crt-static")]
unsafe fn getnameinfo(
    _: *const libc::sockaddr,
    _: libc::socklen_t,
    _: *mut libc::c_char,
    _: libc::socklen_t,
    _: *mut libc::c_char,
    _: libc::socklen_t,
    _: libc::c_int,
) -> libc::c_int {
    libc::EAI_FAIL
}

/// `inet_pton(AF_INET)`: exactly four decimal parts of 0..=255, no leading zeros.
pub fn parse_v4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split(|&b| b == b'.');
    for o in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) || (p.len() > 1 && p[0] == b'0') {
            return None;
        }
        let v: u32 = p.iter().fold(0, |a, &d| a * 10 + (d - b'0') as u32);
        if v > 255 {
            return None;
        }
        *o = v as u8;
    }
    if parts.next().is_some() { None } else { Some(out) }
}

/// `inet_pton(AF_INET6)`, including `::` compression and a trailing dotted quad.
pub fn parse_v6(s: &[u8]) -> Option<[u8; 16]> {
    let mut words: Vec<u16> = Vec::with_capacity(8);
    let mut gap: Option<usize> = None;
    let mut i = 0;
    if s.starts_with(b"::") {
        gap = Some(0);
        i = 2;
        if s.len() == 2 {
            return Some([0; 16]);
        }
    } else if s.starts_with(b":") {
        return None;
    }
    let mut tail_v4: Option<[u8; 4]> = None;
    while i < s.len() {
        let end = s[i..].iter().position(|&b| b == b':').map_or(s.len(), |p| i + p);
        let part = &s[i..end];
        if part.contains(&b'.') {
            if end != s.len() {
                return None;
            }
            tail_v4 = Some(parse_v4(part)?);
            break;
        }
        if part.is_empty() || part.len() > 4 {
            return None;
        }
        let mut v: u16 = 0;
        for &b in part {
            v = (v << 4) | (b as char).to_digit(16)? as u16;
        }
        words.push(v);
        i = end;
        if i < s.len() {
            i += 1; // the ':'
            if i < s.len() && s[i] == b':' {
                if gap.is_some() {
                    return None;
                }
                gap = Some(words.len());
                i += 1;
            } else if i == s.len() {
                return None;
            }
        }
    }
    let v4_words = if tail_v4.is_some() { 2 } else { 0 };
    let total = words.len() + v4_words;
    let mut out = [0u8; 16];
    let mut all: Vec<u16> = match gap {
        Some(g) => {
            if total >= 8 {
                return None;
            }
            let mut w = words[..g].to_vec();
            w.resize(g + 8 - total, 0);
            w.extend_from_slice(&words[g..]);
            w
        }
        None => {
            if total != 8 {
                return None;
            }
            words
        }
    };
    if let Some(v4) = tail_v4 {
        all.push(u16::from_be_bytes([v4[0], v4[1]]));
        all.push(u16::from_be_bytes([v4[2], v4[3]]));
    }
    for (k, w) in all.iter().enumerate() {
        out[k * 2..k * 2 + 2].copy_from_slice(&w.to_be_bytes());
    }
    Some(out)
}

/// `inet_network()`: up to four parts (decimal, 0x hex or 0 octal), each
/// shifting the ones before it left by 8 bits.
fn inet_network(s: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    let mut n = 0;
    for p in s.split(|&b| b == b'.') {
        n += 1;
        if n > 4 || p.is_empty() {
            return None;
        }
        let part = parse_c_number(p).filter(|&x| x <= 255)? as u32;
        v = (v << 8) | part;
    }
    Some(v)
}

/// The text glibc's `inet_ntop(AF_INET6)` gives, appended to `out`.
pub fn format_v6(a: &[u8; 16], out: &mut Vec<u8>) {
    let w: [u16; 8] = std::array::from_fn(|i| u16::from_be_bytes([a[2 * i], a[2 * i + 1]]));
    // The longest run of zero words (first on ties), if at least two long.
    let (mut best, mut cur): ((usize, usize), Option<(usize, usize)>) = ((0, 0), None);
    for (i, &x) in w.iter().enumerate() {
        if x == 0 {
            let c = cur.get_or_insert((i, 0));
            c.1 += 1;
            if c.1 > best.1 {
                best = *c;
            }
        } else {
            cur = None;
        }
    }
    let run = if best.1 >= 2 { Some(best) } else { None };
    for i in 0..8 {
        if let Some((base, len)) = run
            && i >= base
            && i < base + len
        {
            if i == base {
                out.push(b':');
            }
            continue;
        }
        if i != 0 {
            out.push(b':');
        }
        // An embedded IPv4 address: ::a.b.c.d and ::ffff:a.b.c.d.
        if i == 6 && matches!(run, Some((0, 6))) || i == 6 && matches!(run, Some((0, 5))) && w[5] == 0xffff {
            for (k, b) in a[12..].iter().enumerate() {
                if k > 0 {
                    out.push(b'.');
                }
                let mut tmp = [0u8; 20];
                out.extend_from_slice(crate::core::out::fmt_u64(*b as u64, &mut tmp));
            }
            return;
        }
        push_hex(out, w[i]);
    }
    if let Some((base, len)) = run
        && base + len == 8
    {
        out.push(b':');
    }
}

fn push_hex(out: &mut Vec<u8>, v: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut started = false;
    for shift in [12, 8, 4, 0] {
        let d = ((v >> shift) & 0xf) as usize;
        if d != 0 || started || shift == 0 {
            out.push(HEX[d]);
            started = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ntop(s: &str) -> String {
        let a: std::net::Ipv6Addr = s.parse().unwrap();
        let mut out = Vec::new();
        format_v6(&a.octets(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ntop_matches_glibc() {
        // Expected texts are what glibc's inet_ntop prints.
        for (input, want) in [
            ("::", "::"),
            ("::1", "::1"),
            ("::2", "::2"),
            ("::1:2", "::0.1.0.2"),
            ("0:0:0:0:0:1:0:0", "::1:0:0"),
            ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
            ("::127.0.0.1", "::127.0.0.1"),
            ("fe80::1", "fe80::1"),
            ("2001:db8::1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:0:1::1", "2001:db8::1:0:0:1"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("1::", "1::"),
            ("0:0:1::", "0:0:1::"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("::ffff:0:1", "::ffff:0.0.0.1"),
            ("ff02::1:ff00:1", "ff02::1:ff00:1"),
        ] {
            assert_eq!(ntop(input), want, "{input}");
        }
    }

    #[test]
    fn pton() {
        assert_eq!(parse_v4(b"127.0.0.1"), Some([127, 0, 0, 1]));
        assert_eq!(parse_v4(b"127.0.0.01"), None);
        assert_eq!(parse_v4(b"127.0.0"), None);
        assert_eq!(parse_v4(b"256.0.0.1"), None);
        let lo = "::1".parse::<std::net::Ipv6Addr>().unwrap().octets();
        assert_eq!(parse_v6(b"::1"), Some(lo));
        assert_eq!(parse_v6(b"0:0:0:0:0:0:0:1"), Some(lo));
        let m = "::ffff:10.0.0.2".parse::<std::net::Ipv6Addr>().unwrap().octets();
        assert_eq!(parse_v6(b"::ffff:10.0.0.2"), Some(m));
        assert_eq!(parse_v6(b"1::2::3"), None);
        assert_eq!(parse_v6(b":1"), None);
        assert_eq!(parse_v6(b"1:"), None);
        assert_eq!(parse_v6(b"1:2:3:4:5:6:7:8:9"), None);
        assert_eq!(parse_v6(b"garbage"), None);
        assert_eq!(inet_network(b"127.0.0.0"), Some(0x7f00_0000));
        assert_eq!(inet_network(b"127"), Some(127));
    }
}
