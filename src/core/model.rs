//! The one socket model shared by all applets: plain data, kernel numbering.
//! Sources fill it; applets decide how to name and print it.

/// An IP address: IPv4 uses the first 4 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IpAddr {
    pub bytes: [u8; 16],
    pub v6: bool,
}

impl IpAddr {
    pub const fn v4(b: [u8; 4]) -> IpAddr {
        IpAddr {
            bytes: [b[0], b[1], b[2], b[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            v6: false,
        }
    }

    pub const fn v6(bytes: [u8; 16]) -> IpAddr {
        IpAddr { bytes, v6: true }
    }

    pub fn v4_octets(&self) -> [u8; 4] {
        [self.bytes[0], self.bytes[1], self.bytes[2], self.bytes[3]]
    }

    pub fn is_unspecified(&self) -> bool {
        let n = if self.v6 { 16 } else { 4 };
        self.bytes[..n].iter().all(|&b| b == 0)
    }

    /// `::ffff:a.b.c.d`
    pub fn is_v4_mapped(&self) -> bool {
        self.v6 && self.bytes[..10].iter().all(|&b| b == 0) && self.bytes[10] == 0xff && self.bytes[11] == 0xff
    }
}

/// Kernel TCP states (include/net/tcp_states.h numbering) that the
/// renderers name specially.
pub mod tcp_state {
    pub const ESTABLISHED: u32 = 1;
    pub const SYN_RECV: u32 = 3;
    pub const TIME_WAIT: u32 = 6;
    pub const CLOSE: u32 = 7;
    pub const CLOSE_WAIT: u32 = 8;
    pub const LISTEN: u32 = 10;

    /// The states by number, in the words netstat and lsof print them; 0
    /// is no state, which each tool names its own way.
    pub const NAMES: [&str; 12] = [
        "",
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING",
    ];
}

/// One row of /proc/net/{tcp,udp,udplite,raw}{,6}, numbers as the kernel
/// printed them. Ports are kept as read (a malformed file may hold more
/// than 16 bits); `state` is the raw `st` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InetSocket {
    pub local: IpAddr,
    pub local_port: u32,
    pub remote: IpAddr,
    pub remote_port: u32,
    pub state: u32,
    pub tx_queue: u64,
    pub rx_queue: u64,
    /// `tr`: which timer runs (0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe)
    pub timer: u32,
    /// `tm->when` in clock ticks
    pub timer_when: u64,
    pub retransmits: u64,
    pub uid: i64,
    pub timeout: i64,
    pub inode: u64,
}

/// Unix socket types and states as /proc/net/unix numbers them.
pub mod unix {
    pub const ACCEPTCON: u64 = 1 << 16;
    pub const WAITDATA: u64 = 1 << 17;
    pub const NOSPACE: u64 = 1 << 18;

    pub const SS_FREE: u32 = 0;
    pub const SS_UNCONNECTED: u32 = 1;
    pub const SS_CONNECTING: u32 = 2;
    pub const SS_CONNECTED: u32 = 3;
    pub const SS_DISCONNECTING: u32 = 4;
}

/// One row of /proc/net/unix; the path borrows the reader's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnixSocket<'a> {
    pub refcnt: u64,
    pub protocol: u64,
    pub flags: u64,
    pub sock_type: u32,
    pub state: u32,
    pub inode: u64,
    /// Empty for unnamed sockets; abstract names start with `@`.
    pub path: &'a [u8],
}
