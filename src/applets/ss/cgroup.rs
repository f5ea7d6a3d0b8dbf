//! ss's cgroup v2 lookups, as iproute2 6.1 makes them (lib/fs.c and
//! lib/cg_map.c): a cgroup's id is the kernel's 8-byte file handle of its
//! folder, the cgroup2 mount is the first one /proc/mounts lists (wherever
//! it is: /sys/fs/cgroup, /sys/fs/cgroup/unified, …), and an id is named
//! from a walk of that mount, else by opening it by handle. Each failure
//! writes ss's own message to `err`, as often as ss writes it.

use crate::core::sys::errno;
use std::collections::HashMap;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

/// struct file_handle with room for the 8 bytes ss asks for.
#[repr(C)]
struct Handle {
    bytes: u32,
    kind: i32,
    data: [u8; 8],
}

/// The handle type ss names when it opens a cgroup by id.
const FILEID_INO32_GEN: i32 = 1;

fn say(err: &mut Vec<u8>, text: &[u8]) {
    err.extend_from_slice(text);
}

/// name_to_handle_at(dirfd, path) with 8 bytes of room; Err(errno).
fn name_to_handle(dirfd: i32, path: &[u8]) -> Result<Handle, i32> {
    let Ok(c) = CString::new(path) else {
        return Err(libc::ENOENT);
    };
    let mut h = Handle {
        bytes: 8,
        kind: 0,
        data: [0; 8],
    };
    let mut mount_id: libc::c_int = 0;
    // SAFETY: a NUL-terminated path, a handle with the room it declares,
    // and an int for the mount id.
    let r = unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            dirfd,
            c.as_ptr(),
            &mut h as *mut Handle,
            &mut mount_id as *mut libc::c_int,
            0,
        )
    };
    if r < 0 { Err(errno()) } else { Ok(h) }
}

/// An fd for `path` opened O_RDONLY, closed on drop.
struct Fd(i32);

impl Fd {
    fn open(path: &[u8]) -> Option<Fd> {
        let c = CString::new(path).ok()?;
        // SAFETY: a NUL-terminated path.
        let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        (fd >= 0).then_some(Fd(fd))
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: an fd this value owns.
        unsafe { libc::close(self.0) };
    }
}

/// find_cgroup2_mount(false): the mount point of the first cgroup2 line of
/// /proc/mounts, as written there (ss reads it with `%4095s`, escapes and
/// all).
fn find_mount(err: &mut Vec<u8>) -> Option<Vec<u8>> {
    let Ok(text) = std::fs::read("/proc/mounts") else {
        let mut m = b"Failed to open mounts file: ".to_vec();
        m.extend_from_slice(&crate::core::sys::strerror(errno()));
        m.push(b'\n');
        say(err, &m);
        return None;
    };
    let found = text.split(|&b| b == b'\n').find_map(|line| {
        let mut fields = line.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty());
        let (_, dir, fstype) = (fields.next()?, fields.next()?, fields.next()?);
        (fstype == b"cgroup2").then(|| dir[..dir.len().min(4095)].to_vec())
    });
    if found.is_none() {
        say(err, b"Failed to find cgroup2 mount\n");
    }
    found
}

/// get_cgroup2_id(): `path` as given (from the current folder, or
/// absolute), else under the cgroup2 mount; 0 when neither names one.
pub fn id_of(path: &[u8], err: &mut Vec<u8>) -> u64 {
    let handle = match name_to_handle(libc::AT_FDCWD, path) {
        Ok(h) => h,
        Err(_) => {
            let rest = &path[path.iter().take_while(|&&b| b == b'/').count()..];
            if rest.is_empty() {
                say(err, b"Invalid cgroup2 path\n");
                return 0;
            }
            let Some(mount) = find_mount(err) else {
                return 0;
            };
            let Some(dir) = Fd::open(&mount) else {
                say(err, b"Failed to open cgroup2 mount\n");
                return 0;
            };
            match name_to_handle(dir.0, rest) {
                Ok(h) => h,
                Err(e) => {
                    let mut m = b"Failed to get cgroup2 ID: ".to_vec();
                    m.extend_from_slice(&crate::core::sys::strerror(e));
                    m.push(b'\n');
                    say(err, &m);
                    return 0;
                }
            }
        }
    };
    if handle.bytes != 8 {
        say(err, b"Invalid size of cgroup2 ID\n");
        return 0;
    }
    u64::from_ne_bytes(handle.data)
}

/// get_cgroup2_path(id, false): the cgroup opened by its handle, named by
/// its /proc/self/fd link less the mount's path.
fn path_by_handle(id: u64, err: &mut Vec<u8>) -> Option<Vec<u8>> {
    if id == 0 {
        say(err, b"Invalid cgroup2 ID\n");
        return None;
    }
    let mount = find_mount(err)?;
    let Some(dir) = Fd::open(&mount) else {
        say(err, b"Failed to open cgroup2 mount\n");
        return None;
    };
    let mut h = Handle {
        bytes: 8,
        kind: FILEID_INO32_GEN,
        data: id.to_ne_bytes(),
    };
    // SAFETY: a handle of the size it declares; the fd returned is owned.
    let fd = unsafe { libc::syscall(libc::SYS_open_by_handle_at, dir.0, &mut h as *mut Handle, 0) };
    if fd < 0 {
        say(err, b"Failed to open cgroup2 by ID\n");
        return None;
    }
    let cgroup = Fd(fd as i32);
    let link = format!("/proc/self/fd/{}", cgroup.0);
    let Ok(target) = std::fs::read_link(&link) else {
        say(
            err,
            format!("Failed to read value of symbolic link {link}\n").as_bytes(),
        );
        return None;
    };
    let target = target.as_os_str().as_bytes();
    Some(target.get(mount.len()..).unwrap_or_default().to_vec())
}

/// cg_id_to_path()'s cache: filled from a walk of the cgroup2 mount on
/// first use, then by each id opened by handle.
#[derive(Default)]
pub struct Paths {
    by_id: Option<HashMap<u64, Vec<u8>>>,
}

impl Paths {
    /// The cgroup's path under the mount (`/` for the root), or
    /// `unreachable:ID`.
    pub fn path(&mut self, id: u64, err: &mut Vec<u8>) -> Vec<u8> {
        let by_id = self.by_id.get_or_insert_with(|| walk_mount(err));
        if let Some(p) = by_id.get(&id) {
            return p.clone();
        }
        if let Some(p) = path_by_handle(id, err) {
            by_id.insert(id, p.clone());
            return p;
        }
        format!("unreachable:{id:x}").into_bytes()
    }
}

/// cg_init_map(): nftw(mount, FTW_MOUNT) over every folder, parents before
/// children, stopping at the first folder whose id cannot be had.
fn walk_mount(err: &mut Vec<u8>) -> HashMap<u64, Vec<u8>> {
    let mut map = HashMap::new();
    let Some(mount) = find_mount(err) else {
        return map;
    };
    let root = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&mount));
    let Ok(meta) = std::fs::metadata(&root) else {
        return map;
    };
    use std::os::unix::fs::MetadataExt;
    let dev = meta.dev();
    // Folders still to visit, each visited before its children.
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue; // FTW_DNR: not a folder ss names
        };
        let fpath = dir.as_os_str().as_bytes();
        let id = id_of(fpath, err);
        if id == 0 {
            break;
        }
        let rel = &fpath[mount.len().min(fpath.len())..];
        map.insert(id, if rel.is_empty() { b"/".to_vec() } else { rel.to_vec() });
        let mut children: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_dir() && m.dev() == dev))
            .collect();
        // Popped in the order read.
        children.reverse();
        stack.extend(children);
    }
    map
}
