//! Small wrappers over the C library for facts the originals print.

use std::ffi::CStr;

/// `strerror(errno)`: the C library's text, as `perror` prints it.
pub fn strerror(errno: i32) -> Vec<u8> {
    unsafe {
        let p = libc::strerror(errno);
        if p.is_null() {
            return format!("Unknown error {errno}").into_bytes();
        }
        CStr::from_ptr(p).to_bytes().to_vec()
    }
}

/// The errno the last failed C library call left.
pub fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

pub fn geteuid() -> u32 {
    unsafe { libc::geteuid() }
}

/// `sysconf(_SC_CLK_TCK)`: the unit of /proc/net timer columns.
pub fn clock_ticks() -> u64 {
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as u64 } else { 100 }
}

pub fn isatty(fd: i32) -> bool {
    unsafe { libc::isatty(fd) == 1 }
}
