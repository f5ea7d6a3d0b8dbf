//! `sockbox who TARGET`: who owns this port (or what this process has
//! open), the whole troubleshooting sequence in one answer: each owning
//! process with its parent, user, start time and age, command line, cwd
//! and executable, its sockets on the target with states and peers, and
//! counts per state.
//!
//! Exit status: 0 owners shown; 1 nothing on that target (no socket, or no
//! such process); 2 sockets exist there but their processes are hidden from
//! us (not root); 3 an error.

use super::json::Json;
use super::list::{Names, write_socket};
use super::text::{Style, age, columns, command_line, endpoint, local_time, proto_label, shown};
use crate::core::inventory::{Inventory, Proto, Socket, Want, addr_text, tally};
use crate::core::model::IpAddr;
use crate::core::names::hosts::{parse_v4, parse_v6};
use crate::core::names::services::{ServiceProto, Services};
use crate::core::procinfo::{self, ProcInfo};
use argh::FromArgs;
use std::collections::BTreeMap;
use std::io::Write;

/// who owns a port, or what a process has open: TARGET is PORT, :PORT,
/// tcp:PORT, udp:PORT, ADDR:PORT ([v6]:PORT) or pid:PID
#[derive(FromArgs)]
#[argh(subcommand, name = "who")]
pub struct WhoArgs {
    /// the port, address and port, or pid:PID to look up
    #[argh(positional)]
    target: String,
    /// the answer as one JSON object
    #[argh(switch)]
    json: bool,
    /// enter this network namespace first: a name (ip netns), a path, or pid:PID
    #[argh(option)]
    netns: Option<String>,
}

/// What the user asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Port {
        proto: Option<Proto>,
        addr: Option<IpAddr>,
        port: u16,
    },
    Pid(u32),
}

impl Target {
    /// Parses TARGET; ports may be service names (`http`, `tcp:ssh`).
    pub fn parse(s: &str, services: &Services) -> Result<Target, String> {
        if let Some(pid) = s.strip_prefix("pid:") {
            return pid.parse().map(Target::Pid).map_err(|_| format!("not a pid: {pid:?}"));
        }
        let (proto, rest) = match s.split_once(':') {
            Some(("tcp", r)) => (Some(Proto::Tcp), r),
            Some(("udp", r)) => (Some(Proto::Udp), r),
            _ => (None, s),
        };
        // ADDR:PORT, [V6]:PORT, :PORT or PORT.
        let (addr, port) = if let Some(v6) = rest.strip_prefix('[') {
            let (a, p) = v6
                .split_once("]:")
                .ok_or_else(|| format!("expected [ADDR]:PORT, not {rest:?}"))?;
            let a = parse_v6(a.as_bytes()).ok_or_else(|| format!("not an IPv6 address: {a:?}"))?;
            (Some(IpAddr::v6(a)), p)
        } else if let Some((a, p)) = rest.rsplit_once(':') {
            if a.is_empty() {
                (None, p)
            } else if let Some(v4) = parse_v4(a.as_bytes()) {
                (Some(IpAddr::v4(v4)), p)
            } else if let Some(v6) = parse_v6(a.as_bytes()) {
                (Some(IpAddr::v6(v6)), p)
            } else {
                return Err(format!("not an address: {a:?}"));
            }
        } else {
            (None, rest)
        };
        let port = match port.parse::<u16>() {
            Ok(p) => p,
            Err(_) => {
                let sp = if proto == Some(Proto::Udp) {
                    ServiceProto::Udp
                } else {
                    ServiceProto::Tcp
                };
                services
                    .port_by_name(sp, port.as_bytes())
                    .ok_or_else(|| format!("not a port or known service: {port:?}"))?
            }
        };
        Ok(Target::Port { proto, addr, port })
    }

    fn matches(&self, s: &Socket) -> bool {
        match self {
            Target::Pid(pid) => s.holders.iter().any(|h| h.pid == *pid),
            Target::Port { proto, addr, port } => {
                if s.is_unix() {
                    return false;
                }
                let proto_ok = match proto {
                    None => true,
                    Some(Proto::Udp) => matches!(s.proto(), Proto::Udp | Proto::UdpLite),
                    Some(p) => s.proto() == *p,
                };
                let port = *port as u32;
                let local = s.row.local_port == port && addr.is_none_or(|a| same_addr(&a, &s.row.local));
                let remote = s.row.remote_port == port && addr.is_none_or(|a| same_addr(&a, &s.row.remote));
                proto_ok && (local || remote)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Pid(pid) => format!("pid {pid}"),
            Target::Port { proto, addr, port } => {
                let p = proto.map_or("port".to_string(), |p| format!("{} port", p.name()));
                match addr {
                    Some(a) => format!("{p} {}:{port}", addr_text(a)),
                    None => format!("{p} {port}"),
                }
            }
        }
    }
}

/// An address as the user typed it against a socket's: v4 also matches its
/// v4-mapped form on a dual-stack socket.
fn same_addr(want: &IpAddr, have: &IpAddr) -> bool {
    if want == have {
        return true;
    }
    if !want.v6 && have.is_v4_mapped() {
        return have.bytes[12..16] == want.bytes[..4];
    }
    false
}

pub fn run(a: WhoArgs) -> i32 {
    let root = match super::system(a.netns.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sockbox who: {e}");
            return super::EXIT_ERROR;
        }
    };
    let services = Services::load(&root);
    let target = match Target::parse(&a.target, &services) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sockbox who: {e}");
            return super::EXIT_ERROR;
        }
    };
    let want = Want {
        inet: true,
        unix: matches!(target, Target::Pid(_)),
        owners: true,
    };
    let inv = Inventory::collect(&root, want);
    let found: Vec<&Socket> = inv.sockets.iter().filter(|s| target.matches(s)).collect();
    // The processes, in pid order, each with its sockets on the target.
    let mut by_pid: BTreeMap<u32, Vec<(&Socket, u32)>> = BTreeMap::new();
    for s in &found {
        for h in &s.holders {
            if let Target::Pid(p) = target
                && h.pid != p
            {
                continue;
            }
            by_pid.entry(h.pid).or_default().push((s, h.fd));
        }
    }
    // A process asked for by pid is shown even when it holds no socket.
    if let Target::Pid(p) = target
        && root.path(&format!("/proc/{p}/stat")).exists()
    {
        by_pid.entry(p).or_default();
    }
    let unowned: Vec<&Socket> = found.iter().copied().filter(|s| s.holders.is_empty()).collect();
    for socks in by_pid.values_mut() {
        socks.sort_by_key(|&(_, fd)| fd);
    }
    let procs: Vec<ProcInfo> = by_pid.keys().map(|&pid| ProcInfo::read(&root, pid)).collect();
    let pid_alive = match target {
        Target::Pid(p) => root.path(&format!("/proc/{p}")).exists(),
        _ => true,
    };
    // Hidden: sockets there, none of them with a visible owner, and some
    // fd folders we could not read (a kernel socket has no owner even for root).
    let hidden = by_pid.is_empty() && inv.owners_hidden && unowned.iter().any(|s| s.row.inode != 0);
    let status = if by_pid.values().any(|socks| !socks.is_empty()) {
        0
    } else if hidden {
        2
    } else {
        1
    };
    let mut names = Names::new(&root);
    let out = if a.json {
        let mut j = Json::new();
        j.open();
        j.field_str("target", target.describe().as_bytes());
        j.key_array("processes");
        for (p, socks) in procs.iter().zip(by_pid.values()) {
            write_process_json(&mut j, p, socks, &mut names);
        }
        j.close_array();
        j.key_array("unowned");
        for s in &unowned {
            write_socket(&mut j, s, &mut names);
        }
        j.close_array();
        j.field_bool("owners_hidden", inv.owners_hidden);
        j.field_u64("status", status as u64);
        j.close();
        j.newline();
        j.buf
    } else {
        let style = Style::new(super::text::ColorWhen::Auto);
        let mut t = String::new();
        text_answer(
            &mut t, &target, &procs, &by_pid, &unowned, &inv, hidden, pid_alive, &mut names, style,
        );
        t.into_bytes()
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&out).and_then(|()| stdout.flush()).is_err() {
        return super::EXIT_ERROR;
    }
    status
}

fn write_process_json(j: &mut Json, p: &ProcInfo, socks: &[(&Socket, u32)], names: &mut Names) {
    j.open();
    j.field_u64("pid", p.pid as u64);
    j.field_opt_u64("ppid", p.ppid.map(u64::from));
    j.field_opt_u64("uid", p.uid.map(u64::from));
    let user = p.uid.and_then(|u| names.user(u));
    j.field_opt_str("user", user.as_deref());
    j.field_bytes("name", &p.comm);
    j.key_array("cmdline");
    for arg in &p.cmdline {
        j.str(arg);
    }
    j.close_array();
    j.field_opt_str("cwd", p.cwd.as_deref());
    j.field_opt_str("exe", p.exe.as_deref());
    j.field_opt_u64("start_time", p.start_time);
    j.field_opt_u64("age_seconds", p.start_time.map(|t| procinfo::now().saturating_sub(t)));
    j.key_array("sockets");
    for (s, _) in socks {
        write_socket(j, s, names);
    }
    j.close_array();
    j.key_open("states");
    for (state, n) in state_counts(socks.iter().map(|(s, _)| *s)) {
        j.field_u64(state, n);
    }
    j.close();
    j.close();
}

/// How many sockets in each state, in first-seen order.
fn state_counts<'a>(socks: impl Iterator<Item = &'a Socket>) -> Vec<(&'static str, u64)> {
    tally(socks.map(Socket::state_name))
}

fn counts_text(counts: &[(&str, u64)]) -> String {
    counts
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
fn text_answer(
    t: &mut String,
    target: &Target,
    procs: &[ProcInfo],
    by_pid: &BTreeMap<u32, Vec<(&Socket, u32)>>,
    unowned: &[&Socket],
    inv: &Inventory,
    hidden: bool,
    pid_alive: bool,
    names: &mut Names,
    style: Style,
) {
    use std::fmt::Write as _;
    let what = target.describe();
    if procs.is_empty() {
        if let Target::Pid(_) = target
            && !pid_alive
        {
            let _ = writeln!(t, "{what}: no such process");
            return;
        }
        if unowned.is_empty() {
            let _ = writeln!(t, "{what}: no socket there, so no process owns it");
            return;
        }
        if hidden {
            let mut uids: Vec<i64> = unowned.iter().map(|s| s.row.uid).collect();
            uids.sort_unstable();
            uids.dedup();
            let who: Vec<String> = uids
                .iter()
                .map(|&u| match u32::try_from(u).ok().and_then(|u| names.user(u)) {
                    Some(n) => format!("{} (uid {u})", shown(&n)),
                    None => format!("uid {u}"),
                })
                .collect();
            let _ = writeln!(
                t,
                "{what}: {} socket{} held by {}, whose process{} cannot be inspected by uid {}.\nRun as root (sudo sockbox who {}) or as that user to see {}.",
                unowned.len(),
                plural(unowned.len()),
                who.join(", "),
                if uids.len() == 1 { "" } else { "es" },
                crate::core::sys::geteuid(),
                target_arg(target),
                if uids.len() == 1 { "it" } else { "them" },
            );
        } else {
            let _ = writeln!(t, "{what}: no process owns it");
        }
        unowned_text(t, unowned, style);
        return;
    }
    let nsock: usize = by_pid.values().map(Vec::len).sum();
    let _ = writeln!(
        t,
        "{what}: {} process{}, {nsock} socket{}",
        procs.len(),
        if procs.len() == 1 { "" } else { "es" },
        plural(nsock)
    );
    let now = procinfo::now();
    for (p, socks) in procs.iter().zip(by_pid.values()) {
        let _ = writeln!(t);
        let head = format!("{} (pid {})", shown(&p.comm), p.pid);
        let _ = writeln!(t, "{}", style.bold(&head));
        if let Some(ppid) = p.ppid {
            let parent = procinfo::comm(names.root(), ppid);
            let _ = writeln!(t, "  parent   {ppid} ({})", shown(&parent));
        }
        if let Some(uid) = p.uid {
            match names.user(uid) {
                Some(n) => {
                    let _ = writeln!(t, "  user     {} (uid {uid})", shown(&n));
                }
                None => {
                    let _ = writeln!(t, "  user     uid {uid}");
                }
            }
        }
        if let Some(start) = p.start_time {
            let _ = writeln!(
                t,
                "  started  {}, {} ago",
                local_time(start),
                age(now.saturating_sub(start))
            );
        }
        let unknown = || style.dim("(cannot be read)");
        let cmd = if p.cmdline.is_empty() {
            unknown()
        } else {
            command_line(&p.cmdline)
        };
        let _ = writeln!(t, "  command  {cmd}");
        let _ = writeln!(t, "  cwd      {}", p.cwd.as_deref().map_or_else(unknown, shown));
        let _ = writeln!(t, "  exe      {}", p.exe.as_deref().map_or_else(unknown, shown));
        let rows: Vec<Vec<String>> = socks
            .iter()
            .map(|(s, fd)| {
                vec![
                    proto_label(s),
                    s.state_name().to_string(),
                    endpoint(s, false),
                    endpoint(s, true),
                    format!("fd {fd}"),
                ]
            })
            .collect();
        if rows.is_empty() {
            let _ = writeln!(t, "  sockets  none");
        }
        for (k, line) in columns(&rows).iter().enumerate() {
            let label = if k == 0 { "sockets" } else { "" };
            let _ = writeln!(t, "  {label:<8} {line}");
        }
        if !socks.is_empty() {
            let _ = writeln!(
                t,
                "  states   {}",
                counts_text(&state_counts(socks.iter().map(|(s, _)| *s)))
            );
        }
    }
    if !unowned.is_empty() {
        let _ = writeln!(t);
        unowned_text(t, unowned, style);
    }
    if inv.owners_hidden {
        let _ = writeln!(
            t,
            "\n(some processes could not be inspected by uid {}: run as root to see them all)",
            crate::core::sys::geteuid()
        );
    }
}

/// Sockets on the target that no process holds (TIME_WAIT and other
/// kernel-only states, or owners we cannot see).
fn unowned_text(t: &mut String, unowned: &[&Socket], style: Style) {
    use std::fmt::Write as _;
    let counts = state_counts(unowned.iter().copied());
    let _ = writeln!(t, "{} {}", style.bold("without a process:"), counts_text(&counts));
    let rows: Vec<Vec<String>> = unowned
        .iter()
        .take(10)
        .map(|s| {
            vec![
                proto_label(s),
                s.state_name().to_string(),
                endpoint(s, false),
                endpoint(s, true),
            ]
        })
        .collect();
    for line in columns(&rows) {
        let _ = writeln!(t, "  {line}");
    }
    if unowned.len() > 10 {
        let _ = writeln!(t, "  … and {} more", unowned.len() - 10);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn target_arg(t: &Target) -> String {
    match t {
        Target::Pid(p) => format!("pid:{p}"),
        Target::Port { proto, addr, port } => {
            let mut s = proto.map_or(String::new(), |p| format!("{}:", p.name()));
            if let Some(a) = addr {
                if a.v6 {
                    s.push_str(&format!("[{}]:", addr_text(a)));
                } else {
                    s.push_str(&format!("{}:", addr_text(a)));
                }
            }
            s.push_str(&port.to_string());
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let sv = Services::default();
        let port = |proto, addr, port| Target::Port { proto, addr, port };
        assert_eq!(Target::parse("8080", &sv), Ok(port(None, None, 8080)));
        assert_eq!(Target::parse(":22", &sv), Ok(port(None, None, 22)));
        assert_eq!(Target::parse("udp:53", &sv), Ok(port(Some(Proto::Udp), None, 53)));
        assert_eq!(
            Target::parse("127.0.0.1:80", &sv),
            Ok(port(None, Some(IpAddr::v4([127, 0, 0, 1])), 80))
        );
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(
            Target::parse("[::1]:443", &sv),
            Ok(port(None, Some(IpAddr::v6(v6)), 443))
        );
        assert_eq!(
            Target::parse("tcp:[::1]:443", &sv),
            Ok(port(Some(Proto::Tcp), Some(IpAddr::v6(v6)), 443))
        );
        assert_eq!(Target::parse("pid:42", &sv), Ok(Target::Pid(42)));
        assert!(Target::parse("pid:x", &sv).is_err());
        assert!(Target::parse("70000", &sv).is_err());
        assert!(Target::parse("nohost:80", &sv).is_err());
        assert_eq!(
            target_arg(&port(Some(Proto::Tcp), Some(IpAddr::v6(v6)), 443)),
            "tcp:[::1]:443"
        );
    }

    #[test]
    fn v4_targets_match_v4_mapped_sockets() {
        let mut mapped = [0u8; 16];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&[127, 0, 0, 1]);
        assert!(same_addr(&IpAddr::v4([127, 0, 0, 1]), &IpAddr::v6(mapped)));
        assert!(!same_addr(&IpAddr::v4([127, 0, 0, 2]), &IpAddr::v6(mapped)));
    }
}
