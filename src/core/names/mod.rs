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

/// A C integer literal as `strtoul(s, &end, 0)` reads it (`0x` hex, leading
/// `0` octal, else decimal), requiring all of `s`; saturates on overflow.
pub(crate) fn parse_c_number(s: &[u8]) -> Option<u64> {
    let (digits, radix) = if s.len() > 2 && (s.starts_with(b"0x") || s.starts_with(b"0X")) {
        (&s[2..], 16)
    } else if s.len() > 1 && s[0] == b'0' {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in digits {
        let d = (b as char).to_digit(radix)? as u64;
        v = v.saturating_mul(radix as u64).saturating_add(d);
    }
    Some(v)
}
