//! Every socket of the network namespace with its owners: the one picture
//! the front door's subcommands (`list`, `who`, `report`) work from.
//!
//! Rows come from the /proc/net tables through `core::proc_net` (as
//! netstat reads them, so a snapshot replays them), owners from the one
//! owner scan (`core::owners`). Each TCP socket is then completed from
//! sock_diag (live, or a snapshot's recording of it) with what only netlink
//! has: a listener's backlog and the tcp_info summary. Malformed table lines are skipped
//! (the front door has no original to be bug-compatible with).

use crate::core::model::{InetSocket, IpAddr, UnixSocket, tcp_state, unix};
use crate::core::netlink::{self, DiagSocket, InetDiag, inet_attr, u32_ne, u64_ne};
use crate::core::owners::{BuildInodeHasher, Owners};
use crate::core::proc_net::{LineReader, parse_inet_line, parse_unix_line};
use crate::core::recent::{Recent, inet_key, unix_key};
use crate::core::root::SysRoot;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proto {
    Tcp,
    Udp,
    UdpLite,
    Raw,
    Unix,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::UdpLite => "udplite",
            Proto::Raw => "raw",
            Proto::Unix => "unix",
        }
    }
}

/// The inet tables in the order netstat lists them.
const INET_TABLES: [(Proto, &str, bool); 8] = [
    (Proto::Tcp, "/proc/net/tcp", false),
    (Proto::Tcp, "/proc/net/tcp6", true),
    (Proto::Udp, "/proc/net/udp", false),
    (Proto::Udp, "/proc/net/udp6", true),
    (Proto::UdpLite, "/proc/net/udplite", false),
    (Proto::UdpLite, "/proc/net/udplite6", true),
    (Proto::Raw, "/proc/net/raw", false),
    (Proto::Raw, "/proc/net/raw6", true),
];

/// A process holding a socket: the pid and the fd number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub fd: u32,
}

/// What sock_diag adds to a TCP row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpInfo {
    pub rtt_us: u32,
    pub rttvar_us: u32,
    pub rto_us: u32,
    pub snd_cwnd: u32,
    pub snd_mss: u32,
    pub unacked: u32,
    pub lost: u32,
    pub retrans: u32,
    pub total_retrans: u32,
    pub bytes_acked: u64,
    pub bytes_received: u64,
    /// Milliseconds since data was last received.
    pub last_data_recv_ms: u32,
}

/// One socket, plain data. Inet fields are zero for unix sockets and the
/// unix fields empty for inet ones.
#[derive(Debug, Clone, Default)]
pub struct Socket {
    pub proto: Option<Proto>,
    /// Inet: the table's row. Unix: only `state`, `inode`, `rx_queue` are set.
    pub row: InetSocket,
    pub v6: bool,
    pub unix_path: Vec<u8>,
    pub unix_type: u32,
    pub unix_flags: u64,
    pub holders: Vec<Holder>,
    /// A TCP listener's backlog (sock_diag's wqueue).
    pub backlog: Option<u32>,
    pub tcp_info: Option<TcpInfo>,
}

impl Socket {
    pub fn proto(&self) -> Proto {
        self.proto.unwrap_or(Proto::Unix)
    }

    pub fn is_unix(&self) -> bool {
        self.proto() == Proto::Unix
    }

    /// Listening in the netstat/ss sense: a TCP listener, an unconnected
    /// UDP or raw socket, a unix socket that accepts connections.
    pub fn listening(&self) -> bool {
        match self.proto() {
            Proto::Tcp => self.row.state == TCP_LISTEN,
            Proto::Udp | Proto::UdpLite | Proto::Raw => self.row.state == tcp_state::CLOSE,
            Proto::Unix => self.unix_flags & unix::ACCEPTCON != 0,
        }
    }

    /// The state's name: TCP as netstat prints it, UDP/raw `UNCONN` or
    /// `ESTABLISHED`, unix `LISTEN`, `CONNECTED`, `UNCONNECTED`, …
    pub fn state_name(&self) -> &'static str {
        match self.proto() {
            Proto::Tcp => tcp_state_name(self.row.state),
            Proto::Udp | Proto::UdpLite | Proto::Raw => match self.row.state {
                tcp_state::ESTABLISHED => "ESTABLISHED",
                tcp_state::CLOSE => "UNCONN",
                s => tcp_state_name(s),
            },
            Proto::Unix => {
                if self.unix_flags & unix::ACCEPTCON != 0 {
                    return "LISTEN";
                }
                match self.row.state {
                    unix::SS_FREE => "FREE",
                    unix::SS_UNCONNECTED => "UNCONNECTED",
                    unix::SS_CONNECTING => "CONNECTING",
                    unix::SS_CONNECTED => "CONNECTED",
                    unix::SS_DISCONNECTING => "DISCONNECTING",
                    _ => "UNKNOWN",
                }
            }
        }
    }

    pub fn unix_type_name(&self) -> &'static str {
        match self.unix_type {
            1 => "stream",
            2 => "dgram",
            3 => "raw",
            4 => "rdm",
            5 => "seqpacket",
            _ => "unknown",
        }
    }
}

pub use crate::core::model::tcp_state::{
    CLOSE_WAIT as TCP_CLOSE_WAIT, LISTEN as TCP_LISTEN, NAMES as TCP_STATES, SYN_RECV as TCP_SYN_RECV,
    TIME_WAIT as TCP_TIME_WAIT,
};

/// netstat's word for a TCP state; `UNKNOWN` for none or one past the table.
pub fn tcp_state_name(state: u32) -> &'static str {
    match TCP_STATES.get(state as usize) {
        Some(n) if !n.is_empty() => n,
        _ => "UNKNOWN",
    }
}

/// A state word as users type it (`established`, `time-wait`, `TIME_WAIT`,
/// `estab`, `fin-wait-1`, `unconn`, …) in the form `state_name` gives.
pub fn normalize_state(word: &str) -> Option<&'static str> {
    let squashed: String = word
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let names =
        TCP_STATES[1..]
            .iter()
            .copied()
            .chain(["UNCONN", "CONNECTED", "UNCONNECTED", "CONNECTING", "DISCONNECTING"]);
    for name in names {
        if name.replace('_', "") == squashed {
            return Some(name);
        }
    }
    match squashed.as_str() {
        "ESTAB" => Some("ESTABLISHED"),
        "LISTENING" => Some("LISTEN"),
        _ => None,
    }
}

/// Which tables to read.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub inet: bool,
    pub unix: bool,
    /// Run the owner scan.
    pub owners: bool,
}

#[derive(Debug, Default)]
pub struct Inventory {
    pub sockets: Vec<Socket>,
    /// Some /proc/PID/fd could not be read (not root): owners may be missing.
    pub owners_hidden: bool,
    /// sock_diag answered: backlogs and tcp_info are filled.
    pub from_netlink: bool,
}

impl Inventory {
    pub fn collect(root: &SysRoot, want: Want) -> Inventory {
        let mut inv = Inventory::default();
        let mut reader = LineReader::new();
        if want.inet {
            for (proto, path, v6) in INET_TABLES {
                read_inet(&mut reader, root, path, proto, v6, &mut inv.sockets);
            }
        }
        if want.unix {
            read_unix(&mut reader, root, &mut inv.sockets);
        }
        if want.owners {
            let owners = Owners::scan(root);
            inv.owners_hidden = owners.denied || owners.no_proc;
            inv.attach(&owners);
        }
        if want.inet {
            inv.from_netlink = inv.add_tcp_diag(root);
        }
        inv
    }

    fn attach(&mut self, owners: &Owners) {
        let mut by_inode: HashMap<u64, Vec<usize>, BuildInodeHasher> = HashMap::default();
        for (i, s) in self.sockets.iter().enumerate() {
            if s.row.inode != 0 {
                by_inode.entry(s.row.inode).or_default().push(i);
            }
        }
        for p in &owners.procs {
            for f in &owners.fds[p.first_fd as usize..p.end_fd as usize] {
                for &i in by_inode.get(&f.inode).map_or(&[][..], |v| v.as_slice()) {
                    self.sockets[i].holders.push(Holder { pid: p.pid, fd: f.fd });
                }
            }
        }
    }

    /// Backlogs and tcp_info from sock_diag (live, or a snapshot's
    /// recording of it), matched by inode. False when there is none.
    fn add_tcp_diag(&mut self, root: &SysRoot) -> bool {
        let mut index: HashMap<u64, usize, BuildInodeHasher> = HashMap::default();
        for (i, s) in self.sockets.iter().enumerate() {
            if s.proto() == Proto::Tcp && s.row.inode != 0 {
                index.insert(s.row.inode, i);
            }
        }
        let Ok(mut sock) = DiagSocket::open_at(root) else {
            return false;
        };
        const INFO_EXT: u8 = 1 << (inet_attr::INFO - 1);
        let mut ok = true;
        for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
            let req = netlink::inet_request(family, libc::IPPROTO_TCP as u8, INFO_EXT, u32::MAX, None);
            let res = sock.dump(&req, |m| {
                let Some(d) = InetDiag::parse(m.payload) else {
                    return true;
                };
                let Some(&i) = index.get(&(d.inode as u64)) else {
                    return true;
                };
                let s = &mut self.sockets[i];
                if d.state as u32 == TCP_LISTEN {
                    s.backlog = Some(d.wqueue);
                }
                if let Some(raw) = d.attr(inet_attr::INFO) {
                    s.tcp_info = Some(decode_tcp_info(raw));
                }
                true
            });
            ok &= res.is_ok();
        }
        ok
    }
}

/// The summary fields of `struct tcp_info` (linux/tcp.h offsets); a short
/// attribute reads as zeros past its end.
pub fn decode_tcp_info(raw: &[u8]) -> TcpInfo {
    let mut b = [0u8; 144];
    let n = raw.len().min(b.len());
    b[..n].copy_from_slice(&raw[..n]);
    TcpInfo {
        rto_us: u32_ne(&b, 8),
        snd_mss: u32_ne(&b, 16),
        unacked: u32_ne(&b, 24),
        lost: u32_ne(&b, 32),
        retrans: u32_ne(&b, 36),
        last_data_recv_ms: u32_ne(&b, 52),
        rtt_us: u32_ne(&b, 68),
        rttvar_us: u32_ne(&b, 72),
        snd_cwnd: u32_ne(&b, 80),
        total_retrans: u32_ne(&b, 100),
        bytes_acked: u64_ne(&b, 120),
        bytes_received: u64_ne(&b, 128),
    }
}

fn read_inet(reader: &mut LineReader, root: &SysRoot, path: &str, proto: Proto, v6: bool, out: &mut Vec<Socket>) {
    let mut first = true;
    let mut recent = Recent::default();
    let _ = reader.read(&root.path(path), |line| {
        if std::mem::take(&mut first) {
            return; // the header
        }
        let mut row = InetSocket::default();
        // A whole row has every field; a cut or garbled one is skipped, and
        // so is one the kernel's resumed read shows again (core::recent).
        if parse_inet_line(line, &mut row) < 14 || row.local.v6 != v6 || recent.repeat(&inet_key(0, &row)) {
            return;
        }
        out.push(Socket {
            proto: Some(proto),
            row,
            v6,
            ..Socket::default()
        });
    });
}

fn read_unix(reader: &mut LineReader, root: &SysRoot, out: &mut Vec<Socket>) {
    let mut first = true;
    let mut recent = Recent::default();
    let _ = reader.read(&root.path("/proc/net/unix"), |line| {
        if std::mem::take(&mut first) {
            return;
        }
        let (n, u) = parse_unix_line(line, &UnixSocket::default());
        if n < 7 {
            return;
        }
        // The path is the rest of the line: it may hold spaces (netstat
        // cuts it at the first; the parser hands out that first word).
        let path = if u.path.is_empty() {
            &b""[..]
        } else {
            &line[u.path.as_ptr() as usize - line.as_ptr() as usize..]
        };
        if unix_key(u.inode, path).is_some_and(|k| recent.repeat(&k)) {
            return;
        }
        out.push(Socket {
            proto: Some(Proto::Unix),
            row: InetSocket {
                state: u.state,
                inode: u.inode,
                ..InetSocket::default()
            },
            unix_path: path.to_vec(),
            unix_type: u.sock_type,
            unix_flags: u.flags,
            ..Socket::default()
        });
    });
}

/// How many of each name, in first-seen order (state and protocol counts).
pub fn tally(names: impl Iterator<Item = &'static str>) -> Vec<(&'static str, u64)> {
    let mut counts: Vec<(&'static str, u64)> = Vec::new();
    for name in names {
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => counts.push((name, 1)),
        }
    }
    counts
}

/// An address as text: dotted quad, or RFC 5952 IPv6.
pub fn addr_text(a: &IpAddr) -> String {
    if a.v6 {
        let mut v = Vec::new();
        crate::core::names::hosts::format_v6(&a.bytes, &mut v);
        String::from_utf8_lossy(&v).into_owned()
    } else {
        let o = a.v4_octets();
        format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(files: &[(&str, &str)]) -> (std::path::PathBuf, SysRoot) {
        let dir = std::env::temp_dir().join(format!("sockbox-inv-{}-{}", std::process::id(), files.len()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path.trim_start_matches('/'));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        (dir.clone(), SysRoot::snapshot(dir))
    }

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:1F90 0100007F:C350 01 00000005:00000000 02:00000BB8 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1\n   2: 0100007F:1F9\n";

    #[test]
    fn rows_owners_and_states() {
        let (dir, root) = snapshot(&[
            ("/proc/net/tcp", TCP),
            (
                "/proc/net/unix",
                "Num       RefCount Protocol Flags    Type St Inode Path\n0000000000000000: 00000002 00000000 00010000 0001 01 77 /run/my app.sock\n0000000000000000: 00000002 00000000 00000000 0002 01 78\n",
            ),
        ]);
        std::fs::create_dir_all(dir.join("proc/42/fd")).unwrap();
        std::os::unix::fs::symlink("socket:[4243]", dir.join("proc/42/fd/7")).unwrap();
        let inv = Inventory::collect(
            &root,
            Want {
                inet: true,
                unix: true,
                owners: true,
            },
        );
        // The cut third tcp line is skipped.
        assert_eq!(inv.sockets.len(), 4);
        let (l, c, ux, ud) = (&inv.sockets[0], &inv.sockets[1], &inv.sockets[2], &inv.sockets[3]);
        assert!(l.listening() && l.state_name() == "LISTEN" && l.row.local_port == 8080);
        assert_eq!((c.state_name(), c.row.uid, c.row.tx_queue), ("ESTABLISHED", 1000, 5));
        assert_eq!(c.holders, vec![Holder { pid: 42, fd: 7 }]);
        assert_eq!(addr_text(&c.row.remote), "127.0.0.1");
        assert!(ux.listening() && ux.unix_path == b"/run/my app.sock" && ux.unix_type_name() == "stream");
        assert!(!ud.listening() && ud.unix_path.is_empty() && ud.state_name() == "UNCONNECTED");
        assert!(!inv.from_netlink);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn state_words() {
        assert_eq!(normalize_state("time-wait"), Some("TIME_WAIT"));
        assert_eq!(normalize_state("estab"), Some("ESTABLISHED"));
        assert_eq!(normalize_state("FIN_WAIT_1"), Some("FIN_WAIT1"));
        assert_eq!(normalize_state("close_wait"), Some("CLOSE_WAIT"));
        assert_eq!(normalize_state("listening"), Some("LISTEN"));
        assert_eq!(normalize_state("bogus"), None);
    }

    #[test]
    fn tcp_info_offsets() {
        let mut raw = vec![0u8; 232];
        raw[68..72].copy_from_slice(&1500u32.to_ne_bytes());
        raw[80..84].copy_from_slice(&10u32.to_ne_bytes());
        raw[120..128].copy_from_slice(&123456u64.to_ne_bytes());
        let t = decode_tcp_info(&raw);
        assert_eq!((t.rtt_us, t.snd_cwnd, t.bytes_acked), (1500, 10, 123456));
        // A short attribute (old kernel) reads as zeros past its end.
        assert_eq!(decode_tcp_info(&raw[..70]).snd_cwnd, 0);
    }
}
