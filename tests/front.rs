//! The `sockbox` front door and applet dispatch.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sockbox");

fn run(argv0: &str, args: &[&str]) -> Output {
    Command::new(BIN).arg0(argv0).args(args).output().unwrap()
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sockbox-front-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn list_names_every_applet() {
    let o = run("sockbox", &["--list"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "netstat\nss\nlsof\n");
}

#[test]
fn version_and_help() {
    let o = run("sockbox", &["--version"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("sockbox "));
    let o = run("sockbox", &["--help"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("--install"));
}

#[test]
fn unknown_applet_lists_the_applets_and_fails() {
    for (argv0, args) in [("frobnicate", &[][..]), ("sockbox", &["frobnicate"][..])] {
        let o = run(argv0, args);
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("applets: netstat ss lsof"), "{err}");
    }
}

#[test]
fn applet_by_argv0_by_path_and_by_first_argument() {
    let want = run("netstat", &["-V"]);
    assert_eq!(want.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&want.stdout).starts_with("net-tools 2.10\n"));
    assert_eq!(run("/usr/local/bin/netstat", &["-V"]).stdout, want.stdout);
    assert_eq!(run("sockbox", &["netstat", "-V"]).stdout, want.stdout);
    // Error messages carry argv[0] as given, as glibc's getopt prints it.
    let o = run("/opt/x/netstat", &["-y"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(o.stderr.starts_with(b"/opt/x/netstat: invalid option -- 'y'\n"));
    let o = run("sockbox", &["netstat", "-y"]);
    assert!(o.stderr.starts_with(b"netstat: invalid option -- 'y'\n"));
}

#[test]
fn install_makes_links_and_never_overwrites() {
    let dir = temp_dir("install");
    let d = dir.to_str().unwrap();
    std::fs::write(dir.join("lsof"), "not sockbox").unwrap();
    let o = run("sockbox", &["--install", d]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lsof: exists and is not sockbox"));
    assert_eq!(std::fs::read_to_string(dir.join("lsof")).unwrap(), "not sockbox");
    for name in ["netstat", "ss"] {
        let target = std::fs::read_link(dir.join(name)).unwrap();
        assert_eq!(target, std::fs::canonicalize(BIN).unwrap());
    }
    // The links work, and a second install leaves them alone.
    let o = Command::new(dir.join("netstat")).arg("-V").output().unwrap();
    assert!(o.stdout.starts_with(b"net-tools 2.10\n"));
    std::fs::remove_file(dir.join("lsof")).unwrap();
    let o = run("sockbox", &["--install", d]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("netstat: already a link to sockbox"));
    std::fs::remove_dir_all(&dir).unwrap();
}
