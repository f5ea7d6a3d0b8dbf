//! The front door's human-readable output: how an endpoint, a name, a time
//! and a bar are shown, and whether colour is used. (The personalities
//! never colour; this is for `who`, `report` and `list` only.)

use crate::core::inventory::{Socket, addr_text};
use owo_colors::OwoColorize;

/// A name a user may have chosen (comm, argv, a unix path), fit for the
/// screen: control bytes and unprintable ones escaped as lsof escapes
/// them, so a crafted name cannot rewrite the terminal.
pub fn shown(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    crate::core::escape::safe_bytes(s, false, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// `addr:port`, IPv6 in brackets, `*` for a zero port of a socket that
/// has no peer.
pub fn endpoint(s: &Socket, remote: bool) -> String {
    if s.is_unix() {
        return if remote {
            String::new()
        } else if s.unix_path.is_empty() {
            "(unnamed)".to_string()
        } else {
            shown(&s.unix_path)
        };
    }
    let (a, p) = if remote {
        (&s.row.remote, s.row.remote_port)
    } else {
        (&s.row.local, s.row.local_port)
    };
    let host = addr_text(a);
    let port = if p == 0 { "*".to_string() } else { p.to_string() };
    if a.v6 {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `tcp`, `tcp6`, `udp`, `unix/stream`, …: a socket's kind in one word.
pub fn proto_label(s: &Socket) -> String {
    if s.is_unix() {
        format!("unix/{}", s.unix_type_name())
    } else if s.v6 {
        format!("{}6", s.proto().name())
    } else {
        s.proto().name().to_string()
    }
}

/// Rows of cells as aligned lines: each column as wide as its widest
/// cell, two spaces between columns, no trailing blanks.
pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            let w = c.chars().count();
            match widths.get_mut(i) {
                Some(x) => *x = (*x).max(w),
                None => widths.push(w),
            }
        }
    }
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                line.push_str(c);
                if i + 1 < r.len() {
                    line.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// `--color=auto|always|never`, with `NO_COLOR` honoured under auto.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl std::str::FromStr for ColorWhen {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(ColorWhen::Auto),
            "always" => Ok(ColorWhen::Always),
            "never" => Ok(ColorWhen::Never),
            _ => Err(format!("--color: expected auto, always or never, not {s:?}")),
        }
    }
}

/// How text is drawn: colour, and bars (on a terminal only).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub terminal: bool,
}

impl Style {
    pub fn new(when: ColorWhen) -> Style {
        let terminal = crate::core::sys::isatty(1);
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && !no_color,
        };
        Style { color, terminal }
    }

    pub fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }

    pub fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }

    /// A severity word in its colour.
    pub fn severity(&self, sev: Severity) -> String {
        let word = sev.word();
        if !self.color {
            return word.to_string();
        }
        match sev {
            Severity::Ok => word.green().bold().to_string(),
            Severity::Warning => word.yellow().bold().to_string(),
            Severity::Critical => word.red().bold().to_string(),
        }
    }

    /// A horizontal bar of `value` against `max`, at most `width` cells
    /// (empty off a terminal: a pipe gets the numbers alone).
    pub fn bar(&self, value: u64, max: u64, width: usize) -> String {
        if !self.terminal || max == 0 {
            return String::new();
        }
        let eighths = ((value as u128 * width as u128 * 8).div_ceil(max as u128)) as usize;
        let mut s: String = "█".repeat(eighths / 8);
        const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
        s.push_str(PARTS[eighths % 8]);
        let cells = eighths.div_ceil(8);
        let pad = " ".repeat(width.saturating_sub(cells));
        if self.color {
            format!("{}{pad}", s.cyan())
        } else {
            format!("{s}{pad}")
        }
    }
}

/// A finding's weight; also the report's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ok = 0,
    Warning = 1,
    Critical = 2,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// A local time, `2026-12-01 21:00:03 UTC`.
pub fn local_time(epoch: u64) -> String {
    let t = epoch as libc::time_t;
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return epoch.to_string();
    }
    let mut buf = [0u8; 64];
    let n = unsafe {
        libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%Y-%m-%d %H:%M:%S %Z".as_ptr(),
            &tm,
        )
    };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// A duration for people: `45s`, `12m 5s`, `3h 2m`, `4d 7h`.
pub fn age(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {}s", s / 60, s % 60),
        s if s < 86400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        s => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

/// argv as a shell would show it: words with odd bytes quoted.
pub fn command_line(argv: &[Vec<u8>]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
            if plain {
                String::from_utf8_lossy(a).into_owned()
            } else {
                format!("'{}'", shown(a).replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_command_lines() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(725), "12m 5s");
        assert_eq!(age(3 * 3600 + 120), "3h 2m");
        assert_eq!(age(4 * 86400 + 7 * 3600), "4d 7h");
        let argv = vec![
            b"/usr/bin/x".to_vec(),
            b"-g".to_vec(),
            b"daemon off;".to_vec(),
            b"\x1b[2J".to_vec(),
        ];
        assert_eq!(command_line(&argv), "/usr/bin/x -g 'daemon off;' '^[[2J'");
    }

    #[test]
    fn aligned_columns() {
        let rows = vec![
            vec!["a".to_string(), "bb".to_string(), "c".to_string()],
            vec!["ddd".to_string(), "e".to_string(), String::new()],
        ];
        assert_eq!(columns(&rows), vec!["a    bb  c", "ddd  e"]);
    }

    #[test]
    fn bars_only_on_a_terminal() {
        let tty = Style {
            color: false,
            terminal: true,
        };
        assert_eq!(tty.bar(10, 10, 4), "████");
        assert_eq!(tty.bar(1, 8, 4), "▌   ");
        assert_eq!(tty.bar(0, 8, 2), "  ");
        let pipe = Style {
            color: false,
            terminal: false,
        };
        assert_eq!(pipe.bar(10, 10, 4), "");
    }
}
