//! `sockbox list`: every socket with every field sockbox knows, as JSON
//! lines, a JSON array, or a table for people. The schema is in the README
//! ("sockbox list"); fields are only ever added, never renamed.

use super::json::Json;
use super::text::{Style, columns, endpoint, proto_label, shown};
use crate::core::inventory::{Inventory, Proto, Socket, Want, addr_text, normalize_state};
use crate::core::names::users::Users;
use crate::core::procinfo;
use crate::core::root::SysRoot;
use argh::FromArgs;
use std::collections::HashMap;
use std::io::Write;

/// list sockets with every field sockbox knows (JSON lines with --json)
#[derive(FromArgs)]
#[argh(subcommand, name = "list")]
pub struct ListArgs {
    /// one JSON object per socket, one per line
    #[argh(switch)]
    json: bool,
    /// one JSON array of all sockets
    #[argh(switch)]
    json_array: bool,
    /// TCP sockets
    #[argh(switch)]
    tcp: bool,
    /// UDP and UDP-Lite sockets
    #[argh(switch)]
    udp: bool,
    /// raw sockets
    #[argh(switch)]
    raw: bool,
    /// unix sockets
    #[argh(switch)]
    unix: bool,
    /// only listening sockets (TCP LISTEN, unconnected UDP/raw, accepting unix)
    #[argh(switch)]
    listening: bool,
    /// listening and non-listening sockets (without it and --listening: non-listening only, as netstat)
    #[argh(switch)]
    all: bool,
    /// only sockets with this local or remote port
    #[argh(option)]
    port: Option<u16>,
    /// only sockets this process holds
    #[argh(option)]
    pid: Option<u32>,
    /// only sockets in this state (established, time-wait, listen, unconn, connected, …)
    #[argh(option)]
    state: Option<String>,
    /// enter this network namespace first: a name (ip netns), a path, or pid:PID
    #[argh(option)]
    netns: Option<String>,
}

/// Which sockets a listing keeps.
pub struct Filter {
    pub protos: Vec<Proto>,
    pub listening: bool,
    pub all: bool,
    pub port: Option<u16>,
    pub pid: Option<u32>,
    pub state: Option<&'static str>,
}

impl Filter {
    pub fn keeps(&self, s: &Socket) -> bool {
        if !self.protos.contains(&s.proto()) {
            return false;
        }
        if let Some(state) = self.state {
            if s.state_name() != state {
                return false;
            }
        } else if !self.all && s.listening() != self.listening {
            return false;
        }
        if let Some(port) = self.port
            && (s.is_unix() || (s.row.local_port != port as u32 && s.row.remote_port != port as u32))
        {
            return false;
        }
        if let Some(pid) = self.pid
            && !s.holders.iter().any(|h| h.pid == pid)
        {
            return false;
        }
        true
    }
}

pub fn run(a: ListArgs) -> i32 {
    let state = match a.state.as_deref().map(|w| (w, normalize_state(w))) {
        Some((w, None)) => {
            eprintln!("sockbox list: unknown state {w:?}");
            return super::EXIT_ERROR;
        }
        Some((_, s)) => s,
        None => None,
    };
    let mut protos = Vec::new();
    let any = !(a.tcp || a.udp || a.raw || a.unix);
    if any || a.tcp {
        protos.push(Proto::Tcp);
    }
    if any || a.udp {
        protos.extend([Proto::Udp, Proto::UdpLite]);
    }
    if any || a.raw {
        protos.push(Proto::Raw);
    }
    if any || a.unix {
        protos.push(Proto::Unix);
    }
    let filter = Filter {
        protos,
        listening: a.listening,
        all: a.all,
        port: a.port,
        pid: a.pid,
        state,
    };
    let root = match super::system(a.netns.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sockbox list: {e}");
            return super::EXIT_ERROR;
        }
    };
    let want = Want {
        inet: filter.protos.iter().any(|p| *p != Proto::Unix),
        unix: filter.protos.contains(&Proto::Unix),
        owners: true,
    };
    let inv = Inventory::collect(&root, want);
    let sockets: Vec<&Socket> = inv.sockets.iter().filter(|s| filter.keeps(s)).collect();
    let mut names = Names::new(&root);
    let out = if a.json || a.json_array {
        let mut j = Json::new();
        if a.json_array {
            j.open_array();
        }
        for s in &sockets {
            write_socket(&mut j, s, &mut names);
            if !a.json_array {
                j.newline();
            }
        }
        if a.json_array {
            j.close_array();
            j.newline();
        }
        j.buf
    } else {
        table(&sockets, &mut names, Style::new(super::text::ColorWhen::Auto))
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&out).and_then(|()| stdout.flush()).is_err() {
        return super::EXIT_ERROR;
    }
    if inv.owners_hidden {
        eprintln!("sockbox list: some processes could not be inspected (not root): their sockets show no owners");
    }
    0
}

/// User and process names, each looked up once.
pub struct Names<'a> {
    root: &'a SysRoot,
    users: Users,
    comms: HashMap<u32, Vec<u8>>,
}

impl<'a> Names<'a> {
    pub fn new(root: &'a SysRoot) -> Names<'a> {
        Names {
            root,
            users: Users::new(root),
            comms: HashMap::new(),
        }
    }

    pub fn root(&self) -> &'a SysRoot {
        self.root
    }

    pub fn user(&mut self, uid: u32) -> Option<Vec<u8>> {
        self.users.name(uid).map(<[u8]>::to_vec)
    }

    pub fn comm(&mut self, pid: u32) -> &[u8] {
        let root = self.root;
        self.comms.entry(pid).or_insert_with(|| procinfo::comm(root, pid))
    }
}

/// Timer kinds of the /proc/net `tr` column.
fn timer_name(t: u32) -> &'static str {
    match t {
        0 => "off",
        1 => "on",
        2 => "keepalive",
        3 => "timewait",
        4 => "probe",
        _ => "unknown",
    }
}

/// One socket as a JSON object (the `list` schema; `who` reuses it).
pub fn write_socket(j: &mut Json, s: &Socket, names: &mut Names) {
    j.open();
    j.field_str("proto", s.proto().name().as_bytes());
    let family: &[u8] = if s.is_unix() {
        b"unix"
    } else if s.v6 {
        b"inet6"
    } else {
        b"inet"
    };
    j.field_str("family", family);
    j.field_str("state", s.state_name().as_bytes());
    j.field_bool("listening", s.listening());
    j.field_u64("inode", s.row.inode);
    if s.is_unix() {
        j.field_str("type", s.unix_type_name().as_bytes());
        let path = &s.unix_path;
        j.field_bytes("path", path);
        j.field_bool("abstract", path.first() == Some(&b'@'));
    } else {
        j.field_str("local_addr", addr_text(&s.row.local).as_bytes());
        j.field_u64("local_port", s.row.local_port as u64);
        j.field_str("remote_addr", addr_text(&s.row.remote).as_bytes());
        j.field_u64("remote_port", s.row.remote_port as u64);
        j.field_u64("rx_queue", s.row.rx_queue);
        j.field_u64("tx_queue", s.row.tx_queue);
        let uid = u32::try_from(s.row.uid).ok();
        j.field_opt_u64("uid", uid.map(u64::from));
        let user = uid.and_then(|u| names.user(u));
        j.field_opt_str("user", user.as_deref());
        j.key_open("timer");
        j.field_str("kind", timer_name(s.row.timer).as_bytes());
        let ticks = crate::core::sys::clock_ticks().max(1);
        j.field_u64("expires_ms", s.row.timer_when.saturating_mul(1000) / ticks);
        j.field_u64("retransmits", s.row.retransmits);
        j.close();
        j.field_opt_u64("backlog", s.backlog.map(u64::from));
        j.key("tcp_info");
        match &s.tcp_info {
            None => j.null(),
            Some(t) => {
                j.open();
                j.field_u64("rtt_us", t.rtt_us as u64);
                j.field_u64("rttvar_us", t.rttvar_us as u64);
                j.field_u64("rto_us", t.rto_us as u64);
                j.field_u64("snd_cwnd", t.snd_cwnd as u64);
                j.field_u64("snd_mss", t.snd_mss as u64);
                j.field_u64("unacked", t.unacked as u64);
                j.field_u64("lost", t.lost as u64);
                j.field_u64("retrans", t.retrans as u64);
                j.field_u64("total_retrans", t.total_retrans as u64);
                j.field_u64("bytes_acked", t.bytes_acked);
                j.field_u64("bytes_received", t.bytes_received);
                j.field_u64("last_data_recv_ms", t.last_data_recv_ms as u64);
                j.close();
            }
        }
    }
    j.key_array("owners");
    for h in &s.holders {
        j.open();
        j.field_u64("pid", h.pid as u64);
        let comm = names.comm(h.pid).to_vec();
        j.field_bytes("name", &comm);
        j.field_u64("fd", h.fd as u64);
        j.close();
    }
    j.close_array();
    j.close();
}

/// The table for people: one row per socket, owners as `name/pid`.
fn table(sockets: &[&Socket], names: &mut Names, style: Style) -> Vec<u8> {
    let header = ["PROTO", "STATE", "LOCAL", "PEER", "RECV-Q", "SEND-Q", "OWNERS"];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for s in sockets {
        let owners: Vec<String> = s
            .holders
            .iter()
            .map(|h| format!("{}/{}", shown(names.comm(h.pid)), h.pid))
            .collect();
        rows.push(vec![
            proto_label(s),
            s.state_name().to_string(),
            endpoint(s, false),
            endpoint(s, true),
            s.row.rx_queue.to_string(),
            s.row.tx_queue.to_string(),
            owners.join(","),
        ]);
    }
    let mut out = String::new();
    for (k, line) in columns(&rows).iter().enumerate() {
        out.push_str(&if k == 0 { style.bold(line) } else { line.clone() });
        out.push('\n');
    }
    out.into_bytes()
}
