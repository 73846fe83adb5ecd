//! The FILE stream object and its buffer machinery: std streams, opening, flushing, refilling,
//! seeking. The C-level functions on top are in `io.rs`.
//!
//! The struct starts with glibc's `_IO_FILE` prefix (flags, the eight buffer pointers, ..., fileno)
//! so code compiled against glibc's headers that inlines `getc_unlocked`/`putc_unlocked` (which read
//! `_IO_read_ptr`... and call `__uflow`/`__overflow`) and `feof_unlocked` works unchanged.
//! Invariants: a stream is in read mode (`read_ptr..read_end` holds unread bytes, write pointers
//! all equal) or write mode (`write_base..write_ptr` holds unwritten bytes, read pointers equal).
//! `write_end == write_ptr`'s limit only for fully buffered streams; for line- and unbuffered ones
//! it stays at `write_base`, so inline `putc` always reaches `__overflow`, which applies the policy.

use super::SyncCell;
use super::sys;
use crate::pthread::{lock_word, unlock_word};
use core::ffi::{c_int, c_void};
use core::ptr::{addr_of_mut, null_mut};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// glibc's `_IO_EOF_SEEN` / `_IO_ERR_SEEN` bits in `_flags` (read by inline `feof_unlocked`).
pub const EOF_SEEN: c_int = 0x10;
pub const ERR_SEEN: c_int = 0x20;
/// glibc's magic in the high half of `_flags`.
const MAGIC: c_int = 0xFBAD_0000u32 as c_int;

pub const EOF: c_int = -1;
pub const BUFSIZ: usize = 8192;

/// Buffering policy (`setvbuf` modes: _IOFBF 0, _IOLBF 1, _IONBF 2).
#[derive(Clone, Copy, PartialEq, Debug)]
#[repr(u8)]
pub enum Buffering {
    Full = 0,
    Line = 1,
    None = 2,
    /// Not decided yet: line-buffered if the descriptor is a terminal, else full (decided at the
    /// first I/O, like glibc).
    Auto = 3,
}

/// core-rt's FILE.
#[repr(C)]
pub struct File {
    pub flags: c_int,
    pub read_ptr: *mut u8,
    pub read_end: *mut u8,
    pub read_base: *mut u8,
    pub write_base: *mut u8,
    pub write_ptr: *mut u8,
    pub write_end: *mut u8,
    pub buf_base: *mut u8,
    pub buf_end: *mut u8,
    save_base: *mut u8,
    backup_base: *mut u8,
    save_end: *mut u8,
    markers: *mut c_void,
    chain: *mut File,
    pub fd: c_int,
    flags2: c_int,
    // ---- glibc's layout ends mattering here; the rest is core-rt's own. ----
    pub buffering: Buffering,
    pub readable: bool,
    pub writable: bool,
    pub append: bool,
    /// The buffer came from malloc (freed by fclose/setvbuf).
    owns_buf: bool,
    /// A static std stream (never freed).
    is_static: bool,
    /// Bytes pushed back by ungetc when no room was left in the read buffer.
    pushback: [u8; 8],
    pushback_len: u8,
    /// Saved read pointers while the pushback area is being read.
    pub(super) saved_ptr: *mut u8,
    saved_end: *mut u8,
    /// One-byte buffer for unbuffered streams.
    short_buf: [u8; 1],
    /// Next stream in the list of open streams.
    next: *mut File,
    /// `flockfile`'s lock: its futex word (`pthread::lock_word`), the id of the thread that holds
    /// it (0: free) and how many times it took it (recursive: `flockfile` nests).
    lock_word: AtomicU32,
    lock_owner: AtomicU64,
    lock_depth: AtomicU32,
}

impl File {
    pub const fn new_static(fd: c_int, readable: bool, writable: bool, buffering: Buffering) -> File {
        File {
            flags: MAGIC,
            read_ptr: null_mut(),
            read_end: null_mut(),
            read_base: null_mut(),
            write_base: null_mut(),
            write_ptr: null_mut(),
            write_end: null_mut(),
            buf_base: null_mut(),
            buf_end: null_mut(),
            save_base: null_mut(),
            backup_base: null_mut(),
            save_end: null_mut(),
            markers: null_mut(),
            chain: null_mut(),
            fd,
            flags2: 0,
            buffering,
            readable,
            writable,
            append: false,
            owns_buf: false,
            is_static: true,
            pushback: [0; 8],
            pushback_len: 0,
            saved_ptr: null_mut(),
            saved_end: null_mut(),
            short_buf: [0],
            next: null_mut(),
            lock_word: AtomicU32::new(0),
            lock_owner: AtomicU64::new(0),
            lock_depth: AtomicU32::new(0),
        }
    }

    /// Take the stream's lock (`flockfile`), sleeping while another thread holds it; the holder
    /// may take it again.
    pub fn lock(&self) {
        if !self.take_again() {
            lock_word(&self.lock_word);
            self.held_by_me();
        }
    }

    /// Take the stream's lock if it is free or this thread's (`ftrylockfile`).
    pub fn try_lock(&self) -> bool {
        if self.take_again() {
            return true;
        }
        if self.lock_word.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return false;
        }
        self.held_by_me();
        true
    }

    /// The holder taking the lock once more. Only the holder finds its own id in `lock_owner`
    /// (no other thread writes it there), so a relaxed read decides.
    fn take_again(&self) -> bool {
        if self.lock_owner.load(Ordering::Relaxed) != thread_id() {
            return false;
        }
        self.lock_depth.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Record the lock word just taken as this thread's, taken once.
    fn held_by_me(&self) {
        self.lock_owner.store(thread_id(), Ordering::Relaxed);
        self.lock_depth.store(1, Ordering::Relaxed);
    }

    /// Give the lock back once as many times as it was taken (`funlockfile`); a thread that
    /// does not hold it changes nothing.
    pub fn unlock(&self) {
        if self.lock_owner.load(Ordering::Relaxed) != thread_id() {
            return;
        }
        if self.lock_depth.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.lock_owner.store(0, Ordering::Relaxed);
            unlock_word(&self.lock_word);
        }
    }

    pub fn eof(&self) -> bool {
        self.flags & EOF_SEEN != 0
    }
    pub fn error(&self) -> bool {
        self.flags & ERR_SEEN != 0
    }
    pub fn set_error(&mut self) {
        self.flags |= ERR_SEEN;
    }
    fn reading(&self) -> bool {
        self.read_end != self.read_base || self.pushback_len != 0 || !self.saved_ptr.is_null()
    }
    fn writing(&self) -> bool {
        self.write_ptr != self.write_base
    }
    /// Unread bytes buffered (read buffer + pushback).
    pub fn buffered_unread(&self) -> usize {
        let mut n = self.read_end as usize - self.read_ptr as usize;
        if !self.saved_ptr.is_null() {
            // Reading the pushback area: the saved main buffer still holds unread bytes too.
            n += self.saved_end as usize - self.saved_ptr as usize;
        }
        n
    }
}

static STDIN_BUF: SyncCell<[u8; BUFSIZ]> = SyncCell::new([0; BUFSIZ]);
static STDOUT_BUF: SyncCell<[u8; BUFSIZ]> = SyncCell::new([0; BUFSIZ]);

pub static STDIN_FILE: SyncCell<File> = SyncCell::new(File::new_static(0, true, false, Buffering::Auto));
pub static STDOUT_FILE: SyncCell<File> = SyncCell::new(File::new_static(1, false, true, Buffering::Auto));
pub static STDERR_FILE: SyncCell<File> = SyncCell::new(File::new_static(2, false, true, Buffering::None));

/// A stream locked for one call of a stream function, unlocked when dropped: as in glibc, each
/// call on a stream is one step for the other threads (two threads' `fputs` on one stream do not
/// interleave their bytes, nor corrupt its buffer). Recursive: a call that calls another (`puts`,
/// `fputs`, `fwrite`) or runs inside `flockfile` takes it again.
pub struct Locked(*mut File);

impl Locked {
    /// # Safety
    /// `f` is a live stream until the guard is dropped.
    pub unsafe fn new(f: *mut File) -> Locked {
        // SAFETY: per the caller; shared, as other threads may take the lock at the same time.
        unsafe { &*f }.lock();
        Locked(f)
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        // SAFETY: live until now, per `new`'s contract.
        unsafe { &*self.0 }.unlock();
    }
}

/// The running thread's id, as the owner of a stream's lock (never 0).
#[cfg(not(test))]
fn thread_id() -> u64 {
    crate::kernel::threads::current_id() as u64
}
#[cfg(test)]
fn thread_id() -> u64 {
    std::thread_local!(static ID: u8 = const { 0 });
    ID.with(|x| x as *const u8 as u64)
}

/// Head of the list of streams opened by fopen/fdopen (the std streams are always flushed too),
/// and the lock of that list: threads open and close streams, and `fflush(NULL)` walks it, at
/// the same time. Held only while the list is changed or walked (a walk's callback flushes a
/// stream; it must not open or close one).
static OPEN: SyncCell<*mut File> = SyncCell::new(null_mut());
static OPEN_LOCK: AtomicU32 = AtomicU32::new(0);

/// The list of open streams, held until dropped.
struct OpenList;

impl OpenList {
    fn lock() -> OpenList {
        lock_word(&OPEN_LOCK);
        OpenList
    }
}

impl Drop for OpenList {
    fn drop(&mut self) {
        unlock_word(&OPEN_LOCK);
    }
}

/// Every stream, std ones first. `f` must not open or close a stream (the list is locked).
pub fn for_each_stream(mut f: impl FnMut(*mut File)) {
    f(STDIN_FILE.get());
    f(STDOUT_FILE.get());
    f(STDERR_FILE.get());
    let _list = OpenList::lock();
    // SAFETY: the list is locked and only holds live streams (fclose unlinks first).
    let mut p = unsafe { *OPEN.get() };
    while !p.is_null() {
        // SAFETY: as above: a live stream of the locked list.
        let next = unsafe { (*p).next };
        f(p);
        p = next;
    }
}

/// Link a new stream into the open list.
///
/// # Safety
/// `f` is a live, unlinked stream.
pub unsafe fn link(f: *mut File) {
    let _list = OpenList::lock();
    // SAFETY: the list is locked; `f` per the caller.
    unsafe {
        (*f).next = *OPEN.get();
        *OPEN.get() = f;
    }
}

/// Remove a stream from the open list.
///
/// # Safety
/// `f` is a live stream.
pub unsafe fn unlink(f: *mut File) {
    let _list = OpenList::lock();
    // SAFETY: the list is locked; it holds live streams only.
    unsafe {
        let mut pp: *mut *mut File = OPEN.get();
        while !(*pp).is_null() {
            if *pp == f {
                *pp = (*f).next;
                return;
            }
            pp = addr_of_mut!((**pp).next);
        }
    }
}

/// Make sure the stream has a buffer and a decided buffering mode.
///
/// # Safety
/// `f` is a live stream.
unsafe fn ensure_buffer(f: &mut File) {
    if f.buffering == Buffering::Auto {
        f.buffering = if sys::isatty(f.fd) { Buffering::Line } else { Buffering::Full };
    }
    if !f.buf_base.is_null() {
        return;
    }
    let (base, len) = if f.buffering == Buffering::None {
        (f.short_buf.as_mut_ptr(), 1)
    } else if f.is_static && f.fd == 0 {
        (STDIN_BUF.get() as *mut u8, BUFSIZ)
    } else if f.is_static && f.fd == 1 {
        (STDOUT_BUF.get() as *mut u8, BUFSIZ)
    } else {
        let p = sys::malloc(BUFSIZ) as *mut u8;
        if p.is_null() {
            f.buffering = Buffering::None;
            (f.short_buf.as_mut_ptr(), 1)
        } else {
            f.owns_buf = true;
            (p, BUFSIZ)
        }
    };
    f.buf_base = base;
    // SAFETY: len bytes at base.
    f.buf_end = unsafe { base.add(len) };
    f.read_base = base;
    f.read_ptr = base;
    f.read_end = base;
    f.write_base = base;
    f.write_ptr = base;
    f.write_end = base;
}

/// Install a caller's buffer or policy (`setvbuf`); only before any I/O.
///
/// # Safety
/// `f` is live; `buf` is NULL or valid for `size` bytes for the stream's life.
pub unsafe fn set_buffer(f: &mut File, buf: *mut u8, mode: Buffering, size: usize) -> bool {
    if f.reading() || f.writing() {
        return false;
    }
    if f.owns_buf {
        // SAFETY: our own malloc'd buffer.
        unsafe { sys::free(f.buf_base as *mut c_void) };
        f.owns_buf = false;
    }
    f.buffering = mode;
    f.buf_base = null_mut();
    if mode != Buffering::None && !buf.is_null() && size > 0 {
        f.buf_base = buf;
        // SAFETY: per the caller.
        f.buf_end = unsafe { buf.add(size) };
        f.read_base = buf;
        f.read_ptr = buf;
        f.read_end = buf;
        f.write_base = buf;
        f.write_ptr = buf;
        f.write_end = buf;
    } else {
        f.read_base = null_mut();
        f.read_ptr = null_mut();
        f.read_end = null_mut();
        f.write_base = null_mut();
        f.write_ptr = null_mut();
        f.write_end = null_mut();
    }
    true
}

/// Write out pending output. Returns false (and sets the error flag) on a write error.
pub fn flush_write(f: &mut File) -> bool {
    let n = f.write_ptr as usize - f.write_base as usize;
    if n == 0 {
        return true;
    }
    // SAFETY: [write_base, write_ptr) is initialized buffer content.
    let data = unsafe { core::slice::from_raw_parts(f.write_base, n) };
    let ok = sys::write_all(f.fd, data);
    f.write_ptr = f.write_base;
    if !ok {
        f.set_error();
    }
    ok
}

/// Leave read mode: give back read-ahead bytes to the descriptor (seekable files) and empty the
/// buffer.
fn drop_read(f: &mut File) {
    if !f.reading() {
        return;
    }
    let unread = f.buffered_unread();
    if unread > 0 {
        // Not seekable (pipe, terminal): read-ahead is lost, as with glibc.
        sys::lseek(f.fd, -(unread as i64), 1);
    }
    if !f.saved_ptr.is_null() {
        f.saved_ptr = null_mut();
        f.saved_end = null_mut();
    }
    f.pushback_len = 0;
    f.read_base = f.buf_base;
    f.read_ptr = f.buf_base;
    f.read_end = f.buf_base;
}

/// Enter write mode (after reading) and set the write limit for the buffering policy.
///
/// # Safety
/// `f` is live.
pub unsafe fn start_write(f: &mut File) -> bool {
    if !f.writable {
        f.set_error();
        crate::errno::set(crate::Errno::EBADF);
        return false;
    }
    // SAFETY: forwarded.
    unsafe { ensure_buffer(f) };
    drop_read(f);
    if f.append && !f.writing() {
        sys::lseek(f.fd, 0, 2);
    }
    if !f.writing() {
        f.write_base = f.buf_base;
        f.write_ptr = f.buf_base;
    }
    f.write_end = if f.buffering == Buffering::Full { f.buf_end } else { f.buf_base };
    true
}

/// Put one byte through the buffering policy (the slow path of putc; glibc's `__overflow`).
///
/// # Safety
/// `f` is live.
pub unsafe fn put_byte(f: &mut File, c: u8) -> c_int {
    // SAFETY: forwarded.
    if !unsafe { start_write(f) } {
        return EOF;
    }
    if f.write_ptr == f.buf_end && !flush_write(f) {
        return EOF;
    }
    // SAFETY: write_ptr < buf_end after the flush.
    unsafe {
        *f.write_ptr = c;
        f.write_ptr = f.write_ptr.add(1);
    }
    let must_flush = match f.buffering {
        Buffering::None => true,
        Buffering::Line => c == b'\n' || f.write_ptr == f.buf_end,
        _ => false,
    };
    if must_flush && !flush_write(f) {
        return EOF;
    }
    c as c_int
}

/// Write `data` through the buffering policy; returns bytes accepted.
///
/// # Safety
/// `f` is live.
pub unsafe fn put_bytes(f: &mut File, data: &[u8]) -> usize {
    // SAFETY: forwarded.
    if data.is_empty() || !unsafe { start_write(f) } {
        return 0;
    }
    if f.buffering == Buffering::Line {
        // Like glibc: everything up to the last newline is written out now, the rest buffered.
        if let Some(nl) = data.iter().rposition(|&c| c == b'\n') {
            // SAFETY: forwarded.
            let head = unsafe { put_bytes_policy(f, &data[..=nl], true) };
            if head <= nl {
                return head;
            }
            // SAFETY: forwarded.
            return head + unsafe { put_bytes_policy(f, &data[nl + 1..], false) };
        }
        // SAFETY: forwarded.
        return unsafe { put_bytes_policy(f, data, false) };
    }
    // SAFETY: forwarded.
    unsafe { put_bytes_policy(f, data, false) }
}

/// [`put_bytes`] after the line split: buffer `data` when it fits (flushing when `flush` or the
/// buffer is full), else write through.
///
/// # Safety
/// `f` is live and in write mode.
unsafe fn put_bytes_policy(f: &mut File, data: &[u8], flush_after: bool) -> usize {
    if data.is_empty() {
        return 0;
    }
    let cap = f.buf_end as usize - f.buf_base as usize;
    let room = f.buf_end as usize - f.write_ptr as usize;
    if f.buffering != Buffering::None && data.len() <= room {
        // SAFETY: room bytes free after write_ptr.
        unsafe {
            crate::string::memcpy(f.write_ptr as *mut c_void, data.as_ptr() as *const c_void, data.len());
            f.write_ptr = f.write_ptr.add(data.len());
        }
        if (flush_after || f.write_ptr == f.buf_end) && !flush_write(f) {
            return 0;
        }
        return data.len();
    }
    // Too big for the buffer (or unbuffered): flush what is pending, then write straight through
    // except for a tail that fits, which goes to the buffer.
    if !flush_write(f) {
        return 0;
    }
    let direct = if f.buffering == Buffering::Full || (f.buffering == Buffering::Line && !flush_after) {
        data.len() - data.len() % cap.max(1)
    } else {
        data.len()
    };
    if direct > 0 && !sys::write_all(f.fd, &data[..direct]) {
        f.set_error();
        return 0;
    }
    let rest = &data[direct..];
    if !rest.is_empty() {
        // SAFETY: rest.len() < cap.
        unsafe {
            crate::string::memcpy(f.write_ptr as *mut c_void, rest.as_ptr() as *const c_void, rest.len());
            f.write_ptr = f.write_ptr.add(rest.len());
        }
    }
    data.len()
}

/// Flush every line-buffered output stream (done before reading from an interactive stream, so
/// prompts appear, as glibc does).
fn flush_line_buffered() {
    for_each_stream(|p| {
        // SAFETY: live streams from the list.
        let s = unsafe { &mut *p };
        if s.buffering == Buffering::Line && s.writing() {
            flush_write(s);
        }
    });
}

/// Enter read mode with unread bytes available (refilling as needed). Returns false at EOF or on
/// error, setting the matching flag.
///
/// # Safety
/// `f` is live.
pub unsafe fn fill(f: &mut File) -> bool {
    if f.read_ptr < f.read_end {
        return true;
    }
    if !f.saved_ptr.is_null() {
        // Pushback area consumed: return to the main buffer.
        f.read_ptr = f.saved_ptr;
        f.read_end = f.saved_end;
        f.read_base = f.buf_base;
        f.saved_ptr = null_mut();
        f.saved_end = null_mut();
        f.pushback_len = 0;
        if f.read_ptr < f.read_end {
            return true;
        }
    }
    if !f.readable {
        f.set_error();
        crate::errno::set(crate::Errno::EBADF);
        return false;
    }
    // End of file is sticky, as in glibc since 2.28: no read after it until clearerr, a seek or
    // ungetc (on the console, a second read would wait for more typing after Ctrl-D).
    if f.eof() {
        return false;
    }
    // SAFETY: forwarded.
    unsafe { ensure_buffer(f) };
    if f.writing() && !flush_write(f) {
        return false;
    }
    f.write_ptr = f.write_base;
    f.write_end = f.write_base;
    if f.buffering != Buffering::Full {
        flush_line_buffered();
    }
    let cap = f.buf_end as usize - f.buf_base as usize;
    // SAFETY: the whole buffer is writable.
    let n = unsafe { sys::read(f.fd, f.buf_base, cap) };
    f.read_base = f.buf_base;
    f.read_ptr = f.buf_base;
    if n <= 0 {
        f.read_end = f.buf_base;
        if n == 0 {
            f.flags |= EOF_SEEN;
        } else {
            f.set_error();
        }
        return false;
    }
    // SAFETY: n <= cap.
    f.read_end = unsafe { f.buf_base.add(n as usize) };
    true
}

/// Push a byte back (ungetc): into the buffer when there is room before `read_ptr`, else into
/// the pushback area.
pub fn unget(f: &mut File, c: u8) -> bool {
    if !f.read_ptr.is_null() && f.read_ptr > f.read_base && f.saved_ptr.is_null() {
        // SAFETY: read_ptr - 1 is inside the buffer.
        unsafe {
            f.read_ptr = f.read_ptr.sub(1);
            *f.read_ptr = c;
        }
    } else {
        if f.saved_ptr.is_null() {
            if f.writing() && !flush_write(f) {
                return false;
            }
            f.write_ptr = f.write_base;
            f.write_end = f.write_base;
            f.saved_ptr = f.read_ptr;
            f.saved_end = f.read_end;
            f.pushback_len = 0;
        }
        let used = f.pushback_len as usize;
        if used == f.pushback.len() {
            return false;
        }
        // Keep the pushback bytes at the end of the area, read from read_ptr to read_end.
        let start = f.pushback.len() - used - 1;
        f.pushback[start] = c;
        f.pushback_len += 1;
        // SAFETY: indices inside the pushback array.
        unsafe {
            f.read_base = f.pushback.as_mut_ptr();
            f.read_ptr = f.pushback.as_mut_ptr().add(start);
            f.read_end = f.pushback.as_mut_ptr().add(f.pushback.len());
        }
    }
    f.flags &= !EOF_SEEN;
    true
}

/// Current position (ftell).
pub fn tell(f: &mut File) -> i64 {
    let pos = sys::lseek(f.fd, 0, 1);
    if pos < 0 {
        return -1;
    }
    let pending = f.write_ptr as usize - f.write_base as usize;
    if f.append && pending > 0 {
        let end = sys::lseek(f.fd, 0, 2);
        sys::lseek(f.fd, pos, 0);
        return end + pending as i64;
    }
    pos - f.buffered_unread() as i64 + pending as i64
}

/// Reposition (fseek): flush output, drop input, clear EOF.
pub fn seek(f: &mut File, off: i64, whence: c_int) -> bool {
    if f.writing() && !flush_write(f) {
        return false;
    }
    let off = if whence == 1 { off - f.buffered_unread() as i64 } else { off };
    // Drop read-ahead without the lseek-back drop_read would do (we seek absolutely next).
    f.saved_ptr = null_mut();
    f.saved_end = null_mut();
    f.pushback_len = 0;
    f.read_base = f.buf_base;
    f.read_ptr = f.buf_base;
    f.read_end = f.buf_base;
    f.write_ptr = f.write_base;
    f.write_end = f.write_base;
    if sys::lseek(f.fd, off, whence) < 0 {
        return false;
    }
    f.flags &= !EOF_SEEN;
    true
}

/// Flush and release a stream (fclose). Returns false if flushing or closing failed.
///
/// # Safety
/// `f` is live and not used afterwards.
pub unsafe fn close(fp: *mut File) -> bool {
    // SAFETY: per the caller.
    let f = unsafe { &mut *fp };
    let mut ok = if f.writing() { flush_write(f) } else { true };
    if f.reading() {
        drop_read(f);
    }
    if sys::close(f.fd) != 0 {
        ok = false;
    }
    if f.owns_buf {
        // SAFETY: our own malloc'd buffer.
        unsafe { sys::free(f.buf_base as *mut c_void) };
        f.owns_buf = false;
    }
    f.buf_base = null_mut();
    if f.is_static {
        f.readable = false;
        f.writable = false;
    } else {
        // SAFETY: a live stream from fopen/fdopen; freed after unlinking.
        unsafe {
            unlink(fp);
            sys::free(fp as *mut c_void);
        }
    }
    ok
}

/// Allocate and link a stream for `fd`.
pub fn new_stream(fd: c_int, readable: bool, writable: bool, append: bool) -> *mut File {
    let p = sys::malloc(core::mem::size_of::<File>()) as *mut File;
    if p.is_null() {
        crate::errno::set(crate::Errno::ENOMEM);
        return null_mut();
    }
    let mut f = File::new_static(fd, readable, writable, Buffering::Auto);
    f.is_static = false;
    f.append = append;
    // SAFETY: p is a fresh allocation of the right size and alignment (malloc gives 16).
    unsafe {
        p.write(f);
        link(p);
    }
    p
}
