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

/// What strtol/strtoul/atoi skip before the digits: blanks (isspace),
/// then one sign. True when the sign is '-'.
pub(crate) fn c_sign(s: &[u8]) -> (bool, &[u8]) {
    let s = &s[s.iter().take_while(|&&b| b == b' ' || (9..=13).contains(&b)).count()..];
    match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// strtol's value for a magnitude and sign: saturated at the long's limits.
pub(crate) fn c_long_value(neg: bool, magnitude: u64) -> i64 {
    match (neg, magnitude) {
        (false, m) => i64::try_from(m).unwrap_or(i64::MAX),
        (true, m) if m > 1 << 63 => i64::MIN,
        (true, m) => (m as i64).wrapping_neg(),
    }
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
