//! lsof's "safe" printing of names: control bytes as `\n`, `\t`, `^X`,
//! other unprintable bytes as `\xNN`, a backslash doubled, and (for the
//! COMMAND column) a space as `\x20`. Whole names go through the C
//! library's multibyte functions in the user's locale, as lsof's do, so a
//! printable UTF-8 character passes through in a UTF-8 locale.

#[cfg(not(target_feature = "crt-static"))]
use std::sync::OnceLock;

#[cfg(not(target_feature = "crt-static"))]
unsafe extern "C" {
    fn mblen(s: *const libc::c_char, n: libc::size_t) -> libc::c_int;
    fn mbtowc(pwc: *mut libc::wchar_t, s: *const libc::c_char, n: libc::size_t) -> libc::c_int;
    fn iswprint(wc: u32) -> libc::c_int;
    fn __ctype_get_mb_cur_max() -> libc::size_t;
}

/// Sets LC_CTYPE from the environment (lsof calls setlocale(LC_CTYPE, "")).
/// Returns whether multibyte characters are possible.
/// A static build stays in the C locale (no locale files to load): every
/// byte ≥ 0x80 is escaped, as lsof does in the C locale.
#[cfg(target_feature = "crt-static")]
fn multibyte() -> bool {
    false
}

#[cfg(target_feature = "crt-static")]
unsafe fn mblen(_: *const libc::c_char, _: libc::size_t) -> libc::c_int {
    -1
}
#[cfg(target_feature = "crt-static")]
unsafe fn mbtowc(_: *mut libc::wchar_t, _: *const libc::c_char, _: libc::size_t) -> libc::c_int {
    -1
}
#[cfg(target_feature = "crt-static")]
unsafe fn iswprint(_: u32) -> libc::c_int {
    0
}

#[cfg(not(target_feature = "crt-static"))]
fn multibyte() -> bool {
    static MB: OnceLock<bool> = OnceLock::new();
    *MB.get_or_init(|| unsafe {
        libc::setlocale(libc::LC_CTYPE, c"".as_ptr());
        __ctype_get_mb_cur_max() > 1
    })
}

/// isprint() for one byte (the same in the C and UTF-8 locales).
fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// safepup(): the printable form of an unprintable byte (or `\`).
/// `signed_char` is how lsof passes it: a byte ≥ 0x80 arrives sign-extended.
fn push_escape(b: u8, out: &mut Vec<u8>) {
    match b {
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0..=0x1f => out.extend_from_slice(&[b'^', b + 0x40]),
        b'\\' => out.extend_from_slice(b"\\\\"),
        _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
    }
}

fn escape_len(b: u8) -> usize {
    if b < 0x20 || b == b'\\' { 2 } else { 4 }
}

/// safestrprt(): the whole of `s`, made safe.
pub fn safe_bytes(s: &[u8], escape_space: bool, out: &mut Vec<u8>) {
    let s = s.split(|&b| b == 0).next().unwrap_or_default();
    let mb = multibyte() && !s.is_ascii();
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if mb && b >= 0x80 {
            let rest = &s[i..];
            let mut tmp = Vec::with_capacity(rest.len() + 1);
            tmp.extend_from_slice(rest);
            tmp.push(0);
            let n = unsafe { mblen(tmp.as_ptr().cast(), rest.len()) };
            if n > 1 {
                let n = n as usize;
                let mut wc: libc::wchar_t = 0;
                let ok = unsafe { mbtowc(&mut wc, tmp.as_ptr().cast(), rest.len()) } == n as i32
                    && unsafe { iswprint(wc as u32) } != 0;
                if ok {
                    out.extend_from_slice(&rest[..n]);
                } else {
                    for &c in &rest[..n] {
                        push_escape(c, out);
                    }
                }
                i += n;
                continue;
            }
        }
        if b != b'\\' && printable(b) && !(escape_space && b == b' ') {
            out.push(b);
        } else {
            push_escape(b, out);
        }
        i += 1;
    }
}

/// safestrlen() with the space escaped, as lsof sizes the COMMAND column.
/// Like lsof it counts a byte ≥ 0x80 as 2 (a signed-char comparison),
/// although it prints as 4.
pub fn safe_len(s: &[u8]) -> usize {
    s.iter()
        .map(|&b| {
            if b != b'\\' && printable(b) && b != b' ' {
                1
            } else if !(0x20..0x80).contains(&b) || b == b'\\' {
                2
            } else {
                4
            }
        })
        .sum()
}

/// safestrprtn() with the space escaped: at most `width` output bytes (an
/// escape that does not fit ends the name), then padding to `width`.
pub fn safe_cut(s: &[u8], width: usize, out: &mut Vec<u8>) {
    let mut used = 0;
    for &b in s {
        if used >= width {
            break;
        }
        if b != b'\\' && printable(b) && b != b' ' {
            out.push(b);
            used += 1;
        } else {
            let n = escape_len(b);
            if used + n > width {
                break;
            }
            push_escape(b, out);
            used += n;
        }
    }
    out.resize(out.len() + (width - used), b' ');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped_and_cut() {
        let mut o = Vec::new();
        safe_cut(b"my server(x)", 9, &mut o);
        assert_eq!(o, b"my\\x20ser");
        assert_eq!(safe_len(b"my server(x)"), 15);
        let mut o = Vec::new();
        safe_cut(b"a\nb", 7, &mut o);
        assert_eq!(o, b"a\\nb   ");
        let mut o = Vec::new();
        safe_cut(b"ab\x01", 3, &mut o);
        assert_eq!(o, b"ab ");
        assert_eq!(safe_len(b"\xc3\xa9"), 4);
    }

    #[test]
    fn names_keep_spaces() {
        let mut o = Vec::new();
        safe_bytes(b"a b\\\x7f\x1b", false, &mut o);
        assert_eq!(o, b"a b\\\\\\x7f^[");
    }
}
