//! Rows a kernel dump shows twice. A socket table is handed out in pieces
//! (a /proc seq_file read gives at most a page; a sock_diag dump, one
//! message batch), and each piece resumes by position: when sockets come
//! and go between two pieces, rows just before the cut can come again.
//! The originals print them again; sockbox drops a row whose identity is
//! among the last WINDOW it showed (COMPAT.md N5, S5). Those repeats are
//! always rows shown just before: the rest of a hash bucket, or the few
//! rows that insertions pushed back across the cut.

const WINDOW: usize = 64;
/// The longest identity: kind, family, two addresses, two ports, an inode.
pub const KEY_MAX: usize = 56;

pub struct Recent {
    hashes: [u64; WINDOW],
    keys: [[u8; KEY_MAX]; WINDOW],
    next: usize,
    len: usize,
}

impl Default for Recent {
    fn default() -> Self {
        Recent {
            hashes: [0; WINDOW],
            keys: [[0; KEY_MAX]; WINDOW],
            next: 0,
            len: 0,
        }
    }
}

impl Recent {
    /// Whether `key` (at most KEY_MAX bytes) is among the last WINDOW keys
    /// seen; if not, it is remembered.
    pub fn repeat(&mut self, key: &[u8]) -> bool {
        let mut k = [0u8; KEY_MAX];
        let n = key.len().min(KEY_MAX);
        k[..n].copy_from_slice(&key[..n]);
        let h = hash(&k);
        if (0..self.len).any(|i| self.hashes[i] == h && self.keys[i] == k) {
            return true;
        }
        self.hashes[self.next] = h;
        self.keys[self.next] = k;
        self.next = (self.next + 1) % WINDOW;
        self.len = (self.len + 1).min(WINDOW);
        false
    }

    /// Forgets everything (a new table, or a new round of `-c`).
    pub fn clear(&mut self) {
        self.len = 0;
        self.next = 0;
    }
}

fn hash(k: &[u8; KEY_MAX]) -> u64 {
    k.chunks_exact(8).fold(0u64, |h, c| {
        (h ^ u64::from_le_bytes(c.try_into().unwrap()))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29)
    })
}

/// The identity of an inet socket as /proc/net/{tcp,udp,raw}* show it: the
/// 4-tuple and the inode (listeners sharing a port by SO_REUSEPORT differ
/// only by inode; TIME_WAIT rows have none).
pub fn inet_key(kind: u8, s: &super::model::InetSocket) -> [u8; KEY_MAX] {
    let mut k = [0u8; KEY_MAX];
    k[0] = kind;
    k[1] = s.local.v6 as u8;
    k[2..18].copy_from_slice(&s.local.bytes);
    k[18..22].copy_from_slice(&s.local_port.to_le_bytes());
    k[22..38].copy_from_slice(&s.remote.bytes);
    k[38..42].copy_from_slice(&s.remote_port.to_le_bytes());
    k[42..50].copy_from_slice(&s.inode.to_le_bytes());
    k
}

/// The identity of a unix socket row: its inode and its path (a line too
/// long for the original's fgets buffer comes as several rows with the
/// same carried inode, which are not repeats). None for inode 0, which no
/// kernel row has (only malformed lines).
pub fn unix_key(inode: u64, path: &[u8]) -> Option<[u8; KEY_MAX]> {
    if inode == 0 {
        return None;
    }
    let mut k = [0u8; KEY_MAX];
    k[0] = b'u';
    k[1..9].copy_from_slice(&inode.to_le_bytes());
    k[9..13].copy_from_slice(&(path.len() as u32).to_le_bytes());
    let mut h = 0u64;
    for c in path.chunks(KEY_MAX) {
        let mut p = [0u8; KEY_MAX];
        p[..c.len()].copy_from_slice(c);
        h = hash(&p) ^ h.rotate_left(17);
    }
    k[13..21].copy_from_slice(&h.to_le_bytes());
    Some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_within_the_window_only() {
        let mut r = Recent::default();
        assert!(!r.repeat(b"a"));
        assert!(!r.repeat(b"b"));
        assert!(r.repeat(b"a"));
        for i in 1..=WINDOW as u32 {
            assert!(!r.repeat(&i.to_be_bytes()));
        }
        // "a" has left the window: shown again, as it is not a repeat of a
        // recent row.
        assert!(!r.repeat(b"a"));
        r.clear();
        assert!(!r.repeat(b"a"));
    }
}
