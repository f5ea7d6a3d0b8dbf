//! lsof's `-i` argument: `[46][proto][@host|@a.b.c.d|@[v6]][:port,…|a-b|svc]`,
//! parsed the way arg.c's enter_network_address() reads it (including its
//! quirks), and matched the way is_nw_addr() matches: either endpoint, as
//! the address family is printed (v4-mapped counts as IPv4).

use super::options::line_arg;
use crate::core::names::hosts::Hosts;
use crate::core::names::services::{LazyServices, ServiceProto};

/// At most this many address entries (lsof's MAXNWAD).
const MAX_SPECS: usize = 100;

/// `-i` with a version only: which IP versions are selected wholesale.
#[derive(Debug, Default, Clone)]
pub struct NetSelect {
    /// A bare `-i`, `-i4` or `-i6` was given (lsof's Fnet).
    pub on: bool,
    /// 0 both, 4 or 6 (FnetTy).
    pub ty: u8,
    /// Some file was selected by it (Fnet == 2).
    pub found: bool,
}

impl NetSelect {
    pub fn bare(&mut self) {
        self.on = true;
        self.ty = 0;
    }

    fn version(&mut self, ft: u8) {
        if !self.on {
            self.on = true;
            self.ty = ft;
        } else if self.ty != 0 {
            if self.ty != ft {
                self.ty = 0;
            }
        } else {
            self.ty = ft;
        }
    }

    /// Does a socket of this TYPE (IPv6 even when v4-mapped) fall under it?
    pub fn selects(&self, v6_type: bool) -> bool {
        self.on && if v6_type { self.ty != 4 } else { self.ty != 6 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
    UdpLite,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::UdpLite => "UDPLITE",
        }
    }
}

/// One address entry.
#[derive(Debug, Clone)]
pub struct Spec {
    pub proto: Option<Proto>,
    /// 0, 4 or 6.
    pub af: u8,
    pub addr: [u8; 16],
    /// -1: any port.
    pub sport: i32,
    pub eport: i32,
    /// The `-i` argument it came from.
    pub arg: Vec<u8>,
    pub found: bool,
}

/// Every address entry, newest first as lsof chains them.
#[derive(Debug, Default)]
pub struct InetSpecs {
    /// Oldest first; iterate in reverse for lsof's order.
    specs: Vec<Spec>,
}

/// The entry being built (lsof's `struct nwad n`).
struct Partial {
    proto: Option<Proto>,
    af: u8,
    addr: [u8; 16],
}

impl InetSpecs {
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Which /proc/net tables an entry can match in, as a set of
    /// (is IPv6 table, protocol): an IPv4 entry also matches v4-mapped
    /// endpoints of IPv6 sockets, so it needs the IPv6 tables too.
    pub fn tables_needed(&self, need: &mut [[bool; 3]; 2]) {
        for s in &self.specs {
            for (v6, row) in need.iter_mut().enumerate() {
                if s.af == 6 && v6 == 0 {
                    continue;
                }
                for (i, p) in [Proto::Tcp, Proto::Udp, Proto::UdpLite].into_iter().enumerate() {
                    if s.proto.is_none_or(|sp| sp == p) {
                        row[i] = true;
                    }
                }
            }
        }
    }

    /// Parses one `-i` value; false after printing an error.
    pub fn enter(
        &mut self,
        pn: &[u8],
        na: &[u8],
        net: &mut NetSelect,
        services: &LazyServices,
        hosts: &Hosts,
        err: &mut Vec<u8>,
    ) -> bool {
        let fail = |err: &mut Vec<u8>, msg: &[u8]| {
            line_arg(err, pn, msg, na);
            false
        };
        let mut w = 0usize;
        let at = |i: usize| na.get(i).copied().unwrap_or(0);
        let mut ft = 0u8;
        if at(0) == b'4' || at(0) == b'6' {
            ft = at(0) - b'0';
            w = 1;
            if at(w) == 0 {
                net.version(ft);
                return true;
            }
        } else if net.on {
            ft = net.ty;
        }
        let mut n = Partial {
            proto: None,
            af: ft,
            addr: [0; 16],
        };
        if at(w) != 0 && at(w) != b'@' && at(w) != b':' {
            let p = w;
            while at(w) != 0 && at(w) != b'@' && at(w) != b':' {
                w += 1;
            }
            let name = &na[p..w];
            n.proto = if name.eq_ignore_ascii_case(b"tcp") {
                Some(Proto::Tcp)
            } else if name.eq_ignore_ascii_case(b"udp") {
                Some(Proto::Udp)
            } else if name.eq_ignore_ascii_case(b"udplite") {
                Some(Proto::UdpLite)
            } else {
                let mut m = b"unknown protocol name (".to_vec();
                m.extend_from_slice(name);
                m.extend_from_slice(b") in: -i ");
                return fail(err, &m);
            };
        }
        // Host part: the addresses a host name resolved to, lsof's `he`.
        let mut host_name: Option<Vec<u8>> = None;
        let mut resolved: Option<Vec<[u8; 16]>> = None;
        if at(w) == b'@' {
            w += 1;
            if at(w) == 0 || at(w) == b':' {
                return fail(err, b"unacceptable Internet address in: -i ");
            }
            if let Some((a, end)) = ipv4_literal(&na[w..]) {
                if ft == 6 {
                    return fail(err, b"IPv4 addresses are prohibited: -i ");
                }
                n.addr[..4].copy_from_slice(&a);
                n.af = 4;
                w += end;
            } else if at(w) == b'[' {
                if ft == 4 {
                    return fail(err, b"IPv6 addresses are prohibited: -i ");
                }
                let Some(close) = na.iter().rposition(|&b| b == b']').filter(|&c| c > w) else {
                    return fail(err, b"unacceptable Internet address in: -i ");
                };
                let Some(a) = crate::core::names::hosts::parse_v6(&na[w + 1..close]) else {
                    return fail(err, b"unacceptable Internet address in: -i ");
                };
                if a.iter().all(|&b| b == 0) {
                    return fail(err, b"unacceptable Internet address in: -i ");
                }
                if a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff {
                    if ft == 6 {
                        return fail(err, b"IPv4 addresses are prohibited: -i ");
                    }
                    n.addr = [0; 16];
                    n.addr[..4].copy_from_slice(&a[12..]);
                    // lsof copies only the first 4 bytes down; the rest stay.
                    n.addr[4..].copy_from_slice(&a[4..]);
                    n.af = 4;
                } else {
                    n.addr = a;
                    n.af = 6;
                }
                w = close + 1;
            } else {
                let p = w;
                while at(w) != 0 && at(w) != b':' {
                    w += 1;
                }
                let hn = na[p..w].to_vec();
                if ft == 0 {
                    n.af = 6;
                }
                resolved = lookup_host(hosts, &hn, &mut n);
                if resolved.is_none() && ft == 0 {
                    n.af = 4;
                    resolved = lookup_host(hosts, &hn, &mut n);
                }
                if resolved.is_none() {
                    let mut m = b"unknown host name (".to_vec();
                    m.extend_from_slice(&hn);
                    m.extend_from_slice(b") in: -i ");
                    return fail(err, &m);
                }
                host_name = Some(hn);
            }
        }
        if at(w) == 0 {
            return self.enter_all(
                pn,
                &mut n,
                -1,
                -1,
                na,
                &mut resolved,
                host_name.as_deref(),
                ft,
                hosts,
                err,
            );
        }
        if at(w) != b':' || at(w + 1) == 0 {
            return fail(err, b"unacceptable port specification in: -i ");
        }
        w += 1;
        while at(w) != 0 {
            let (mut sp, mut ep, mut pr) = (0i32, 0i32, false);
            loop {
                if at(w) == 0 {
                    break;
                }
                if !at(w).is_ascii_digit() {
                    let p = w;
                    while at(w) != 0 && at(w) != b',' {
                        w += 1;
                    }
                    let sn = &na[p..w];
                    if sn.is_empty() {
                        return fail(err, b"invalid service name: -i ");
                    }
                    let pt = match n.proto {
                        Some(proto) => {
                            let found = match proto {
                                Proto::Tcp => services.get().port_by_name(ServiceProto::Tcp, sn),
                                Proto::Udp => services.get().port_by_name(ServiceProto::Udp, sn),
                                Proto::UdpLite => None,
                            };
                            match found {
                                Some(p) => p as i32,
                                None => {
                                    let mut m = b"unknown service ".to_vec();
                                    m.extend_from_slice(sn);
                                    m.extend_from_slice(b" for ");
                                    m.extend_from_slice(proto.name().to_ascii_lowercase().as_bytes());
                                    m.extend_from_slice(b" in: -i ");
                                    return fail(err, &m);
                                }
                            }
                        }
                        None => {
                            let t = services.get().port_by_name(ServiceProto::Tcp, sn);
                            let u = services.get().port_by_name(ServiceProto::Udp, sn);
                            match (t, u) {
                                (None, None) => {
                                    let mut m = b"unknown service ".to_vec();
                                    m.extend_from_slice(sn);
                                    m.extend_from_slice(b" in: -i ");
                                    return fail(err, &m);
                                }
                                (Some(t), Some(u)) if t != u => {
                                    let s = String::from_utf8_lossy(sn);
                                    err.extend_from_slice(pn);
                                    err.extend_from_slice(
                                        format!(": TCP={t} and UDP={u} {s} ports conflict;\n").as_bytes(),
                                    );
                                    let m = format!("      specify \"tcp:{s}\" or \"udp:{s}\": -i ");
                                    err.extend_from_slice(m.as_bytes());
                                    crate::core::escape::safe_bytes(na, false, err);
                                    err.push(b'\n');
                                    return false;
                                }
                                (Some(t), _) => t as i32,
                                (None, Some(u)) => u as i32,
                            }
                        }
                    };
                    if pr {
                        ep = pt;
                    } else {
                        sp = pt;
                    }
                } else {
                    while at(w) != 0 && at(w) != b',' {
                        let c = at(w);
                        if c == b'-' {
                            if pr {
                                return fail(err, b"unacceptable port specification in: -i ");
                            }
                            pr = true;
                            break;
                        }
                        if !c.is_ascii_digit() {
                            return fail(err, b"unacceptable port specification in: -i ");
                        }
                        let d = (c - b'0') as i32;
                        if pr {
                            ep = ep.wrapping_mul(10).wrapping_add(d);
                        } else {
                            sp = sp.wrapping_mul(10).wrapping_add(d);
                        }
                        w += 1;
                    }
                }
                if at(w) == 0 || at(w) == b',' {
                    break;
                }
                if pr {
                    w += 1;
                    continue;
                }
                return fail(err, b"unacceptable port specification in: -i ");
            }
            if !pr {
                ep = sp;
            }
            if ep < sp {
                return fail(err, b"unacceptable port specification in: -i ");
            }
            if !self.enter_all(
                pn,
                &mut n,
                sp,
                ep,
                na,
                &mut resolved,
                host_name.as_deref(),
                ft,
                hosts,
                err,
            ) {
                return false;
            }
            if at(w) == 0 {
                break;
            }
            w += 1;
        }
        true
    }

    /// lsof's nwad_enter loop: the entry for every resolved address, then,
    /// for a host name first found as IPv6, its IPv4 addresses too.
    #[allow(clippy::too_many_arguments)]
    fn enter_all(
        &mut self,
        pn: &[u8],
        n: &mut Partial,
        sp: i32,
        ep: i32,
        na: &[u8],
        resolved: &mut Option<Vec<[u8; 16]>>,
        host_name: Option<&[u8]>,
        ft: u8,
        hosts: &Hosts,
        err: &mut Vec<u8>,
    ) -> bool {
        loop {
            if !self.enter_one(pn, n, sp, ep, na, resolved.as_deref(), err) {
                return false;
            }
            if let Some(hn) = host_name
                && n.af == 6
                && ft != 6
            {
                n.af = 4;
                *resolved = lookup_host(hosts, hn, n);
                if resolved.is_some() {
                    continue;
                }
            }
            return true;
        }
    }

    /// lsof's enter_nwad().
    #[allow(clippy::too_many_arguments)]
    fn enter_one(
        &mut self,
        pn: &[u8],
        n: &Partial,
        sp: i32,
        ep: i32,
        na: &[u8],
        he: Option<&[[u8; 16]]>,
        err: &mut Vec<u8>,
    ) -> bool {
        let mut addr = n.addr;
        let mut next = 1;
        loop {
            let empty = addr[..4].iter().all(|&b| b == 0) && (n.af != 6 || addr[4..].iter().all(|&b| b == 0));
            if n.proto.is_none() && empty && sp == -1 {
                line_arg(err, pn, b"incomplete Internet address specification: -i ", na);
                return false;
            }
            if self.specs.len() >= MAX_SPECS {
                line_arg(
                    err,
                    pn,
                    format!("network address limit ({MAX_SPECS}) exceeded: -i ").as_bytes(),
                    na,
                );
                return false;
            }
            self.specs.push(Spec {
                proto: n.proto,
                af: n.af,
                addr,
                sport: sp,
                eport: ep,
                arg: na.to_vec(),
                found: false,
            });
            let Some(list) = he else { return true };
            let Some(a) = list.get(next) else { return true };
            next += 1;
            let len = if n.af == 6 { 16 } else { 4 };
            addr[..len].copy_from_slice(&a[..len]);
        }
    }

    /// is_nw_addr(): does an endpoint match some entry? Marks the first
    /// matching entry (newest first) found.
    pub fn matches(&mut self, proto: Proto, v6: bool, addr: &[u8; 16], port: u32) -> bool {
        let Some(i) = self.matching(proto, v6, addr, port) else {
            return false;
        };
        self.mark_found(i);
        true
    }

    /// The first entry (newest first) an endpoint matches, by index; it is
    /// marked found by `mark_found` (classification on several threads
    /// gathers the marks and sets them after).
    pub fn matching(&self, proto: Proto, v6: bool, addr: &[u8; 16], port: u32) -> Option<usize> {
        let port = port as i64;
        let af = if v6 { 6 } else { 4 };
        let n = if v6 { 16 } else { 4 };
        self.specs.iter().rposition(|s| {
            s.proto.is_none_or(|p| p == proto)
                && (s.af == 0 || s.af == af)
                && (s.addr[..n].iter().all(|&b| b == 0) || s.addr[..n] == addr[..n])
                && (s.sport == -1 || (port >= s.sport as i64 && port <= s.eport as i64))
        })
    }

    pub fn mark_found(&mut self, i: usize) {
        if let Some(s) = self.specs.get_mut(i) {
            s.found = true;
        }
    }

    /// How many entries there are (indexes of `matching`).
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// The arguments none of whose entries matched, in lsof's report order.
    pub fn unfound(&mut self) -> Vec<Vec<u8>> {
        let order: Vec<usize> = (0..self.specs.len()).rev().collect();
        for (k, &i) in order.iter().enumerate() {
            for &j in &order[k + 1..] {
                if self.specs[i].arg == self.specs[j].arg {
                    if self.specs[i].found {
                        self.specs[j].found = true;
                    } else if self.specs[j].found {
                        self.specs[i].found = true;
                    } else {
                        self.specs[j].found = true;
                    }
                }
            }
        }
        order
            .iter()
            .filter(|&&i| !self.specs[i].found)
            .map(|&i| self.specs[i].arg.clone())
            .collect()
    }
}

/// lkup_hostnm(): every address of `hn` in family `n.af`; the first is
/// copied into `n.addr`.
fn lookup_host(hosts: &Hosts, hn: &[u8], n: &mut Partial) -> Option<Vec<[u8; 16]>> {
    let v6 = n.af == 6;
    let list = hosts.by_name(hn, v6);
    let first = *list.first()?;
    if v6 {
        n.addr = first;
    } else {
        n.addr = [0; 16];
        n.addr[..4].copy_from_slice(&first[..4]);
    }
    Some(list)
}

/// isIPv4addr(): four dotted decimal octets up to `:` or the end; returns
/// the octets and where it stopped.
fn ipv4_literal(s: &[u8]) -> Option<([u8; 4], usize)> {
    if !s.first()?.is_ascii_digit() {
        return None;
    }
    let mut ov = [-1i64; 4];
    ov[0] = (s[0] - b'0') as i64;
    let (mut dots, mut x, mut i) = (0, 0usize, 1usize);
    while i < s.len() && s[i] != b':' {
        let c = s[i];
        if c == b'.' {
            dots += 1;
            if !(0..=255).contains(&ov[x]) {
                return None;
            }
            x += 1;
            if x > 3 {
                return None;
            }
            ov[x] = -1;
        } else if c.is_ascii_digit() {
            let d = (c - b'0') as i64;
            ov[x] = if ov[x] < 0 { d } else { (ov[x] * 10 + d).min(1 << 40) };
        } else {
            return None;
        }
        i += 1;
    }
    if dots != 3 || x != 3 || !(0..=255).contains(&ov[3]) {
        return None;
    }
    Some(([ov[0] as u8, ov[1] as u8, ov[2] as u8, ov[3] as u8], i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::root::SysRoot;

    fn parse(args: &[&str]) -> (InetSpecs, NetSelect, String) {
        let root = SysRoot::snapshot("/nonexistent");
        let services = LazyServices::new(&root);
        let hosts = Hosts::new(&root);
        let mut specs = InetSpecs::default();
        let mut net = NetSelect::default();
        let mut err = Vec::new();
        for a in args {
            specs.enter(b"lsof", a.as_bytes(), &mut net, &services, &hosts, &mut err);
        }
        (specs, net, String::from_utf8(err).unwrap())
    }

    #[test]
    fn versions_combine() {
        let (_, net, _) = parse(&["4", "6"]);
        assert!(net.on && net.ty == 0);
        let (_, net, _) = parse(&["6"]);
        assert_eq!(net.ty, 6);
    }

    #[test]
    fn ports_and_ranges() {
        let (s, _, e) = parse(&["TCP:80,1000-2000"]);
        assert_eq!(e, "");
        let v: Vec<(i32, i32)> = s.specs.iter().map(|s| (s.sport, s.eport)).collect();
        assert_eq!(v, vec![(80, 80), (1000, 2000)]);
        let (_, _, e) = parse(&[":80-22"]);
        assert_eq!(e, "lsof: unacceptable port specification in: -i :80-22\n");
        let (_, _, e) = parse(&[":"]);
        assert_eq!(e, "lsof: unacceptable port specification in: -i :\n");
        let (_, _, e) = parse(&["foo"]);
        assert_eq!(e, "lsof: unknown protocol name (foo) in: -i foo\n");
        let (_, _, e) = parse(&["6@127.0.0.1"]);
        assert_eq!(e, "lsof: IPv4 addresses are prohibited: -i 6@127.0.0.1\n");
        let (_, _, e) = parse(&["4@[::1]"]);
        assert_eq!(e, "lsof: IPv6 addresses are prohibited: -i 4@[::1]\n");
        let (_, _, e) = parse(&["@"]);
        assert_eq!(e, "lsof: unacceptable Internet address in: -i @\n");
    }

    #[test]
    fn matching_either_family_as_printed() {
        let (mut s, _, _) = parse(&["@127.0.0.1:8000-8010"]);
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&[127, 0, 0, 1]);
        assert!(s.matches(Proto::Tcp, false, &a, 8005));
        assert!(!s.matches(Proto::Tcp, false, &a, 8011));
        assert!(!s.matches(Proto::Tcp, true, &a, 8005));
        assert!(s.unfound().is_empty());
    }

    #[test]
    fn ipv4_literals() {
        assert_eq!(ipv4_literal(b"1.2.3.4:80"), Some(([1, 2, 3, 4], 7)));
        assert_eq!(ipv4_literal(b"1.2.3.256"), None);
        assert_eq!(ipv4_literal(b"1.2.3"), None);
        assert_eq!(ipv4_literal(b"1.2.3.4x"), None);
    }
}
