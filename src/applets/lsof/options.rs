//! lsof 4.95.0's command line: its own getopt (options start with `-` or
//! `+`; an option that may take a value takes the rest of its word or the
//! next word, and the option itself decides whether to give that word back),
//! the selection lists each option fills, and the errors and usage text,
//! worded as lsof words them.

use super::file_args;
use super::inet_spec::{InetSpecs, NetSelect};
use crate::core::escape::safe_bytes;
use crate::core::names::hosts::Hosts;
use crate::core::names::services::LazyServices;
use crate::core::names::users::Users;

/// Option letters lsof 4.95.0 accepts on Linux; `:` marks a possible value.
const RULES: &[u8] = b"?abc:D:d:e:Ef:F:g:hi:K:lL:m:MnNo:Op:QPr:Rs:S:tT:u:UvVwx:XZ:";

pub const TCPTPI_FLAGS: u8 = 1;
pub const TCPTPI_QUEUES: u8 = 2;
pub const TCPTPI_STATE: u8 = 4;
pub const TCPTPI_ALL: u8 = 2 | 4 | 8;

/// Selection categories (lsof's SEL* bits that sockets can meet).
pub mod sel {
    pub const CMD: u32 = 0x0001;
    pub const FD: u32 = 0x0004;
    pub const NA: u32 = 0x0008;
    pub const NET: u32 = 0x0010;
    pub const NFS: u32 = 0x0020;
    pub const NM: u32 = 0x0080;
    pub const PGID: u32 = 0x0100;
    pub const PID: u32 = 0x0200;
    pub const UID: u32 = 0x0400;
    pub const UNX: u32 = 0x0800;
    pub const EXCLF: u32 = 0x2000;
    pub const TASK: u32 = 0x4000;
    /// The network selectors.
    pub const NW: u32 = NA | NET | UNX;
}

/// The TCP state names lsof knows, by kernel number (0 is CLOSED).
pub const TCP_STATES: [&str; 12] = {
    // lsof calls state 0 CLOSED.
    let mut names = crate::core::model::tcp_state::NAMES;
    names[0] = "CLOSED";
    names
};

/// A `-p` or `-g` entry.
#[derive(Debug, Clone)]
pub struct IdSel {
    pub id: i32,
    pub exclude: bool,
    pub found: bool,
}

/// A `-u` entry.
#[derive(Debug, Clone)]
pub struct UidSel {
    pub uid: u32,
    pub login: Option<Vec<u8>>,
    pub exclude: bool,
    pub found: bool,
}

/// A `-c` entry: a prefix, or a compiled regular expression.
pub struct CmdSel {
    pub text: Vec<u8>,
    pub exclude: bool,
    pub found: bool,
}

pub struct CmdRegex {
    pub source: Vec<u8>,
    pub re: Regex,
    pub found: bool,
}

/// A `-d` entry: a numeric range or a name (cwd, txt, …; never a socket).
#[derive(Debug, Clone)]
pub struct FdSel {
    pub lo: i64,
    pub hi: i64,
    pub name: Option<Vec<u8>>,
}

/// Why sockbox's lsof cannot run a command line that lsof accepts.
pub enum Refusal {
    /// The selection would list files that are not sockets.
    NotSocketsOnly,
    /// An option sockbox's lsof does not implement.
    Unsupported(&'static str),
}

pub struct Options {
    pub pn: Vec<u8>,
    pub and: bool,
    pub cmd_limit: usize,
    pub cmds: Vec<CmdSel>,
    pub cmd_regexes: Vec<CmdRegex>,
    pub cmd_incl: usize,
    pub cmd_excl: usize,
    pub fds: Vec<FdSel>,
    /// None: no -d list; Some(true): an exclusion list.
    pub fd_exclude: Option<bool>,
    pub pids: Vec<IdSel>,
    pub pgids: Vec<IdSel>,
    pub uids: Vec<UidSel>,
    pub net: NetSelect,
    pub specs: InetSpecs,
    pub unix: bool,
    pub no_inet_tables: bool,
    pub tcp_include: [u8; 12],
    pub tcp_exclude: [bool; 12],
    pub field: bool,
    pub fields: [bool; 128],
    pub terminator: u8,
    pub terse: bool,
    pub warn: bool,
    pub host_names: bool,
    pub port_names: bool,
    pub user_names: bool,
    pub ppid: bool,
    pub pgid: bool,
    pub size: bool,
    pub offset: bool,
    pub offset_digits: usize,
    pub tcptpi: u8,
    pub verbose: bool,
    pub search_errors: bool,
    /// -b: lsof then avoids readlink() and stat() of named files.
    pub avoid_blocking: bool,
    pub repeat: Option<Repeat>,
    pub selflags: u32,
    pub names: usize,
    pub refusal: Option<Refusal>,
    /// Refuse if an ORed process selector matches a process.
    pub refuse_selected_procs: bool,
}

#[derive(Debug, Clone)]
pub struct Repeat {
    pub seconds: u64,
    /// `+r`: stop after a cycle that lists nothing.
    pub until_empty: bool,
    pub max_cycles: u64,
    pub marker: Option<Vec<u8>>,
}

/// The result of parsing: run, or exit now with this status.
pub enum Parsed {
    Run(Box<Options>),
    Exit(i32),
}

/// lsof's GetOpt: state between calls.
struct GetOpt<'a> {
    args: &'a [Vec<u8>],
    x1: usize,
    x2: usize,
    /// The `-` or `+` of the current word.
    prefix: u8,
    /// Where the possible value began, to give it back.
    back: (usize, usize),
}

enum Got {
    End,
    Bad,
    Opt(u8, Option<Vec<u8>>),
}

impl<'a> GetOpt<'a> {
    fn next(&mut self, pn: &[u8], err: &mut Vec<u8>) -> Got {
        if self.x2 == 0 {
            let Some(word) = self.args.get(self.x1) else {
                return Got::End;
            };
            if word.len() < 2 || (word[0] != b'-' && word[0] != b'+') {
                return Got::End;
            }
            if word == b"--" || word == b"++" {
                self.x1 += 1;
                return Got::End;
            }
            self.prefix = word[0];
            self.x2 = 1;
        }
        let word = &self.args[self.x1];
        let c = word[self.x2];
        let rule = RULES.iter().position(|&r| r == c && r != b':');
        if c == b':' || rule.is_none() {
            if c == b':' {
                line(err, pn, b"colon is an illegal option character.");
            } else {
                let mut m = b"illegal option character: ".to_vec();
                m.push(c);
                line(err, pn, &m);
            }
            self.x2 += 1;
            if self.x2 >= word.len() {
                self.x1 += 1;
                self.x2 = 0;
            }
            return Got::Bad;
        }
        let takes = RULES.get(rule.unwrap() + 1) == Some(&b':');
        if !takes {
            self.x2 += 1;
            if self.x2 >= word.len() {
                self.x2 = 0;
                self.x1 += 1;
            }
            return Got::Opt(c, None);
        }
        let value;
        if self.x2 + 1 < word.len() {
            self.back = (self.x1, self.x2 + 1);
            value = Some(word[self.x2 + 1..].to_vec());
            self.x1 += 1;
        } else {
            self.x1 += 1;
            if self.x1 >= self.args.len() {
                value = None;
            } else {
                self.back = (self.x1, 0);
                let v = &self.args[self.x1];
                if v == b"--" {
                    value = None;
                } else {
                    value = Some(v.clone());
                    self.x1 += 1;
                }
            }
        }
        self.x2 = 0;
        Got::Opt(c, value)
    }

    /// The option did not take its possible value: read it again as options.
    fn give_back(&mut self) {
        self.x1 = self.back.0;
        self.x2 = self.back.1;
    }

    fn give_back_after(&mut self, n: usize) {
        self.x1 = self.back.0;
        self.x2 = self.back.1 + n;
    }
}

/// Appends `PN: msg\n`.
pub fn line(err: &mut Vec<u8>, pn: &[u8], msg: &[u8]) {
    err.extend_from_slice(pn);
    err.extend_from_slice(b": ");
    err.extend_from_slice(msg);
    err.push(b'\n');
}

/// `PN: msg` followed by `arg` made safe to print, then a newline.
pub fn line_arg(err: &mut Vec<u8>, pn: &[u8], msg: &[u8], arg: &[u8]) {
    err.extend_from_slice(pn);
    err.extend_from_slice(b": ");
    err.extend_from_slice(msg);
    safe_bytes(arg, false, err);
    err.push(b'\n');
}

fn refuse(o: &mut Options, why: &'static str) {
    if o.refusal.is_none() {
        o.refusal = Some(Refusal::Unsupported(why));
    }
}

fn starts_option(v: &Option<Vec<u8>>) -> bool {
    matches!(v, Some(v) if v.first().is_some_and(|&b| b == b'-' || b == b'+'))
}

/// Leading decimal digits of `v`: (value, how many).
fn leading_number(v: &[u8]) -> (u64, usize) {
    let n = v.iter().take_while(|b| b.is_ascii_digit()).count();
    let val = v[..n]
        .iter()
        .fold(0u64, |a, &d| a.saturating_mul(10).saturating_add((d - b'0') as u64));
    (val, n)
}

/// C's atoi() as glibc has it: strtol (leading blanks, a sign, digits,
/// saturating at the long's limits) cut to an int.
pub fn atoi(v: &[u8]) -> i32 {
    let (neg, rest) = crate::core::names::c_sign(v);
    let (n, _) = leading_number(rest);
    crate::core::names::c_long_value(neg, n) as i32
}

/// A run of digits summed into a C int the way lsof's own loops do
/// (`n = n * 10 + d`), wrapping as the machine does on overflow.
fn int_digits(v: &[u8]) -> i32 {
    v.iter()
        .fold(0i32, |n, &d| n.wrapping_mul(10).wrapping_add((d - b'0') as i32))
}

pub fn parse(
    pn: &[u8],
    args: &[Vec<u8>],
    services: &LazyServices,
    hosts: &Hosts,
    users: &mut Users,
    err: &mut Vec<u8>,
) -> Parsed {
    let mut o = Options {
        pn: pn.to_vec(),
        and: false,
        cmd_limit: 9,
        cmds: Vec::new(),
        cmd_regexes: Vec::new(),
        cmd_incl: 0,
        cmd_excl: 0,
        fds: Vec::new(),
        fd_exclude: None,
        pids: Vec::new(),
        pgids: Vec::new(),
        uids: Vec::new(),
        net: NetSelect::default(),
        specs: InetSpecs::default(),
        unix: false,
        no_inet_tables: false,
        tcp_include: [0; 12],
        tcp_exclude: [false; 12],
        field: false,
        fields: [false; 128],
        terminator: b'\n',
        terse: false,
        warn: true,
        host_names: true,
        port_names: true,
        user_names: true,
        ppid: false,
        pgid: false,
        size: false,
        offset: false,
        offset_digits: 8,
        tcptpi: TCPTPI_STATE,
        verbose: false,
        search_errors: true,
        avoid_blocking: false,
        repeat: None,
        selflags: 0,
        names: 0,
        refusal: None,
        refuse_selected_procs: false,
    };
    let mut bad = false;
    let mut help = false;
    let mut field_help = false;
    let mut version = false;
    let mut xover = false;
    let mut cross = false;
    // -e paths, the last given first (as lsof reports them).
    let mut exempt_fs: Vec<Vec<u8>> = Vec::new();
    let mut tasks = false;
    let mut mount_supplement = false;
    let mut g = GetOpt {
        args,
        x1: 0,
        x2: 0,
        prefix: b'-',
        back: (0, 0),
    };
    loop {
        let (c, v) = match g.next(pn, err) {
            Got::End => break,
            Got::Bad => {
                bad = true;
                continue;
            }
            Got::Opt(c, v) => (c, v),
        };
        let plus = g.prefix == b'+';
        match c {
            b'a' => o.and = true,
            b'b' => o.avoid_blocking = true,
            b'O' | b'M' => {}
            b'c' if plus => match &v {
                Some(w) if !starts_option(&v) && w.first().is_some_and(u8::is_ascii_digit) => {
                    let n = atoi(w);
                    o.cmd_limit = n.max(0) as usize;
                    if n > 15 {
                        line(err, pn, format!("+c {n} > what system provides (15)").as_bytes());
                        bad = true;
                    }
                }
                _ => {
                    line(err, pn, b"+c not followed by width number");
                    bad = true;
                    if v.is_some() {
                        g.give_back();
                    }
                }
            },
            b'c' => {
                if let Some(w) = v.as_ref().filter(|w| w.first() == Some(&b'/')) {
                    match compile_cmd_regex(pn, w, err) {
                        Some(r) => o.cmd_regexes.push(r),
                        None => bad = true,
                    }
                } else {
                    match &v {
                        None => {
                            line(err, pn, b"missing -c option value");
                            bad = true;
                        }
                        Some(w) if w.first() == Some(&b'-') || w.first() == Some(&b'+') => {
                            line(err, pn, b"missing -c option value");
                            bad = true;
                        }
                        Some(w) => {
                            let (exclude, text) = match w.strip_prefix(b"^") {
                                Some(t) => (true, t.to_vec()),
                                None => (false, w.clone()),
                            };
                            if exclude {
                                o.cmd_excl += 1;
                            } else {
                                o.cmd_incl += 1;
                            }
                            if text.len() > 15 {
                                let mut m = b"\"-c ".to_vec();
                                safe_bytes(&text, true, &mut m);
                                m.extend_from_slice(
                                    format!("\" length ({}) > what system provides (15)", text.len()).as_bytes(),
                                );
                                line(err, pn, &m);
                                bad = true;
                                // lsof zeroes the length so it is never reported unfound.
                                o.cmds.insert(
                                    0,
                                    CmdSel {
                                        text: Vec::new(),
                                        exclude,
                                        found: true,
                                    },
                                );
                            } else {
                                o.cmds.insert(
                                    0,
                                    CmdSel {
                                        text,
                                        exclude,
                                        found: false,
                                    },
                                );
                            }
                        }
                    }
                }
            }
            b'd' if plus => {
                o.names += 1;
                xover = true;
                refuse(&mut o, "+d");
            }
            b'd' => {
                if !enter_fd(&mut o, pn, v.as_deref(), err) {
                    bad = true;
                }
            }
            b'D' if plus => {
                o.names += 1;
                xover = true;
                refuse(&mut o, "+D");
            }
            b'D' => {
                line(err, pn, b"unsupported option: -D");
                bad = true;
            }
            // A file system exempt from blocking calls: lsof then shows
            // some files its own way (refused), after checking the path.
            b'e' => match v.as_deref() {
                Some(path) if path.first() == Some(&b'/') => {
                    let resolved = if plus {
                        Some(path.to_vec())
                    } else {
                        file_args::resolve(path)
                    };
                    if let Some(mut path) = resolved {
                        file_args::strip_trailing_slashes(&mut path);
                        if !exempt_fs.contains(&path) {
                            exempt_fs.insert(0, path);
                        }
                    }
                    refuse(&mut o, if plus { "+e" } else { "-e" });
                }
                other => {
                    if o.warn {
                        let mut m = b"-e not followed by a file system path: \"".to_vec();
                        m.extend_from_slice(other.unwrap_or(b"(null)"));
                        m.push(b'"');
                        line(err, pn, &m);
                    }
                    bad = true;
                }
            },
            b'E' => refuse(&mut o, if plus { "+E" } else { "-E" }),
            b'f' => {
                if v.is_none() || starts_option(&v) {
                    if v.is_some() {
                        g.give_back();
                    }
                } else {
                    for &l in v.as_deref().unwrap_or_default() {
                        if b"cCfFgGnN".contains(&l) {
                            if plus {
                                refuse(&mut o, "+f");
                            }
                        } else {
                            line(err, pn, format!("unknown file struct option: {}", l as char).as_bytes());
                            bad = true;
                        }
                    }
                }
            }
            b'F' => {
                let all = match &v {
                    None => true,
                    Some(w) => w == b"0" || starts_option(&v),
                };
                if all {
                    if let Some(w) = &v {
                        if starts_option(&v) {
                            g.give_back();
                        } else if w == b"0" {
                            o.terminator = 0;
                        }
                    }
                    for &id in FIELD_IDS {
                        if id == b'Z' || id == b'r' || id == b'z' {
                            continue;
                        }
                        select_field(&mut o, id);
                    }
                    o.field = true;
                    continue;
                }
                let w = v.unwrap();
                if w == b"?" {
                    field_help = true;
                    continue;
                }
                for &l in &w {
                    if FIELD_IDS.contains(&l) {
                        select_field(&mut o, l);
                        if l == b'0' {
                            o.terminator = 0;
                        }
                        if l == b'o' {
                            o.offset = true;
                        }
                    } else {
                        line(err, pn, format!("unknown field: {}", l as char).as_bytes());
                        bad = true;
                    }
                }
                o.field = true;
            }
            b'g' => {
                if let Some(w) = &v {
                    if starts_option(&v) {
                        g.give_back();
                    } else if !enter_id(&mut o.pgids, pn, true, Some(w), err) {
                        bad = true;
                    }
                }
                o.pgid = true;
            }
            b'h' | b'?' => help = true,
            b'i' => {
                if v.is_none() || starts_option(&v) {
                    o.net.bare();
                    if v.is_some() {
                        g.give_back();
                    }
                } else if !o
                    .specs
                    .enter(pn, v.as_deref().unwrap(), &mut o.net, services, hosts, err)
                {
                    bad = true;
                }
            }
            b'K' => {
                if v.is_none() || starts_option(&v) {
                    tasks = true;
                    if v.is_some() {
                        g.give_back();
                    }
                } else if v.as_deref().unwrap().eq_ignore_ascii_case(b"i") {
                    tasks = false;
                } else {
                    let mut m = b"-K not followed by i (but by ".to_vec();
                    m.extend_from_slice(v.as_deref().unwrap());
                    m.push(b')');
                    line(err, pn, &m);
                    bad = true;
                }
            }
            b'l' => o.user_names = false,
            b'L' => {
                if plus {
                    refuse(&mut o, "+L");
                }
                if let Some(w) = &v {
                    if starts_option(&v) {
                        g.give_back();
                    } else {
                        let (_, n) = leading_number(w);
                        if n > 0 && !plus {
                            line(err, pn, b"no number may follow -L");
                            bad = true;
                        }
                        if n < w.len() {
                            g.give_back_after(n);
                        }
                    }
                }
            }
            b'm' => {
                if plus {
                    if v.is_none() || starts_option(&v) {
                        mount_supplement = true;
                        if v.is_some() {
                            g.give_back();
                        }
                    }
                    refuse(&mut o, "+m");
                } else {
                    line(err, pn, b"-m not supported");
                    bad = true;
                }
            }
            b'n' => o.host_names = plus,
            b'N' => {
                o.selflags |= sel::NFS;
            }
            b'o' => match &v {
                None => o.offset = true,
                Some(_) if starts_option(&v) => {
                    o.offset = true;
                    g.give_back();
                }
                Some(w) => {
                    let (d, n) = leading_number(w);
                    if n > 0 {
                        o.offset_digits = d as usize;
                    } else {
                        o.offset = true;
                    }
                    if n < w.len() {
                        g.give_back_after(n);
                    }
                }
            },
            b'p' => {
                if !enter_id(&mut o.pids, pn, false, v.as_deref(), err) {
                    bad = true;
                }
            }
            b'Q' => o.search_errors = false,
            b'P' => o.port_names = plus,
            b'r' => {
                if !parse_repeat(&mut o, &mut g, plus, &v, pn, err) {
                    bad = true;
                }
            }
            b'R' => o.ppid = true,
            b's' => {
                if v.is_none() || starts_option(&v) {
                    if v.is_some() {
                        g.give_back();
                    }
                    o.size = true;
                } else if !enter_state_spec(&mut o, pn, v.as_deref().unwrap(), err) {
                    bad = true;
                }
            }
            b'S' => match &v {
                None => {}
                Some(_) if starts_option(&v) => g.give_back(),
                Some(w) => {
                    let (t, n) = leading_number(w);
                    if n < w.len() {
                        g.give_back_after(n);
                    }
                    if n > 0 && t < 2 {
                        line(err, pn, format!("WARNING: -S time ({t}) changed to 2").as_bytes());
                    }
                }
            },
            b't' => {
                o.terse = true;
                o.warn = false;
            }
            b'T' => {
                if v.is_none() || starts_option(&v) {
                    o.tcptpi = if plus { TCPTPI_STATE } else { 0 };
                    if v.is_some() {
                        g.give_back();
                    }
                } else {
                    o.tcptpi = 0;
                    for &l in v.as_deref().unwrap() {
                        match l {
                            b'f' => o.tcptpi |= TCPTPI_FLAGS,
                            b'q' => o.tcptpi |= TCPTPI_QUEUES,
                            b's' => o.tcptpi |= TCPTPI_STATE,
                            _ => {
                                line(
                                    err,
                                    pn,
                                    format!("unsupported TCP/TPI info selection: {}", l as char).as_bytes(),
                                );
                                bad = true;
                            }
                        }
                    }
                }
            }
            b'u' => {
                if !enter_uid(&mut o, pn, v.as_deref(), users, err) {
                    bad = true;
                }
            }
            b'U' => o.unix = true,
            b'v' => version = true,
            b'V' => o.verbose = true,
            b'w' => o.warn = plus,
            b'x' => {
                if v.is_none() || starts_option(&v) {
                    cross = true;
                    if v.is_some() {
                        g.give_back();
                    }
                } else {
                    // Only a known letter asks for cross-over: with none,
                    // lsof has nothing to say about +d/+D.
                    for &l in v.as_deref().unwrap() {
                        if l == b'f' || l == b'l' {
                            cross = true;
                        } else {
                            line(err, pn, format!("unknown cross-over option: {}", l as char).as_bytes());
                            bad = true;
                        }
                    }
                }
            }
            b'X' => o.no_inet_tables = !o.no_inet_tables,
            b'Z' => {
                line(err, pn, b"-Z limited to SELinux");
                bad = true;
            }
            _ => {
                line(err, pn, format!("unknown option ({})", c as char).as_bytes());
                bad = true;
            }
        }
    }
    // Argument consistency, in lsof's order.
    for x in o.cmds.iter().filter(|c| c.exclude) {
        for i in o.cmds.iter().filter(|c| !c.exclude) {
            if x.text == i.text && o.cmd_incl > 0 && o.cmd_excl > 0 {
                let mut m = b"-c^".to_vec();
                m.extend_from_slice(&x.text);
                m.extend_from_slice(b" and -c");
                m.extend_from_slice(&i.text);
                m.extend_from_slice(b" conflict.");
                line(err, pn, &m);
                bad = true;
            }
        }
    }
    for (s, name) in TCP_STATES.iter().enumerate() {
        if o.tcp_include[s] > 0 && o.tcp_exclude[s] {
            line(
                err,
                pn,
                format!("can't include and exclude TCP state: {name}").as_bytes(),
            );
            bad = true;
        }
    }
    if o.size && o.offset {
        line(err, pn, b"-o and -s are mutually exclusive");
        bad = true;
    }
    if o.field {
        if o.terse {
            line(err, pn, b"-F and -t are mutually exclusive");
            bad = true;
        }
        o.fields[b'p' as usize] = true;
        if let Some(m) = o.repeat.as_ref().and_then(|r| r.marker.as_ref()) {
            let mut i = 0;
            while i < m.len() {
                if m[i] == b'%' {
                    if m.get(i + 1) == Some(&b'n') {
                        let mut msg = b"%n illegal in -r m<fmt> when -F has been specified: \"".to_vec();
                        msg.extend_from_slice(m);
                        msg.push(b'"');
                        line(err, pn, &msg);
                        bad = true;
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
        }
    }
    if cross && !xover {
        line(err, pn, b"-x must accompany +d or +D");
        bad = true;
    }
    if !exempt_fs.is_empty()
        && let Some(mounts) = file_args::mount_table()
    {
        for path in &exempt_fs {
            if !file_args::is_mount_dir(path, &mounts) {
                let mut m = b"\"-e ".to_vec();
                m.extend_from_slice(path);
                m.extend_from_slice(b"\" is not a mounted file system.");
                line(err, pn, &m);
                bad = true;
            }
        }
    }
    if bad || help || field_help || version {
        usage(pn, bad, help, field_help, version, err);
        return Parsed::Exit(if bad { 1 } else { 0 });
    }
    // Selection flags.
    if o.cmd_incl > 0 || !o.cmd_regexes.is_empty() {
        o.selflags |= sel::CMD;
    }
    if !o.fds.is_empty() {
        o.selflags |= sel::FD;
    }
    if o.net.on {
        o.selflags |= sel::NET;
    }
    if o.unix {
        o.selflags |= sel::UNX;
    }
    if o.pgids.iter().any(|p| !p.exclude) {
        o.selflags |= sel::PGID;
    }
    if o.pids.iter().any(|p| !p.exclude) {
        o.selflags |= sel::PID;
    }
    if o.uids.iter().any(|u| !u.exclude) {
        o.selflags |= sel::UID;
    }
    if tasks {
        o.selflags |= sel::TASK;
    }
    if !o.specs.is_empty() {
        o.selflags |= sel::NA;
    }
    o.names += args.len() - g.x1.min(args.len());
    if o.names > 0 {
        o.selflags |= sel::NM;
    }
    if o.selflags == 0 && o.and {
        line(err, pn, b"no select options to AND via -a");
        usage(pn, true, false, false, false, err);
        return Parsed::Exit(1);
    }
    // File names are checked next, as lsof does before it reads anything:
    // when none of them exists, that is the whole run (with -b, -Q or +d/+D
    // the names take other paths, refused below).
    let file_names = &args[g.x1.min(args.len())..];
    if !file_names.is_empty() && o.names == file_names.len() && !o.avoid_blocking && o.search_errors {
        let mounts = file_args::mount_table().unwrap_or_default();
        if file_args::all_missing(pn, file_names, &mounts, err) {
            return Parsed::Exit(1);
        }
    }
    if o.no_inet_tables && (o.net.on || !o.specs.is_empty()) {
        line(err, pn, b"-i is useless when -X is specified.");
        usage(pn, true, false, false, false, err);
        return Parsed::Exit(1);
    }
    if mount_supplement {
        refuse(&mut o, "+m");
    }
    if tasks {
        refuse(&mut o, "-K");
    }
    // sockbox lists sockets only: every listed file must be a socket, which
    // holds when only network selectors are given, or when they are ANDed.
    let nw = o.selflags & sel::NW;
    let sockets_only = nw != 0 && (o.and || o.selflags & !sel::NW == 0) && o.selflags & (sel::NM | sel::NFS) == 0;
    // ORed process selectors list every file of the processes they match:
    // refused only if one matches (an unmatched `-c` only fails the search).
    let ids = sel::CMD | sel::PID | sel::UID | sel::PGID;
    o.refuse_selected_procs = !sockets_only && nw != 0 && o.selflags & !(sel::NW | ids) == 0;
    if !sockets_only && !o.refuse_selected_procs && o.refusal.is_none() {
        o.refusal = Some(Refusal::NotSocketsOnly);
    }
    Parsed::Run(Box::new(o))
}

/// Every field letter lsof 4.95.0 accepts after -F.
pub const FIELD_IDS: &[u8] = b"acCdDfFGikKlLmMnNopgPrRsStTuzZ0";

fn select_field(o: &mut Options, id: u8) {
    o.fields[id as usize] = true;
    match id {
        b'k' => {}
        b'g' => o.pgid = true,
        b'R' => o.ppid = true,
        b'T' => o.tcptpi |= TCPTPI_ALL,
        _ => {}
    }
}

fn usage(pn: &[u8], err_: bool, help: bool, fields: bool, version: bool, out: &mut Vec<u8>) {
    let head = |out: &mut Vec<u8>| {
        out.extend_from_slice(pn);
        out.extend_from_slice(b" 4.95.0\n");
    };
    if help {
        head(out);
        out.extend_from_slice(include_bytes!("text/help_body.txt"));
    } else if err_ {
        head(out);
        out.extend_from_slice(include_bytes!("text/usage_body.txt"));
        if !fields {
            return;
        }
    }
    if fields {
        out.extend_from_slice(pn);
        out.extend_from_slice(b":");
        out.extend_from_slice(include_bytes!("text/fields_body.txt"));
    }
    if version {
        out.extend_from_slice(pn);
        out.extend_from_slice(b" version information:\n");
        out.extend_from_slice(include_bytes!("text/version_body.txt"));
    }
}

/// `-p` / `-g`: `[^]N[,…]`.
fn enter_id(list: &mut Vec<IdSel>, pn: &[u8], group: bool, v: Option<&[u8]>, err: &mut Vec<u8>) -> bool {
    let what = if group { "process group" } else { "process" };
    let Some(v) = v else {
        line(err, pn, format!("no {what} ID specified").as_bytes());
        return false;
    };
    let mut ok = true;
    let mut rest = v;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        let item = &rest[..end];
        rest = if end < rest.len() { &rest[end + 1..] } else { &[] };
        let (exclude, digits) = match item.strip_prefix(b"^") {
            Some(d) => (true, d),
            None => (false, item),
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            line_arg(err, pn, format!("illegal {what} ID: ").as_bytes(), v);
            return false;
        }
        let id = digits
            .iter()
            .fold(0i32, |a, &d| a.wrapping_mul(10).wrapping_add((d - b'0') as i32));
        if let Some(prev) = list.iter().find(|p| p.id == id) {
            if prev.exclude != exclude {
                let g = if group { "G" } else { "" };
                line(
                    err,
                    pn,
                    format!("P{g}ID {id} has been included and excluded.").as_bytes(),
                );
                ok = false;
            }
            continue;
        }
        list.push(IdSel {
            id,
            exclude,
            found: false,
        });
    }
    ok
}

/// `-u`: `[^]login|UID[,…]`.
fn enter_uid(o: &mut Options, pn: &[u8], v: Option<&[u8]>, users: &mut Users, err: &mut Vec<u8>) -> bool {
    let Some(v) = v else {
        line(err, pn, b"no UIDs specified");
        return false;
    };
    let mut ok = true;
    let mut rest = v;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        let item = &rest[..end];
        rest = if end < rest.len() { &rest[end + 1..] } else { &[] };
        let (exclude, name) = match item.strip_prefix(b"^") {
            Some(n) => (true, n),
            None => (false, item),
        };
        if name.len() > 32 {
            let mut m = b"-u login name > 32 characters: ".to_vec();
            safe_bytes(item, false, &mut m);
            line(err, pn, &m);
            ok = false;
            continue;
        }
        let numeric = name.iter().all(u8::is_ascii_digit);
        let (uid, login) = if numeric {
            (
                name.iter()
                    .fold(0u32, |a, &d| a.wrapping_mul(10).wrapping_add((d - b'0') as u32)),
                None,
            )
        } else {
            match users.uid_by_name(name) {
                Some(uid) => (uid, Some(name.to_vec())),
                None => {
                    line_arg(err, pn, b"can't get UID for ", name);
                    ok = false;
                    continue;
                }
            }
        };
        if let Some(prev) = o.uids.iter().find(|u| u.uid == uid) {
            if prev.exclude != exclude {
                line(
                    err,
                    pn,
                    format!("UID {} has been included and excluded.", uid as i32).as_bytes(),
                );
                ok = false;
            }
            continue;
        }
        o.uids.push(UidSel {
            uid,
            login,
            exclude,
            found: false,
        });
    }
    ok
}

/// `-d`: `[^]fd|lo-hi|name[,…]`; an exclusion and an inclusion cannot mix.
fn enter_fd(o: &mut Options, pn: &[u8], v: Option<&[u8]>, err: &mut Vec<u8>) -> bool {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        line(err, pn, b"no file descriptor specified");
        return false;
    };
    let mut ok = true;
    let mut rest = v;
    loop {
        let (exclude, r) = match rest.strip_prefix(b"^") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let end = r.iter().position(|&b| b == b',').unwrap_or(r.len());
        let item = &r[..end];
        if !item.is_empty() {
            let entry = match item.iter().rposition(|&b| b == b'-') {
                Some(dash) => match fd_range(pn, item, dash, err) {
                    Some((lo, hi)) => Some(FdSel { lo, hi, name: None }),
                    None => {
                        ok = false;
                        None
                    }
                },
                None => {
                    if item.iter().all(u8::is_ascii_digit) {
                        let n = int_digits(item) as i64;
                        Some(FdSel {
                            lo: n,
                            hi: n,
                            name: None,
                        })
                    } else if item == b"fd" {
                        Some(FdSel {
                            lo: 0,
                            hi: i32::MAX as i64,
                            name: None,
                        })
                    } else {
                        Some(FdSel {
                            lo: 1,
                            hi: 0,
                            name: Some(item.to_vec()),
                        })
                    }
                }
            };
            if let Some(e) = entry {
                if let Some(kind) = o.fd_exclude
                    && kind != exclude
                {
                    if o.warn {
                        let mut shown = Vec::new();
                        if exclude {
                            shown.push(b'^');
                        }
                        match &e.name {
                            Some(n) => shown.extend_from_slice(n),
                            None if e.lo != e.hi => shown.extend_from_slice(format!("{}-{}", e.lo, e.hi).as_bytes()),
                            None => shown.extend_from_slice(e.lo.to_string().as_bytes()),
                        }
                        let msg = format!(
                            "{} in an {} -d list: ",
                            if exclude { "exclude" } else { "include" },
                            if kind { "exclude" } else { "include" }
                        );
                        let mut m = msg.into_bytes();
                        m.extend_from_slice(&shown);
                        line(err, pn, &m);
                    }
                    ok = false;
                } else {
                    let dup = o.fds.iter().any(|f| match (&f.name, &e.name) {
                        (_, Some(n)) => f.name.as_ref() == Some(n),
                        (_, None) => f.lo == e.lo && f.hi == e.hi && f.name.is_none(),
                    });
                    if !dup {
                        o.fds.push(e);
                    }
                    o.fd_exclude = Some(exclude);
                }
            }
        }
        if end >= r.len() {
            break;
        }
        rest = &r[end + 1..];
    }
    ok
}

fn fd_range(pn: &[u8], item: &[u8], dash: usize, err: &mut Vec<u8>) -> Option<(i64, i64)> {
    // lsof keeps the last '-' it saw; an empty high part reads as 0.
    if dash == 0 {
        line_arg(err, pn, b"illegal FD range for -d: ", item);
        return None;
    }
    let (a, b) = (&item[..dash], &item[dash + 1..]);
    if !a.iter().chain(b).all(u8::is_ascii_digit) {
        line_arg(err, pn, b"non-digit in -d FD range: ", item);
        return None;
    }
    let (lo, hi) = (int_digits(a) as i64, int_digits(b) as i64);
    if lo >= hi {
        line_arg(err, pn, b"-d FD range's low >= its high: ", item);
        return None;
    }
    Some((lo, hi))
}

/// `-s PROTO:[^]STATE[,…]`.
fn enter_state_spec(o: &mut Options, pn: &[u8], v: &[u8], err: &mut Vec<u8>) -> bool {
    let proto = if v.len() >= 4 && v[..4].eq_ignore_ascii_case(b"tcp:") {
        "TCP"
    } else if v.len() >= 4 && v[..4].eq_ignore_ascii_case(b"udp:") {
        "UDP"
    } else {
        let mut m = b"unknown -s protocol: \"".to_vec();
        m.extend_from_slice(v);
        m.push(b'"');
        line(err, pn, &m);
        return false;
    };
    let rest = &v[4..];
    if rest.is_empty() {
        let mut m = format!("no {proto} state names in: ").into_bytes();
        m.extend_from_slice(v);
        line(err, pn, &m);
        return false;
    }
    if proto == "UDP" {
        let mut m = b"no UDP state names available: ".to_vec();
        m.extend_from_slice(v);
        line(err, pn, &m);
        return false;
    }
    let mut ok = true;
    let mut cur = rest;
    while !cur.is_empty() {
        let (exclude, r) = match cur.strip_prefix(b"^") {
            Some(r) => (true, r),
            None => (false, cur),
        };
        let end = r.iter().position(|&b| b == b',').unwrap_or(r.len());
        let name = &r[..end];
        cur = if end < r.len() { &r[end + 1..] } else { &[] };
        if name.is_empty() {
            let mut m = b"NULL TCP state name in: ".to_vec();
            m.extend_from_slice(v);
            line(err, pn, &m);
            ok = false;
            continue;
        }
        let Some(i) = TCP_STATES.iter().position(|s| s.as_bytes().eq_ignore_ascii_case(name)) else {
            let mut m = b"unknown TCP state name: ".to_vec();
            m.extend_from_slice(name);
            line(err, pn, &m);
            ok = false;
            continue;
        };
        let dup = if exclude {
            std::mem::replace(&mut o.tcp_exclude[i], true)
        } else {
            let d = o.tcp_include[i] != 0;
            o.tcp_include[i] = 1;
            d
        };
        if dup {
            let mut m = format!("duplicate TCP {}clusion: ", if exclude { "ex" } else { "in" }).into_bytes();
            m.extend_from_slice(name);
            line(err, pn, &m);
            ok = false;
        }
    }
    ok
}

/// `-r[t][c<n>][m<fmt>]` and `+r…`.
fn parse_repeat(
    o: &mut Options,
    g: &mut GetOpt,
    plus: bool,
    v: &Option<Vec<u8>>,
    pn: &[u8],
    err: &mut Vec<u8>,
) -> bool {
    let mut r = Repeat {
        seconds: 15,
        until_empty: plus,
        max_cycles: 0,
        marker: None,
    };
    let w = match v {
        None => {
            o.repeat = Some(r);
            return true;
        }
        Some(_) if starts_option(v) => {
            g.give_back();
            o.repeat = Some(r);
            return true;
        }
        Some(w) => w,
    };
    let (t, n) = leading_number(w);
    if n > 0 {
        r.seconds = t;
    }
    let mut i = n;
    if i < w.len() {
        while i < w.len() && w[i] == b' ' {
            i += 1;
        }
        if w.get(i) == Some(&b'c') {
            i += 1;
            let (c, k) = leading_number(&w[i..]);
            r.max_cycles = c;
            i += k;
        }
        if w.get(i) != Some(&b'm') {
            // lsof rewinds to just after the number and reads the rest as options.
            g.give_back_after(n);
        } else {
            let fmt = w[i + 1..].to_vec();
            if strftime(&fmt).is_empty() {
                let mut m = b"illegal <fmt>: \"".to_vec();
                m.extend_from_slice(&fmt);
                m.push(b'"');
                line(err, pn, &m);
                o.repeat = Some(r);
                return false;
            }
            r.marker = Some(fmt);
        }
    }
    o.repeat = Some(r);
    true
}

/// strftime(3) of the current local time.
pub fn strftime(fmt: &[u8]) -> Vec<u8> {
    let Ok(c) = std::ffi::CString::new(fmt) else {
        return Vec::new();
    };
    let cap = fmt.len() * 8 + 1;
    let mut buf = vec![0u8; cap];
    unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&now, &mut tm);
        let n = libc::strftime(buf.as_mut_ptr().cast(), cap - 1, c.as_ptr(), &tm);
        buf.truncate(n);
    }
    buf
}

/// `-c /RE/[bix]`.
fn compile_cmd_regex(pn: &[u8], x: &[u8], err: &mut Vec<u8>) -> Option<CmdRegex> {
    let body = &x[1..];
    let Some(end) = body.iter().position(|&b| b == b'/') else {
        line_arg(err, pn, b"regexp doesn't end with '/': ", x);
        return None;
    };
    let (mut extended, mut icase) = (true, false);
    // Uses of b, i and x: a second use is reported once, b with x once.
    let mut used = [0u32; 3];
    let mut conflicts = 0;
    let mut bad = false;
    for &m in &body[end + 1..] {
        let k = match m {
            b'b' => 0,
            b'i' => 1,
            b'x' => 2,
            _ => {
                line(err, pn, format!("invalid regexp modifier: {}", m as char).as_bytes());
                bad = true;
                continue;
            }
        };
        used[k] += 1;
        if used[k] > 1 {
            if used[k] == 2 {
                line_arg(
                    err,
                    pn,
                    format!("{} regexp modifier already used: ", m as char).as_bytes(),
                    x,
                );
            }
            bad = true;
        } else if (k == 0 && used[2] > 0) || (k == 2 && used[0] > 0) {
            conflicts += 1;
            if conflicts == 1 {
                line_arg(err, pn, b"b and x regexp modifiers conflict: ", x);
            }
            bad = true;
        } else {
            match k {
                0 => extended = false,
                1 => icase = true,
                _ => extended = true,
            }
        }
    }
    if bad {
        return None;
    }
    let source = body[..end].to_vec();
    match Regex::new(&source, extended, icase) {
        Ok(re) => Some(CmdRegex {
            source,
            re,
            found: false,
        }),
        Err(msg) => {
            err.extend_from_slice(pn);
            err.extend_from_slice(b": regexp error: ");
            safe_bytes(x, false, err);
            err.extend_from_slice(b": ");
            err.extend_from_slice(&msg);
            err.push(b'\n');
            None
        }
    }
}

/// A POSIX regular expression through the C library (lsof uses regcomp).
pub struct Regex {
    re: Box<libc::regex_t>,
}

impl Regex {
    fn new(src: &[u8], extended: bool, icase: bool) -> Result<Regex, Vec<u8>> {
        let c = std::ffi::CString::new(src).map_err(|_| b"invalid pattern".to_vec())?;
        let mut flags = libc::REG_NOSUB;
        if extended {
            flags |= libc::REG_EXTENDED;
        }
        if icase {
            flags |= libc::REG_ICASE;
        }
        unsafe {
            let mut re: Box<libc::regex_t> = Box::new(std::mem::zeroed());
            let rc = libc::regcomp(&mut *re, c.as_ptr(), flags);
            if rc != 0 {
                let mut buf = [0u8; 256];
                libc::regerror(rc, &*re, buf.as_mut_ptr().cast(), buf.len());
                let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
                return Err(buf[..n].to_vec());
            }
            Ok(Regex { re })
        }
    }

    pub fn is_match(&self, s: &[u8]) -> bool {
        let Ok(c) = std::ffi::CString::new(s) else {
            return false;
        };
        unsafe { libc::regexec(&*self.re, c.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

// Safety: a compiled regex_t is only read after regcomp (regexec is
// MT-Safe in glibc and POSIX), and only `Drop` frees it, through `&mut`.
// Options (which holds the -c regexes) is shared with the threads that
// write the table's rows; they never match.
unsafe impl Sync for Regex {}

impl Drop for Regex {
    fn drop(&mut self) {
        unsafe { libc::regfree(&mut *self.re) }
    }
}
