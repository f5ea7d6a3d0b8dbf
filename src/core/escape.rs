//! The one escaper for strings a user can choose: process names, socket
//! paths, interface and cgroup names. Its form is lsof's "safe" printing:
//! `\b \f \n \r \t`, other control bytes as `^X` (`^[` for ESC, `^@` for
//! NUL), other unprintable bytes as `\xNN`, a backslash doubled, and (for
//! lsof's COMMAND column) a space as `\x20`. Whole characters are judged by
//! the C library's multibyte functions in the user's locale, as lsof's are,
//! so a printable UTF-8 character passes through in a UTF-8 locale and
//! every byte ≥ 0x80 is escaped in the C locale.
//!
//! Who uses it (COMPAT.md, "Terminal escaping"):
//! - lsof, always, as lsof does (`safe_bytes`, `safe_cut`, `safe_len`);
//! - netstat and ss, only when stdout is a terminal (`screen`): a string
//!   with nothing unprintable is printed as it is, one with anything
//!   unprintable is printed whole in lsof's form. In a pipe they print the
//!   original tools' bytes.
//! - On a terminal all three also escape the Unicode bidi controls, which
//!   print (iswprint) but reorder what the screen shows.

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

/// Whether stdout is a terminal (checked once: the answer cannot change
/// within a run).
pub fn terminal() -> bool {
    static TTY: OnceLock<bool> = OnceLock::new();
    *TTY.get_or_init(|| super::sys::isatty(1))
}

/// isprint() for one byte (the same in the C and UTF-8 locales).
fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// Unicode's Bidi_Control characters: ALM, LRM, RLM, LRE…RLO, LRI…PDI.
fn bidi_control(wc: u32) -> bool {
    matches!(wc, 0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
}

/// safepup(): the printable form of an unprintable byte (or `\`).
fn push_escape(b: u8, out: &mut Vec<u8>) {
    match b {
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0..=0x1f => out.extend_from_slice(&[b'^', b + 0x40]),
        b'\\' => out.extend_from_slice(b"\\\\"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'x', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
    }
}

fn escape_len(b: u8) -> usize {
    if b < 0x20 || b == b'\\' { 2 } else { 4 }
}

/// The character at the start of `s` (non-empty): its length in bytes and
/// whether it prints as itself (a printable ASCII byte, backslash and space
/// included, or a multibyte character iswprint() accepts, bidi controls
/// excepted when `bidi`).
fn char_at(s: &[u8], mb: bool, bidi: bool) -> (usize, bool) {
    let b = s[0];
    if mb && b >= 0x80 {
        // A character is at most MB_LEN_MAX (16) bytes.
        let mut tmp = [0u8; 17];
        let n = s.len().min(16);
        tmp[..n].copy_from_slice(&s[..n]);
        let len = unsafe { mblen(tmp.as_ptr().cast(), n) };
        if len > 1 {
            let mut wc: libc::wchar_t = 0;
            let ok = unsafe { mbtowc(&mut wc, tmp.as_ptr().cast(), n) } == len
                && unsafe { iswprint(wc as u32) } != 0
                && !(bidi && bidi_control(wc as u32));
            return (len as usize, ok);
        }
    }
    (1, printable(b))
}

/// lsof's form of all of `s` (NUL bytes included, as `^@`).
fn escape_into(s: &[u8], escape_space: bool, bidi: bool, out: &mut Vec<u8>) {
    // The common case (an address, a port, a plain name), at copy speed.
    if s.iter()
        .all(|&b| printable(b) && b != b'\\' && !(escape_space && b == b' '))
    {
        out.extend_from_slice(s);
        return;
    }
    let mb = multibyte() && !s.is_ascii();
    let mut i = 0;
    while i < s.len() {
        let (n, ok) = char_at(&s[i..], mb, bidi);
        let b = s[i];
        if ok && b != b'\\' && !(escape_space && b == b' ') {
            out.extend_from_slice(&s[i..i + n]);
        } else {
            for &c in &s[i..i + n] {
                push_escape(c, out);
            }
        }
        i += n;
    }
}

/// Whether `s` holds a character that does not print as itself.
fn needs_escape(s: &[u8]) -> bool {
    if s.iter().all(|&b| printable(b)) {
        return false;
    }
    let mb = multibyte();
    let mut i = 0;
    while i < s.len() {
        let (n, ok) = char_at(&s[i..], mb, true);
        if !ok {
            return true;
        }
        i += n;
    }
    false
}

/// The terminal rule for netstat and ss: `s` appended as it is, unless
/// stdout is a terminal and `s` holds an unprintable character (a control
/// byte, DEL, a C1 control, a byte that is no character of the locale, a
/// bidi control); then all of `s` in lsof's form.
pub fn screen(s: &[u8], out: &mut Vec<u8>) {
    screen_for(terminal(), s, out)
}

fn screen_for(tty: bool, s: &[u8], out: &mut Vec<u8>) {
    if tty && needs_escape(s) {
        escape_into(s, false, true, out);
    } else {
        out.extend_from_slice(s);
    }
}

/// `screen()` of an owned string.
pub fn screened(s: Vec<u8>) -> Vec<u8> {
    if terminal() && needs_escape(&s) {
        let mut out = Vec::with_capacity(s.len() * 2);
        escape_into(&s, false, true, &mut out);
        out
    } else {
        s
    }
}

/// lsof's safestrprt(): the C string in `s` (up to a NUL), made safe; on a
/// terminal, bidi controls too.
pub fn safe_bytes(s: &[u8], escape_space: bool, out: &mut Vec<u8>) {
    let s = s.split(|&b| b == 0).next().unwrap_or_default();
    escape_into(s, escape_space, terminal(), out);
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
/// escape that does not fit ends the name), then padding to `width`. It
/// goes byte by byte, so every byte ≥ 0x80 is escaped in any locale.
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

    fn screen_tty(s: &[u8]) -> Vec<u8> {
        let mut o = Vec::new();
        screen_for(true, s, &mut o);
        o
    }

    #[test]
    fn screen_passes_printable_names_unchanged() {
        // Backslashes and spaces stay as they are when nothing needs escaping
        // (systemd's cgroup names hold `\x2d`).
        for s in [&b"/run/x y.sock"[..], b"a\\x2db", b"", b"~!@#$%^&*()"] {
            assert_eq!(screen_tty(s), s);
        }
        // In a pipe nothing changes at all.
        let mut o = Vec::new();
        screen_for(false, b"\x1b[2J\n\xff", &mut o);
        assert_eq!(o, b"\x1b[2J\n\xff");
    }

    #[test]
    fn screen_escapes_control_bytes_in_lsof_form() {
        // Tests run in the C locale unless LC_ALL/LC_CTYPE/LANG say otherwise;
        // these inputs are ASCII or invalid in every locale.
        assert_eq!(screen_tty(b"\x1b[31mred\x1b[0m"), b"^[[31mred^[[0m");
        assert_eq!(screen_tty(b"a\nb\tc\rd\x08e\x0cf"), b"a\\nb\\tc\\rd\\be\\ff");
        assert_eq!(screen_tty(b"nul\x00x\x7f"), b"nul^@x\\x7f");
        // Once escaping, a backslash is doubled so the form is unambiguous.
        assert_eq!(screen_tty(b"\\n\n"), b"\\\\n\\n");
        assert_eq!(screen_tty(b"bad\xff\xfe"), b"bad\\xff\\xfe");
        // A raw C1 byte (CSI) is never a whole character.
        assert_eq!(screen_tty(b"\x9b2J"), b"\\x9b2J");
        let mut o = Vec::new();
        escape_into(b"a b", true, true, &mut o);
        assert_eq!(o, b"a\\x20b");
    }

    #[test]
    fn bidi_controls_are_known() {
        for wc in [0x061c, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069] {
            assert!(bidi_control(wc), "{wc:x}");
        }
        for wc in [0x200b, 0x2070, 0x202f, 0xe9, 0x41] {
            assert!(!bidi_control(wc), "{wc:x}");
        }
    }
}
