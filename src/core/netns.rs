//! Entering a named network namespace the way iproute2's netns_switch()
//! does (`ss -N NAME`, and later `sockbox --netns`): setns to
//! /var/run/netns/NAME, a private mount namespace with that namespace's
//! /sys, and the /etc/netns/NAME/* files bound over /etc.

use crate::core::sys::{errno, strerror};
use std::ffi::CString;
use std::io::Write;

const NETNS_RUN_DIR: &str = "/var/run/netns";
const NETNS_ETC_DIR: &str = "/etc/netns";

fn cstr(s: &[u8]) -> CString {
    CString::new(s.iter().copied().filter(|&b| b != 0).collect::<Vec<u8>>()).unwrap_or_default()
}

/// Switches this process into netns `name`; on failure writes iproute2's
/// message to `err` and returns false.
pub fn switch(name: &[u8], err: &mut dyn Write) -> bool {
    let mut path = format!("{NETNS_RUN_DIR}/").into_bytes();
    path.extend_from_slice(name);
    let shown = String::from_utf8_lossy(name).into_owned();
    let fd = unsafe { libc::open(cstr(&path).as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        let e = errno();
        let _ = write_msg(err, &format!("Cannot open network namespace \"{shown}\": "), e);
        return false;
    }
    if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } < 0 {
        let e = errno();
        let _ = write_msg(err, &format!("setting the network namespace \"{shown}\" failed: "), e);
        unsafe { libc::close(fd) };
        return false;
    }
    unsafe { libc::close(fd) };
    if unsafe { libc::unshare(libc::CLONE_NEWNS) } < 0 {
        let _ = write_msg(err, "unshare failed: ", errno());
        return false;
    }
    let root = cstr(b"/");
    let none = cstr(b"none");
    let empty = cstr(b"");
    if unsafe {
        libc::mount(
            empty.as_ptr(),
            root.as_ptr(),
            none.as_ptr(),
            libc::MS_SLAVE | libc::MS_REC,
            std::ptr::null(),
        )
    } != 0
    {
        let _ = write_msg(err, "\"mount --make-rslave /\" failed: ", errno());
        return false;
    }
    let sys = cstr(b"/sys");
    let mut flags: libc::c_ulong = 0;
    if unsafe { libc::umount2(sys.as_ptr(), libc::MNT_DETACH) } < 0 {
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(sys.as_ptr(), &mut st) } == 0 && st.f_flag & libc::ST_RDONLY != 0 {
            flags = libc::MS_RDONLY;
        }
    }
    let sysfs = cstr(b"sysfs");
    if unsafe {
        libc::mount(
            cstr(name).as_ptr(),
            sys.as_ptr(),
            sysfs.as_ptr(),
            flags,
            std::ptr::null(),
        )
    } < 0
    {
        let _ = write_msg(err, "mount of /sys failed: ", errno());
        return false;
    }
    bind_etc(name, err);
    true
}

fn write_msg(err: &mut dyn Write, prefix: &str, errno: i32) -> std::io::Result<()> {
    let mut m = prefix.as_bytes().to_vec();
    m.extend_from_slice(&strerror(errno));
    m.push(b'\n');
    err.write_all(&m)
}

fn bind_etc(name: &[u8], err: &mut dyn Write) {
    use std::os::unix::ffi::OsStrExt;
    if name.len() >= 255 {
        return;
    }
    let mut dir = format!("{NETNS_ETC_DIR}/").into_bytes();
    dir.extend_from_slice(name);
    let Ok(entries) = std::fs::read_dir(std::ffi::OsStr::from_bytes(&dir)) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let mut src = dir.clone();
        src.push(b'/');
        src.extend_from_slice(file.as_bytes());
        let mut dst = b"/etc/".to_vec();
        dst.extend_from_slice(file.as_bytes());
        let none = cstr(b"none");
        if unsafe {
            libc::mount(
                cstr(&src).as_ptr(),
                cstr(&dst).as_ptr(),
                none.as_ptr(),
                libc::MS_BIND,
                std::ptr::null(),
            )
        } < 0
        {
            let e = errno();
            let prefix = format!(
                "Bind {} -> {} failed: ",
                String::from_utf8_lossy(&src),
                String::from_utf8_lossy(&dst)
            );
            let _ = write_msg(err, &prefix, e);
        }
    }
}

/// `sockbox --netns SPEC`: joins a network namespace given as a name (as
/// `ip netns` keeps them under /var/run/netns), a path to a namespace file
/// (`/proc/PID/ns/net`, a bind mount), or `pid:PID`. Only the network
/// namespace changes: /proc/net follows it, and the owner scan still sees
/// every process of our pid namespace, so a container's sockets are found
/// with their processes. Err: why not, in words.
pub fn enter(spec: &str) -> Result<(), String> {
    let path = if let Some(pid) = spec.strip_prefix("pid:") {
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("not a pid: {pid:?}"));
        }
        format!("/proc/{pid}/ns/net")
    } else if spec.contains('/') {
        spec.to_string()
    } else if spec.is_empty() || spec == "." || spec == ".." {
        return Err("empty namespace name".to_string());
    } else {
        format!("{NETNS_RUN_DIR}/{spec}")
    };
    let fd = unsafe { libc::open(cstr(path.as_bytes()).as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(format!("{path}: {}", String::from_utf8_lossy(&strerror(errno()))));
    }
    let rc = unsafe { libc::setns(fd, libc::CLONE_NEWNET) };
    let e = errno();
    unsafe { libc::close(fd) };
    if rc < 0 {
        let why = if e == libc::EINVAL {
            "not a network namespace".to_string()
        } else {
            String::from_utf8_lossy(&strerror(e)).into_owned()
        };
        return Err(format!("{path}: {why}"));
    }
    Ok(())
}
