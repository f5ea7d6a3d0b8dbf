//! `netstat -i`: the kernel interface table, as net-tools 2.10 builds it:
//! the names of /proc/net/dev (with their counters) and of SIOCGIFCONF
//! (IPv4-configured interfaces and their alias labels, which have no
//! counters), kept in net-tools' natural order (nstrcmp), each asked for its
//! flags and MTU; down interfaces only with -a.
//!
//! Live, flags, MTU, addresses and the SIOCGIFCONF names come from ioctls
//! as for net-tools. A snapshot holds their answers: /sys/class/net/NAME/
//! {flags,carrier,mtu,type,address,tx_queue_len} and sys/class/net/
//! sockbox-ifconf (names with their IPv4 addresses), written by
//! compat-tests/snapshot.py.

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

#[derive(Default, Clone, Copy)]
struct DevStats {
    rx_bytes: u64,
    rx_packets: u64,
    rx_errors: u64,
    rx_dropped: u64,
    rx_fifo: u64,
    rx_frame: u64,
    tx_bytes: u64,
    tx_packets: u64,
    tx_errors: u64,
    tx_dropped: u64,
    tx_fifo: u64,
    collisions: u64,
    tx_carrier: u64,
}

#[derive(Default, Clone)]
struct Iface {
    name: Vec<u8>,
    stats: Option<DevStats>,
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
        let long = self.opts.extend > 0;
        let mut o = Vec::new();
        if !self.titled {
            o.extend_from_slice(b"Kernel Interface table\n");
            self.titled = true;
        }
        if !long {
            o.extend_from_slice(
                b"Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n",
            );
        }
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
            if long {
                let row = self.long_form(&sock, ife, flags, mtu);
                let _ = self.out.write_all(&row);
                continue;
            }
            let mut row = Vec::with_capacity(100);
            crate::core::escape::screen(&ife.name[..ife.name.len().min(15)], &mut row);
            if row.len() < 15 {
                row.resize(15, b' ');
            }
            row.extend_from_slice(format!(" {mtu:5} ").as_bytes());
            match &ife.stats {
                Some(s) => row.extend_from_slice(
                    format!(
                        "{:8} {:6} {:6} {:<6} {:8} {:6} {:6} {:6} ",
                        s.rx_packets,
                        s.rx_errors,
                        s.rx_dropped,
                        s.rx_fifo,
                        s.tx_packets,
                        s.tx_errors,
                        s.tx_dropped,
                        s.tx_fifo
                    )
                    .as_bytes(),
                ),
                None => row.extend_from_slice(format!("{:<56}", "     - no statistics available -").as_bytes()),
            }
            if flags == 0 {
                row.extend_from_slice(b"[NO FLAGS]");
            }
            super::push_flag_letters(
                flags,
                &[
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
                ],
                &mut row,
            );
            row.push(b'\n');
            let _ = self.out.write_all(&row);
        }
        0
    }

    /// ife_print_long(): the ifconfig-style block.
    fn long_form(&self, sock: &Sock, ife: &Iface, flags: u32, mtu: i32) -> Vec<u8> {
        let mut o = Vec::new();
        let mut f = format!("flags={}<", flags as i32);
        if flags == 0 {
            f.push('>');
        }
        for (bit, name) in [
            (IFF_UP, "UP,"),
            (IFF_BROADCAST, "BROADCAST,"),
            (IFF_DEBUG, "DEBUG,"),
            (IFF_LOOPBACK, "LOOPBACK,"),
            (IFF_POINTOPOINT, "POINTOPOINT,"),
            (IFF_NOTRAILERS, "NOTRAILERS,"),
            (IFF_RUNNING, "RUNNING,"),
            (IFF_NOARP, "NOARP,"),
            (IFF_PROMISC, "PROMISC,"),
            (IFF_ALLMULTI, "ALLMULTI,"),
            (IFF_SLAVE, "SLAVE,"),
            (IFF_MASTER, "MASTER,"),
            (IFF_MULTICAST, "MULTICAST,"),
            (IFF_DYNAMIC, "DYNAMIC,"),
        ] {
            if flags & bit != 0 {
                f.push_str(name);
            }
        }
        close_list(&mut f);
        crate::core::escape::screen(&ife.name, &mut o);
        o.extend_from_slice(format!(": {f}  mtu {mtu}\n").as_bytes());
        let info = sock.details(self.root, &ife.name);
        if let Some(v4) = &info.v4 {
            o.extend_from_slice(format!("        inet {}  netmask {}", v4.addr, v4.netmask).as_bytes());
            if flags & IFF_BROADCAST != 0 {
                o.extend_from_slice(format!("  broadcast {}", v4.broadcast).as_bytes());
            }
            if flags & IFF_POINTOPOINT != 0 {
                o.extend_from_slice(format!("  destination {}", v4.dest).as_bytes());
            }
            o.push(b'\n');
        }
        if let Ok(data) = std::fs::read(self.root.path("/proc/net/if_inet6")) {
            for line in data.split(|&b| b == b'\n') {
                let w: Vec<&[u8]> = line
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                    .collect();
                if w.len() < 6 || w[5] != ife.name.as_slice() || w[0].len() != 32 {
                    continue;
                }
                let mut bytes = [0u8; 16];
                for (i, b) in bytes.iter_mut().enumerate() {
                    *b = u8::from_str_radix(std::str::from_utf8(&w[0][i * 2..i * 2 + 2]).unwrap_or("0"), 16)
                        .unwrap_or(0);
                }
                let plen = u32::from_str_radix(std::str::from_utf8(w[2]).unwrap_or("0"), 16).unwrap_or(0);
                let mut scope = u32::from_str_radix(std::str::from_utf8(w[3]).unwrap_or("0"), 16).unwrap_or(0);
                let mut text = Vec::new();
                crate::core::names::hosts::format_v6(&bytes, &mut text);
                o.extend_from_slice(b"        inet6 ");
                o.extend_from_slice(&text);
                o.extend_from_slice(format!("  prefixlen {plen}  scopeid 0x{scope:x}").as_bytes());
                let mut sf = String::from("<");
                if scope & 0x80 != 0 {
                    sf.push_str("compat,");
                    scope -= 0x80;
                }
                if scope == 0 {
                    sf.push_str("global,");
                }
                if scope & 0x20 != 0 {
                    sf.push_str("link,");
                }
                if scope & 0x40 != 0 {
                    sf.push_str("site,");
                }
                if scope & 0x10 != 0 {
                    sf.push_str("host,");
                }
                close_list(&mut sf);
                o.extend_from_slice(sf.as_bytes());
                o.push(b'\n');
            }
        }
        let (hw_name, hw_title, hw_print): (&str, &str, Option<String>) = match info.hw_type {
            1 => ("ether", "Ethernet", Some(hex_colon(&info.hwaddr[..6]))),
            772 => ("loop", "Local Loopback", None),
            512 => ("ppp", "Point-to-Point Protocol", None),
            768 => ("tunnel", "IPIP Tunnel", None),
            776 => ("sit", "IPv6-in-IPv4", None),
            _ => (
                "unspec",
                "UNSPEC",
                Some(
                    info.hwaddr
                        .iter()
                        .map(|b| format!("{b:02X}"))
                        .collect::<Vec<_>>()
                        .join("-"),
                ),
            ),
        };
        match hw_print {
            Some(p) => o.extend_from_slice(format!("        {hw_name} {p}").as_bytes()),
            None => o.extend_from_slice(format!("        {hw_name}").as_bytes()),
        }
        if info.txqueuelen != -1 {
            o.extend_from_slice(format!("  txqueuelen {}", info.txqueuelen).as_bytes());
        }
        o.extend_from_slice(format!("  ({hw_title})\n").as_bytes());
        if flags & 0x2000 != 0 {
            let ports = [
                "unknown",
                "10base2",
                "10baseT",
                "AUI",
                "100baseT",
                "100baseTX",
                "100baseFX",
            ];
            o.extend_from_slice(
                format!("        media {}", ports.get(info.map_port as usize).unwrap_or(&"")).as_bytes(),
            );
            if flags & 0x4000 != 0 {
                o.extend_from_slice(b"autoselect");
            }
            o.push(b'\n');
        }
        if let Some(s) = &ife.stats {
            let (rx_short, rx_unit) = human(s.rx_bytes);
            let (tx_short, tx_unit) = human(s.tx_bytes);
            o.extend_from_slice(
                format!(
                    "        RX packets {}  bytes {} ({}.{} {rx_unit})\n",
                    s.rx_packets,
                    s.rx_bytes,
                    rx_short / 10,
                    rx_short % 10
                )
                .as_bytes(),
            );
            o.extend_from_slice(
                format!(
                    "        RX errors {}  dropped {}  overruns {}  frame {}\n",
                    s.rx_errors, s.rx_dropped, s.rx_fifo, s.rx_frame
                )
                .as_bytes(),
            );
            o.extend_from_slice(
                format!(
                    "        TX packets {}  bytes {} ({}.{} {tx_unit})\n",
                    s.tx_packets,
                    s.tx_bytes,
                    tx_short / 10,
                    tx_short % 10
                )
                .as_bytes(),
            );
            o.extend_from_slice(
                format!(
                    "        TX errors {}  dropped {} overruns {}  carrier {}  collisions {}\n",
                    s.tx_errors, s.tx_dropped, s.tx_fifo, s.tx_carrier, s.collisions
                )
                .as_bytes(),
            );
        }
        let m = &info.map;
        if m.irq != 0 || m.mem_start != 0 || m.dma != 0 || m.base_addr >= 0x100 {
            o.extend_from_slice(b"        device ");
            if m.irq != 0 {
                o.extend_from_slice(format!("interrupt {}  ", m.irq).as_bytes());
            }
            if m.base_addr >= 0x100 {
                o.extend_from_slice(format!("base 0x{:x}  ", m.base_addr).as_bytes());
            }
            if m.mem_start != 0 {
                o.extend_from_slice(format!("memory 0x{:x}-{:x}  ", m.mem_start, m.mem_end).as_bytes());
            }
            if m.dma != 0 {
                o.extend_from_slice(format!("  dma 0x{:x}", m.dma).as_bytes());
            }
            o.push(b'\n');
        }
        o.push(b'\n');
        o
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
            // get_dev_fields(): the columns of each /proc/net/dev layout.
            let st = match version {
                3 => DevStats {
                    rx_bytes: at(0),
                    rx_packets: at(1),
                    rx_errors: at(2),
                    rx_dropped: at(3),
                    rx_fifo: at(4),
                    rx_frame: at(5),
                    tx_bytes: at(8),
                    tx_packets: at(9),
                    tx_errors: at(10),
                    tx_dropped: at(11),
                    tx_fifo: at(12),
                    collisions: at(13),
                    tx_carrier: at(14),
                },
                2 => DevStats {
                    rx_bytes: at(0),
                    rx_packets: at(1),
                    rx_errors: at(2),
                    rx_dropped: at(3),
                    rx_fifo: at(4),
                    rx_frame: at(5),
                    tx_bytes: at(6),
                    tx_packets: at(7),
                    tx_errors: at(8),
                    tx_dropped: at(9),
                    tx_fifo: at(10),
                    collisions: at(11),
                    tx_carrier: at(12),
                },
                _ => DevStats {
                    rx_packets: at(0),
                    rx_errors: at(1),
                    rx_dropped: at(2),
                    rx_fifo: at(3),
                    rx_frame: at(4),
                    tx_packets: at(5),
                    tx_errors: at(6),
                    tx_dropped: at(7),
                    tx_fifo: at(8),
                    collisions: at(9),
                    tx_carrier: at(10),
                    ..DevStats::default()
                },
            };
            let i = cache_add(list, &name);
            list[i].stats = Some(st);
        }
        true
    }

    /// if_readconf(): the names SIOCGIFCONF reports (live only).
    fn read_ifconf(&mut self, list: &mut Vec<Iface>) -> bool {
        if !self.root.is_live() {
            for line in snapshot_ifconf(self.root) {
                cache_add(list, &line[0]);
            }
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

/// A snapshot's record of the ioctl answers (sys/class/net/sockbox-ifconf):
/// per SIOCGIFCONF name, its address, netmask, broadcast and peer.
fn snapshot_ifconf(root: &SysRoot) -> Vec<Vec<Vec<u8>>> {
    let Ok(data) = std::fs::read(root.path("/sys/class/net/sockbox-ifconf")) else {
        return Vec::new();
    };
    data.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.split(|&b| b == b' ').map(|w| w.to_vec()).collect())
        .collect()
}

/// The record of the ioctls' answers a snapshot keeps (the format
/// `snapshot_ifconf` reads): one line per SIOCGIFCONF name, `NAME ADDR
/// NETMASK BROADCAST DSTADDR`, `-` where an ioctl gives no IPv4 address.
pub fn ifconf_record() -> Vec<u8> {
    let live = SysRoot::live();
    let sock = Sock::open(&live);
    let mut out = Vec::new();
    for name in ifconf_names().unwrap_or_default() {
        out.extend_from_slice(&name);
        for req in [
            libc::SIOCGIFADDR,
            libc::SIOCGIFNETMASK,
            libc::SIOCGIFBRDADDR,
            libc::SIOCGIFDSTADDR,
        ] {
            out.push(b' ');
            match sock.ioctl(req, &name) {
                Some(r) if u16::from_ne_bytes([r.data[0], r.data[1]]) != 0 => {
                    out.extend_from_slice(
                        format!("{}.{}.{}.{}", r.data[4], r.data[5], r.data[6], r.data[7]).as_bytes(),
                    );
                }
                _ => out.push(b'-'),
            }
        }
        out.push(b'\n');
    }
    out
}

/// A flag list's end: its last ',' becomes '>', else its last byte goes.
fn close_list(f: &mut String) {
    if f.ends_with(',') {
        f.pop();
        f.push('>');
    } else {
        f.pop();
    }
}

fn hex_colon(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(":")
}

/// The `(11.9 MiB)` of a byte count: tenths, and the unit (net-tools'
/// arithmetic, including its EiB branch).
fn human(v: u64) -> (u64, &'static str) {
    if v > 1 << 60 {
        // net-tools divides the count itself here, not ten times it.
        return (v / 115_292_150_460_684_697, "EiB");
    }
    let tenths = v.wrapping_mul(10);
    for (limit, unit) in [
        (1 << 50, "PiB"),
        (1 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ] {
        if v > limit {
            return (tenths / limit, unit);
        }
    }
    (tenths, "B")
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
            let mut flags = u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16).ok()? & 0xffff;
            // SIOCGIFFLAGS adds RUNNING for an up link with carrier (dev_get_flags).
            if flags & IFF_UP != 0 && read("carrier").is_some_and(|c| c.trim() == "1") {
                flags |= IFF_RUNNING;
            }
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

#[derive(Default)]
struct IfMap {
    mem_start: u64,
    mem_end: u64,
    base_addr: u16,
    irq: u8,
    dma: u8,
}

struct V4 {
    addr: String,
    netmask: String,
    broadcast: String,
    dest: String,
}

/// What ife_print_long() asks the kernel beyond flags and MTU.
#[derive(Default)]
struct Details {
    hw_type: u16,
    hwaddr: [u8; 16],
    txqueuelen: i32,
    map: IfMap,
    map_port: u8,
    v4: Option<V4>,
}

impl Sock {
    fn ioctl(&self, req: libc::c_ulong, name: &[u8]) -> Option<IfReq> {
        let mut r = IfReq {
            name: [0; 16],
            data: [0; 24],
        };
        let n = name.len().min(15);
        r.name[..n].copy_from_slice(&name[..n]);
        if unsafe { libc::ioctl(self.0, req as _, &mut r) } < 0 {
            None
        } else {
            Some(r)
        }
    }

    fn details(&self, root: &SysRoot, name: &[u8]) -> Details {
        let mut d = Details {
            txqueuelen: -1,
            ..Details::default()
        };
        if !root.is_live() {
            let base = format!("/sys/class/net/{}", String::from_utf8_lossy(name));
            let read = |f: &str| std::fs::read_to_string(root.path(&format!("{base}/{f}"))).ok();
            d.hw_type = read("type").and_then(|t| t.trim().parse().ok()).unwrap_or(0);
            d.txqueuelen = read("tx_queue_len").and_then(|t| t.trim().parse().ok()).unwrap_or(-1);
            if let Some(a) = read("address") {
                for (i, h) in a.trim().split(':').take(8).enumerate() {
                    d.hwaddr[i] = u8::from_str_radix(h, 16).unwrap_or(0);
                }
            }
            let text = |w: &[u8]| {
                if w == b"-" {
                    "[NONE SET]".to_string()
                } else {
                    String::from_utf8_lossy(w).into_owned()
                }
            };
            if let Some(l) = snapshot_ifconf(root).into_iter().find(|l| l[0] == name && l.len() == 5) {
                d.v4 = Some(V4 {
                    addr: text(&l[1]),
                    netmask: text(&l[2]),
                    broadcast: text(&l[3]),
                    dest: text(&l[4]),
                });
            }
            return d;
        }
        if let Some(r) = self.ioctl(libc::SIOCGIFHWADDR, name) {
            d.hw_type = u16::from_ne_bytes([r.data[0], r.data[1]]);
            d.hwaddr[..8].copy_from_slice(&r.data[2..10]);
        }
        if let Some(r) = self.ioctl(libc::SIOCGIFTXQLEN, name) {
            d.txqueuelen = i32::from_ne_bytes([r.data[0], r.data[1], r.data[2], r.data[3]]);
        }
        if let Some(r) = self.ioctl(libc::SIOCGIFMAP, name) {
            let u = |a: usize| u64::from_ne_bytes(r.data[a..a + 8].try_into().unwrap());
            d.map = IfMap {
                mem_start: u(0),
                mem_end: u(8),
                base_addr: u16::from_ne_bytes([r.data[16], r.data[17]]),
                irq: r.data[18],
                dma: r.data[19],
            };
            d.map_port = r.data[20];
        }
        let sin = |r: Option<IfReq>| match r {
            Some(r) if u16::from_ne_bytes([r.data[0], r.data[1]]) != 0 => {
                format!("{}.{}.{}.{}", r.data[4], r.data[5], r.data[6], r.data[7])
            }
            _ => "[NONE SET]".to_string(),
        };
        if let Some(a) = self.ioctl(libc::SIOCGIFADDR, name) {
            d.v4 = Some(V4 {
                addr: sin(Some(a)),
                dest: sin(self.ioctl(libc::SIOCGIFDSTADDR, name)),
                broadcast: sin(self.ioctl(libc::SIOCGIFBRDADDR, name)),
                netmask: sin(self.ioctl(libc::SIOCGIFNETMASK, name)),
            });
        }
        d
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

    #[test]
    fn byte_units_as_ifconfig_writes_them() {
        assert_eq!(human(12_558_123), (119, "MiB"));
        assert_eq!(human(58_289), (569, "KiB"));
        assert_eq!(human(1024), (10_240, "B"));
        assert_eq!(human(0), (0, "B"));
        assert_eq!(human(u64::MAX), (160, "EiB"));
    }
}
