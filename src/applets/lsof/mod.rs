//! `lsof` (4.95.0) for network files: `-i`, `-U` and everything people
//! combine with them (`-a -p/-u/-c/-g/-d`, `-s`, `-t`, `-F`, `-r`, …).
//!
//! The path of `lsof -i -n -P`: `options::parse` reads the command line
//! (lsof's own getopt and error texts; `inet_spec` for `-i`), then each
//! cycle `scan::Tables::load` reads the /proc/net tables the selection can
//! use, `scan::Scan::run` walks the processes in pid order (dropping
//! unselected ones before reading their fds) and keeps the selected socket
//! files, and `render::print` writes the table, `-F` records or `-t` pids.
//! The exit status follows lsof's "was everything asked for found" rules.
//!
//! sockbox lists sockets only: a selection that would list other files
//! (none of -i/-U, ORed process selectors, file names) is refused with a
//! one-line message (COMPAT.md L1).

pub mod file_args;
pub mod inet_spec;
pub mod options;
pub mod render;
pub mod scan;

use crate::core::escape::safe_bytes;
use crate::core::names::hosts::Hosts;
use crate::core::names::services::LazyServices;
use crate::core::names::users::Users;
use crate::core::proc_net::LineReader;
use crate::core::root::SysRoot;
use options::{Options, Parsed, Refusal};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

pub fn main(argv0: &[u8], args: &[OsString]) -> i32 {
    let pn = match memchr::memrchr(b'/', argv0) {
        Some(i) => &argv0[i + 1..],
        None => argv0,
    };
    let root = SysRoot::from_env();
    let services = LazyServices::new(&root);
    let hosts = Hosts::new(&root);
    let mut users = Users::new(&root);
    let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    let mut err = Vec::new();
    let parsed = options::parse(pn, &args, &services, &hosts, &mut users, &mut err);
    flush_err(&mut err);
    let mut o = match parsed {
        Parsed::Exit(code) => return code,
        Parsed::Run(o) => o,
    };
    if let Some(r) = &o.refusal {
        refuse(pn, r, &mut err);
        return 1;
    }
    let mut names = render::Names::new(&hosts, &services, &mut users);
    let code = run(&root, &mut o, &mut names, &mut err, &mut std::io::stdout().lock());
    flush_err(&mut err);
    code
}

/// The one-line "sockets only" refusal (COMPAT.md L1).
fn refuse(pn: &[u8], r: &Refusal, err: &mut Vec<u8>) {
    let msg = match r {
        Refusal::NotSocketsOnly => {
            "sockbox lsof lists network and unix sockets only: select them with -i or -U (alone, or ANDed with -a)"
                .to_string()
        }
        Refusal::Unsupported(opt) => format!("sockbox lsof does not support {opt}"),
    };
    options::line(err, pn, msg.as_bytes());
    flush_err(err);
}

fn flush_err(err: &mut Vec<u8>) {
    if !err.is_empty() {
        let _ = std::io::stderr().write_all(err);
        err.clear();
    }
}

/// One invocation's cycles, writing the listing to `stdout` (a sink in the
/// fuzz targets) and messages to `err`; returns lsof's exit status.
pub fn run(
    root: &SysRoot,
    o: &mut Options,
    names: &mut render::Names,
    err: &mut Vec<u8>,
    stdout: &mut dyn Write,
) -> i32 {
    let mut out = Vec::with_capacity(1 << 16);
    let mut reader = LineReader::new();
    let until_empty = o.repeat.as_ref().is_some_and(|r| r.until_empty);
    let mut listed_some = false;
    let mut cycles = 0u64;
    loop {
        let found = scan::Scan::run(root, o, &mut reader, err);
        if found.refused {
            let _ = stdout.write_all(&out);
            let _ = stdout.flush();
            refuse(&o.pn.clone(), &Refusal::NotSocketsOnly, err);
            return 1;
        }
        let n = render::print(o, names, &found, &mut out, stdout, err);
        flush_err(err);
        let Some(r) = o.repeat.clone() else { break };
        if until_empty {
            if n == 0 {
                break;
            }
            listed_some = true;
        }
        let marker = r.marker.as_deref().map(options::strftime);
        if o.field {
            out.push(b'm');
            if let Some(m) = &marker {
                out.extend_from_slice(m);
            }
            out.push(o.terminator);
            if o.terminator != b'\n' {
                out.push(b'\n');
            }
        } else {
            out.extend_from_slice(marker.as_deref().unwrap_or(b"======="));
            out.push(b'\n');
        }
        if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() {
            return 1;
        }
        out.clear();
        std::thread::sleep(std::time::Duration::from_secs(r.seconds));
        cycles += 1;
        if r.max_cycles > 0 && cycles == r.max_cycles {
            break;
        }
    }
    if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() {
        return 1;
    }
    let code = search_status(o, &mut out);
    let _ = stdout.write_all(&out);
    let _ = stdout.flush();
    if code == 0 && until_empty && !listed_some {
        return 1;
    }
    code
}

/// lsof's end-of-run check: 1 if anything asked for was not found (0 with
/// -Q); with -V, a line on stdout for each.
fn search_status(o: &mut Options, out: &mut Vec<u8>) -> i32 {
    out.clear();
    let pn = o.pn.clone();
    let mut failed = false;
    let mut say = |out: &mut Vec<u8>, msg: &[u8], arg: Option<&[u8]>| {
        failed = true;
        if o.verbose {
            out.extend_from_slice(&pn);
            out.extend_from_slice(b": ");
            out.extend_from_slice(msg);
            if let Some(a) = arg {
                safe_bytes(a, false, out);
            }
            out.push(b'\n');
        }
    };
    for c in o.cmds.iter().filter(|c| !c.found) {
        say(out, b"command not located: ", Some(&c.text));
    }
    for r in o.cmd_regexes.iter().filter(|r| !r.found) {
        say(out, b"no command found for regex: ", Some(&r.source));
    }
    for a in o.specs.unfound() {
        say(out, b"Internet address not located: ", Some(&a));
    }
    if o.net.on && !o.net.found {
        say(out, b"no Internet files located", None);
    }
    for (i, &s) in o.tcp_include.iter().enumerate() {
        if s == 1 {
            say(
                out,
                format!("TCP state not located: {}", options::TCP_STATES[i]).as_bytes(),
                None,
            );
        }
    }
    for p in o.pids.iter().filter(|p| !p.found && !p.exclude) {
        say(out, format!("process ID not located: {}", p.id).as_bytes(), None);
    }
    for p in o.pgids.iter().filter(|p| !p.found && !p.exclude) {
        say(out, format!("process group ID not located: {}", p.id).as_bytes(), None);
    }
    for u in o.uids.iter().filter(|u| !u.found && !u.exclude) {
        match &u.login {
            Some(l) => say(
                out,
                format!("login name (UID {}) not located: ", u.uid).as_bytes(),
                Some(l),
            ),
            None => say(out, format!("user ID not located: {}", u.uid).as_bytes(), None),
        }
    }
    if failed && o.search_errors { 1 } else { 0 }
}
