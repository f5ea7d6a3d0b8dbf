//! Names for numbers: services and protocols (ports), hosts (addresses),
//! users (uids). On the live system hosts and users go through the C
//! library's name service switch, as the originals' lookups do; on a
//! snapshot they come from the snapshot's /etc files.

pub mod hosts;
pub mod services;
pub mod users;

/// Splits an /etc-style line into whitespace-separated fields, stopping at `#`.
pub(crate) fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let end = memchr::memchr(b'#', line).unwrap_or(line.len());
    line[..end]
        .split(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c'))
        .filter(|f| !f.is_empty())
}
