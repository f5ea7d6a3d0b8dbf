//! NETLINK_SOCK_DIAG: the kernel's socket dump, as real ss reads it.
//!
//! One socket, one large receive buffer reused for every datagram; replies
//! are walked in place and handed out as borrowed messages, so a dump of
//! 100,000 sockets allocates nothing per socket. Message layouts follow
//! <linux/inet_diag.h> and <linux/unix_diag.h>; every length is checked, so
//! a short or corrupt message is skipped, never a panic.

use crate::core::model::IpAddr;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

pub const NETLINK_SOCK_DIAG: i32 = 4;
pub const SOCK_DIAG_BY_FAMILY: u16 = 20;
pub const TCPDIAG_GETSOCK: u16 = 18;
pub const SOCK_DESTROY: u16 = 21;
pub const NLM_F_ACK: u16 = 4;
pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;
pub const NLM_F_REQUEST: u16 = 1;
/// NLM_F_ROOT | NLM_F_MATCH, as iproute2's DIAG_REQUEST sets them.
pub const NLM_F_DUMP: u16 = 0x100 | 0x200;

const NLMSG_HDRLEN: usize = 16;
/// iproute2 sends every diag request with this sequence number.
pub const MAGIC_SEQ: u32 = 123456;

/// Receive buffer: big enough for many messages per recv.
const RECV_BUF: usize = 1 << 20;

#[inline]
fn align4(n: usize) -> usize {
    (n + 3) & !3
}

#[inline]
pub fn u16_ne(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

#[inline]
pub fn u32_ne(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[inline]
pub fn u64_ne(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_ne_bytes(x)
}

/// The errno an NLMSG_ERROR (or a failed NLMSG_DONE) carries: the negated
/// int at the start of `payload` (4 bytes at least), wrapping for INT_MIN
/// as the C tools' negation does.
pub fn errno_of(payload: &[u8]) -> i32 {
    (u32_ne(payload, 0) as i32).wrapping_neg()
}

/// One netlink message of a dump: its type and payload (after the header).
#[derive(Debug, Clone, Copy)]
pub struct Msg<'a> {
    pub kind: u16,
    pub payload: &'a [u8],
}

/// Splits a buffer of netlink messages; stops at the first malformed one.
pub fn messages(buf: &[u8]) -> impl Iterator<Item = Msg<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if buf.len() - at < NLMSG_HDRLEN {
            return None;
        }
        let len = u32_ne(buf, at) as usize;
        if len < NLMSG_HDRLEN || len > buf.len() - at {
            return None;
        }
        let m = Msg {
            kind: u16_ne(buf, at + 4),
            payload: &buf[at + NLMSG_HDRLEN..at + len],
        };
        at = (at + align4(len)).min(buf.len());
        Some(m)
    })
}

/// Iterates `(type, payload)` over a run of rtattrs.
pub fn attrs(buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if buf.len() - at < 4 {
            return None;
        }
        let len = u16_ne(buf, at) as usize;
        if len < 4 || len > buf.len() - at {
            return None;
        }
        let a = (u16_ne(buf, at + 2), &buf[at + 4..at + len]);
        at = (at + align4(len)).min(buf.len());
        Some(a)
    })
}

/// A NETLINK_SOCK_DIAG socket; on a snapshot, the recorded dumps instead
/// (see `replay`): the kernel is then never asked, and never changed.
pub struct DiagSocket {
    fd: OwnedFd,
    buf: Vec<u8>,
    /// The snapshot's folder of recorded dumps.
    replay: Option<std::path::PathBuf>,
    /// A dump asked for early, and what of it has arrived (`prefetch`).
    early: Option<Box<EarlyDump>>,
}

/// The replies to one request, received before anyone reads them: ss -p
/// receives its first table while the owner scan runs on the other cores.
struct EarlyDump {
    request: Vec<u8>,
    /// The datagrams as received, back to back; each one ends at `ends[i]`.
    data: Vec<u8>,
    ends: Vec<usize>,
    /// The dump's end arrived (DONE, an error, or the socket closed).
    complete: bool,
    /// Receiving failed: the dump then fails where it stopped.
    failed: bool,
}

/// How a dump ended.
#[derive(Debug)]
pub enum DumpError {
    /// The kernel answered NLMSG_ERROR with this errno (e.g. ENOENT when a
    /// protocol has no diag module).
    Kernel(i32),
    /// Sending or receiving failed.
    Io,
}

impl DiagSocket {
    pub fn open() -> io::Result<DiagSocket> {
        let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, NETLINK_SOCK_DIAG) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // The buffer sizes iproute2's rtnl_open() sets (a large receive
        // buffer keeps a fast dump from being dropped); ss shows its own
        // socket, so they are visible.
        for (opt, size) in [(libc::SO_SNDBUF, 32768), (libc::SO_RCVBUF, RECV_BUF as libc::c_int)] {
            unsafe {
                libc::setsockopt(
                    fd.as_raw_fd(),
                    libc::SOL_SOCKET,
                    opt,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
        Ok(DiagSocket {
            fd,
            buf: vec![0; RECV_BUF],
            replay: None,
            early: None,
        })
    }

    /// The socket for `root`: the kernel's, or a snapshot's recordings.
    pub fn open_at(root: &crate::core::root::SysRoot) -> io::Result<DiagSocket> {
        let mut s = DiagSocket::open()?;
        if !root.is_live() {
            s.replay = Some(root.path(REPLAY_DIR));
        }
        Ok(s)
    }

    /// Sends `request` (a whole netlink message) and calls `each` for every
    /// reply until NLMSG_DONE. `each` returning false stops early.
    pub fn dump(&mut self, request: &[u8], mut each: impl FnMut(Msg<'_>) -> bool) -> Result<(), DumpError> {
        self.dump_with(request, &mut |_| {}, &mut each)
    }

    fn dump_with(
        &mut self,
        request: &[u8],
        raw: &mut dyn FnMut(&[u8]),
        each: &mut dyn FnMut(Msg<'_>) -> bool,
    ) -> Result<(), DumpError> {
        if let Some(dir) = &self.replay {
            return replay(dir, request, raw, each);
        }
        if let Some(early) = self.early.take() {
            if early.request == request {
                let mut start = 0;
                for &end in &early.ends {
                    if let Some(end) = Self::datagram(&early.data[start..end], raw, each) {
                        return end;
                    }
                    start = end;
                }
                return match (early.failed, early.complete) {
                    (true, _) => Err(DumpError::Io),
                    (false, true) => Ok(()),
                    (false, false) => self.receive(raw, each),
                };
            }
            if !early.complete && !early.failed {
                // The kernel refuses a second dump while one runs: finish it.
                let _ = self.receive(&mut |_| {}, &mut |_| true);
            }
        }
        self.send(request)?;
        self.receive(raw, each)
    }

    /// Sends one request to the kernel.
    fn send(&self, request: &[u8]) -> Result<(), DumpError> {
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        let n = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                request.as_ptr().cast(),
                request.len(),
                0,
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if n < 0 { Err(DumpError::Io) } else { Ok(()) }
    }

    /// One datagram of replies into `buf`: its length, 0 when the socket
    /// closed.
    fn recv_datagram(&mut self) -> Result<usize, DumpError> {
        loop {
            let n = unsafe { libc::recv(self.fd.as_raw_fd(), self.buf.as_mut_ptr().cast(), self.buf.len(), 0) };
            if n >= 0 {
                return Ok(n as usize);
            }
            if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                return Err(DumpError::Io);
            }
        }
    }

    /// Receives a dump's replies until its end.
    fn receive(&mut self, raw: &mut dyn FnMut(&[u8]), each: &mut dyn FnMut(Msg<'_>) -> bool) -> Result<(), DumpError> {
        loop {
            let n = self.recv_datagram()?;
            if n == 0 {
                return Ok(());
            }
            if let Some(end) = Self::datagram(&self.buf[..n], raw, each) {
                return end;
            }
        }
    }

    /// Sends `request` now and receives its replies, up to about `limit`
    /// bytes, for a later `dump` of the same request (which goes on from
    /// there with what the kernel still has). Meanwhile the caller's other
    /// threads do other work. The kernel's only: a snapshot replays anyway.
    pub fn prefetch(&mut self, request: &[u8], limit: usize) {
        if self.replay.is_some() || self.send(request).is_err() {
            return; // the dump asks again and fails (or answers) then
        }
        let mut early = EarlyDump {
            request: request.to_vec(),
            data: Vec::new(),
            ends: Vec::new(),
            complete: false,
            failed: false,
        };
        while !early.complete && !early.failed && early.data.len() < limit {
            match self.recv_datagram() {
                Ok(0) => early.complete = true,
                Ok(n) => {
                    let got = &self.buf[..n];
                    early.complete = Self::datagram(got, &mut |_| {}, &mut |_| true).is_some();
                    early.data.extend_from_slice(got);
                    early.ends.push(early.data.len());
                }
                Err(_) => early.failed = true,
            }
        }
        self.early = Some(Box::new(early));
    }

    /// One datagram of a dump's replies; `Some` when it ends the dump.
    fn datagram(
        got: &[u8],
        raw: &mut dyn FnMut(&[u8]),
        each: &mut dyn FnMut(Msg<'_>) -> bool,
    ) -> Option<Result<(), DumpError>> {
        raw(&got[..align4(got.len()).min(got.len())]);
        for m in messages(got) {
            match m.kind {
                // A dump can also end with an error code in its DONE.
                NLMSG_DONE if m.payload.len() >= 4 && (u32_ne(m.payload, 0) as i32) < 0 => {
                    return Some(Err(DumpError::Kernel(errno_of(m.payload))));
                }
                NLMSG_DONE => return Some(Ok(())),
                NLMSG_ERROR => {
                    let errno = if m.payload.len() >= 4 {
                        errno_of(m.payload)
                    } else {
                        libc::EINVAL
                    };
                    return Some(Err(DumpError::Kernel(errno)));
                }
                _ => {
                    if !each(m) {
                        return Some(Ok(()));
                    }
                }
            }
        }
        None
    }
}

impl DiagSocket {
    /// A socket subscribed to sock_diag multicast `groups` (a bitmask, as
    /// `nl_groups`): destroy events arrive on it.
    pub fn open_groups(groups: u32) -> io::Result<DiagSocket> {
        let s = DiagSocket::open()?;
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        addr.nl_groups = groups;
        let rc = unsafe {
            libc::bind(
                s.fd.as_raw_fd(),
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(s)
    }

    /// Receives forever (events), handing out each message; stops when
    /// `each` returns false or reading fails.
    pub fn listen(&mut self, each: &mut dyn FnMut(Msg<'_>) -> bool) -> Result<(), DumpError> {
        if self.replay.is_some() {
            return Ok(()); // a snapshot has no events
        }
        loop {
            let n = unsafe { libc::recv(self.fd.as_raw_fd(), self.buf.as_mut_ptr().cast(), self.buf.len(), 0) };
            if n < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(DumpError::Io);
            }
            for m in messages(&self.buf[..n as usize]) {
                if m.kind == NLMSG_ERROR || m.kind == NLMSG_DONE {
                    continue;
                }
                if !each(m) {
                    return Ok(());
                }
            }
        }
    }

    /// Like `dump`, but writes every datagram received, as received, to
    /// `sink` instead of handing out messages (what `ss -D` saves).
    pub fn dump_raw(&mut self, request: &[u8], sink: &mut dyn std::io::Write) -> Result<(), DumpError> {
        let mut raw = Vec::new();
        let res = self.dump_with(request, &mut |chunk: &[u8]| raw.extend_from_slice(chunk), &mut |_m| {
            true
        });
        let _ = sink.write_all(&raw);
        res
    }

    /// Sends one request that asks for an ACK (NLM_F_ACK) and waits for it:
    /// `Err(errno)` when the kernel refuses.
    pub fn talk(&mut self, request: &[u8]) -> Result<(), i32> {
        let mut answer = Ok(());
        let res = self.dump_with(request, &mut |_| {}, &mut |_m| true);
        if let Err(DumpError::Kernel(e)) = res {
            if e != 0 {
                answer = Err(e);
            }
        } else if let Err(DumpError::Io) = res {
            answer = Err(libc::EIO);
        }
        answer
    }
}

/// Where a snapshot keeps its sock_diag recordings (`sockbox snapshot`).
pub const REPLAY_DIR: &str = "/proc/net/sockbox-diag";

/// The recording a request is answered from, by what it asks: `inet4-6`
/// (family, protocol), `unix`, `netlink`, `packet`, `old-18-2` (the old
/// TCPDIAG requests ss falls back to). None: a request no recording answers
/// (SOCK_DESTROY: a snapshot is never changed).
pub fn replay_name(request: &[u8]) -> Option<String> {
    if request.len() < NLMSG_HDRLEN + 4 {
        return None;
    }
    let kind = u16_ne(request, 4);
    let body = &request[NLMSG_HDRLEN..];
    match kind {
        SOCK_DIAG_BY_FAMILY => match body[0] as i32 {
            libc::AF_INET => Some(format!("inet4-{}", body[1])),
            libc::AF_INET6 => Some(format!("inet6-{}", body[1])),
            libc::AF_UNIX => Some("unix".to_string()),
            libc::AF_NETLINK => Some("netlink".to_string()),
            libc::AF_PACKET => Some("packet".to_string()),
            _ => None,
        },
        k if k == TCPDIAG_GETSOCK || k == TCPDIAG_GETSOCK + 1 => Some(format!("old-{k}-{}", body[0])),
        _ => None,
    }
}

/// What to keep of a recorded reply for this request: the kernel filters
/// by state and adds only the attributes asked for, and the recordings hold
/// every state and every attribute, so replay does the same. (The filter
/// bytecode is not applied: ss checks every row in user space as well.)
struct ReplayFilter {
    kind: u8,
    states: u32,
    /// inet: `idiag_ext`; unix: `udiag_show`.
    ask: u32,
}

const REPLAY_ALL: u8 = 0;
const REPLAY_INET: u8 = 1;
const REPLAY_UNIX: u8 = 2;

impl ReplayFilter {
    fn of(request: &[u8]) -> ReplayFilter {
        let kind = u16_ne(request, 4);
        let body = &request[NLMSG_HDRLEN..];
        let word = |at: usize| if body.len() >= at + 4 { u32_ne(body, at) } else { 0 };
        match (kind, body.first().map(|&f| f as i32)) {
            (SOCK_DIAG_BY_FAMILY, Some(libc::AF_INET | libc::AF_INET6)) => ReplayFilter {
                kind: REPLAY_INET,
                states: word(4),
                ask: body.get(2).copied().unwrap_or(0) as u32,
            },
            (SOCK_DIAG_BY_FAMILY, Some(libc::AF_UNIX)) => ReplayFilter {
                kind: REPLAY_UNIX,
                states: word(4),
                ask: word(12),
            },
            (SOCK_DIAG_BY_FAMILY, _) => ReplayFilter {
                kind: REPLAY_ALL,
                states: u32::MAX,
                ask: u32::MAX,
            },
            // The old struct inet_diag_req: ext at 3, states at 52.
            _ => ReplayFilter {
                kind: REPLAY_INET,
                states: word(52),
                ask: body.get(3).copied().unwrap_or(0) as u32,
            },
        }
    }

    fn keeps_state(&self, payload: &[u8]) -> bool {
        let at = match self.kind {
            REPLAY_INET => 1,
            REPLAY_UNIX => 2,
            _ => return true,
        };
        payload
            .get(at)
            .is_some_and(|&st| st < 32 && self.states & (1 << st) != 0)
    }

    fn keeps_attr(&self, kind: u16) -> bool {
        let bit = |b: u32| self.ask & (1 << b) != 0;
        match self.kind {
            // INET_DIAG_x for x in 1..=7 comes with ext bit x-1; the
            // congestion module's info (VEGAS, DCTCP, BBR) with INFO or
            // VEGASINFO; the ULP's and MD5 with INFO; CLASS_ID with TCLASS.
            REPLAY_INET => match kind {
                3 | 9 | 16 => bit(1) || bit(2),
                1..=7 => bit(kind as u32 - 1),
                12 | 20 => bit(1),
                17 => bit(5),
                _ => true,
            },
            // UNIX_DIAG_x for x in 0..=5 with show bit x; UID with bit 6.
            REPLAY_UNIX => match kind {
                0..=5 => bit(kind as u32),
                7 => bit(6),
                _ => true,
            },
            _ => true,
        }
    }
}

/// The payload's fixed part before its attributes.
fn replay_head_len(filter: &ReplayFilter) -> usize {
    match filter.kind {
        REPLAY_INET => 72,
        REPLAY_UNIX => 16,
        _ => usize::MAX,
    }
}

/// Answers `request` from the recording in `dir`, as the kernel would
/// have: the same messages, state-filtered, with the asked-for attributes.
/// A missing recording answers ENOENT (as for a protocol without a diag
/// module); a recorded error is returned as recorded.
fn replay(
    dir: &std::path::Path,
    request: &[u8],
    raw: &mut dyn FnMut(&[u8]),
    each: &mut dyn FnMut(Msg<'_>) -> bool,
) -> Result<(), DumpError> {
    let Some(name) = replay_name(request) else {
        return Err(DumpError::Kernel(libc::EOPNOTSUPP));
    };
    let Ok(data) = std::fs::read(dir.join(name)) else {
        return Err(DumpError::Kernel(libc::ENOENT));
    };
    let filter = ReplayFilter::of(request);
    let head = replay_head_len(&filter);
    let mut out = Vec::with_capacity(data.len());
    let mut result = Ok(());
    for m in messages(&data) {
        match m.kind {
            // How a dump ends, as `datagram` reads the kernel's ending.
            NLMSG_DONE | NLMSG_ERROR => {
                let long = m.payload.len() >= 4;
                if m.kind == NLMSG_ERROR {
                    result = Err(DumpError::Kernel(if long { errno_of(m.payload) } else { libc::EINVAL }));
                } else if long && (u32_ne(m.payload, 0) as i32) < 0 {
                    result = Err(DumpError::Kernel(errno_of(m.payload)));
                }
                push_message(&mut out, m.kind, m.payload);
                break;
            }
            _ => {
                if !filter.keeps_state(m.payload) {
                    continue;
                }
                let start = out.len();
                if head > m.payload.len() {
                    push_message(&mut out, m.kind, m.payload);
                } else {
                    let mut p = m.payload[..head].to_vec();
                    for (k, v) in attrs(&m.payload[head..]) {
                        if filter.keeps_attr(k) {
                            p.extend_from_slice(&((4 + v.len()) as u16).to_ne_bytes());
                            p.extend_from_slice(&k.to_ne_bytes());
                            p.extend_from_slice(v);
                            p.resize(align4(p.len()), 0);
                        }
                    }
                    push_message(&mut out, m.kind, &p);
                }
                let msg = &out[start..];
                let stop = !each(Msg {
                    kind: m.kind,
                    payload: &msg[NLMSG_HDRLEN..],
                });
                if stop {
                    raw(&out);
                    return Ok(());
                }
            }
        }
    }
    raw(&out);
    result
}

fn push_message(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    let len = NLMSG_HDRLEN + payload.len();
    out.extend_from_slice(&(len as u32).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(&NLM_F_MULTI.to_ne_bytes());
    out.extend_from_slice(&MAGIC_SEQ.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize(align4(out.len()), 0);
}

const NLM_F_MULTI: u16 = 2;

/// The requests `sockbox snapshot` records, named as `replay_name` names
/// them: every state and every attribute of each table ss reads.
pub fn recording_requests() -> Vec<(String, Vec<u8>)> {
    let mut reqs = Vec::new();
    // tcp, udp, udplite, raw, dccp (ss's protocol numbers)
    for proto in [6u8, 17, 136, 255, 33] {
        for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
            reqs.push(inet_request(family, proto, 0xff, u32::MAX, None));
        }
    }
    for kind in [TCPDIAG_GETSOCK, TCPDIAG_GETSOCK + 1] {
        reqs.push(old_inet_request(kind, libc::AF_INET as u8, u32::MAX, None));
    }
    reqs.push(unix_request(u32::MAX, 0x7f));
    reqs.push(netlink_request());
    reqs.push(packet_request());
    reqs.into_iter().filter_map(|r| Some((replay_name(&r)?, r))).collect()
}

/// `struct netlink_diag_req` as ss sends it: every protocol, groups and
/// meminfo.
pub fn netlink_request() -> Vec<u8> {
    let mut body = [0u8; 20];
    body[0] = libc::AF_NETLINK as u8;
    body[1] = 255; // NDIAG_PROTO_ALL
    body[8..12].copy_from_slice(&3u32.to_ne_bytes()); // groups | meminfo
    request(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &body)
}

/// `struct packet_diag_req` as ss sends it.
pub fn packet_request() -> Vec<u8> {
    let mut body = [0u8; 20];
    body[0] = libc::AF_PACKET as u8;
    body[8..12].copy_from_slice(&0x3du32.to_ne_bytes()); // info, rings, fanout, meminfo, filter
    request(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &body)
}

/// Builds a netlink request: header then `body`.
pub fn request(kind: u16, flags: u16, body: &[u8]) -> Vec<u8> {
    let len = NLMSG_HDRLEN + body.len();
    let mut r = Vec::with_capacity(len);
    r.extend_from_slice(&(len as u32).to_ne_bytes());
    r.extend_from_slice(&kind.to_ne_bytes());
    r.extend_from_slice(&flags.to_ne_bytes());
    r.extend_from_slice(&MAGIC_SEQ.to_ne_bytes());
    r.extend_from_slice(&0u32.to_ne_bytes());
    r.extend_from_slice(body);
    r
}

/// `struct inet_diag_req_v2` for SOCK_DIAG_BY_FAMILY, with the filter
/// bytecode (INET_DIAG_REQ_BYTECODE) when there is one.
pub fn inet_request(family: u8, protocol: u8, ext: u8, states: u32, bytecode: Option<&[u8]>) -> Vec<u8> {
    let mut body = vec![0u8; 56];
    body[0] = family;
    body[1] = protocol;
    body[2] = ext;
    body[4..8].copy_from_slice(&states.to_ne_bytes());
    push_bytecode(&mut body, bytecode);
    request(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &body)
}

fn push_bytecode(body: &mut Vec<u8>, bytecode: Option<&[u8]>) {
    if let Some(bc) = bytecode.filter(|b| !b.is_empty()) {
        body.extend_from_slice(&((4 + bc.len()) as u16).to_ne_bytes());
        body.extend_from_slice(&1u16.to_ne_bytes()); // INET_DIAG_REQ_BYTECODE
        body.extend_from_slice(bc);
    }
}

/// The old `struct inet_diag_req` (TCPDIAG_GETSOCK/DCCPDIAG_GETSOCK), which
/// ss falls back to when a SOCK_DIAG_BY_FAMILY request fails.
pub fn old_inet_request(kind: u16, family: u8, states: u32, bytecode: Option<&[u8]>) -> Vec<u8> {
    let mut body = vec![0u8; 60];
    body[0] = family;
    body[52..56].copy_from_slice(&states.to_ne_bytes());
    push_bytecode(&mut body, bytecode);
    request(kind, NLM_F_REQUEST | NLM_F_DUMP, &body)
}

/// `struct unix_diag_req`.
pub fn unix_request(states: u32, show: u32) -> Vec<u8> {
    let mut body = [0u8; 24];
    body[0] = libc::AF_UNIX as u8;
    body[4..8].copy_from_slice(&states.to_ne_bytes());
    body[12..16].copy_from_slice(&show.to_ne_bytes());
    request(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &body)
}

/// INET_DIAG attribute types.
pub mod inet_attr {
    pub const MEMINFO: u16 = 1;
    pub const INFO: u16 = 2;
    pub const TOS: u16 = 5;
    pub const TCLASS: u16 = 6;
    pub const SKMEMINFO: u16 = 7;
    pub const SHUTDOWN: u16 = 8;
    pub const PROTOCOL: u16 = 10;
    pub const SKV6ONLY: u16 = 11;
    pub const MARK: u16 = 15;
    pub const CLASS_ID: u16 = 17;
    pub const CGROUP_ID: u16 = 21;
    pub const SOCKOPT: u16 = 22;
}

/// UNIX_DIAG attribute types and `udiag_show` bits.
pub mod unix_attr {
    pub const NAME: u16 = 0;
    pub const VFS: u16 = 1;
    pub const PEER: u16 = 2;
    pub const ICONS: u16 = 3;
    pub const RQLEN: u16 = 4;
    pub const MEMINFO: u16 = 5;
    pub const SHUTDOWN: u16 = 6;

    pub const SHOW_NAME: u32 = 1;
    pub const SHOW_VFS: u32 = 2;
    pub const SHOW_PEER: u32 = 4;
    pub const SHOW_ICONS: u32 = 8;
    pub const SHOW_RQLEN: u32 = 16;
    pub const SHOW_MEMINFO: u32 = 32;
}

/// `struct inet_diag_msg`, decoded; `attrs` holds the rtattrs after it.
#[derive(Debug, Clone, Copy)]
pub struct InetDiag<'a> {
    pub family: u8,
    pub state: u8,
    pub timer: u8,
    pub retrans: u8,
    pub local: IpAddr,
    pub local_port: u16,
    pub remote: IpAddr,
    pub remote_port: u16,
    pub ifindex: u32,
    pub cookie: u64,
    /// Timer expiry in milliseconds.
    pub expires: u32,
    pub rqueue: u32,
    pub wqueue: u32,
    pub uid: u32,
    pub inode: u32,
    /// The raw `struct inet_diag_sockid` (SOCK_DESTROY names a socket by it).
    pub id: &'a [u8],
    pub attrs: &'a [u8],
}

const INET_DIAG_MSG_LEN: usize = 72;

impl<'a> InetDiag<'a> {
    pub fn parse(p: &'a [u8]) -> Option<InetDiag<'a>> {
        if p.len() < INET_DIAG_MSG_LEN {
            return None;
        }
        let family = p[0];
        let v6 = family == libc::AF_INET6 as u8;
        let addr = |at: usize| {
            let mut b = [0u8; 16];
            b.copy_from_slice(&p[at..at + 16]);
            if v6 {
                IpAddr::v6(b)
            } else {
                IpAddr::v4([b[0], b[1], b[2], b[3]])
            }
        };
        Some(InetDiag {
            family,
            state: p[1],
            timer: p[2],
            retrans: p[3],
            local_port: u16::from_be_bytes([p[4], p[5]]),
            remote_port: u16::from_be_bytes([p[6], p[7]]),
            local: addr(8),
            remote: addr(24),
            ifindex: u32_ne(p, 40),
            cookie: ((u32_ne(p, 48) as u64) << 32) | u32_ne(p, 44) as u64,
            expires: u32_ne(p, 52),
            rqueue: u32_ne(p, 56),
            wqueue: u32_ne(p, 60),
            uid: u32_ne(p, 64),
            inode: u32_ne(p, 68),
            id: &p[4..52],
            attrs: &p[INET_DIAG_MSG_LEN..],
        })
    }

    /// The first attribute of type `kind`.
    pub fn attr(&self, kind: u16) -> Option<&'a [u8]> {
        attrs(self.attrs).find(|(k, _)| *k == kind).map(|(_, v)| v)
    }
}

/// `struct unix_diag_msg`, decoded.
#[derive(Debug, Clone, Copy)]
pub struct UnixDiag<'a> {
    pub sock_type: u8,
    pub state: u8,
    pub inode: u32,
    pub attrs: &'a [u8],
}

impl<'a> UnixDiag<'a> {
    pub fn parse(p: &'a [u8]) -> Option<UnixDiag<'a>> {
        if p.len() < 16 {
            return None;
        }
        Some(UnixDiag {
            sock_type: p[1],
            state: p[2],
            inode: u32_ne(p, 4),
            attrs: &p[16..],
        })
    }

    pub fn attr(&self, kind: u16) -> Option<&'a [u8]> {
        attrs(self.attrs).find(|(k, _)| *k == kind).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dump received early (in part or whole) hands out the same sockets
    /// as one received when asked; another request first finishes it.
    #[test]
    fn early_dump_gives_the_whole_dump() {
        // 400 listeners of our own: several datagrams of replies.
        let listeners: Vec<_> = (0..400)
            .filter_map(|_| std::net::TcpListener::bind("127.0.0.1:0").ok())
            .collect();
        let ours: std::collections::BTreeSet<u16> = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .map(|a| a.port())
            .collect();
        let listening = inet_request(libc::AF_INET as u8, 6, 0, 1 << 10, None);
        let ports = |sock: &mut DiagSocket, req: &[u8]| {
            let mut seen = std::collections::BTreeSet::new();
            let res = sock.dump(req, |m| {
                if let Some(d) = InetDiag::parse(m.payload) {
                    seen.insert(d.local_port);
                }
                true
            });
            assert!(res.is_ok());
            seen
        };
        for limit in [0, 1, usize::MAX] {
            let mut sock = DiagSocket::open().expect("sock_diag socket");
            sock.prefetch(&listening, limit);
            let early = sock.early.as_ref().expect("a dump under way");
            assert_eq!(early.complete, limit == usize::MAX, "limit {limit}");
            let seen = ports(&mut sock, &listening);
            assert!(
                seen.is_superset(&ours),
                "limit {limit}: {} of {} listeners",
                seen.len(),
                ours.len()
            );
            // And the socket takes a new dump afterwards.
            assert!(ports(&mut sock, &listening).is_superset(&ours));
        }
        // An early dump nobody asks for is finished before the next request.
        let mut sock = DiagSocket::open().expect("sock_diag socket");
        sock.prefetch(&inet_request(libc::AF_INET as u8, 6, 0, !0, None), 1);
        assert!(ports(&mut sock, &listening).is_superset(&ours));
        drop(listeners);
    }

    fn inet_msg(state: u8, attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut p = vec![0u8; INET_DIAG_MSG_LEN];
        p[0] = libc::AF_INET as u8;
        p[1] = state;
        for (k, v) in attrs {
            p.extend_from_slice(&((4 + v.len()) as u16).to_ne_bytes());
            p.extend_from_slice(&k.to_ne_bytes());
            p.extend_from_slice(v);
            p.resize(align4(p.len()), 0);
        }
        let mut m = Vec::new();
        push_message(&mut m, SOCK_DIAG_BY_FAMILY, &p);
        m
    }

    #[test]
    fn replay_filters_states_and_attributes_as_the_kernel() {
        let dir = std::env::temp_dir().join(format!("sockbox-replay-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut rec = inet_msg(10, &[(inet_attr::MEMINFO, &[1; 16]), (inet_attr::SHUTDOWN, &[0])]);
        rec.extend(inet_msg(1, &[(inet_attr::INFO, &[7; 8]), (inet_attr::SHUTDOWN, &[3])]));
        push_message(&mut rec, NLMSG_DONE, &0u32.to_ne_bytes());
        std::fs::write(dir.join("inet4-6"), &rec).unwrap();
        let run = |req: &[u8]| {
            let mut seen = Vec::new();
            let r = replay(&dir, req, &mut |_| {}, &mut |m| {
                let d = InetDiag::parse(m.payload).unwrap();
                seen.push((d.state, attrs(d.attrs).map(|(k, _)| k).collect::<Vec<_>>()));
                true
            });
            (r.is_ok(), seen)
        };
        // Established only, no extensions: the state filter applies, and
        // only the always-sent attribute stays.
        let req = inet_request(libc::AF_INET as u8, 6, 0, 1 << 1, None);
        assert_eq!(run(&req), (true, vec![(1, vec![inet_attr::SHUTDOWN])]));
        // Every state, with INFO asked for.
        let req = inet_request(libc::AF_INET as u8, 6, 1 << (inet_attr::INFO - 1), u32::MAX, None);
        assert_eq!(
            run(&req),
            (
                true,
                vec![
                    (10, vec![inet_attr::SHUTDOWN]),
                    (1, vec![inet_attr::INFO, inet_attr::SHUTDOWN])
                ]
            )
        );
        // No recording: ENOENT, as for a protocol without a diag module.
        let req = inet_request(libc::AF_INET6 as u8, 6, 0, u32::MAX, None);
        assert!(matches!(
            replay(&dir, &req, &mut |_| {}, &mut |_| true),
            Err(DumpError::Kernel(libc::ENOENT))
        ));
        // A recorded error is the answer.
        let mut err = Vec::new();
        push_message(&mut err, NLMSG_ERROR, &(-libc::EINVAL).to_ne_bytes());
        std::fs::write(dir.join("inet4-33"), &err).unwrap();
        let req = inet_request(libc::AF_INET as u8, 33, 0, u32::MAX, None);
        assert!(matches!(
            replay(&dir, &req, &mut |_| {}, &mut |_| true),
            Err(DumpError::Kernel(libc::EINVAL))
        ));
        // A snapshot is never changed.
        let destroy = request(SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, &[0u8; 56]);
        assert!(matches!(
            replay(&dir, &destroy, &mut |_| {}, &mut |_| true),
            Err(DumpError::Kernel(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errno_of_int_min_wraps_instead_of_overflowing() {
        assert_eq!(errno_of(&(-2i32).to_ne_bytes()), 2);
        assert_eq!(errno_of(&i32::MIN.to_ne_bytes()), i32::MIN);
        assert_eq!(errno_of(&[5, 0, 0, 0, 9]), -5);
    }

    #[test]
    fn malformed_messages_end_the_walk() {
        assert_eq!(messages(&[]).count(), 0);
        assert_eq!(messages(&[1, 2, 3]).count(), 0);
        // Length smaller than a header, or past the buffer.
        let mut m = request(20, 0, &[]);
        m[0] = 4;
        assert_eq!(messages(&m).count(), 0);
        let mut m = request(20, 0, &[]);
        m[0] = 200;
        assert_eq!(messages(&m).count(), 0);
        // A real dump pads each message to 4 bytes.
        let mut padded = request(20, 0, &[1, 2, 3]);
        padded.push(0);
        padded.extend_from_slice(&request(3, 0, &[]));
        assert_eq!(messages(&padded).map(|m| m.kind).collect::<Vec<_>>(), vec![20, 3]);
    }

    #[test]
    fn attrs_and_short_payloads() {
        let mut b = Vec::new();
        b.extend_from_slice(&5u16.to_ne_bytes());
        b.extend_from_slice(&8u16.to_ne_bytes());
        b.extend_from_slice(&[7, 0, 0, 0]);
        b.extend_from_slice(&8u16.to_ne_bytes());
        b.extend_from_slice(&11u16.to_ne_bytes());
        b.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(
            attrs(&b).collect::<Vec<_>>(),
            vec![(8, &[7][..]), (11, &[1, 2, 3, 4][..])]
        );
        assert_eq!(attrs(&b[..6]).count(), 1);
        assert!(InetDiag::parse(&[0; 71]).is_none());
        assert!(UnixDiag::parse(&[0; 15]).is_none());
        let d = InetDiag::parse(&[0; 72]).unwrap();
        assert_eq!((d.local_port, d.inode), (0, 0));
    }

    #[test]
    fn random_bytes_never_panic() {
        // xorshift: deterministic garbage, including plausible headers.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..20_000 {
            let len = (next() % 200) as usize;
            let mut buf: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if round % 2 == 0 && len >= 16 {
                // A header whose length is small, exact or too large.
                let l = [16u32, len as u32, len as u32 + 3, 0xffff_ffff][(next() % 4) as usize];
                buf[..4].copy_from_slice(&l.to_ne_bytes());
            }
            for m in messages(&buf) {
                let _ = InetDiag::parse(m.payload).map(|d| attrs(d.attrs).count());
                let _ = UnixDiag::parse(m.payload).map(|u| attrs(u.attrs).count());
            }
            let _ = attrs(&buf).count();
        }
    }

    #[test]
    fn live_dump_of_own_unix_socket() {
        // A socket of our own must show up in a UNIX_DIAG dump.
        let Ok(mut s) = DiagSocket::open() else { return };
        let listener = std::os::unix::net::UnixListener::bind(
            std::env::temp_dir().join(format!("sockbox-diag-{}.sock", std::process::id())),
        );
        let Ok(listener) = listener else { return };
        use std::os::unix::fs::MetadataExt;
        let ino = std::fs::metadata(format!("/proc/self/fd/{}", listener.as_raw_fd()))
            .map(|m| m.ino())
            .unwrap_or(0);
        let mut seen = false;
        let req = unix_request(!0, unix_attr::SHOW_NAME);
        let _ = s.dump(&req, |m| {
            if let Some(u) = UnixDiag::parse(m.payload) {
                seen |= u.inode as u64 == ino;
            }
            true
        });
        let _ = std::fs::remove_file(std::env::temp_dir().join(format!("sockbox-diag-{}.sock", std::process::id())));
        assert!(seen, "own unix socket {ino} not in the dump");
    }
}
