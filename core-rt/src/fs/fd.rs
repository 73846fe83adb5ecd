//! The file-descriptor table: 0 = console input, 1/2 = console output, then open boot files and
//! the `/boot` directory. Single-threaded; a spin lock guards against re-entry from interrupts.

use super::bootfs;
use crate::errno::Errno;
use alloc::vec::Vec;

/// What a descriptor refers to.
#[derive(Clone)]
pub enum Object {
    ConsoleIn,
    ConsoleOut,
    /// `/dev/null`: reads end of file, writes vanish.
    Null,
    File {
        file: &'static bootfs::File,
        pos: u64,
    },
    /// `/` or `/boot`, listed by getdents/readdir.
    Dir {
        boot: bool,
        pos: usize,
    },
    /// `/dev/state`: the raw state disk (primary ATA), read and written at byte offsets.
    Disk {
        pos: u64,
    },
}

/// Path of the state disk.
pub const STATE_DISK: &str = "/dev/state";

/// An open descriptor.
#[derive(Clone)]
pub struct Desc {
    pub obj: Object,
    pub status_flags: i32,
    pub cloexec: bool,
}

static TABLE: spin::Mutex<Vec<Option<Desc>>> = spin::Mutex::new(Vec::new());

fn console(obj: Object, flags: i32) -> Option<Desc> {
    Some(Desc { obj, status_flags: flags, cloexec: false })
}

/// Open the three standard descriptors.
pub fn init() {
    let mut t = TABLE.lock();
    t.clear();
    t.push(console(Object::ConsoleIn, libc::O_RDONLY));
    t.push(console(Object::ConsoleOut, libc::O_WRONLY));
    t.push(console(Object::ConsoleOut, libc::O_WRONLY));
}

fn install(t: &mut Vec<Option<Desc>>, d: Desc, min: usize) -> Result<i32, Errno> {
    let slot = (min..t.len()).find(|&i| t[i].is_none());
    let fd = match slot {
        Some(i) => i,
        None if t.len() >= 1024 => return Err(Errno::EMFILE),
        None => {
            while t.len() < min {
                t.push(None);
            }
            t.push(None);
            t.len() - 1
        }
    };
    t[fd] = Some(d);
    Ok(fd as i32)
}

/// What a path names.
pub enum Node {
    File(&'static bootfs::File),
    Dir { boot: bool },
    Null,
    Disk,
}

/// Resolve `path` (absolute or relative to `/`).
pub fn resolve(path: &str) -> Result<Node, Errno> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    let p = bootfs::normalize(path);
    match p.as_str() {
        "/" => Ok(Node::Dir { boot: false }),
        "/boot" => Ok(Node::Dir { boot: true }),
        "/dev/null" => Ok(Node::Null),
        STATE_DISK if crate::dev::ata::sectors().is_some() => Ok(Node::Disk),
        _ => bootfs::lookup(&p).map(Node::File).ok_or(Errno::ENOENT),
    }
}

/// open(2) on the boot file system (read-only).
pub fn open(path: &str, flags: i32) -> Result<i32, Errno> {
    let acc = flags & libc::O_ACCMODE;
    let node = resolve(path)?;
    let obj = match node {
        Node::Null => Object::Null,
        Node::Disk => {
            if flags & libc::O_TRUNC != 0 {
                return Err(Errno::EINVAL);
            }
            Object::Disk { pos: 0 }
        }
        Node::Dir { boot } => {
            if acc != libc::O_RDONLY {
                return Err(Errno::EISDIR);
            }
            Object::Dir { boot, pos: 0 }
        }
        Node::File(file) => {
            if flags & libc::O_DIRECTORY != 0 {
                return Err(Errno::ENOTDIR);
            }
            if acc != libc::O_RDONLY || flags & (libc::O_TRUNC | libc::O_CREAT) != 0 {
                return Err(Errno::EROFS);
            }
            Object::File { file, pos: 0 }
        }
    };
    let d = Desc {
        obj,
        status_flags: flags & !(libc::O_CLOEXEC | libc::O_CREAT | libc::O_EXCL | libc::O_TRUNC),
        cloexec: flags & libc::O_CLOEXEC != 0,
    };
    install(&mut TABLE.lock(), d, 0)
}

/// Run `f` on descriptor `fd`.
pub fn with<R>(fd: i32, f: impl FnOnce(&mut Desc) -> Result<R, Errno>) -> Result<R, Errno> {
    let mut t = TABLE.lock();
    let d = usize::try_from(fd).ok().and_then(|i| t.get_mut(i)).and_then(Option::as_mut).ok_or(Errno::EBADF)?;
    f(d)
}

/// read(2); `at` = Some(offset) for pread (position unchanged).
pub fn read(fd: i32, buf: &mut [u8], at: Option<u64>) -> Result<usize, Errno> {
    let obj = with(fd, |d| Ok(d.obj.clone()))?;
    match obj {
        Object::ConsoleIn => Ok(read_console(buf)),
        Object::ConsoleOut => Err(Errno::EBADF),
        Object::Null => Ok(0),
        Object::Dir { .. } => Err(Errno::EISDIR),
        Object::Disk { pos } => {
            let start = at.unwrap_or(pos);
            let n = disk_read(start, buf)?;
            if at.is_none() {
                set_disk_pos(fd, start + n as u64)?;
            }
            Ok(n)
        }
        Object::File { file, pos } => {
            let start = at.unwrap_or(pos).min(file.data.len() as u64) as usize;
            let n = buf.len().min(file.data.len() - start);
            buf[..n].copy_from_slice(&file.data[start..start + n]);
            if at.is_none() {
                with(fd, |d| {
                    if let Object::File { pos, .. } = &mut d.obj {
                        *pos = (start + n) as u64;
                    }
                    Ok(())
                })?;
            }
            Ok(n)
        }
    }
}

/// The terminal's end-of-file character, Ctrl-D.
const END_OF_FILE: u8 = 0x04;

/// Console read, like a terminal in canonical mode: waits for the first byte, then takes what is
/// there up to a newline; echoes what it reads (backspace erases the previous byte of this read).
/// Ctrl-D (0x04) ends the read without being stored: at the start of a read it is end of file
/// (`read` returns 0), after some bytes it hands them over (`tools/qemu-run --stdin` ends its file so).
fn read_console(buf: &mut [u8]) -> usize {
    if buf.is_empty() {
        return 0;
    }
    let mut n = 0;
    while n < buf.len() {
        let b = match crate::console::try_read_byte() {
            Some(b) => b,
            None if n > 0 && buf[n - 1] == b'\n' => break,
            None => crate::console::read_byte(),
        };
        if b == END_OF_FILE {
            break;
        }
        if b == 0x08 || b == 0x7f {
            if n > 0 {
                n -= 1;
                crate::console::write_bytes(b"\x08 \x08");
            }
            continue;
        }
        crate::console::write_bytes(&[b]);
        buf[n] = b;
        n += 1;
        if b == b'\n' {
            break;
        }
    }
    n
}

/// write(2).
pub fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    let obj = with(fd, |d| Ok(d.obj.clone()))?;
    match obj {
        Object::Disk { pos } => {
            let n = disk_write(pos, buf)?;
            set_disk_pos(fd, pos + n as u64)?;
            Ok(n)
        }
        Object::ConsoleOut => {
            crate::runtime::note_program_output();
            crate::console::write_bytes(buf);
            Ok(buf.len())
        }
        Object::Null => Ok(buf.len()),
        Object::ConsoleIn | Object::File { .. } | Object::Dir { .. } => Err(Errno::EBADF),
    }
}

/// pwrite(2): a write at `at` that leaves the descriptor's offset alone. Only the state disk has
/// writable offsets: the console has none (ESPIPE), boot files and directories are read-only.
pub fn pwrite(fd: i32, buf: &[u8], at: u64) -> Result<usize, Errno> {
    match with(fd, |d| Ok(d.obj.clone()))? {
        Object::Disk { .. } => disk_write(at, buf),
        Object::ConsoleOut => Err(Errno::ESPIPE),
        Object::Null => Ok(buf.len()),
        Object::ConsoleIn | Object::File { .. } | Object::Dir { .. } => Err(Errno::EBADF),
    }
}

fn set_disk_pos(fd: i32, new: u64) -> Result<(), Errno> {
    with(fd, |d| {
        if let Object::Disk { pos } = &mut d.obj {
            *pos = new;
        }
        Ok(())
    })
}

fn disk_size() -> u64 {
    crate::dev::ata::sectors().unwrap_or(0) * crate::dev::ata::SECTOR as u64
}

fn disk_error(e: crate::dev::ata::Error) -> Errno {
    crate::kprintln!("core-rt: state disk error: {e:?}");
    Errno::EIO
}

/// The byte range `[pos, end)` of the disk in the pieces one disk command moves: a run of whole
/// sectors, or a partial sector at either end, as (first sector, offset in it, bytes). Whole
/// sectors go in as long runs as possible, so that the driver's multi-sector data blocks apply.
fn pieces(pos: u64, end: u64) -> impl Iterator<Item = (u64, usize, usize)> {
    use crate::dev::ata::SECTOR;
    let mut at = pos;
    core::iter::from_fn(move || {
        (at < end).then(|| {
            let (lba, off) = (at / SECTOR as u64, (at % SECTOR as u64) as usize);
            let whole = (end - at) as usize / SECTOR * SECTOR;
            let n = if off == 0 && whole > 0 { whole } else { (SECTOR - off).min((end - at) as usize) };
            at += n as u64;
            (lba, off, n)
        })
    })
}

/// Read the state disk at byte offset `pos`; a short count at the end of the disk. Whole sectors
/// go straight into `buf`; partial ones through a sector buffer.
fn disk_read(pos: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    use crate::dev::ata::{self, SECTOR};
    let end = (pos + buf.len() as u64).min(disk_size());
    let (mut sector, mut done) = ([0u8; SECTOR], 0usize);
    for (lba, off, n) in pieces(pos, end) {
        if n % SECTOR == 0 {
            ata::read(lba, &mut buf[done..done + n]).map_err(disk_error)?;
        } else {
            ata::read(lba, &mut sector).map_err(disk_error)?;
            buf[done..done + n].copy_from_slice(&sector[off..off + n]);
        }
        done += n;
    }
    Ok(done)
}

/// Write the state disk at byte offset `pos` (whole sectors straight from `buf`; partial ones
/// are read, modified, written); ENOSPC past the end of the disk.
fn disk_write(pos: u64, buf: &[u8]) -> Result<usize, Errno> {
    use crate::dev::ata::{self, SECTOR};
    if buf.is_empty() {
        return Ok(0);
    }
    let end = (pos + buf.len() as u64).min(disk_size());
    if pos >= end {
        return Err(Errno::ENOSPC);
    }
    let (mut sector, mut done) = ([0u8; SECTOR], 0usize);
    for (lba, off, n) in pieces(pos, end) {
        if n % SECTOR == 0 {
            ata::write(lba, &buf[done..done + n]).map_err(disk_error)?;
        } else {
            ata::read(lba, &mut sector).map_err(disk_error)?;
            sector[off..off + n].copy_from_slice(&buf[done..done + n]);
            ata::write(lba, &sector).map_err(disk_error)?;
        }
        done += n;
    }
    Ok(done)
}

/// fsync(2): the state disk flushes its write cache; everything else has nothing buffered.
pub fn fsync(fd: i32) -> Result<(), Errno> {
    match with(fd, |d| Ok(d.obj.clone()))? {
        Object::Disk { .. } => crate::dev::ata::flush().map_err(disk_error),
        _ => Ok(()),
    }
}

/// lseek(2).
pub fn lseek(fd: i32, off: i64, whence: i32) -> Result<i64, Errno> {
    with(fd, |d| match &mut d.obj {
        Object::File { file, pos } => {
            let base = match whence {
                libc::SEEK_SET => 0,
                libc::SEEK_CUR => *pos as i64,
                libc::SEEK_END => file.data.len() as i64,
                _ => return Err(Errno::EINVAL),
            };
            let new = base.checked_add(off).filter(|&n| n >= 0).ok_or(Errno::EINVAL)?;
            *pos = new as u64;
            Ok(new)
        }
        Object::Disk { pos } => {
            let base = match whence {
                libc::SEEK_SET => 0,
                libc::SEEK_CUR => *pos as i64,
                libc::SEEK_END => disk_size() as i64,
                _ => return Err(Errno::EINVAL),
            };
            let new = base.checked_add(off).filter(|&n| n >= 0).ok_or(Errno::EINVAL)?;
            *pos = new as u64;
            Ok(new)
        }
        Object::Null => Ok(0),
        Object::Dir { .. } => Err(Errno::EINVAL),
        Object::ConsoleIn | Object::ConsoleOut => Err(Errno::ESPIPE),
    })
}

/// close(2).
pub fn close(fd: i32) -> Result<(), Errno> {
    let mut t = TABLE.lock();
    let slot = usize::try_from(fd).ok().and_then(|i| t.get_mut(i)).ok_or(Errno::EBADF)?;
    slot.take().map(|_| ()).ok_or(Errno::EBADF)
}

/// dup(2) / F_DUPFD (lowest free ≥ `min`) / dup2(2) (`exact`).
pub fn dup(fd: i32, min: i32, exact: bool, cloexec: bool) -> Result<i32, Errno> {
    let mut d = with(fd, |d| Ok(d.clone()))?;
    d.cloexec = cloexec;
    let mut t = TABLE.lock();
    if exact {
        let target = usize::try_from(min).map_err(|_| Errno::EBADF)?;
        if target >= 1024 {
            return Err(Errno::EBADF);
        }
        while t.len() <= target {
            t.push(None);
        }
        t[target] = Some(d);
        return Ok(min);
    }
    install(&mut t, d, usize::try_from(min).map_err(|_| Errno::EINVAL)?)
}

/// Kind, size and inode number of what `fd` refers to (for fstat).
pub fn meta(fd: i32) -> Result<Meta, Errno> {
    with(fd, |d| Ok(meta_of(&d.obj)))
}

/// File metadata in core-rt's terms.
pub struct Meta {
    pub mode: u32,
    pub size: u64,
    pub ino: u64,
}

fn ino_of(file: &bootfs::File) -> u64 {
    let files = bootfs::files();
    files.iter().position(|f| core::ptr::eq(f, file)).map_or(1000, |i| i as u64 + 10)
}

fn meta_of(obj: &Object) -> Meta {
    match obj {
        Object::File { file, .. } => {
            Meta { mode: libc::S_IFREG | 0o444, size: file.data.len() as u64, ino: ino_of(file) }
        }
        Object::Dir { boot, .. } => Meta { mode: libc::S_IFDIR | 0o555, size: 0, ino: if *boot { 2 } else { 1 } },
        Object::Null => Meta { mode: libc::S_IFCHR | 0o666, size: 0, ino: 3 },
        // Presented as a fixed-size regular file so programs can size it with fstat.
        Object::Disk { .. } => Meta { mode: libc::S_IFREG | 0o600, size: disk_size(), ino: 6 },
        Object::ConsoleIn | Object::ConsoleOut => Meta { mode: libc::S_IFCHR | 0o620, size: 0, ino: 4 },
    }
}

/// Metadata of a path (for stat).
pub fn meta_path(path: &str) -> Result<Meta, Errno> {
    Ok(match resolve(path)? {
        Node::File(file) => meta_of(&Object::File { file, pos: 0 }),
        Node::Dir { boot } => meta_of(&Object::Dir { boot, pos: 0 }),
        Node::Null => meta_of(&Object::Null),
        Node::Disk => meta_of(&Object::Disk { pos: 0 }),
    })
}

/// True when `fd` is a terminal (the console).
pub fn is_console(fd: i32) -> Result<bool, Errno> {
    with(fd, |d| Ok(matches!(d.obj, Object::ConsoleIn | Object::ConsoleOut)))
}

/// Next directory entry of a directory descriptor: (inode, name, is_dir); None at the end.
pub fn next_dirent(fd: i32) -> Result<Option<(u64, alloc::string::String, bool)>, Errno> {
    with(fd, |d| match &mut d.obj {
        Object::Dir { boot, pos } => {
            let entry = if *boot {
                bootfs::files().get(*pos).map(|f| (ino_of(f), f.name.clone(), false))
            } else {
                [("boot", 2u64), ("dev", 5)].get(*pos).map(|(n, i)| (*i, alloc::string::String::from(*n), true))
            };
            if entry.is_some() {
                *pos += 1;
            }
            Ok(entry)
        }
        _ => Err(Errno::ENOTDIR),
    })
}
