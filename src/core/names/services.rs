//! Port → service name, from /etc/services (and /etc/protocols for raw
//! sockets), loaded once on first use.
//!
//! net-tools builds one list per protocol by prepending each entry, so for a
//! port listed twice the *last* line wins; /etc/protocols entries are added
//! to the raw list after the services and so beat them. The C library's
//! getservbyport()/getprotobynumber(), which ss uses, answer with the
//! *first* matching line: both answers are kept.

use crate::core::names::{fields, parse_c_number};
use crate::core::proc_net::LineReader;
use crate::core::root::SysRoot;
use std::collections::HashMap;

/// The service tables net-tools keys by protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceProto {
    Tcp,
    Udp,
    Raw,
}

type Spans = HashMap<u16, (u32, u32)>;

#[derive(Default)]
pub struct Services {
    names: Vec<u8>,
    /// Last line per port (net-tools), by table.
    tcp: Spans,
    udp: Spans,
    raw: Spans,
    /// First line per port (getservbyport), by protocol name.
    tcp_first: Spans,
    udp_first: Spans,
    raw_first: Spans,
    /// First /etc/protocols line per number (getprotobynumber).
    protocols_first: Spans,
    /// First line per port whatever its protocol (getservbyport(p, NULL)).
    any_first: Spans,
    /// (name or alias, proto) → port of the first line (getservbyname).
    by_name: HashMap<(Vec<u8>, ServiceProto), u16>,
}

/// /etc/services loaded on first use (parsing it costs more than a small
/// run of a whole applet, so commands that never name a port never pay it).
pub struct LazyServices {
    root: SysRoot,
    cell: std::cell::OnceCell<Services>,
}

impl LazyServices {
    pub fn new(root: &SysRoot) -> LazyServices {
        LazyServices {
            root: root.clone(),
            cell: std::cell::OnceCell::new(),
        }
    }

    pub fn get(&self) -> &Services {
        self.cell.get_or_init(|| Services::load(&self.root))
    }
}

/// Service names longer than this are cut (net-tools copies into 64 bytes).
const MAX_NAME: usize = 63;

impl Services {
    pub fn load(root: &SysRoot) -> Services {
        let mut s = Services::default();
        let mut reader = LineReader::new();
        let _ = reader.read(&root.path("/etc/services"), |line| s.add_service_line(line));
        let _ = reader.read(&root.path("/etc/protocols"), |line| s.add_protocol_line(line));
        s
    }

    fn span(&mut self, name: &[u8]) -> (u32, u32) {
        let start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        (start, self.names.len() as u32)
    }

    fn put(&mut self, proto: ServiceProto, port: u16, name: &[u8]) {
        let span = self.span(&name[..name.len().min(MAX_NAME)]);
        let table = match proto {
            ServiceProto::Tcp => &mut self.tcp,
            ServiceProto::Udp => &mut self.udp,
            ServiceProto::Raw => &mut self.raw,
        };
        table.insert(port, span);
    }

    /// `name port/proto [aliases…]`, as glibc's files backend reads it: the
    /// port goes through strtoul with base 0 and is cut to 16 bits.
    fn add_service_line(&mut self, line: &[u8]) {
        let mut f = fields(line);
        let (Some(name), Some(pp)) = (f.next(), f.next()) else {
            return;
        };
        let aliases = f;
        let Some(slash) = memchr::memchr(b'/', pp) else {
            return;
        };
        let Some(port) = parse_c_number(&pp[..slash]) else {
            return;
        };
        if !self.any_first.contains_key(&(port as u16)) {
            let span = self.span(name);
            self.any_first.insert(port as u16, span);
        }
        let proto = match &pp[slash + 1..] {
            b"tcp" => ServiceProto::Tcp,
            b"udp" => ServiceProto::Udp,
            b"raw" => ServiceProto::Raw,
            _ => return,
        };
        self.put(proto, port as u16, name);
        let span = self.span(name);
        let first = match proto {
            ServiceProto::Tcp => &mut self.tcp_first,
            ServiceProto::Udp => &mut self.udp_first,
            ServiceProto::Raw => &mut self.raw_first,
        };
        first.entry(port as u16).or_insert(span);
        for n in std::iter::once(name).chain(aliases) {
            self.by_name.entry((n.to_vec(), proto)).or_insert(port as u16);
        }
    }

    /// `name number [aliases…]`: the protocol number acts as a raw "port".
    fn add_protocol_line(&mut self, line: &[u8]) {
        let mut f = fields(line);
        let (Some(name), Some(num)) = (f.next(), f.next()) else {
            return;
        };
        if num.is_empty() || !num.iter().all(u8::is_ascii_digit) {
            return;
        }
        let Some(n) = parse_c_number(num) else {
            return;
        };
        self.put(ServiceProto::Raw, n as u16, name);
        let span = self.span(name);
        if n <= u16::MAX as u64 {
            self.protocols_first.entry(n as u16).or_insert(span);
        }
    }

    /// getservbyport(port, proto): the first /etc/services line.
    pub fn first_name(&self, proto: ServiceProto, port: u16) -> Option<&[u8]> {
        let table = match proto {
            ServiceProto::Tcp => &self.tcp_first,
            ServiceProto::Udp => &self.udp_first,
            ServiceProto::Raw => &self.raw_first,
        };
        table.get(&port).map(|&(a, b)| &self.names[a as usize..b as usize])
    }

    /// getservbyname(name, proto): the port of the first line naming it.
    pub fn port_by_name(&self, proto: ServiceProto, name: &[u8]) -> Option<u16> {
        self.by_name.get(&(name.to_vec(), proto)).copied()
    }

    /// getservbyport(port, NULL): the first /etc/services line of any protocol.
    pub fn first_any(&self, port: u16) -> Option<&[u8]> {
        self.any_first
            .get(&port)
            .map(|&(a, b)| &self.names[a as usize..b as usize])
    }

    /// getprotobynumber(n): the first /etc/protocols line.
    pub fn protocol(&self, n: u16) -> Option<&[u8]> {
        self.protocols_first
            .get(&n)
            .map(|&(a, b)| &self.names[a as usize..b as usize])
    }

    /// net-tools' lookup: the last /etc/services line (protocols for raw).
    pub fn name(&self, proto: ServiceProto, port: u16) -> Option<&[u8]> {
        let table = match proto {
            ServiceProto::Tcp => &self.tcp,
            ServiceProto::Udp => &self.udp,
            ServiceProto::Raw => &self.raw,
        };
        table.get(&port).map(|&(a, b)| &self.names[a as usize..b as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(services: &str, protocols: &str) -> Services {
        let mut s = Services::default();
        for l in services.lines() {
            s.add_service_line(l.as_bytes());
        }
        for l in protocols.lines() {
            s.add_protocol_line(l.as_bytes());
        }
        s
    }

    #[test]
    fn last_line_wins_and_protocols_beat_raw_services() {
        let s = table(
            "ssh 22/tcp\n# c\nhttp\t80/tcp www # web\nfirst 45678/tcp\nsecond 45678/tcp\nbootps 67/udp\nicmpsvc 1/raw\n",
            "ip 0 IP\nicmp 1 ICMP\nipv6-icmp 58 IPv6-ICMP\n",
        );
        assert_eq!(s.name(ServiceProto::Tcp, 22), Some(&b"ssh"[..]));
        assert_eq!(s.name(ServiceProto::Tcp, 80), Some(&b"http"[..]));
        assert_eq!(s.name(ServiceProto::Tcp, 45678), Some(&b"second"[..]));
        assert_eq!(s.first_name(ServiceProto::Tcp, 45678), Some(&b"first"[..]));
        assert_eq!(s.first_name(ServiceProto::Tcp, 80), Some(&b"http"[..]));
        assert_eq!(s.protocol(58), Some(&b"ipv6-icmp"[..]));
        assert_eq!(s.protocol(2), None);
        assert_eq!(s.port_by_name(ServiceProto::Tcp, b"www"), Some(80));
        assert_eq!(s.port_by_name(ServiceProto::Tcp, b"first"), Some(45678));
        assert_eq!(s.port_by_name(ServiceProto::Udp, b"www"), None);
        assert_eq!(s.name(ServiceProto::Udp, 22), None);
        assert_eq!(s.name(ServiceProto::Udp, 67), Some(&b"bootps"[..]));
        assert_eq!(s.name(ServiceProto::Raw, 1), Some(&b"icmp"[..]));
        assert_eq!(s.name(ServiceProto::Raw, 58), Some(&b"ipv6-icmp"[..]));
    }

    #[test]
    fn odd_lines_are_ignored_or_read_as_glibc_does() {
        let s = table("bad\nnoslash 99\nhex 0x10/tcp\noct 010/tcp\nbig 65617/tcp\n/tcp\n", "");
        assert_eq!(s.name(ServiceProto::Tcp, 16), Some(&b"hex"[..]));
        assert_eq!(s.name(ServiceProto::Tcp, 8), Some(&b"oct"[..]));
        assert_eq!(s.name(ServiceProto::Tcp, 81), Some(&b"big"[..]));
        assert_eq!(s.name(ServiceProto::Tcp, 99), None);
    }
}
