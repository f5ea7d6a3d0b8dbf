//! The `sockbox` front door: what the binary does when called by its own
//! name. `sockbox APPLET ARGS…` hands over to the applet; the rest is parsed
//! by argh: `--install`, `--list`, `--version`, and the subcommands that
//! answer what none of the originals answer in one command (`who`,
//! `report`, `list`, `snapshot`). Each subcommand reads the machine through
//! `core::inventory` (sockets and owners) and `core::procinfo` (processes).
//!
//! Exit status of the subcommands: each documents its own 0/1/2; 3 is an
//! error (bad arguments, a namespace that cannot be entered, a write that
//! failed).

mod json;
mod list;
mod report;
mod snapshot;
mod text;
mod who;

use crate::core::root::SysRoot;
use argh::FromArgs;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// sockbox: netstat, ss and lsof in one binary. Call it through a link named
/// after an applet, or as `sockbox APPLET [ARGS…]`.
#[derive(FromArgs)]
struct FrontArgs {
    /// create links named netstat, ss and lsof to this binary in DIR
    #[argh(option, arg_name = "DIR")]
    install: Option<String>,
    /// list the applets, one per line
    #[argh(switch)]
    list: bool,
    /// print the version
    #[argh(switch, short = 'V')]
    version: bool,
    #[argh(subcommand)]
    command: Option<Command>,
}

#[derive(FromArgs)]
#[argh(subcommand)]
enum Command {
    Who(who::WhoArgs),
    Report(report::ReportArgs),
    List(list::ListArgs),
    Snapshot(snapshot::SnapshotArgs),
}

/// The status of a subcommand that could not do its job.
pub const EXIT_ERROR: i32 = 3;

fn applet_names() -> impl Iterator<Item = &'static str> {
    crate::APPLETS.iter().map(|(name, _)| *name)
}

const SUBCOMMANDS: [&str; 4] = ["who", "report", "list", "snapshot"];

/// What `sockbox` prints for a name it does not know: the applets, on stderr.
pub fn unknown_applet(name: &[u8]) -> i32 {
    eprintln!(
        "sockbox: applet not found: {}\nusage: sockbox APPLET [ARGS…]  (or a link named after one)\napplets: {}\ncommands: {}",
        String::from_utf8_lossy(name),
        applet_names().collect::<Vec<_>>().join(" "),
        SUBCOMMANDS.join(" ")
    );
    1
}

pub fn main(argv0: &[u8], args: &[OsString]) -> i32 {
    if let Some(first) = args.first() {
        if let Some(applet) = crate::find_applet(first.as_bytes()) {
            return applet(first.as_bytes(), &args[1..]);
        }
        let b = first.as_bytes();
        if !b.starts_with(b"-") && !SUBCOMMANDS.iter().any(|c| c.as_bytes() == b) {
            return unknown_applet(b);
        }
    }
    let mut strs: Vec<&str> = Vec::with_capacity(args.len());
    for a in args {
        match a.to_str() {
            // argh wants `--opt VALUE`; `--opt=VALUE` is what people type.
            Some(s) if s.starts_with("--") && s.contains('=') => {
                let (opt, value) = s.split_once('=').unwrap_or((s, ""));
                strs.extend([opt, value]);
            }
            Some(s) => strs.push(s),
            None => {
                eprintln!("sockbox: argument is not valid UTF-8: {}", a.to_string_lossy());
                return 1;
            }
        }
    }
    let cmd = String::from_utf8_lossy(crate::basename(argv0)).into_owned();
    let parsed = match FrontArgs::from_args(&[&cmd], &strs) {
        Ok(p) => p,
        Err(early) => {
            if early.status.is_ok() {
                print!("{}", early.output);
                return 0;
            }
            eprint!("{}", early.output);
            eprintln!("Run {cmd} --help for more information.");
            // A subcommand's bad arguments are its error status.
            return if args
                .first()
                .is_some_and(|a| SUBCOMMANDS.iter().any(|c| c.as_bytes() == a.as_bytes()))
            {
                EXIT_ERROR
            } else {
                1
            };
        }
    };
    match parsed.command {
        Some(Command::Who(a)) => return who::run(a),
        Some(Command::Report(a)) => return report::run(a),
        Some(Command::List(a)) => return list::run(a),
        Some(Command::Snapshot(a)) => return snapshot::run(a),
        None => {}
    }
    if parsed.version {
        println!("sockbox {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    if parsed.list {
        for name in applet_names() {
            println!("{name}");
        }
        return 0;
    }
    if let Some(dir) = parsed.install {
        return install(Path::new(&dir));
    }
    let mut help = Vec::new();
    let _ = FrontArgs::from_args(&[&cmd], &["--help"]).map_err(|e| help.push(e.output));
    eprint!("{}", help.concat());
    1
}

/// The system to read: the live one (after entering `--netns`, if given)
/// or the snapshot `SOCKBOX_ROOT` names. Err: the message, for stderr.
pub fn system(netns: Option<&str>) -> Result<SysRoot, String> {
    let root = SysRoot::from_env();
    if let Some(spec) = netns {
        if !root.is_live() {
            return Err(format!(
                "--netns {spec}: cannot enter a namespace while reading a snapshot (SOCKBOX_ROOT)"
            ));
        }
        crate::core::netns::enter(spec).map_err(|e| format!("--netns {spec}: {e}"))?;
    }
    Ok(root)
}

/// Makes DIR/APPLET → this binary for every applet. An existing link to this
/// binary is left alone; anything else in the way is refused, never replaced.
fn install(dir: &Path) -> i32 {
    let exe = match std::env::current_exe().and_then(|p| p.canonicalize()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("sockbox: cannot find my own binary: {e}");
            return 1;
        }
    };
    let exe_meta = match std::fs::metadata(&exe) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("sockbox: {}: {e}", exe.display());
            return 1;
        }
    };
    let mut code = 0;
    for name in applet_names() {
        let link: PathBuf = dir.join(name);
        match std::fs::symlink_metadata(&link) {
            Ok(_) => {
                let same = std::fs::metadata(&link)
                    .map(|m| m.dev() == exe_meta.dev() && m.ino() == exe_meta.ino())
                    .unwrap_or(false);
                if same {
                    println!("{}: already a link to sockbox", link.display());
                } else {
                    eprintln!(
                        "sockbox: {}: exists and is not sockbox; not overwriting it",
                        link.display()
                    );
                    code = 1;
                }
            }
            Err(_) => match std::os::unix::fs::symlink(&exe, &link) {
                Ok(()) => println!("{} -> {}", link.display(), exe.display()),
                Err(e) => {
                    eprintln!("sockbox: {}: {e}", link.display());
                    code = 1;
                }
            },
        }
    }
    code
}
