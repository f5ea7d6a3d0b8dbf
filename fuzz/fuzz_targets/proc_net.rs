//! core::proc_net: the LineReader fed in chunks of fuzzed sizes (so lines
//! straddle reads and outgrow the buffer), and every line through the
//! socket-table parsers, each row keeping the previous one's values as
//! netstat does.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::core::model::{InetSocket, UnixSocket};
use sockbox::core::proc_net::{LineReader, decode_addr, parse_inet_line, parse_unix_line};
use std::io::Read;

/// A reader that hands out its bytes in the chunk sizes it was given.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    next: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = match self.sizes.get(self.next % self.sizes.len().max(1)) {
            Some(&s) => (s as usize).max(1) * 61,
            None => usize::MAX,
        };
        self.next += 1;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    // The first 4 bytes (when present) are read sizes, the rest the file.
    let (sizes, text) = data.split_at(data.len().min(4));
    let mut inet = InetSocket::default();
    let mut unix_prev = UnixSocket::default();
    let mut seen = 0usize;
    let mut reader = LineReader::new();
    reader
        .read_from(
            Chunked {
                data: text,
                sizes,
                next: 0,
            },
            |line| {
                assert!(!line.contains(&b'\n'));
                seen += line.len() + 1;
                let n = parse_inet_line(line, &mut inet);
                assert!(n <= 14);
                let (n, u) = parse_unix_line(line, &unix_prev);
                assert!(n <= 8);
                unix_prev = UnixSocket {
                    refcnt: u.refcnt,
                    protocol: u.protocol,
                    flags: u.flags,
                    sock_type: u.sock_type,
                    state: u.state,
                    inode: u.inode,
                    path: b"",
                };
                let _ = decode_addr(line, line.len() > 8);
            },
        )
        .unwrap();
    // Every byte came out once, as lines (the last one maybe without its newline).
    assert!(seen == text.len() || seen == text.len() + 1);
});
