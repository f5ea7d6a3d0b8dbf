//! ss's filter language (misc/ssfilter.y of iproute2 6.1), parsed and
//! evaluated as 6.1 does.
//!
//! - Words come from the arguments, then from `-F FILE` lines (lines that
//!   start with `#` or `0` are skipped); each word is split at blanks, `\`
//!   escapes.
//! - The lexer is stateful: after `dst`/`src`/`sport`/`dport`/`dev`/
//!   `fwmark`/`cgroup` every following plain word is read as that kind of
//!   operand, and host operands may switch the families shown (`unix:`,
//!   `inet6:` …), exactly when ss reads them.
//! - `and`/`or` have no precedence: `a or b and c` is `(a or b) and c`;
//!   juxtaposition is `and`; `not` binds to the next primary.
//!
//! Only the user-space evaluation is done: ss also compiles the tree into
//! INET_DIAG bytecode for the kernel, but then evaluates it again on every
//! row, so the rows shown are the same.

use super::options::{Filter, af, db};
use crate::core::names::hosts::Hosts;
use crate::core::names::services::{ServiceProto, Services};
use crate::core::root::SysRoot;
use std::io::Write;

/// An address operand (ss's `struct aafilter`).
#[derive(Debug, Clone, Default)]
pub struct HostCond {
    family: u32,
    /// Addresses (IPv4 in the first 4 bytes), each with its family.
    addrs: Vec<([u8; 16], u32)>,
    bitlen: u32,
    /// -1: any port.
    port: i64,
    /// unix glob (`None`: matches everything).
    pattern: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Dst(HostCond),
    Src(HostCond),
    DportGe(i64),
    DportLe(i64),
    SportGe(i64),
    SportLe(i64),
    Dev(u32),
    Mark(u32, u32),
    Cgroup(u64),
    Autobound,
}

/// What a row offers the filter (ss's `struct sockstat` fields it reads).
pub struct Sock<'a> {
    pub family: u32,
    pub local: [u8; 16],
    pub remote: [u8; 16],
    pub lport: i64,
    pub rport: i64,
    pub iface: u32,
    pub mark: u32,
    pub cgroup: u64,
    /// unix: the socket's name and its peer's (`None`: no name).
    pub local_name: Option<&'a [u8]>,
    pub remote_name: Option<&'a [u8]>,
}

impl Node {
    pub fn eval(&self, s: &Sock<'_>, ephemeral: &mut dyn FnMut(i64) -> bool) -> bool {
        match self {
            Node::And(a, b) => a.eval(s, ephemeral) && b.eval(s, ephemeral),
            Node::Or(a, b) => a.eval(s, ephemeral) || b.eval(s, ephemeral),
            Node::Not(a) => !a.eval(s, ephemeral),
            Node::Dst(c) => cond(c, s.family, &s.remote, s.rport, s.remote_name),
            Node::Src(c) => cond(c, s.family, &s.local, s.lport, s.local_name),
            Node::DportGe(p) => s.rport >= *p,
            Node::DportLe(p) => s.rport <= *p,
            Node::SportGe(p) => s.lport >= *p,
            Node::SportLe(p) => s.lport <= *p,
            Node::Dev(i) => s.iface == *i,
            Node::Mark(mark, mask) => s.mark & mask == *mark,
            Node::Cgroup(id) => s.cgroup == *id,
            Node::Autobound => match s.family {
                af::UNIX => match s.local_name {
                    None => true,
                    Some(n) => n.len() == 6 && n[0] == b'@' && n[1..].iter().all(|c| b"0123456789abcdef".contains(c)),
                },
                af::PACKET => s.lport == 0 && s.local[..4] == [0; 4],
                af::NETLINK => s.lport < 0,
                af::VSOCK => s.lport > 1023,
                _ => ephemeral(s.lport),
            },
        }
    }
}

fn cond(c: &HostCond, family: u32, addr: &[u8; 16], port: i64, name: Option<&[u8]>) -> bool {
    if c.family == af::UNIX {
        return match &c.pattern {
            None => true,
            Some(p) => fnmatch_casefold(p, name.unwrap_or(b"")),
        };
    }
    if c.port != -1 && c.port != port {
        return false;
    }
    if c.bitlen == 0 {
        return true;
    }
    c.addrs.iter().any(|(a, afam)| {
        if prefix_eq(addr, a, c.bitlen) {
            return true;
        }
        // A v4 rule also matches the v4-mapped v6 socket.
        if *afam == af::INET && family == af::INET6 && addr[..10] == [0; 10] && addr[10..12] == [0xff, 0xff] {
            let mut tmp = *addr;
            tmp.copy_within(12..16, 0);
            return prefix_eq(&tmp, a, c.bitlen);
        }
        false
    })
}

/// inet_addr_match(): the first `bits` bits are equal.
fn prefix_eq(a: &[u8; 16], b: &[u8; 16], bits: u32) -> bool {
    let bits = bits.min(128) as usize;
    let whole = bits / 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || (a[whole] ^ b[whole]) & (0xffu8 << (8 - rest)) == 0
}

/// INET_DIAG bytecode op codes.
mod bc {
    pub const JMP: u8 = 1;
    pub const S_GE: u8 = 2;
    pub const S_LE: u8 = 3;
    pub const D_GE: u8 = 4;
    pub const D_LE: u8 = 5;
    pub const AUTO: u8 = 6;
    pub const S_COND: u8 = 7;
    pub const D_COND: u8 = 8;
    pub const MARK_COND: u8 = 10;
    pub const CGROUP_COND: u8 = 13;
}

/// `struct inet_diag_bc_op { u8 code; u8 yes; u16 no; }`
fn op(out: &mut Vec<u8>, code: u8, yes: usize, no: usize) {
    out.push(code);
    out.push(yes as u8);
    out.extend_from_slice(&(no as u16).to_ne_bytes());
}

/// ssfilter_patch(): retargets the "reject" jumps of `a[..len]` past what
/// is appended after it.
fn patch(a: &mut [u8], len: usize, reloc: usize) {
    let mut at = 0;
    let mut left = len as isize;
    while left > 0 && at + 4 <= a.len() {
        let yes = a[at + 1] as usize;
        let no = u16::from_ne_bytes([a[at + 2], a[at + 3]]) as isize;
        if no == left + 4 {
            a[at + 2..at + 4].copy_from_slice(&((no as usize + reloc) as u16).to_ne_bytes());
        }
        if yes == 0 {
            break;
        }
        left -= yes as isize;
        at += yes;
    }
}

/// ssfilter_bytecompile(): the INET_DIAG bytecode ss sends with inet dumps,
/// so the kernel drops rows before ss sees them (its rules differ from the
/// user-space ones for families and `autobound`). `None` where ss sends
/// none (a `dev` condition anywhere).
pub fn compile(n: &Node) -> Option<Vec<u8>> {
    // `a or b or c …` (no precedence) is a left-deep tree as long as the
    // expression: its left spine is walked in a loop, not recursed into,
    // so a long flat expression cannot exhaust the stack.
    let mut spine = Vec::new();
    let mut leftmost = n;
    while let Node::And(a, _) | Node::Or(a, _) = leftmost {
        spine.push(leftmost);
        leftmost = a;
    }
    let mut x = compile_one(leftmost)?;
    for node in spine.into_iter().rev() {
        match node {
            Node::And(_, b) => {
                let y = compile(b)?;
                let l1 = x.len();
                x.extend_from_slice(&y);
                patch(&mut x, l1, y.len());
            }
            Node::Or(_, b) => {
                let y = compile(b)?;
                op(&mut x, bc::JMP, 4, y.len() + 4);
                x.extend_from_slice(&y);
            }
            _ => unreachable!("the spine holds only and/or nodes"),
        }
    }
    Some(x)
}

/// The bytecode of one node that is not an `and`/`or`.
fn compile_one(n: &Node) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match n {
        Node::Autobound => op(&mut out, bc::AUTO, 4, 8),
        Node::Dst(c) | Node::Src(c) => {
            let code = if matches!(n, Node::Dst(_)) {
                bc::D_COND
            } else {
                bc::S_COND
            };
            // ss sizes and fills every link of the chain from the first.
            let alen = if c.family == af::INET6 { 16 } else { 4 };
            let count = c.addrs.len().max(1);
            let oplen = 4 + 8 + alen;
            let len = count * oplen + (count - 1) * 4;
            let first = c.addrs.first().map(|(a, _)| *a).unwrap_or([0; 16]);
            for i in 0..count {
                op(&mut out, code, oplen, oplen + 4);
                out.push(c.family as u8);
                out.push(c.bitlen as u8);
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&(c.port as i32).to_ne_bytes());
                out.extend_from_slice(&first[..alen]);
                if i + 1 < count {
                    let at = out.len();
                    op(&mut out, bc::JMP, 4, len - at);
                }
            }
        }
        Node::DportGe(p) | Node::DportLe(p) | Node::SportGe(p) | Node::SportLe(p) => {
            let code = match n {
                Node::DportGe(_) => bc::D_GE,
                Node::DportLe(_) => bc::D_LE,
                Node::SportGe(_) => bc::S_GE,
                _ => bc::S_LE,
            };
            op(&mut out, code, 8, 12);
            op(&mut out, 0, 0, *p as u16 as usize);
        }
        Node::And(..) | Node::Or(..) => return compile(n),
        Node::Not(a) => {
            out = compile(a)?;
            op(&mut out, bc::JMP, 4, 8);
        }
        Node::Dev(_) => return None,
        Node::Mark(mark, mask) => {
            op(&mut out, bc::MARK_COND, 12, 16);
            out.extend_from_slice(&mark.to_ne_bytes());
            out.extend_from_slice(&mask.to_ne_bytes());
        }
        Node::Cgroup(id) => {
            op(&mut out, bc::CGROUP_COND, 12, 16);
            out.extend_from_slice(&id.to_ne_bytes());
        }
    }
    Some(out)
}

/// fnmatch(pattern, s, FNM_CASEFOLD): `*`, `?`, `[…]` (with `!`/`^`,
/// ranges) and `\` escapes; `/` is an ordinary character.
pub fn fnmatch_casefold(p: &[u8], s: &[u8]) -> bool {
    fn lower(c: u8) -> u8 {
        c.to_ascii_lowercase()
    }
    fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
        // p starts after '['; returns (matched, length of class incl. ']').
        let mut i = 0;
        let negate = matches!(p.first(), Some(b'!' | b'^'));
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        loop {
            let &ch = p.get(i)?;
            if ch == b']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            let (lo, next) = if ch == b'\\' {
                (*p.get(i + 1)?, i + 2)
            } else {
                (ch, i + 1)
            };
            if p.get(next) == Some(&b'-') && p.get(next + 1).is_some_and(|&x| x != b']') {
                let hi = p[next + 1];
                if lower(lo) <= lower(c) && lower(c) <= lower(hi) {
                    matched = true;
                }
                i = next + 2;
            } else {
                if lower(lo) == lower(c) {
                    matched = true;
                }
                i = next;
            }
        }
    }
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, si));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, len)) = class(&p[pi + 1..], s[si]) {
                        if ok {
                            pi += 1 + len;
                            si += 1;
                            continue;
                        }
                    } else if s[si] == b'[' {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                }
                b'\\' if pi + 1 < p.len() => {
                    if lower(p[pi + 1]) == lower(s[si]) {
                        pi += 2;
                        si += 1;
                        continue;
                    }
                }
                c => {
                    if lower(c) == lower(s[si]) {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[derive(Debug, Clone)]
enum Tok {
    Not,
    And,
    Or,
    LParen,
    RParen,
    Dst,
    Src,
    Dport,
    Sport,
    Dev,
    Fwmark,
    Cgroup,
    Geq,
    Leq,
    Neq,
    Eq,
    Gt,
    Lt,
    Autobound,
    Host(HostCond),
    DevCond(u32),
    Mark(u32, u32),
    CgroupCond(u64),
    End,
}

/// Why parsing stopped: the exit status (messages already written).
pub type Exit = i32;

pub struct Parser<'a> {
    words: Vec<Vec<u8>>,
    next_word: usize,
    /// The rest of the current word, split on blanks.
    pending: Vec<u8>,
    pending_at: usize,
    tok_type: Option<Tok>,
    lookahead: Option<Tok>,
    pub filter: &'a mut Filter,
    pub preferred_family: &'a mut u32,
    root: &'a SysRoot,
    services: Option<Services>,
    hosts: Option<Hosts>,
    err: &'a mut dyn Write,
}

impl<'a> Parser<'a> {
    pub fn new(
        words: Vec<Vec<u8>>,
        filter: &'a mut Filter,
        preferred_family: &'a mut u32,
        root: &'a SysRoot,
        err: &'a mut dyn Write,
    ) -> Parser<'a> {
        Parser {
            words,
            next_word: 0,
            pending: Vec::new(),
            pending_at: 0,
            tok_type: None,
            lookahead: None,
            filter,
            preferred_family,
            root,
            services: None,
            hosts: None,
            err,
        }
    }

    fn say(&mut self, msg: &[u8]) {
        let _ = self.err.write_all(msg);
    }

    /// parse_cgroupcond(): the cgroup's id, after any message of the lookup.
    fn cgroup_id(&mut self, path: &[u8]) -> Option<u64> {
        let mut msgs = Vec::new();
        let id = super::cgroup::id_of(path, &mut msgs);
        self.say(&msgs);
        (id != 0).then_some(id)
    }

    /// get_token_from_line(): the next blank-separated token, `\` escaping.
    fn next_word_token(&mut self) -> Option<Vec<u8>> {
        loop {
            while self.pending_at < self.pending.len() && matches!(self.pending[self.pending_at], b' ' | b'\t') {
                self.pending_at += 1;
            }
            if self.pending_at < self.pending.len() {
                let mut tok = Vec::new();
                while self.pending_at < self.pending.len() && !matches!(self.pending[self.pending_at], b' ' | b'\t') {
                    let c = self.pending[self.pending_at];
                    if c == b'\\' {
                        self.pending_at += 1;
                        match self.pending.get(self.pending_at) {
                            Some(&n) => tok.push(n),
                            None => break,
                        }
                    } else {
                        tok.push(c);
                    }
                    self.pending_at += 1;
                }
                return Some(tok);
            }
            if self.next_word >= self.words.len() {
                return None;
            }
            self.pending = std::mem::take(&mut self.words[self.next_word]);
            self.pending_at = 0;
            self.next_word += 1;
        }
    }

    /// yylex().
    fn lex(&mut self) -> Result<Tok, Exit> {
        let Some(w) = self.next_word_token() else {
            return Ok(Tok::End);
        };
        let t = match &w[..] {
            b"!" | b"not" => Tok::Not,
            b"&" | b"&&" | b"and" => Tok::And,
            b"|" | b"||" | b"or" => Tok::Or,
            b"(" => Tok::LParen,
            b")" => Tok::RParen,
            b"dst" => self.keyword(Tok::Dst),
            b"src" => self.keyword(Tok::Src),
            b"dport" => self.keyword(Tok::Dport),
            b"sport" => self.keyword(Tok::Sport),
            b"dev" => self.keyword(Tok::Dev),
            b"fwmark" => self.keyword(Tok::Fwmark),
            b"cgroup" => self.keyword(Tok::Cgroup),
            b">=" | b"ge" | b"geq" => Tok::Geq,
            b"<=" | b"le" | b"leq" => Tok::Leq,
            b"!=" | b"ne" | b"neq" => Tok::Neq,
            b"=" | b"==" | b"eq" => Tok::Eq,
            b">" | b"gt" => Tok::Gt,
            b"<" | b"lt" => Tok::Lt,
            b"autobound" => self.keyword(Tok::Autobound),
            _ => match self.tok_type {
                Some(Tok::Dev) => match self.parse_dev(&w) {
                    Some(i) => Tok::DevCond(i),
                    None => {
                        self.say(b"Cannot parse device.\n");
                        return Err(1);
                    }
                },
                Some(Tok::Fwmark) => match parse_mark(&w) {
                    Some((m, k)) => Tok::Mark(m, k),
                    None => {
                        let mut m = b"Cannot parse mark ".to_vec();
                        m.extend_from_slice(&w);
                        m.extend_from_slice(b".\n");
                        self.say(&m);
                        return Err(1);
                    }
                },
                Some(Tok::Cgroup) => match self.cgroup_id(&w) {
                    Some(id) => Tok::CgroupCond(id),
                    None => {
                        let mut m = b"Cannot parse cgroup ".to_vec();
                        m.extend_from_slice(&w);
                        m.extend_from_slice(b".\n");
                        self.say(&m);
                        return Err(1);
                    }
                },
                _ => {
                    let is_port = matches!(self.tok_type, Some(Tok::Sport | Tok::Dport));
                    match self.parse_hostcond(&w, is_port) {
                        Some(c) => Tok::Host(c),
                        None => {
                            self.say(b"Cannot parse dst/src address.\n");
                            return Err(1);
                        }
                    }
                }
            },
        };
        Ok(t)
    }

    fn keyword(&mut self, t: Tok) -> Tok {
        self.tok_type = Some(t.clone());
        t
    }

    fn peek(&mut self) -> Result<&Tok, Exit> {
        if self.lookahead.is_none() {
            let t = self.lex()?;
            self.lookahead = Some(t);
        }
        Ok(self.lookahead.as_ref().unwrap_or(&Tok::End))
    }

    fn take(&mut self) -> Result<Tok, Exit> {
        match self.lookahead.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn syntax_error(&mut self) -> Exit {
        self.bison_error(b"syntax error!")
    }

    fn bison_error(&mut self, what: &[u8]) -> Exit {
        self.say(b"ss: bison bellows (while parsing filter): \"");
        self.say(what);
        self.say(b"\" Sorry.\n");
        self.say(super::options::USAGE);
        255
    }

    /// A shift onto ss's bison parser stack, which then holds `symbols`
    /// grammar symbols above its initial state: bison gives up ("memory
    /// exhausted") when the stack reaches YYMAXDEPTH (10000) states. This
    /// also bounds the recursion of `expr`/`exprlist`.
    fn shift(&mut self, symbols: usize) -> Result<(), Exit> {
        const YYMAXDEPTH: usize = 10_000;
        if 1 + symbols >= YYMAXDEPTH {
            return Err(self.bison_error(b"memory exhausted!"));
        }
        Ok(())
    }

    /// The whole expression; `None` when there is none.
    pub fn parse(mut self) -> Result<Option<Node>, Exit> {
        if matches!(self.peek()?, Tok::End) {
            return Ok(None);
        }
        let n = self.exprlist(0)?;
        match self.peek()? {
            Tok::End => Ok(Some(n)),
            _ => Err(self.syntax_error()),
        }
    }

    fn starts_expr(t: &Tok) -> bool {
        matches!(
            t,
            Tok::LParen
                | Tok::Not
                | Tok::Dst
                | Tok::Src
                | Tok::Dport
                | Tok::Sport
                | Tok::Dev
                | Tok::Fwmark
                | Tok::Cgroup
                | Tok::Autobound
        )
    }

    /// `base`: the symbols on the parser stack below this exprlist (for
    /// `shift`); the exprlist itself is one more, an `and`/`or` another.
    fn exprlist(&mut self, base: usize) -> Result<Node, Exit> {
        let mut left = self.expr(base)?;
        loop {
            // (is `or`, symbols below the right operand), without cloning the token.
            let (or, below) = match self.peek()? {
                Tok::Or => (true, base + 2),
                Tok::And => (false, base + 2),
                t if Self::starts_expr(t) => (false, base + 1),
                _ => return Ok(left),
            };
            if below == base + 2 {
                self.take()?;
                self.shift(below)?;
            }
            let right = Box::new(self.expr(below)?);
            left = if or {
                Node::Or(Box::new(left), right)
            } else {
                Node::And(Box::new(left), right)
            };
        }
    }

    /// The operand ending a three-symbol `expr` that starts at `base`.
    fn host(&mut self, base: usize) -> Result<HostCond, Exit> {
        match self.take()? {
            Tok::Host(c) => {
                self.shift(base + 3)?;
                Ok(c)
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// `eq` is optional: `=`, or nothing (bison pushes the empty `eq` too).
    fn optional_eq(&mut self, base: usize) -> Result<(), Exit> {
        if matches!(self.peek()?, Tok::Eq) {
            self.take()?;
        }
        self.shift(base + 2)
    }

    /// `base`: the symbols on the parser stack below this expr. Only the
    /// nesting forms are handled here, so that the frames of a deep nesting
    /// stay small (10,000 levels fit the main thread's stack).
    fn expr(&mut self, base: usize) -> Result<Node, Exit> {
        let t = self.take()?;
        if Self::starts_expr(&t) {
            self.shift(base + 1)?;
        }
        match t {
            Tok::LParen => {
                let n = self.exprlist(base + 1)?;
                if !matches!(self.take()?, Tok::RParen) {
                    return Err(self.syntax_error());
                }
                self.shift(base + 3)?;
                Ok(n)
            }
            Tok::Not => Ok(Node::Not(Box::new(self.expr(base + 1)?))),
            t => self.condition(t, base),
        }
    }

    /// The expr forms that do not nest, from their first token `t`.
    #[inline(never)]
    fn condition(&mut self, t: Tok, base: usize) -> Result<Node, Exit> {
        Ok(match t {
            Tok::Dst => {
                self.optional_eq(base)?;
                Node::Dst(self.host(base)?)
            }
            Tok::Src => {
                self.optional_eq(base)?;
                Node::Src(self.host(base)?)
            }
            Tok::Dport | Tok::Sport => {
                let dst = matches!(t, Tok::Dport);
                let op = self.peek()?.clone();
                let op = match op {
                    Tok::Geq | Tok::Leq | Tok::Gt | Tok::Lt | Tok::Eq | Tok::Neq => {
                        self.take()?;
                        op
                    }
                    _ => Tok::Eq,
                };
                self.shift(base + 2)?;
                let c = self.host(base)?;
                let p = c.port;
                type Make = fn(i64) -> Node;
                let (ge, le): (Make, Make) = if dst {
                    (Node::DportGe, Node::DportLe)
                } else {
                    (Node::SportGe, Node::SportLe)
                };
                match op {
                    Tok::Geq => ge(p),
                    Tok::Leq => le(p),
                    Tok::Gt => Node::Not(Box::new(le(p))),
                    Tok::Lt => Node::Not(Box::new(ge(p))),
                    Tok::Neq => Node::Not(Box::new(if dst { Node::Dst(c) } else { Node::Src(c) })),
                    _ => {
                        if dst {
                            Node::Dst(c)
                        } else {
                            Node::Src(c)
                        }
                    }
                }
            }
            Tok::Dev => {
                let neg = self.eq_or_neq(base)?;
                let n = match self.take()? {
                    Tok::DevCond(i) => {
                        self.shift(base + 3)?;
                        Node::Dev(i)
                    }
                    _ => return Err(self.syntax_error()),
                };
                if neg { Node::Not(Box::new(n)) } else { n }
            }
            Tok::Fwmark => {
                let neg = self.eq_or_neq(base)?;
                let n = match self.take()? {
                    Tok::Mark(m, k) => {
                        self.shift(base + 3)?;
                        Node::Mark(m, k)
                    }
                    _ => return Err(self.syntax_error()),
                };
                if neg { Node::Not(Box::new(n)) } else { n }
            }
            Tok::Cgroup => {
                let neg = self.eq_or_neq(base)?;
                let n = match self.take()? {
                    Tok::CgroupCond(id) => {
                        self.shift(base + 3)?;
                        Node::Cgroup(id)
                    }
                    _ => return Err(self.syntax_error()),
                };
                if neg { Node::Not(Box::new(n)) } else { n }
            }
            Tok::Autobound => Node::Autobound,
            _ => return Err(self.syntax_error()),
        })
    }

    /// `eq` or `NEQ` before a dev/fwmark/cgroup operand; true for NEQ.
    fn eq_or_neq(&mut self, base: usize) -> Result<bool, Exit> {
        let neg = match self.peek()? {
            Tok::Eq => {
                self.take()?;
                false
            }
            Tok::Neq => {
                self.take()?;
                true
            }
            _ => false,
        };
        self.shift(base + 2)?;
        Ok(neg)
    }

    fn parse_dev(&mut self, name: &[u8]) -> Option<u32> {
        let idx = std::ffi::CString::new(name)
            .ok()
            .map(|c| unsafe { libc::if_nametoindex(c.as_ptr()) })
            .unwrap_or(0);
        if idx != 0 {
            return Some(idx);
        }
        let v = c_ulong(name)?;
        u32::try_from(v).ok()
    }

    fn services(&mut self) -> &Services {
        let root = self.root;
        self.services.get_or_insert_with(|| Services::load(root))
    }

    /// parse_hostcond().
    fn parse_hostcond(&mut self, word: &[u8], is_port: bool) -> Option<HostCond> {
        let mut c = HostCond {
            port: -1,
            ..HostCond::default()
        };
        let mut fam = *self.preferred_family;
        let mut addr: &[u8] = word;
        for (prefix, f) in [
            (&b"unix:"[..], af::UNIX),
            (b"link:", af::PACKET),
            (b"netlink:", af::NETLINK),
            (b"vsock:", af::VSOCK),
            (b"inet:", af::INET),
            (b"inet6:", af::INET6),
        ] {
            if let Some(rest) = addr.strip_prefix(prefix) {
                fam = f;
                addr = rest;
                break;
            }
        }
        let ok = match fam {
            af::UNIX => {
                c.family = af::UNIX;
                c.pattern = Some(addr.to_vec());
                true
            }
            af::PACKET | af::NETLINK | af::VSOCK => self.parse_other_family(&mut c, fam, addr, is_port),
            _ => self.parse_inet(&mut c, fam, addr, is_port),
        };
        if !ok {
            return None;
        }
        if fam != 0 {
            // The family named (or preferred) becomes the only one shown.
            let states = self.filter.states;
            self.filter.families = 1 << fam;
            *self.preferred_family = fam;
            if states != 0 {
                self.filter.states = states;
            }
        }
        Some(c)
    }

    fn parse_other_family(&mut self, c: &mut HostCond, fam: u32, addr: &[u8], is_port: bool) -> bool {
        c.family = fam;
        let (addr, port) = if is_port {
            (&b""[..], Some(addr.strip_prefix(b":").unwrap_or(addr)))
        } else {
            match memchr::memchr(b':', addr) {
                Some(i) => (&addr[..i], Some(&addr[i + 1..])),
                None => (addr, None),
            }
        };
        if let Some(p) = port
            && !p.is_empty()
            && p != b"*"
        {
            match c_long(p) {
                Some(v) => c.port = v,
                None if fam == af::PACKET => {
                    match std::ffi::CString::new(p)
                        .ok()
                        .map(|s| unsafe { libc::if_nametoindex(s.as_ptr()) })
                    {
                        Some(i) if i > 0 => c.port = i as i64,
                        _ => return false,
                    }
                }
                None if fam == af::NETLINK && p == b"kernel" => c.port = 0,
                None => return false,
            }
        }
        if !is_port && !addr.is_empty() && addr != b"*" {
            c.bitlen = 32;
            let mut a = [0u8; 16];
            let v: u32 = match fam {
                af::PACKET => match super::LL_PROTOS.iter().find(|(_, n)| *n == addr) {
                    Some((id, _)) => *id as u32,
                    None => match c_ulong(addr).filter(|&v| v <= 0xffff) {
                        Some(v) => v as u32,
                        None => return false,
                    },
                },
                af::NETLINK => {
                    let tab = super::nl_protos(self.root);
                    match tab.iter().position(|n| n.as_deref() == Some(addr)) {
                        Some(i) => i as u32,
                        None => match c_ulong(addr).filter(|&v| v <= 255) {
                            Some(v) => v as u32,
                            None => return false,
                        },
                    }
                }
                _ => match c_ulong(addr).and_then(|v| u32::try_from(v).ok()) {
                    Some(v) => v,
                    None => return false,
                },
            };
            a[..4].copy_from_slice(&v.to_ne_bytes());
            c.addrs.push((a, fam));
        }
        true
    }

    fn parse_inet(&mut self, c: &mut HostCond, fam: u32, word: &[u8], is_port: bool) -> bool {
        // Split host and port as ss does: `[v6]:port`, `*:port`, or the
        // last ':' after any '/'.
        let (mut host, mut port): (&[u8], Option<&[u8]>) = if let Some(rest) = word.strip_prefix(b"[") {
            match memchr::memchr(b']', rest) {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => return false,
            }
        } else if word.first() == Some(&b'*') {
            (word, Some(&word[1..]))
        } else {
            let from = memchr::memchr(b'/', word).unwrap_or(0);
            match memchr::memrchr(b':', &word[from..]) {
                Some(i) => (&word[..from + i], Some(&word[from + i..])),
                None => (word, None),
            }
        };
        if is_port {
            // The word as ss holds it by now: `[v6]…` has lost its
            // brackets and whatever followed them.
            let addr = if word.first() == Some(&b'[') { host } else { word };
            port = Some(addr);
            host = addr;
        }
        if let Some(mut p) = port {
            if let Some(rest) = p.strip_prefix(b":") {
                p = rest;
                if is_port {
                    host = b"";
                }
            }
            if !p.is_empty() && p[0] != b'*' {
                match c_long(p).filter(|v| i32::try_from(*v).is_ok()) {
                    Some(v) => c.port = v,
                    None => {
                        let udp = self.filter.has_db(db::UDP);
                        let tcp = self.filter.has_db(db::TCP);
                        let s1 = if udp {
                            self.services().port_by_name(ServiceProto::Udp, p)
                        } else {
                            None
                        };
                        let s2 = if tcp {
                            self.services().port_by_name(ServiceProto::Tcp, p)
                        } else {
                            None
                        };
                        if let (Some(a), Some(b)) = (s1, s2)
                            && a != b
                        {
                            let mut m = b"Error: ambiguous port \"".to_vec();
                            m.extend_from_slice(p);
                            m.extend_from_slice(b"\".\n");
                            self.say(&m);
                            return false;
                        }
                        match s1.or(s2) {
                            Some(v) => c.port = v as i64,
                            None => {
                                let mut m = b"Error: \"".to_vec();
                                m.extend_from_slice(p);
                                m.extend_from_slice(b"\" does not look like a port.\n");
                                self.say(&m);
                                return false;
                            }
                        }
                    }
                }
            }
        }
        if !is_port && !host.is_empty() && host[0] != b'*' {
            match parse_prefix(host, fam) {
                Some((family, a, bits)) => {
                    c.family = family;
                    c.addrs.push((a, family));
                    c.bitlen = bits;
                }
                None => {
                    // A host name (get_dns_host): its addresses in the family
                    // asked for, IPv4 then IPv6 when none was.
                    let root = self.root;
                    let hosts = self.hosts.get_or_insert_with(|| Hosts::new(root));
                    let mut lookups = vec![fam == af::INET6];
                    if fam == 0 {
                        lookups.push(true);
                    }
                    for v6 in lookups {
                        let f = if v6 { af::INET6 } else { af::INET };
                        for a in hosts.by_name(host, v6) {
                            if c.addrs.is_empty() {
                                c.family = f;
                                c.bitlen = if v6 { 128 } else { 32 };
                            }
                            c.addrs.push((a, f));
                        }
                    }
                    if c.addrs.is_empty() {
                        let mut m = b"Error: an inet prefix is expected rather than \"".to_vec();
                        m.extend_from_slice(host);
                        m.extend_from_slice(b"\".\n");
                        self.say(&m);
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// get_prefix_1(): `ADDR[/LEN]` in family `fam` (0: decided by ':').
/// Returns (family, address, prefix length).
fn parse_prefix(s: &[u8], fam: u32) -> Option<(u32, [u8; 16], u32)> {
    let (addr, len) = match memchr::memchr(b'/', s) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut a = [0u8; 16];
    let (family, full) = if addr == b"default" || addr == b"all" || addr == b"any" {
        // bitlen -2: no prefix allowed after "default"/"all"/"any".
        if len.is_some() {
            return None;
        }
        return Some((fam, a, 0));
    } else if addr.contains(&b':') {
        if fam != 0 && fam != af::INET6 {
            return None;
        }
        a = crate::core::names::hosts::parse_v6(addr)?;
        (af::INET6, 128)
    } else {
        if fam != 0 && fam != af::INET {
            return None;
        }
        let v4 = ipv4_parts(addr)?;
        a[..4].copy_from_slice(&v4);
        (af::INET, 32)
    };
    let bits = match len {
        None => full,
        Some(l) => {
            let plen = match c_ulong(l).and_then(|v| u32::try_from(v).ok()) {
                Some(v) => v,
                None => {
                    let m = ipv4_parts(l)?;
                    mask_bits(u32::from_be_bytes(m))?
                }
            };
            if plen > full {
                return None;
            }
            plen
        }
    };
    Some((family, a, bits))
}

/// get_addr_ipv4(): up to four dot-separated numbers (strtoul base 0).
fn ipv4_parts(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split(|&b| b == b'.');
    for (i, o) in out.iter_mut().enumerate() {
        let p = parts.next()?;
        let v = c_ulong(p)?;
        if v > 255 {
            return None;
        }
        *o = v as u8;
        if i == 3 {
            break;
        }
        if parts.clone().next().is_none() {
            return Some(out);
        }
    }
    if parts.next().is_some() { None } else { Some(out) }
}

/// mask2bits(): a contiguous netmask's prefix length.
fn mask_bits(mask: u32) -> Option<u32> {
    let host = !mask;
    if host & host.wrapping_add(1) != 0 {
        return None;
    }
    Some(mask.leading_ones())
}

/// strtoul(s, &end, 0) over the whole of `s`, as iproute2's get_u8 …
/// get_unsigned and get_addr_ipv4 read their numbers: blanks, then a sign
/// (a '-' negates, wrapping, so "-0" is 0), then the digits. Overflow
/// saturates, whatever the sign.
fn c_ulong(s: &[u8]) -> Option<u64> {
    let (neg, digits) = crate::core::names::c_sign(s);
    let v = crate::core::names::parse_c_number(digits)?;
    Some(if neg && v != u64::MAX { v.wrapping_neg() } else { v })
}

/// strtol(s, &end, 0) over the whole of `s` (get_integer): blanks, a
/// sign, the digits; None when it does not fit.
fn c_long(s: &[u8]) -> Option<i64> {
    let (neg, digits) = crate::core::names::c_sign(s);
    let v = crate::core::names::parse_c_number(digits)?;
    let v = i64::try_from(v).ok()?;
    Some(if neg { -v } else { v })
}

/// parse_markmask(): sscanf's `%i/%i` when there is a '/', else `%i`;
/// each number as much of a prefix as sscanf reads.
fn parse_mark(s: &[u8]) -> Option<(u32, u32)> {
    let (mark, used) = scanf_int(s)?;
    if memchr::memchr(b'/', s).is_none() {
        return Some((mark, 0xffff_ffff));
    }
    let rest = s[used..].strip_prefix(b"/")?;
    let (mask, _) = scanf_int(rest)?;
    Some((mark, mask))
}

/// glibc sscanf's `%i` into an int: blanks, a sign, then `0x` (hex), `0`
/// (octal) or decimal digits, as many as fit the base; `0x` alone reads
/// as 0. The value is strtol's (saturated at the long's limits), cut to
/// 32 bits. None when no number starts `s`; else the value and the bytes
/// read.
fn scanf_int(s: &[u8]) -> Option<(u32, usize)> {
    let (neg, rest) = crate::core::names::c_sign(s);
    let i = s.len() - rest.len();
    let (base, start) = match (s.get(i), s.get(i + 1)) {
        (Some(b'0'), Some(b'x' | b'X')) => (16, i + 2),
        (Some(b'0'), _) => (8, i),
        (Some(b'1'..=b'9'), _) => (10, i),
        _ => return None,
    };
    let digits = s[start..].iter().take_while(|b| (**b as char).is_digit(base)).count();
    let magnitude = s[start..start + digits].iter().fold(0u64, |v, &b| {
        v.saturating_mul(base as u64)
            .saturating_add((b as char).to_digit(base).unwrap_or(0) as u64)
    });
    Some((crate::core::names::c_long_value(neg, magnitude) as u32, start + digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// strtoul and strtol over a whole word, as iproute2's get_* read it.
    #[test]
    fn numbers_read_as_strtoul_reads_them() {
        assert_eq!(c_ulong(b"-0"), Some(0));
        assert_eq!(c_ulong(b"+0x10"), Some(16));
        assert_eq!(c_ulong(b" 7"), Some(7));
        assert_eq!(c_ulong(b"-1"), Some(u64::MAX));
        assert_eq!(c_ulong(b"-"), None);
        assert_eq!(c_ulong(b"--1"), None);
        assert_eq!(c_ulong(b"0x"), None);
        assert_eq!(c_ulong(b"99999999999999999999999"), Some(u64::MAX));
        assert_eq!(c_long(b"-22"), Some(-22));
        assert_eq!(c_long(b"\t+22"), Some(22));
        assert_eq!(c_long(b"22 "), None);
        assert_eq!(ipv4_parts(b"+127.-0.0.1"), Some([127, 0, 0, 1]));
        assert_eq!(ipv4_parts(b"127.-1.0.1"), None);
    }

    /// The marks glibc's sscanf reads from these (a C program's answers).
    #[test]
    fn marks_read_as_sscanf_reads_them() {
        let cases: &[(&str, Option<(u32, u32)>)] = &[
            ("0x", Some((0, !0))),
            ("0xg", Some((0, !0))),
            ("08", Some((0, !0))),
            ("+0x", Some((0, !0))),
            ("0x/5", Some((0, 5))),
            ("99999999999", Some((1215752191, !0))),
            ("-5", Some((0xffff_fffb, !0))),
            (" 5", Some((5, !0))),
            ("0x100000000", Some((0, !0))),
            ("4294967296", Some((0, !0))),
            ("0x10/0x", Some((16, 0))),
            ("1/2/3", Some((1, 2))),
            ("12abc", Some((12, !0))),
            ("1/ 2", Some((1, 2))),
            ("1 /2", None),
            ("09/1", None),
            ("0/08", Some((0, 0))),
            ("2147483648", Some((0x8000_0000, !0))),
            ("-2147483649", Some((0x7fff_ffff, !0))),
            ("99999999999999999999", Some((!0, !0))),
            ("-99999999999999999999", Some((0, !0))),
            (" -0x10", Some((0xffff_fff0, !0))),
            ("0x-1", Some((0, !0))),
            ("1/-1", Some((1, !0))),
            ("", None),
            ("x", None),
            ("-", None),
            ("12/", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_mark(text.as_bytes()), *want, "{text:?}");
        }
    }

    fn parse(words: &[&str], filter: &mut Filter, fam: &mut u32) -> (Result<Option<Node>, Exit>, String) {
        let root = SysRoot::snapshot("/nonexistent-sockbox-root");
        let mut err = Vec::new();
        let words = words.iter().map(|w| w.as_bytes().to_vec()).collect();
        let r = Parser::new(words, filter, fam, &root, &mut err).parse();
        (r, String::from_utf8_lossy(&err).into_owned())
    }

    /// Runs `parse` on a thread with room for 10,000 levels even in a
    /// debug build (the release binary needs only the main thread's stack).
    fn parse_deep(words: Vec<String>) -> (Result<Option<Node>, Exit>, String) {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(move || {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                parse(&words, &mut inet_filter(), &mut 0)
            })
            .unwrap()
            .join()
            .unwrap()
    }

    fn nested(open: &str, n: usize, close: &str) -> Vec<String> {
        let mut w = vec![open.to_string(); n];
        w.push("autobound".into());
        w.extend(std::iter::repeat_n(
            close.to_string(),
            if close.is_empty() { 0 } else { n },
        ));
        w
    }

    #[test]
    fn nesting_past_bisons_stack_is_memory_exhausted() {
        // ss 6.1's bison stack holds 10,000 states: 9,997 `not`s (or 9,996
        // parentheses, whose `)` is the deepest symbol) still parse.
        let (r, err) = parse_deep(nested("not", 9997, ""));
        assert!(matches!(r, Ok(Some(_))), "{err}");
        let (r, err) = parse_deep(nested("(", 9996, ")"));
        assert!(matches!(r, Ok(Some(_))), "{err}");
        for words in [nested("not", 9998, ""), nested("(", 9997, ")"), nested("(", 20000, "")] {
            let (r, err) = parse_deep(words);
            assert_eq!(r.err(), Some(255));
            assert!(
                err.starts_with("ss: bison bellows (while parsing filter): \"memory exhausted!\" Sorry.\nUsage: ss "),
                "{err}"
            );
        }
    }

    #[test]
    fn long_flat_expression_compiles_in_little_stack() {
        // `sport >= :1 or … or sport >= :200000`: a left-deep tree that deep.
        std::thread::Builder::new()
            .stack_size(512 << 20) // building and dropping it recurse
            .spawn(|| {
                let mut n = Node::SportGe(0);
                for p in 1..200_000 {
                    n = Node::Or(Box::new(n), Box::new(Node::SportGe(p)));
                }
                let bc = std::thread::scope(|s| {
                    std::thread::Builder::new()
                        .stack_size(256 << 10)
                        .spawn_scoped(s, || compile(&n))
                        .unwrap()
                        .join()
                        .unwrap()
                });
                // Each term is 8 bytes of compare and 4 of jump.
                assert_eq!(bc.map(|b| b.len()), Some(200_000 * 12 - 4));
            })
            .unwrap()
            .join()
            .unwrap();
    }

    fn inet_filter() -> Filter {
        Filter {
            dbs: 1 << db::TCP,
            states: 0xfff,
            families: (1 << af::INET) | (1 << af::INET6),
        }
    }

    fn sock(local: &str, lport: i64, remote: &str, rport: i64) -> ([u8; 16], [u8; 16], u32, i64, i64) {
        let p = |s: &str| -> ([u8; 16], bool) {
            if let Ok(v4) = s.parse::<std::net::Ipv4Addr>() {
                let mut a = [0u8; 16];
                a[..4].copy_from_slice(&v4.octets());
                (a, false)
            } else {
                (s.parse::<std::net::Ipv6Addr>().unwrap().octets(), true)
            }
        };
        let (l, v6) = p(local);
        let (r, _) = p(remote);
        (l, r, if v6 { af::INET6 } else { af::INET }, lport, rport)
    }

    fn eval(n: &Node, s: ([u8; 16], [u8; 16], u32, i64, i64)) -> bool {
        let sock = Sock {
            family: s.2,
            local: s.0,
            remote: s.1,
            lport: s.3,
            rport: s.4,
            iface: 0,
            mark: 0,
            cgroup: 0,
            local_name: None,
            remote_name: None,
        };
        n.eval(&sock, &mut |p| (32768..=60999).contains(&p))
    }

    #[test]
    fn no_precedence_between_and_and_or() {
        let (mut f, mut fam) = (inet_filter(), 0);
        let (n, _) = parse(
            &[
                "sport", "=", ":22", "or", "sport", "=", ":80", "and", "dport", "=", ":1",
            ],
            &mut f,
            &mut fam,
        );
        let n = n.unwrap().unwrap();
        // (22 or 80) and dport 1: a 22 socket with dport 2 does not match.
        assert!(!eval(&n, sock("127.0.0.1", 22, "127.0.0.1", 2)));
        assert!(eval(&n, sock("127.0.0.1", 22, "127.0.0.1", 1)));
        assert!(eval(&n, sock("127.0.0.1", 80, "127.0.0.1", 1)));
    }

    #[test]
    fn operators_and_juxtaposition() {
        let (mut f, mut fam) = (inet_filter(), 0);
        let (n, _) = parse(&["sport gt :1000 dport le 2000 not dst 10.0.0.0/8"], &mut f, &mut fam);
        let n = n.unwrap().unwrap();
        assert!(eval(&n, sock("127.0.0.1", 1001, "127.0.0.1", 2000)));
        assert!(!eval(&n, sock("127.0.0.1", 1000, "127.0.0.1", 2000)));
        assert!(!eval(&n, sock("127.0.0.1", 1001, "10.1.2.3", 2000)));
    }

    #[test]
    fn v4_rules_match_v4_mapped_sockets() {
        let (mut f, mut fam) = (inet_filter(), 0);
        let (n, _) = parse(&["dst", "127.0.0.1"], &mut f, &mut fam);
        let n = n.unwrap().unwrap();
        assert!(eval(&n, sock("::1", 1, "::ffff:127.0.0.1", 2)));
        assert!(!eval(&n, sock("::1", 1, "::1", 2)));
        assert_eq!(
            f.families,
            1 << af::INET | 1 << af::INET6,
            "a plain address keeps the families"
        );
        let (n, _) = parse(&["src", "[::1]:631"], &mut f, &mut fam);
        let n = n.unwrap().unwrap();
        assert!(eval(&n, sock("::1", 631, "::1", 2)));
        assert!(!eval(&n, sock("::1", 632, "::1", 2)));
    }

    #[test]
    fn family_prefixes_switch_the_families() {
        let (mut f, mut fam) = (inet_filter(), 0);
        let (n, _) = parse(&["src", "inet6:[::]/0"], &mut f, &mut fam);
        assert!(n.is_err() || n.is_ok());
        let (mut f, mut fam) = (inet_filter(), 0);
        let (n, _) = parse(&["src", "unix:/tmp/*"], &mut f, &mut fam);
        assert!(n.unwrap().is_some());
        assert_eq!((f.families, fam), (1 << af::UNIX, af::UNIX));
    }

    #[test]
    fn errors_and_their_texts() {
        let (mut f, mut fam) = (inet_filter(), 0);
        let (n, e) = parse(&["src", "[::]/0"], &mut f, &mut fam);
        assert_eq!(n.unwrap_err(), 1);
        assert_eq!(
            e,
            "Error: \"/0\" does not look like a port.\nCannot parse dst/src address.\n"
        );
        let (n, e) = parse(&["(", "sport", "=", ":22"], &mut f, &mut fam);
        assert_eq!(n.unwrap_err(), 255);
        assert!(e.starts_with("ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.\nUsage: ss"));
        let (n, _) = parse(&["127.0.0.1"], &mut f, &mut fam);
        assert_eq!(n.unwrap_err(), 255);
        let (n, e) = parse(&["fwmark", "zz"], &mut f, &mut fam);
        assert_eq!((n.unwrap_err(), e.as_str()), (1, "Cannot parse mark zz.\n"));
        let (n, e) = parse(&["dport", "=", ":nosuchservice"], &mut f, &mut fam);
        assert_eq!(n.unwrap_err(), 1);
        assert!(e.starts_with("Error: \"nosuchservice\" does not look like a port.\n"));
        let (n, _) = parse(&[], &mut f, &mut fam);
        assert!(n.unwrap().is_none());
    }

    #[test]
    fn random_words_never_panic() {
        const WORDS: &[&str] = &[
            "(",
            ")",
            "!",
            "not",
            "and",
            "&",
            "or",
            "|",
            "dst",
            "src",
            "sport",
            "dport",
            "dev",
            "fwmark",
            "cgroup",
            "autobound",
            "=",
            "!=",
            ">",
            "<",
            ">=",
            "<=",
            "eq",
            "gt",
            ":22",
            "[::1]:80",
            "127.0.0.1/8",
            "*:*",
            "unix:/tmp/*",
            "link:ip:lo",
            "netlink:rtnl:kernel",
            "inet6:[::]",
            "0x10/0xff",
            "lo",
            "1",
            "::/0",
            "[",
            "]",
            ":",
            "/",
            "\\",
            "a b",
            "",
            "default",
            "all",
            "inet:",
            "vsock:1:2",
            "[::1",
            "300.1.1.1",
        ];
        let mut x: u64 = 42;
        for _ in 0..5_000 {
            let n = {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 8) as usize
            };
            let words: Vec<&str> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    WORDS[(x % WORDS.len() as u64) as usize]
                })
                .collect();
            let (mut f, mut fam) = (inet_filter(), 0);
            let (r, _) = parse(&words, &mut f, &mut fam);
            if let Ok(Some(n)) = r {
                let _ = compile(&n);
                let _ = eval(&n, sock("127.0.0.1", 1, "::1", 2));
            }
        }
    }

    #[test]
    fn globs() {
        assert!(fnmatch_casefold(b"/tmp/*", b"/tmp/a/b.sock"));
        assert!(fnmatch_casefold(b"*SOCK", b"/run/x.sock"));
        assert!(fnmatch_casefold(b"@abs?ract*", b"@abstract-name"));
        assert!(fnmatch_casefold(b"[a-c]x", b"Bx"));
        assert!(!fnmatch_casefold(b"[!a-c]x", b"bx"));
        assert!(!fnmatch_casefold(b"/tmp/*", b""));
        assert!(fnmatch_casefold(b"*", b""));
        assert!(fnmatch_casefold(b"a\\*", b"a*"));
    }
}
