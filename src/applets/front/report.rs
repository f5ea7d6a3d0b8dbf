//! `sockbox report`: a health report of the machine's sockets, with
//! findings that can drive alerts.
//!
//! Sections: listening sockets and their processes; TCP state counts; top
//! ports by established connections; TIME_WAIT against the ephemeral port
//! range and tcp_max_tw_buckets; CLOSE_WAIT by owning process (connection
//! leaks); SYN_RECV against the listeners' backlogs and syncookies;
//! listeners whose accept queue is near its backlog; orphans. Each finding
//! has a severity and one line of advice; the exit status is the worst
//! severity: 0 ok, 1 warning, 2 critical (3: the report could not be made).
//! Output: text (bars and colour on a terminal), `--json`, `--prometheus`
//! (node_exporter's textfile format).

use super::json::Json;
use super::text::{ColorWhen, Severity, Style, columns, endpoint, proto_label, shown};
use crate::core::inventory::{
    Inventory, Proto, Socket, TCP_CLOSE_WAIT, TCP_LISTEN, TCP_STATES, TCP_SYN_RECV, TCP_TIME_WAIT, Want, addr_text,
    tally,
};
use crate::core::procinfo;
use crate::core::root::SysRoot;
use argh::FromArgs;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// a health report of the sockets: findings, advice, exit 0 ok / 1 warning / 2 critical
#[derive(FromArgs)]
#[argh(subcommand, name = "report")]
pub struct ReportArgs {
    /// the report as one JSON object
    #[argh(switch)]
    json: bool,
    /// the report as Prometheus text exposition (node_exporter textfile collector)
    #[argh(switch)]
    prometheus: bool,
    /// colour: auto (on a terminal, unless NO_COLOR is set), always or never
    #[argh(option, default = "ColorWhen::Auto")]
    color: ColorWhen,
    /// redraw every SECONDS until interrupted
    #[argh(option)]
    watch: Option<Seconds>,
    /// enter this network namespace first: a name (ip netns), a path, or pid:PID
    #[argh(option)]
    netns: Option<String>,
}

/// A `--watch` interval, decimal seconds above 0 ("2", "0.5"). Read by hand:
/// a float parser would add ~14 KiB of tables to the static binary.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seconds(std::time::Duration);

impl std::str::FromStr for Seconds {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let refused = || "expected a number of seconds above 0".to_string();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + frac.len() == 0 || !digits(whole) || !digits(frac) || whole.len() > 9 {
            return Err(refused());
        }
        let secs: u64 = whole.parse().unwrap_or(0);
        // Nanoseconds from the first nine fraction digits; the rest is below a tick.
        let nanos = frac
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        let pause = std::time::Duration::new(secs, nanos);
        if pause.is_zero() {
            Err(refused())
        } else {
            Ok(Seconds(pause))
        }
    }
}

/// Thresholds (fractions of the limit they are measured against).
const TW_PORTS_WARN: f64 = 0.5;
const TW_PORTS_CRIT: f64 = 0.8;
const TW_BUCKETS_WARN: f64 = 0.9;
const CLOSE_WAIT_WARN: u64 = 10;
const CLOSE_WAIT_CRIT: u64 = 100;
const SYN_RECV_WARN: f64 = 0.5;
const SYN_RECV_CRIT: f64 = 0.9;
const ACCEPT_WARN: f64 = 0.8;
const ORPHANS_WARN: f64 = 0.5;
const ORPHANS_CRIT: f64 = 0.8;
/// Rows shown in the "top" lists.
const TOP: usize = 10;

pub struct Finding {
    pub severity: Severity,
    pub check: &'static str,
    pub message: String,
    pub advice: &'static str,
}

/// A listener and what queues on it.
pub struct Listener<'a> {
    pub socket: &'a Socket,
    pub syn_recv: u64,
}

/// The kernel's limits the report measures against.
#[derive(Default)]
pub struct Limits {
    pub ephemeral: Option<(u64, u64)>,
    pub max_tw_buckets: Option<u64>,
    pub syncookies: Option<u64>,
    pub max_orphans: Option<u64>,
    pub max_syn_backlog: Option<u64>,
    pub orphans: Option<u64>,
}

impl Limits {
    fn read(root: &SysRoot) -> Limits {
        let sysctl = |name: &str| -> Option<Vec<u64>> {
            let text = std::fs::read_to_string(root.path(&format!("/proc/sys/net/ipv4/{name}"))).ok()?;
            text.split_whitespace().map(|w| w.parse().ok()).collect()
        };
        let one = |name: &str| sysctl(name).and_then(|v| v.first().copied());
        let orphans = std::fs::read_to_string(root.path("/proc/net/sockstat"))
            .ok()
            .and_then(|t| {
                let line = t.lines().find(|l| l.starts_with("TCP:"))?;
                let mut w = line.split_whitespace();
                while let Some(k) = w.next() {
                    if k == "orphan" {
                        return w.next()?.parse().ok();
                    }
                }
                None
            });
        Limits {
            ephemeral: sysctl("ip_local_port_range").and_then(|v| Some((*v.first()?, *v.get(1)?))),
            max_tw_buckets: one("tcp_max_tw_buckets"),
            syncookies: one("tcp_syncookies"),
            max_orphans: one("tcp_max_orphans"),
            max_syn_backlog: one("tcp_max_syn_backlog"),
            orphans,
        }
    }

    fn ephemeral_ports(&self) -> Option<u64> {
        self.ephemeral.map(|(lo, hi)| hi.saturating_sub(lo) + 1)
    }
}

/// Everything the three outputs show, computed once.
pub struct Report<'a> {
    pub root: &'a SysRoot,
    pub inv: &'a Inventory,
    pub limits: Limits,
    pub by_proto: Vec<(&'static str, u64)>,
    pub tcp_states: Vec<(&'static str, u64)>,
    pub listeners: Vec<Listener<'a>>,
    /// (port, established connections), most first.
    pub top_ports: Vec<(u32, u64)>,
    pub time_wait: u64,
    /// (pid or None for no process, comm, count), most first.
    pub close_wait: Vec<(Option<u32>, Vec<u8>, u64)>,
    pub findings: Vec<Finding>,
}

impl Report<'_> {
    pub fn status(&self) -> Severity {
        self.findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Ok)
    }
}

pub fn build<'a>(root: &'a SysRoot, inv: &'a Inventory) -> Report<'a> {
    let limits = Limits::read(root);
    let tcp = || inv.sockets.iter().filter(|s| s.proto() == Proto::Tcp);
    let by_proto = tally(inv.sockets.iter().map(|s| s.proto().name()));
    let mut tcp_states = tally(tcp().map(Socket::state_name));
    tcp_states.sort_by_key(|s| std::cmp::Reverse(s.1));

    // Listeners, with the half-open connections waiting on each.
    let mut listeners: Vec<Listener> = tcp()
        .filter(|s| s.row.state == TCP_LISTEN)
        .map(|socket| Listener { socket, syn_recv: 0 })
        .collect();
    let listen_ports: HashMap<u32, Vec<usize>> = listeners.iter().enumerate().fold(HashMap::new(), |mut m, (i, l)| {
        m.entry(l.socket.row.local_port).or_default().push(i);
        m
    });
    for s in tcp().filter(|s| s.row.state == TCP_SYN_RECV) {
        if let Some(ls) = listen_ports.get(&s.row.local_port) {
            // The listener bound to this address, else the wildcard one.
            let exact = ls.iter().find(|&&i| listeners[i].socket.row.local == s.row.local);
            let any = ls.iter().find(|&&i| listeners[i].socket.row.local.is_unspecified());
            if let Some(&i) = exact.or(any).or(ls.first()) {
                listeners[i].syn_recv += 1;
            }
        }
    }

    // Established connections per service port: the local port when it
    // is one we listen on (we are the server), else the peer's.
    let mut per_port: HashMap<u32, u64> = HashMap::new();
    for s in tcp().filter(|s| s.row.state == 1) {
        let port = if listen_ports.contains_key(&s.row.local_port) {
            s.row.local_port
        } else {
            s.row.remote_port
        };
        *per_port.entry(port).or_default() += 1;
    }
    let mut top_ports: Vec<(u32, u64)> = per_port.into_iter().collect();
    top_ports.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top_ports.truncate(TOP);

    let time_wait = tcp().filter(|s| s.row.state == TCP_TIME_WAIT).count() as u64;

    let mut cw: BTreeMap<Option<u32>, u64> = BTreeMap::new();
    for s in tcp().filter(|s| s.row.state == TCP_CLOSE_WAIT) {
        match s.holders.first() {
            Some(h) => *cw.entry(Some(h.pid)).or_default() += 1,
            None => *cw.entry(None).or_default() += 1,
        }
    }
    let mut close_wait: Vec<(Option<u32>, Vec<u8>, u64)> = cw
        .into_iter()
        .map(|(pid, n)| (pid, pid.map(|p| procinfo::comm(root, p)).unwrap_or_default(), n))
        .collect();
    close_wait.sort_by_key(|c| std::cmp::Reverse(c.2));

    let mut r = Report {
        root,
        inv,
        limits,
        by_proto,
        tcp_states,
        listeners,
        top_ports,
        time_wait,
        close_wait,
        findings: Vec::new(),
    };
    r.findings = findings(&r);
    r
}

fn ratio(n: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

fn pct(n: u64, of: u64) -> String {
    format!("{:.0}%", ratio(n, of) * 100.0)
}

fn findings(r: &Report) -> Vec<Finding> {
    let mut f = Vec::new();
    let l = &r.limits;
    if let Some(ports) = l.ephemeral_ports() {
        let x = ratio(r.time_wait, ports);
        if x >= TW_PORTS_WARN {
            f.push(Finding {
                severity: if x >= TW_PORTS_CRIT { Severity::Critical } else { Severity::Warning },
                check: "time_wait",
                message: format!(
                    "{} TIME_WAIT sockets: {} of the {ports} ephemeral ports",
                    r.time_wait,
                    pct(r.time_wait, ports)
                ),
                advice: "short-lived outgoing connections are using up source ports: reuse connections (keep-alive, pooling), set net.ipv4.tcp_tw_reuse=1, widen net.ipv4.ip_local_port_range",
            });
        }
    }
    if let Some(max) = l.max_tw_buckets
        && ratio(r.time_wait, max) >= TW_BUCKETS_WARN
    {
        f.push(Finding {
            severity: if r.time_wait >= max { Severity::Critical } else { Severity::Warning },
            check: "time_wait_buckets",
            message: format!("{} TIME_WAIT sockets against tcp_max_tw_buckets {max}", r.time_wait),
            advice: "past the limit the kernel drops TIME_WAIT early (\"time wait bucket table overflow\"): fewer short connections, or raise net.ipv4.tcp_max_tw_buckets",
        });
    }
    for (pid, comm, n) in &r.close_wait {
        if *n < CLOSE_WAIT_WARN {
            continue;
        }
        let who = match pid {
            Some(p) => format!("{} (pid {p})", shown(comm)),
            None => "no process".to_string(),
        };
        f.push(Finding {
            severity: if *n >= CLOSE_WAIT_CRIT { Severity::Critical } else { Severity::Warning },
            check: "close_wait",
            message: format!("{who} holds {n} CLOSE_WAIT sockets"),
            advice: "the peers closed and the application has not: a connection leak; check that every code path closes its sockets",
        });
    }
    for ls in &r.listeners {
        let s = ls.socket;
        let backlog = s.backlog.map(u64::from);
        if ls.syn_recv > 0 {
            let limit = backlog.or(l.max_syn_backlog).unwrap_or(0);
            let x = ratio(ls.syn_recv, limit);
            if x >= SYN_RECV_WARN {
                let cookies = l.syncookies.unwrap_or(0) != 0;
                f.push(Finding {
                    severity: if x >= SYN_RECV_CRIT && !cookies {
                        Severity::Critical
                    } else {
                        Severity::Warning
                    },
                    check: "syn_recv",
                    message: format!(
                        "{} half-open connections on {} (backlog {limit}, syncookies {})",
                        ls.syn_recv,
                        endpoint(s, false),
                        if cookies { "on" } else { "off" }
                    ),
                    advice: "a SYN flood or clients that never finish the handshake: keep net.ipv4.tcp_syncookies=1, raise the listen backlog and net.ipv4.tcp_max_syn_backlog",
                });
            }
        }
        if let Some(backlog) = backlog
            && backlog > 0
        {
            let queued = s.row.rx_queue;
            let x = ratio(queued, backlog);
            if x >= ACCEPT_WARN {
                f.push(Finding {
                    severity: if queued >= backlog { Severity::Critical } else { Severity::Warning },
                    check: "accept_queue",
                    message: format!(
                        "accept queue of {} at {queued} of its backlog {backlog}",
                        endpoint(s, false)
                    ),
                    advice: "the application is not accepting connections fast enough; when full, new connections are dropped: add workers, raise the backlog (listen() and net.core.somaxconn)",
                });
            }
        }
    }
    if let (Some(n), Some(max)) = (l.orphans, l.max_orphans) {
        let x = ratio(n, max);
        if x >= ORPHANS_WARN {
            f.push(Finding {
                severity: if x >= ORPHANS_CRIT { Severity::Critical } else { Severity::Warning },
                check: "orphans",
                message: format!("{n} orphaned TCP sockets of tcp_max_orphans {max}"),
                advice: "sockets closed by their programs but not finished by the peers; past the limit the kernel resets them (\"too many orphaned sockets\")",
            });
        }
    }
    f.sort_by_key(|x| std::cmp::Reverse(x.severity));
    f
}

pub fn run(a: ReportArgs) -> i32 {
    let root = match super::system(a.netns.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sockbox report: {e}");
            return super::EXIT_ERROR;
        }
    };
    let style = Style::new(a.color);
    loop {
        let inv = Inventory::collect(
            &root,
            Want {
                inet: true,
                unix: true,
                owners: true,
            },
        );
        let r = build(&root, &inv);
        let out = if a.prometheus {
            prometheus(&r)
        } else if a.json {
            json(&r)
        } else {
            text(&r, style)
        };
        let mut stdout = std::io::stdout().lock();
        let redraw = a.watch.is_some() && style.terminal && !a.json && !a.prometheus;
        let head: &[u8] = if redraw { b"\x1b[H\x1b[2J" } else { b"" };
        if stdout
            .write_all(head)
            .and_then(|()| stdout.write_all(&out))
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return super::EXIT_ERROR;
        }
        let Some(Seconds(pause)) = a.watch else {
            return r.status() as i32;
        };
        drop(stdout);
        std::thread::sleep(pause);
        if !redraw && !a.json && !a.prometheus {
            println!();
        }
    }
}

fn listener_owner(s: &Socket, root: &SysRoot) -> String {
    match s.holders.first() {
        Some(h) => {
            let more = if s.holders.len() > 1 {
                format!(" +{}", s.holders.len() - 1)
            } else {
                String::new()
            };
            format!("{}/{}{more}", shown(&procinfo::comm(root, h.pid)), h.pid)
        }
        None => "-".to_string(),
    }
}

fn text(r: &Report, style: Style) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut t = String::new();
    let root = r.root;
    let total: u64 = r.by_proto.iter().map(|(_, n)| n).sum();
    let protos: Vec<String> = r.by_proto.iter().map(|(p, n)| format!("{p} {n}")).collect();
    let _ = writeln!(
        t,
        "{} {total} sockets ({}), {}",
        style.bold("sockbox report:"),
        protos.join(", "),
        super::text::local_time(procinfo::now())
    );

    let _ = writeln!(t, "\n{}", style.bold("Listening"));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for s in r
        .inv
        .sockets
        .iter()
        .filter(|s| !s.is_unix() && s.listening() && s.row.local_port != 0)
    {
        let queue = if s.proto() == Proto::Tcp {
            match s.backlog {
                Some(b) => format!("accept queue {}/{b}", s.row.rx_queue),
                None => format!("accept queue {}", s.row.rx_queue),
            }
        } else {
            String::new()
        };
        rows.push(vec![proto_label(s), endpoint(s, false), listener_owner(s, root), queue]);
    }
    if rows.is_empty() {
        let _ = writeln!(t, "  (none)");
    }
    for line in columns(&rows) {
        let _ = writeln!(t, "  {line}");
    }

    let _ = writeln!(t, "\n{}", style.bold("TCP states"));
    let max = r.tcp_states.first().map_or(0, |x| x.1);
    for (state, n) in &r.tcp_states {
        let _ = writeln!(t, "  {state:<12} {} {n}", style.bar(*n, max, 30));
    }
    if r.tcp_states.is_empty() {
        let _ = writeln!(t, "  (no TCP sockets)");
    }

    if !r.top_ports.is_empty() {
        let _ = writeln!(t, "\n{}", style.bold("Established connections by port"));
        let max = r.top_ports[0].1;
        for (port, n) in &r.top_ports {
            let _ = writeln!(t, "  {:<12} {} {n}", format!(":{port}"), style.bar(*n, max, 30));
        }
    }

    let _ = writeln!(t, "\n{}", style.bold("Limits"));
    let l = &r.limits;
    let tw = match l.ephemeral_ports() {
        Some(p) => format!("{} of {p} ephemeral ports ({})", r.time_wait, pct(r.time_wait, p)),
        None => r.time_wait.to_string(),
    };
    let buckets = l
        .max_tw_buckets
        .map_or(String::new(), |b| format!(", tcp_max_tw_buckets {b}"));
    let _ = writeln!(t, "  TIME_WAIT    {tw}{buckets}");
    let syn: u64 = r.listeners.iter().map(|l| l.syn_recv).sum();
    let cookies = match l.syncookies {
        Some(0) => "off",
        Some(_) => "on",
        None => "unknown",
    };
    let _ = writeln!(t, "  SYN_RECV     {syn}, syncookies {cookies}");
    let orphans = match (l.orphans, l.max_orphans) {
        (Some(n), Some(m)) => format!("{n} of tcp_max_orphans {m}"),
        (Some(n), None) => n.to_string(),
        _ => "unknown".to_string(),
    };
    let _ = writeln!(t, "  orphans      {orphans}");

    if !r.close_wait.is_empty() {
        let _ = writeln!(t, "\n{}", style.bold("CLOSE_WAIT by process"));
        for (pid, comm, n) in r.close_wait.iter().take(TOP) {
            let who = match pid {
                Some(p) => format!("{}/{p}", shown(comm)),
                None => "(no process)".to_string(),
            };
            let _ = writeln!(t, "  {who:<24} {n}");
        }
    }

    let _ = writeln!(t, "\n{}", style.bold("Findings"));
    if r.findings.is_empty() {
        let _ = writeln!(t, "  none");
    }
    for f in &r.findings {
        let _ = writeln!(t, "  {:<8} {}: {}", style.severity(f.severity), f.check, f.message);
        let _ = writeln!(t, "           {}", style.dim(&format!("advice: {}", f.advice)));
    }
    if r.inv.owners_hidden {
        let _ = writeln!(
            t,
            "\n(not every process could be inspected by uid {}: run as root for the owners)",
            crate::core::sys::geteuid()
        );
    }
    let status = r.status();
    let _ = writeln!(t, "\nstatus: {} (exit {})", style.severity(status), status as i32);
    t.into_bytes()
}

fn json(r: &Report) -> Vec<u8> {
    let mut j = Json::new();
    let root = r.root;
    j.open();
    j.field_u64("time", procinfo::now());
    j.field_str("status", r.status().word().as_bytes());
    j.field_u64("exit_status", r.status() as u64);
    j.key_open("sockets");
    for (p, n) in &r.by_proto {
        j.field_u64(p, *n);
    }
    j.close();
    j.key_open("tcp_states");
    for (s, n) in &r.tcp_states {
        j.field_u64(s, *n);
    }
    j.close();
    j.key_array("listening");
    for s in r
        .inv
        .sockets
        .iter()
        .filter(|s| !s.is_unix() && s.listening() && s.row.local_port != 0)
    {
        j.open();
        j.field_str("proto", s.proto().name().as_bytes());
        j.field_str("local_addr", addr_text(&s.row.local).as_bytes());
        j.field_u64("local_port", s.row.local_port as u64);
        if s.proto() == Proto::Tcp {
            j.field_u64("accept_queue", s.row.rx_queue);
            j.field_opt_u64("backlog", s.backlog.map(u64::from));
            let syn = r
                .listeners
                .iter()
                .find(|l| std::ptr::eq(l.socket, s))
                .map_or(0, |l| l.syn_recv);
            j.field_u64("syn_recv", syn);
        }
        j.key_array("owners");
        for h in &s.holders {
            j.open();
            j.field_u64("pid", h.pid as u64);
            j.field_bytes("name", &procinfo::comm(root, h.pid));
            j.field_u64("fd", h.fd as u64);
            j.close();
        }
        j.close_array();
        j.close();
    }
    j.close_array();
    j.key_array("top_ports");
    for (port, n) in &r.top_ports {
        j.open();
        j.field_u64("port", *port as u64);
        j.field_u64("established", *n);
        j.close();
    }
    j.close_array();
    let l = &r.limits;
    j.key_open("time_wait");
    j.field_u64("count", r.time_wait);
    j.field_opt_u64("ephemeral_ports", l.ephemeral_ports());
    j.field_opt_u64("max_tw_buckets", l.max_tw_buckets);
    j.close();
    j.key_array("close_wait");
    for (pid, comm, n) in &r.close_wait {
        j.open();
        j.field_opt_u64("pid", pid.map(u64::from));
        j.field_bytes("name", comm);
        j.field_u64("count", *n);
        j.close();
    }
    j.close_array();
    j.field_opt_u64("syncookies", l.syncookies);
    j.key_open("orphans");
    j.field_opt_u64("count", l.orphans);
    j.field_opt_u64("max", l.max_orphans);
    j.close();
    j.field_bool("owners_hidden", r.inv.owners_hidden);
    j.key_array("findings");
    for f in &r.findings {
        j.open();
        j.field_str("severity", f.severity.word().as_bytes());
        j.field_str("check", f.check.as_bytes());
        j.field_str("message", f.message.as_bytes());
        j.field_str("advice", f.advice.as_bytes());
        j.close();
    }
    j.close_array();
    j.close();
    j.newline();
    j.buf
}

/// A label value in the exposition format: `\`, `"` and newline escaped.
fn label(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One metric family: HELP, TYPE and its samples.
struct Prom(String);

impl Prom {
    fn family(&mut self, name: &str, help: &str, samples: &[(String, f64)]) {
        use std::fmt::Write as _;
        let _ = writeln!(self.0, "# HELP sockbox_{name} {help}");
        let _ = writeln!(self.0, "# TYPE sockbox_{name} gauge");
        for (labels, v) in samples {
            if labels.is_empty() {
                let _ = writeln!(self.0, "sockbox_{name} {v}");
            } else {
                let _ = writeln!(self.0, "sockbox_{name}{{{labels}}} {v}");
            }
        }
    }
}

fn prometheus(r: &Report) -> Vec<u8> {
    let mut p = Prom(String::new());
    let l = &r.limits;
    p.family(
        "sockets",
        "Sockets in the network namespace, by protocol.",
        &r.by_proto
            .iter()
            .map(|(proto, n)| (format!("proto=\"{proto}\""), *n as f64))
            .collect::<Vec<_>>(),
    );
    p.family(
        "tcp_sockets",
        "TCP sockets by state.",
        &TCP_STATES[1..]
            .iter()
            .map(|s| {
                let n = r.tcp_states.iter().find(|(x, _)| x == s).map_or(0, |x| x.1);
                (format!("state=\"{s}\""), n as f64)
            })
            .collect::<Vec<_>>(),
    );
    p.family(
        "tcp_established_by_port",
        "Established TCP connections by service port (local when listening on it, else remote), top ports.",
        &r.top_ports
            .iter()
            .map(|(port, n)| (format!("port=\"{port}\""), *n as f64))
            .collect::<Vec<_>>(),
    );
    let listener_label = |s: &Socket| format!("addr=\"{}\",port=\"{}\"", addr_text(&s.row.local), s.row.local_port);
    p.family(
        "tcp_listener_accept_queue",
        "Connections waiting in a listener's accept queue.",
        &r.listeners
            .iter()
            .map(|ls| (listener_label(ls.socket), ls.socket.row.rx_queue as f64))
            .collect::<Vec<_>>(),
    );
    p.family(
        "tcp_listener_backlog",
        "A listener's backlog (from sock_diag).",
        &r.listeners
            .iter()
            .filter_map(|ls| Some((listener_label(ls.socket), ls.socket.backlog? as f64)))
            .collect::<Vec<_>>(),
    );
    p.family(
        "tcp_listener_syn_recv",
        "Half-open (SYN_RECV) connections on a listener.",
        &r.listeners
            .iter()
            .map(|ls| (listener_label(ls.socket), ls.syn_recv as f64))
            .collect::<Vec<_>>(),
    );
    p.family(
        "tcp_close_wait_by_process",
        "CLOSE_WAIT sockets by owning process (pid=\"\" when none holds them).",
        &r.close_wait
            .iter()
            .map(|(pid, comm, n)| {
                let pid = pid.map_or(String::new(), |p| p.to_string());
                (format!("pid=\"{pid}\",name=\"{}\"", label(comm)), *n as f64)
            })
            .collect::<Vec<_>>(),
    );
    let single = |v: Option<u64>| v.map(|v| vec![(String::new(), v as f64)]).unwrap_or_default();
    p.family("tcp_time_wait", "TCP sockets in TIME_WAIT.", &single(Some(r.time_wait)));
    p.family(
        "ephemeral_ports",
        "Ports in net.ipv4.ip_local_port_range.",
        &single(l.ephemeral_ports()),
    );
    p.family(
        "tcp_max_tw_buckets",
        "net.ipv4.tcp_max_tw_buckets.",
        &single(l.max_tw_buckets),
    );
    p.family("tcp_syncookies", "net.ipv4.tcp_syncookies.", &single(l.syncookies));
    p.family("tcp_orphans", "Orphaned TCP sockets (sockstat).", &single(l.orphans));
    p.family("tcp_max_orphans", "net.ipv4.tcp_max_orphans.", &single(l.max_orphans));
    p.family(
        "findings",
        "Report findings by severity.",
        &[Severity::Warning, Severity::Critical]
            .iter()
            .map(|s| {
                let n = r.findings.iter().filter(|f| f.severity == *s).count();
                (format!("severity=\"{}\"", s.word()), n as f64)
            })
            .collect::<Vec<_>>(),
    );
    p.family(
        "report_status",
        "The report's status: 0 ok, 1 warning, 2 critical.",
        &single(Some(r.status() as u64)),
    );
    p.0.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::Seconds;
    use std::time::Duration;

    #[test]
    fn watch_seconds() {
        let ok = |s: &str| s.parse::<Seconds>().map(|Seconds(d)| d);
        assert_eq!(ok("2"), Ok(Duration::from_secs(2)));
        assert_eq!(ok("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(ok(".25"), Ok(Duration::from_millis(250)));
        assert_eq!(ok("3."), Ok(Duration::from_secs(3)));
        assert_eq!(ok("0.0000000019"), Ok(Duration::from_nanos(1)));
        for bad in [
            "",
            ".",
            "0",
            "0.000",
            "-1",
            "1e3",
            "inf",
            "nan",
            "1.2.3",
            " 1",
            "9999999999",
        ] {
            assert!(ok(bad).is_err(), "{bad:?}");
        }
    }
}
