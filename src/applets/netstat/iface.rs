//! `netstat -i`: the kernel interface table, as net-tools 2.10 builds it:
//! the names of /proc/net/dev (with their counters) and of SIOCGIFCONF
//! (IPv4-configured interfaces and their alias labels, which have no
//! counters), kept in net-tools' natural order (nstrcmp), each asked for its
//! flags and MTU; down interfaces only with -a.
//!
//! Live, flags, MTU and the SIOCGIFCONF names come from ioctls as for
//! net-tools. On a snapshot they come from /sys/class/net/NAME/{flags,mtu}
//! and no alias labels are known (COMPAT.md N5).

use super::options::Options;
use crate::core::root::SysRoot;
use std::io::Write;

const IFF_UP: u32 = 0x1;
const IFF_BROADCAST: u32 = 0x2;
const IFF_DEBUG: u32 = 0x4;
const IFF_LOOPBACK: u32 = 0x8;
const IFF_POINTOPOINT: u32 = 0x10;
const IFF_NOTRAILERS: u32 = 0x20;
const IFF_RUNNING: u32 = 0x40;
const IFF_NOARP: u32 = 0x80;
const IFF_PROMISC: u32 = 0x100;
const IFF_ALLMULTI: u32 = 0x200;
const IFF_MASTER: u32 = 0x400;
const IFF_SLAVE: u32 = 0x800;
const IFF_MULTICAST: u32 = 0x1000;
const IFF_DYNAMIC: u32 = 0x8000;

#[derive(Default, Clone)]
struct Iface {
    name: Vec<u8>,
    /// rx packets, errs, drop, fifo; tx packets, errs, drop, fifo.
    stats: Option<[u64; 8]>,
}

pub struct Interfaces<'a, W: Write, E: Write> {
    opts: &'a Options,
    root: &'a SysRoot,
    out: W,
    err: E,
    titled: bool,
}

impl<'a, W: Write, E: Write> Interfaces<'a, W, E> {
    pub fn new(opts: &'a Options, root: &'a SysRoot, out: W, err: E) -> Self {
        Interfaces {
            opts,
            root,
            out,
            err,
            titled: false,
        }
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
        let _ = self.err.flush();
    }

    /// iface_info(): one round; the title only the first time.
    pub fn round(&mut self) -> i32 {
        if self.opts.extend > 0 {
            let _ = self.err.write_all(b"sockbox: netstat -i -e: not implemented yet\n");
            return 1;
        }
        let mut o = Vec::new();
        if !self.titled {
            o.extend_from_slice(b"Kernel Interface table\n");
            self.titled = true;
        }
        o.extend_from_slice(b"Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n");
        let _ = self.out.write_all(&o);
        let mut list: Vec<Iface> = Vec::new();
        let proc_ok = self.read_proc_dev(&mut list);
        let conf_ok = self.read_ifconf(&mut list);
        if !proc_ok && !conf_ok {
            return self.missing();
        }
        let sock = Sock::open(self.root);
        for ife in &list {
            let Some((flags, mtu)) = sock.fetch(self.root, &ife.name) else {
                let _ = self.out.flush();
                let mut m = ife.name.clone();
                m.extend_from_slice(b": error fetching interface information: Device not found\n");
                let _ = self.err.write_all(&m);
                return self.missing();
            };
            if flags & IFF_UP == 0 && !self.opts.all {
                continue;
            }
            let mut row = Vec::with_capacity(100);
            let name = &ife.name[..ife.name.len().min(15)];
            row.extend_from_slice(name);
            row.resize(15, b' ');
            row.extend_from_slice(format!(" {mtu:5} ").as_bytes());
            match &ife.stats {
                Some(s) => row.extend_from_slice(
                    format!(
                        "{:8} {:6} {:6} {:<6} {:8} {:6} {:6} {:6} ",
                        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
                    )
                    .as_bytes(),
                ),
                None => row.extend_from_slice(format!("{:<56}", "     - no statistics available -").as_bytes()),
            }
            if flags == 0 {
                row.extend_from_slice(b"[NO FLAGS]");
            }
            for (bit, c) in [
                (IFF_ALLMULTI, b'A'),
                (IFF_BROADCAST, b'B'),
                (IFF_DEBUG, b'D'),
                (IFF_LOOPBACK, b'L'),
                (IFF_MULTICAST, b'M'),
                (IFF_DYNAMIC, b'd'),
                (IFF_PROMISC, b'P'),
                (IFF_NOTRAILERS, b'N'),
                (IFF_NOARP, b'O'),
                (IFF_POINTOPOINT, b'P'),
                (IFF_SLAVE, b's'),
                (IFF_MASTER, b'm'),
                (IFF_RUNNING, b'R'),
                (IFF_UP, b'U'),
            ] {
                if flags & bit != 0 {
                    row.push(c);
                }
            }
            row.push(b'\n');
            let _ = self.out.write_all(&row);
        }
        0
    }

    fn missing(&mut self) -> i32 {
        let _ = self.out.flush();
        let e = std::io::Error::last_os_error();
        let _ = writeln!(
            self.err,
            "missing interface information: {}",
            String::from_utf8_lossy(&crate::core::sys::strerror(e.raw_os_error().unwrap_or(libc::ENODEV)))
        );
        1
    }

    /// if_readlist_proc(): names and counters of /proc/net/dev.
    fn read_proc_dev(&mut self, list: &mut Vec<Iface>) -> bool {
        let data = match std::fs::read(self.root.path("/proc/net/dev")) {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(
                    self.err,
                    "Warning: cannot open /proc/net/dev ({}). Limited output.",
                    String::from_utf8_lossy(&crate::core::sys::strerror(e.raw_os_error().unwrap_or(0)))
                );
                return false;
            }
        };
        let mut lines = data.split(|&b| b == b'\n');
        lines.next();
        let header = lines.next().unwrap_or_default();
        let version = if memchr::memmem::find(header, b"compressed").is_some() {
            3
        } else if memchr::memmem::find(header, b"bytes").is_some() {
            2
        } else {
            1
        };
        for line in lines {
            if line.is_empty() {
                continue;
            }
            let (name, rest) = get_name(line);
            let v: Vec<u64> = rest
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .map_while(|w| std::str::from_utf8(w).ok()?.parse().ok())
                .collect();
            let at = |i: usize| v.get(i).copied().unwrap_or(0);
            // rx packets, errs, drop, fifo, tx packets, errs, drop, fifo
            let idx: [usize; 8] = match version {
                3 => [1, 2, 3, 4, 9, 10, 11, 12],
                2 => [1, 2, 3, 4, 7, 8, 9, 10],
                _ => [0, 1, 2, 3, 5, 6, 7, 8],
            };
            let stats = idx.map(at);
            let i = cache_add(list, &name);
            list[i].stats = Some(stats);
        }
        true
    }

    /// if_readconf(): the names SIOCGIFCONF reports (live only).
    fn read_ifconf(&mut self, list: &mut Vec<Iface>) -> bool {
        if !self.root.is_live() {
            return true;
        }
        let Some(names) = ifconf_names() else {
            return false;
        };
        for n in names {
            cache_add(list, &n);
        }
        true
    }
}

/// get_name(): the interface name before its `:` (keeping an alias `:N`
/// when another `:` follows), and the rest of the line.
fn get_name(line: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut p = 0;
    while p < line.len() && line[p].is_ascii_whitespace() {
        p += 1;
    }
    let mut name = Vec::new();
    while p < line.len() {
        let c = line[p];
        if c.is_ascii_whitespace() {
            break;
        }
        if c == b':' {
            let dot = p;
            p += 1;
            while p < line.len() && line[p].is_ascii_digit() {
                p += 1;
            }
            if p < line.len() && line[p] == b':' {
                name.extend_from_slice(&line[dot..p]);
            } else {
                p = dot;
            }
            p += 1;
            break;
        }
        name.push(c);
        p += 1;
    }
    name.truncate(15);
    (name, &line[p.min(line.len())..])
}

/// if_cache_add(): insert keeping nstrcmp order, searching from the end.
fn cache_add(list: &mut Vec<Iface>, name: &[u8]) -> usize {
    let mut pos = list.len();
    while pos > 0 {
        let n = nstrcmp(&list[pos - 1].name, name);
        if n == std::cmp::Ordering::Equal {
            return pos - 1;
        }
        if n == std::cmp::Ordering::Less {
            break;
        }
        pos -= 1;
    }
    list.insert(
        pos,
        Iface {
            name: name.to_vec(),
            stats: None,
        },
    );
    pos
}

/// net-tools' nstrcmp(): names compared by their stem, then the number
/// that ends them, then an `:N` alias suffix.
fn nstrcmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    fn cut_alias(s: &[u8]) -> (&[u8], Option<&[u8]>) {
        let mut digit = false;
        let mut pos = s.len();
        while pos > 0 {
            if s[pos - 1] == b':' && digit {
                return (&s[..pos - 1], Some(&s[pos..]));
            }
            if !s[pos - 1].is_ascii_digit() {
                break;
            }
            digit = true;
            pos -= 1;
        }
        (s, None)
    }
    fn stem_len(s: &[u8]) -> usize {
        s.iter().rposition(|c| !c.is_ascii_digit()).map_or(0, |p| p + 1)
    }
    fn atoi(s: &[u8]) -> i64 {
        s.iter()
            .take_while(|c| c.is_ascii_digit())
            .fold(0i64, |a, &d| a.wrapping_mul(10).wrapping_add((d - b'0') as i64))
    }
    let (a, aalias) = cut_alias(a);
    let (b, balias) = cut_alias(b);
    let (ai, bi) = (stem_len(a), stem_len(b));
    let n = ai.min(bi);
    let res = a[..n].cmp(&b[..n]);
    if res != Equal {
        return res;
    }
    if ai != bi {
        return ai.cmp(&bi);
    }
    let (av, bv) = (atoi(&a[ai..]), atoi(&b[bi..]));
    if av != bv {
        return av.cmp(&bv);
    }
    let res = a.cmp(b);
    if res != Equal {
        return res;
    }
    let av = aalias.map_or(-1, atoi);
    let bv = balias.map_or(-1, atoi);
    if av != bv {
        return av.cmp(&bv);
    }
    match (aalias, balias) {
        (Some(x), Some(y)) => x.cmp(y),
        _ => Equal,
    }
}

/// struct ifreq on Linux x86_64: a 16-byte name and a 24-byte union.
#[repr(C)]
#[derive(Clone, Copy)]
struct IfReq {
    name: [u8; 16],
    data: [u8; 24],
}

#[repr(C)]
struct IfConf {
    len: libc::c_int,
    buf: *mut IfReq,
}

/// The names SIOCGIFCONF lists, in its order.
fn ifconf_names() -> Option<Vec<Vec<u8>>> {
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
    if fd < 0 {
        return None;
    }
    let mut n = 30usize;
    let names = loop {
        let mut reqs = vec![
            IfReq {
                name: [0; 16],
                data: [0; 24]
            };
            n
        ];
        let mut conf = IfConf {
            len: (n * std::mem::size_of::<IfReq>()) as libc::c_int,
            buf: reqs.as_mut_ptr(),
        };
        if unsafe { libc::ioctl(fd, libc::SIOCGIFCONF, &mut conf) } < 0 {
            unsafe { libc::close(fd) };
            return None;
        }
        if conf.len as usize == n * std::mem::size_of::<IfReq>() {
            n *= 2;
            continue;
        }
        let count = conf.len as usize / std::mem::size_of::<IfReq>();
        break reqs[..count]
            .iter()
            .map(|r| r.name[..r.name.iter().position(|&b| b == 0).unwrap_or(16)].to_vec())
            .collect();
    };
    unsafe { libc::close(fd) };
    Some(names)
}

/// The socket net-tools asks SIOCGIFFLAGS and SIOCGIFMTU on.
struct Sock(libc::c_int);

impl Sock {
    fn open(root: &SysRoot) -> Sock {
        if !root.is_live() {
            return Sock(-1);
        }
        Sock(unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) })
    }

    /// (flags, mtu), or None where SIOCGIFFLAGS fails.
    fn fetch(&self, root: &SysRoot, name: &[u8]) -> Option<(u32, i32)> {
        if !root.is_live() {
            let base = format!("/sys/class/net/{}", String::from_utf8_lossy(name));
            let read = |f: &str| std::fs::read_to_string(root.path(&format!("{base}/{f}"))).ok();
            let flags = read("flags")?;
            let flags = u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16).ok()?;
            let mtu = read("mtu").and_then(|m| m.trim().parse().ok()).unwrap_or(0);
            return Some((flags, mtu));
        }
        let mut req = IfReq {
            name: [0; 16],
            data: [0; 24],
        };
        let n = name.len().min(15);
        req.name[..n].copy_from_slice(&name[..n]);
        if unsafe { libc::ioctl(self.0, libc::SIOCGIFFLAGS, &mut req) } < 0 {
            return None;
        }
        let flags = u16::from_ne_bytes([req.data[0], req.data[1]]) as u32;
        let mut req2 = IfReq {
            name: req.name,
            data: [0; 24],
        };
        let mtu = if unsafe { libc::ioctl(self.0, libc::SIOCGIFMTU, &mut req2) } < 0 {
            0
        } else {
            i32::from_ne_bytes([req2.data[0], req2.data[1], req2.data[2], req2.data[3]])
        };
        Some((flags, mtu))
    }
}

impl Drop for Sock {
    fn drop(&mut self) {
        if self.0 >= 0 {
            unsafe { libc::close(self.0) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut l = Vec::new();
        for n in ["veth0:1", "lo", "eth10", "eth2", "veth0", "a2", "a10"] {
            cache_add(&mut l, n.as_bytes());
        }
        let names: Vec<&[u8]> = l.iter().map(|i| i.name.as_slice()).collect();
        assert_eq!(
            names,
            vec![&b"a2"[..], b"a10", b"eth2", b"eth10", b"lo", b"veth0", b"veth0:1"]
        );
        assert_eq!(get_name(b"  eth0: 1 2 3").0, b"eth0");
        assert_eq!(get_name(b"eth0:1: 5").0, b"eth0:1");
    }
}
