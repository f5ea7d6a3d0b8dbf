//! How netstat names things: `host:port` with its 23-column cut, and the
//! PID/Program name column built from /proc/PID/cmdline.

use super::options::Options;
use crate::core::model::IpAddr;
use crate::core::names::hosts::{Hosts, format_v6};
use crate::core::names::services::{ServiceProto, Services};
use crate::core::names::users::Users;
use crate::core::owners::{BuildInodeHasher, Owners, push_decimal};
use crate::core::root::SysRoot;
use crate::core::sys;
use std::collections::HashMap;

/// netstat keeps host names in 128-byte buffers.
const NAME_MAX: usize = 127;
/// `host:port` longer than this is cut unless -W (addr_do_one's short_len).
const SHORT_LEN: usize = 22;

pub struct AddrNames {
    root: SysRoot,
    numeric_hosts: bool,
    numeric_ports: bool,
    wide: bool,
    hosts: Option<Hosts>,
    services: Option<Services>,
    pub users: Users,
    /// Answers per address (netstat caches IPv4 answers for its lifetime;
    /// IPv6 answers cannot change within a run either).
    cache: HashMap<IpAddr, Vec<u8>>,
    host: Vec<u8>,
}

impl AddrNames {
    pub fn new(root: &SysRoot, o: &Options) -> AddrNames {
        AddrNames {
            root: root.clone(),
            numeric_hosts: o.numeric_hosts,
            numeric_ports: o.numeric_ports,
            wide: o.wide,
            hosts: None,
            services: None,
            users: Users::new(root),
            cache: HashMap::new(),
            host: Vec::with_capacity(NAME_MAX + 1),
        }
    }

    /// netstat's addr_do_one(): `host:port` into `buf`.
    pub fn endpoint(&mut self, addr: &IpAddr, port: u32, proto: ServiceProto, buf: &mut Vec<u8>) {
        let mut host = std::mem::take(&mut self.host);
        host.clear();
        self.host_text(addr, &mut host);
        let mut port_buf = [0u8; 20];
        let port16 = port as u16;
        let port_text: &[u8] = if port16 == 0 {
            b"*"
        } else if self.numeric_ports {
            crate::core::out::fmt_u64(port16 as u64, &mut port_buf)
        } else {
            let root = &self.root;
            match self
                .services
                .get_or_insert_with(|| Services::load(root))
                .name(proto, port16)
            {
                Some(n) => n,
                None => crate::core::out::fmt_u64(port16 as u64, &mut port_buf),
            }
        };
        buf.clear();
        if !self.wide && host.len() + port_text.len() > SHORT_LEN {
            let port_len = port_text.len().min(SHORT_LEN - 4);
            let host_len = SHORT_LEN - port_len;
            buf.extend_from_slice(&host[..host.len().min(host_len)]);
            buf.push(b':');
            buf.extend_from_slice(&port_text[..port_len]);
        } else {
            buf.extend_from_slice(&host);
            buf.push(b':');
            buf.extend_from_slice(port_text);
            // snprintf into a 128-byte buffer
            buf.truncate(NAME_MAX);
        }
        self.host = host;
    }

    /// INET_sprint / INET6_sprint.
    pub fn host_text(&mut self, addr: &IpAddr, out: &mut Vec<u8>) {
        if !addr.v6 {
            let a = addr.v4_octets();
            if self.numeric_hosts || a == [0; 4] {
                push_v4(out, a);
                return;
            }
        } else if self.numeric_hosts {
            format_v6(&addr.bytes, out);
            fix_v4_mapped(addr, out);
            return;
        } else if addr.is_unspecified() {
            out.extend_from_slice(b"[::]");
            return;
        }
        if let Some(name) = self.cache.get(addr) {
            out.extend_from_slice(name);
            return;
        }
        let root = &self.root;
        let hosts = self.hosts.get_or_insert_with(|| Hosts::new(root));
        let mut text = Vec::new();
        if !addr.v6 {
            let a = addr.v4_octets();
            // INET_rresolve with mask 255.255.255.0 in network order: a
            // host when the first octet is set, else a network name.
            let found = if a[0] != 0 {
                hosts.by_v4(a)
            } else {
                hosts.network(u32::from_be_bytes(a))
            };
            match found {
                Some(mut n) => {
                    n.truncate(NAME_MAX);
                    text = n;
                }
                None => push_v4(&mut text, a),
            }
        } else {
            match hosts.by_v6(addr.bytes).filter(|n| n.len() <= NAME_MAX) {
                Some(n) => text = n,
                None => format_v6(&addr.bytes, &mut text),
            }
            fix_v4_mapped(addr, &mut text);
        }
        out.extend_from_slice(&text);
        self.cache.insert(*addr, text);
    }
}

fn push_v4(out: &mut Vec<u8>, a: [u8; 4]) {
    for (i, b) in a.iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        push_decimal(out, *b as u64);
    }
}

/// net-tools' fix_v4_address(): a v4-mapped address whose text holds a dot
/// is shown from the last ':' before that dot (`::ffff:1.2.3.4` → `1.2.3.4`).
fn fix_v4_mapped(addr: &IpAddr, text: &mut Vec<u8>) {
    if !addr.is_v4_mapped() {
        return;
    }
    let Some(dot) = memchr::memchr(b'.', text) else { return };
    if let Some(colon) = memchr::memrchr(b':', &text[..dot]) {
        text.drain(..=colon);
    }
}

/// The PID/Program name column: inode → `PID/name`, first process seen wins.
#[derive(Default)]
pub struct ProgramNames {
    pub loaded: bool,
    /// One `PID/name` per process that holds a named socket.
    names: Vec<Vec<u8>>,
    /// inode → index into `names`.
    by_inode: HashMap<u64, u32, BuildInodeHasher>,
}

/// netstat reads at most this much of /proc/PID/cmdline.
const CMDLINE_MAX: usize = 511;
/// `PID/name` is cut to fit netstat's 20-byte buffer.
const PROGRAM_MAX: usize = 19;

impl ProgramNames {
    /// Scans /proc; returns the warning netstat prints on stderr, if any.
    pub fn load(&mut self, root: &SysRoot) -> Option<String> {
        self.loaded = true;
        let owners = Owners::scan(root);
        self.by_inode.reserve(owners.fds.len());
        let mut path = Vec::new();
        let mut cmdline = vec![0u8; CMDLINE_MAX];
        for p in &owners.procs {
            let mut name: Option<u32> = None;
            for s in &owners.fds[p.first_fd as usize..p.end_fd as usize] {
                if self.by_inode.contains_key(&s.inode) {
                    continue;
                }
                if name.is_none() {
                    // An unreadable cmdline skips this fd; netstat tries
                    // again at the process's next socket.
                    name = read_program(root, p.pid, &mut path, &mut cmdline).map(|n| {
                        self.names.push(n);
                        self.names.len() as u32 - 1
                    });
                }
                if let Some(n) = name {
                    self.by_inode.insert(s.inode, n);
                }
            }
        }
        // netstat: "No info" when /proc cannot be listed, or when some fd
        // folder was unreadable and not a single socket was identified.
        if owners.no_proc || (owners.denied && self.by_inode.is_empty()) {
            return Some(format!(
                "(No info could be read for \"-p\": geteuid()={} but you should be root.)\n",
                sys::geteuid()
            ));
        }
        if owners.denied {
            return Some(
                "(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n"
                    .to_string(),
            );
        }
        None
    }

    pub fn get(&self, inode: u64) -> &[u8] {
        self.by_inode
            .get(&inode)
            .map_or(b"-", |&n| self.names[n as usize].as_slice())
    }
}

/// `PID/` + the program part of the first cmdline string, cut to 19 bytes.
fn read_program(root: &SysRoot, pid: u32, path: &mut Vec<u8>, buf: &mut [u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::ffi::OsStrExt;
    root.path_into(b"/proc/", path);
    push_decimal(path, pid as u64);
    path.extend_from_slice(b"/cmdline");
    let mut f = std::fs::File::open(std::ffi::OsStr::from_bytes(path)).ok()?;
    let n = f.read(buf).ok()?;
    let arg0 = &buf[..memchr::memchr(0, &buf[..n]).unwrap_or(n)];
    let prog = if arg0.first() == Some(&b'/') {
        &arg0[memchr::memrchr(b'/', arg0).map_or(0, |i| i + 1)..]
    } else {
        arg0
    };
    let mut name = Vec::with_capacity(PROGRAM_MAX);
    push_decimal(&mut name, pid as u64);
    name.push(b'/');
    name.extend_from_slice(prog);
    name.truncate(PROGRAM_MAX);
    // Cut as netstat cuts it, then escaped whole on a terminal.
    Some(crate::core::escape::screened(name))
}
