//! Golden cases: sockbox over a recorded snapshot must print exactly what the
//! real tool printed over the same snapshot (golden/README.md).
//!
//! Every `golden/<case>/expected/NNN.cmd` is run with argv[0] set to the
//! applet name and `SOCKBOX_ROOT=golden/<case>/root`; stdout, stderr and the
//! exit status must match `NNN.out`, `NNN.err` and `NNN.rc`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sockbox");

/// Splits a recorded command line the way a POSIX shell would (quotes and
/// backslashes only; the recorder writes them with Python's shlex).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                if !matches!(n, '"' | '\\' | '$' | '`') {
                                    cur.push('\\');
                                }
                                cur.push(n);
                            }
                        }
                        _ => cur.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

fn first_difference(want: &[u8], got: &[u8]) -> String {
    let w: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
    let g: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            let show =
                |l: Option<&&[u8]>| l.map_or("<missing>".to_string(), |l| format!("{:?}", String::from_utf8_lossy(l)));
            return format!("line {}:\n      want {}\n      got  {}", i + 1, show(a), show(b));
        }
    }
    "(no difference)".to_string()
}

fn cases() -> Vec<PathBuf> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&golden)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected").is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn golden_cases_match_the_real_tools() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases() {
        let mut cmds: Vec<PathBuf> = std::fs::read_dir(case.join("expected"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "cmd"))
            .collect();
        cmds.sort();
        for cmd in cmds {
            let line = std::fs::read_to_string(&cmd).unwrap();
            let mut words = shell_words(line.trim_end_matches('\n'));
            // Leading VAR=value words set the environment (e.g. PROC_ROOT).
            let mut env = Vec::new();
            while words.first().is_some_and(|w| !w.starts_with('-') && w.contains('=')) {
                let w = words.remove(0);
                let (k, v) = w.split_once('=').unwrap();
                env.push((k.to_string(), v.to_string()));
            }
            let read = |ext: &str| std::fs::read(cmd.with_extension(ext)).unwrap();
            let want_rc: i32 = String::from_utf8(read("rc")).unwrap().trim().parse().unwrap();
            let out = Command::new(BIN)
                .arg0(&words[0])
                .args(&words[1..])
                .env("SOCKBOX_ROOT", case.join("root"))
                .env("LC_ALL", "C")
                .envs(env)
                .output()
                .unwrap();
            ran += 1;
            let name = format!("{}: {}", case.file_name().unwrap().to_string_lossy(), line.trim_end());
            if out.stdout != read("out") {
                failures.push(format!(
                    "{name}\n  stdout {}",
                    first_difference(&read("out"), &out.stdout)
                ));
            }
            if out.stderr != read("err") {
                failures.push(format!(
                    "{name}\n  stderr {}",
                    first_difference(&read("err"), &out.stderr)
                ));
            }
            if out.status.code() != Some(want_rc) {
                failures.push(format!(
                    "{name}\n  exit status: want {want_rc}, got {:?}",
                    out.status.code()
                ));
            }
        }
    }
    assert!(ran > 0, "no golden cases found");
    assert!(
        failures.is_empty(),
        "{} of {ran} golden runs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn shell_words_unquotes() {
    assert_eq!(shell_words("netstat -tanp"), ["netstat", "-tanp"]);
    assert_eq!(
        shell_words("ss 'state established' \"a b\" c\\ d ''"),
        ["ss", "state established", "a b", "c d", ""]
    );
}
