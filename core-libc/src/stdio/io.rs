//! The C stream functions on top of `file.rs`: open/close, byte/line/block I/O, positioning,
//! status, buffering control, and the `stdin`/`stdout`/`stderr` globals.

use super::file::{self, Buffering, EOF, EOF_SEEN, ERR_SEEN, File, STDERR_FILE, STDIN_FILE, STDOUT_FILE};
use super::{SyncCell, sys};
use crate::Errno;
use core::ffi::{c_char, c_int, c_void};
use core::ptr::null_mut;

/// `FILE *stdin` (a data symbol, as in glibc).
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static stdin: SyncCell<*mut File> = SyncCell::new(STDIN_FILE.get());
symbol_registry::register!(static stdin);
/// `FILE *stdout`.
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static stdout: SyncCell<*mut File> = SyncCell::new(STDOUT_FILE.get());
symbol_registry::register!(static stdout);
/// `FILE *stderr`.
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static stderr: SyncCell<*mut File> = SyncCell::new(STDERR_FILE.get());
symbol_registry::register!(static stderr);

/// Linux open(2) flags used by fopen.
mod o {
    use core::ffi::c_int;
    pub const RDONLY: c_int = 0;
    pub const WRONLY: c_int = 1;
    pub const RDWR: c_int = 2;
    pub const CREAT: c_int = 0o100;
    pub const EXCL: c_int = 0o200;
    pub const TRUNC: c_int = 0o1000;
    pub const APPEND: c_int = 0o2000;
    pub const CLOEXEC: c_int = 0o2000000;
}

/// Parsed fopen mode: (open flags, readable, writable, append).
fn parse_mode(mode: &[u8]) -> Option<(c_int, bool, bool, bool)> {
    let (mut flags, mut r, mut w, append) = match mode.first()? {
        b'r' => (o::RDONLY, true, false, false),
        b'w' => (o::WRONLY | o::CREAT | o::TRUNC, false, true, false),
        b'a' => (o::WRONLY | o::CREAT | o::APPEND, false, true, true),
        _ => return None,
    };
    for &c in &mode[1..] {
        match c {
            b'+' => {
                flags = (flags & !(o::WRONLY | o::RDONLY)) | o::RDWR;
                r = true;
                w = true;
            }
            b'x' => flags |= o::EXCL,
            b'e' => flags |= o::CLOEXEC,
            b',' => break, // ",ccs=..." : the only charset is the C locale's
            _ => {}        // 'b', 'm', 'c' have no effect here
        }
    }
    Some((flags, r, w, append))
}

/// A stream reference from a C pointer.
///
/// # Safety
/// `f` is a live stream.
unsafe fn stream<'a>(f: *mut File) -> &'a mut File {
    // SAFETY: per the caller.
    unsafe { &mut *f }
}

/// `f`'s lock for the call (dropped at its end) and the stream itself.
///
/// # Safety
/// `f` is live for the call.
unsafe fn locked<'a>(f: *mut File) -> (file::Locked, &'a mut File) {
    // SAFETY: per the caller.
    unsafe { (file::Locked::new(f), stream(f)) }
}

/// Flush every stream (`fflush(NULL)`), each under its lock if `locked`. `exit` flushes without
/// the locks (glibc's exit does the same): a thread blocked in a read holds its stream's lock, and
/// the process ends whatever the other threads are doing. Returns whether every flush succeeded.
fn flush_all(locked: bool) -> bool {
    let mut ok = true;
    file::for_each_stream(|p| {
        // SAFETY: a live stream of the list.
        let _locked = locked.then(|| unsafe { file::Locked::new(p) });
        // SAFETY: as above.
        ok &= file::flush_write(unsafe { stream(p) });
    });
    ok
}

/// At `exit`: [`flush_all`] without the streams' locks.
pub fn flush_at_exit() {
    flush_all(false);
}

crate::libc_fn! {
    /// `FILE *fopen(const char *path, const char *mode)`.
    ///
    /// # Safety
    /// Both arguments NUL-terminated.
    fn fopen(path: *const c_char, mode: *const c_char) -> *mut File = null_mut(); {
        // SAFETY: per the caller.
        let m = unsafe { core::ffi::CStr::from_ptr(mode) }.to_bytes();
        let (flags, r, w, append) = parse_mode(m).ok_or(Errno::EINVAL)?;
        // SAFETY: path is NUL-terminated.
        let fd = unsafe { sys::open(path, flags, 0o666) };
        if fd < 0 {
            return Ok(null_mut()); // errno set by open
        }
        let f = file::new_stream(fd, r, w, append);
        if f.is_null() {
            sys::close(fd);
            return Err(Errno::ENOMEM);
        }
        Ok(f)
    }

    /// `FILE *fopen64(const char *path, const char *mode)`.
    alias fn fopen64(path: *const c_char, mode: *const c_char) -> *mut File = fopen;

    /// `FILE *fdopen(int fd, const char *mode)`.
    ///
    /// # Safety
    /// `mode` NUL-terminated.
    fn fdopen(fd: c_int, mode: *const c_char) -> *mut File = null_mut(); {
        // SAFETY: per the caller.
        let m = unsafe { core::ffi::CStr::from_ptr(mode) }.to_bytes();
        let (_, r, w, append) = parse_mode(m).ok_or(Errno::EINVAL)?;
        if fd < 0 {
            return Err(Errno::EBADF);
        }
        Ok(file::new_stream(fd, r, w, append))
    }

    /// `FILE *freopen(const char *path, const char *mode, FILE *f)`: reopen `f` on `path`
    /// (a NULL path, which would change only the mode, is not supported: EINVAL).
    ///
    /// # Safety
    /// `f` live; strings NUL-terminated.
    fn freopen(path: *const c_char, mode: *const c_char, f: *mut File) -> *mut File = null_mut(); {
        // SAFETY: per the caller.
        let m = unsafe { core::ffi::CStr::from_ptr(mode) }.to_bytes();
        let (flags, r, w, append) = parse_mode(m).ok_or(Errno::EINVAL)?;
        if path.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: per the caller.
        let s = unsafe { stream(f) };
        file::flush_write(s);
        file::seek(s, 0, 1);
        sys::close(s.fd);
        // SAFETY: path NUL-terminated.
        let fd = unsafe { sys::open(path, flags, 0o666) };
        if fd < 0 {
            return Ok(null_mut());
        }
        s.fd = fd;
        s.readable = r;
        s.writable = w;
        s.append = append;
        s.flags &= !(EOF_SEEN | ERR_SEEN);
        Ok(f)
    }

    /// `FILE *freopen64(const char *path, const char *mode, FILE *f)` (glibc's large-file name).
    alias fn freopen64(path: *const c_char, mode: *const c_char, f: *mut File) -> *mut File = freopen;

    /// `int fclose(FILE *f)`.
    ///
    /// # Safety
    /// `f` live; not used afterwards.
    fn fclose(f: *mut File) -> c_int {
        // SAFETY: per the caller.
        if unsafe { file::close(f) } { 0 } else { EOF }
    }

    /// `int fflush(FILE *f)`: NULL flushes every output stream.
    ///
    /// # Safety
    /// `f` NULL or live.
    fn fflush(f: *mut File) -> c_int {
        if f.is_null() {
            return if flush_all(true) { 0 } else { EOF };
        }
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        if !file::flush_write(s) {
            return EOF;
        }
        if s.buffered_unread() > 0 {
            // fflush on an input stream drops its read-ahead (and gives the bytes back to a
            // seekable descriptor), as glibc does.
            file::seek(s, 0, 1);
        }
        0
    }

    /// `int fflush_unlocked(FILE *f)`.
    alias fn fflush_unlocked(f: *mut File) -> c_int = fflush;

    /// `int fputc(int c, FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn fputc(c: c_int, f: *mut File) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        if s.write_ptr < s.write_end {
            // SAFETY: room in the buffer (fully buffered write mode).
            unsafe {
                *s.write_ptr = c as u8;
                s.write_ptr = s.write_ptr.add(1);
            }
            return c as u8 as c_int;
        }
        // SAFETY: live stream.
        unsafe { file::put_byte(s, c as u8) }
    }

    /// `int putc(int c, FILE *f)`.
    alias fn putc(c: c_int, f: *mut File) -> c_int = fputc;

    /// `int fputc_unlocked(int c, FILE *f)`.
    alias fn fputc_unlocked(c: c_int, f: *mut File) -> c_int = fputc;

    /// `int putc_unlocked(int c, FILE *f)`.
    alias fn putc_unlocked(c: c_int, f: *mut File) -> c_int = fputc;

    /// `int putchar(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn putchar(c: c_int) -> c_int {
        // SAFETY: stdout is live.
        unsafe { fputc(c, *stdout.get()) }
    }

    /// `int putchar_unlocked(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn putchar_unlocked(c: c_int) -> c_int {
        // SAFETY: stdout is live.
        unsafe { fputc(c, *stdout.get()) }
    }

    /// `int __overflow(FILE *f, int c)`: glibc's slow path of an inlined `putc_unlocked`.
    ///
    /// # Safety
    /// `f` live.
    fn __overflow(f: *mut File, c: c_int) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        if c == EOF {
            // SAFETY: per the caller.
            return if file::flush_write(unsafe { stream(f) }) { 0 } else { EOF };
        }
        // SAFETY: per the caller.
        unsafe { file::put_byte(stream(f), c as u8) }
    }

    /// `size_t fwrite(const void *p, size_t size, size_t n, FILE *f)`.
    ///
    /// # Safety
    /// `p` valid for `size * n` reads; `f` live.
    fn fwrite(p: *const c_void, size: usize, n: usize, f: *mut File) -> usize {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        let Some(total) = size.checked_mul(n) else { return 0 };
        if total == 0 {
            return 0;
        }
        // SAFETY: per the caller.
        let data = unsafe { core::slice::from_raw_parts(p as *const u8, total) };
        // SAFETY: per the caller.
        let done = unsafe { file::put_bytes(stream(f), data) };
        done / size
    }

    /// `size_t fwrite_unlocked(const void *p, size_t size, size_t n, FILE *f)`.
    alias fn fwrite_unlocked(p: *const c_void, size: usize, n: usize, f: *mut File) -> usize = fwrite;

    /// `int fputs(const char *s, FILE *f)`.
    ///
    /// # Safety
    /// `s` NUL-terminated; `f` live.
    fn fputs(s: *const c_char, f: *mut File) -> c_int {
        // SAFETY: per the caller.
        let n = unsafe { crate::string::c_strlen(s as *const u8) };
        // SAFETY: n readable bytes.
        if n == 0 || unsafe { fwrite(s as *const c_void, 1, n, f) } == n { 1 } else { EOF }
    }

    /// `int fputs_unlocked(const char *s, FILE *f)`.
    alias fn fputs_unlocked(s: *const c_char, f: *mut File) -> c_int = fputs;

    /// `int puts(const char *s)`: `s` and a newline to stdout.
    ///
    /// # Safety
    /// `s` NUL-terminated.
    fn puts(s: *const c_char) -> c_int {
        // SAFETY: stdout is live; s per the caller. The line and its newline are one step.
        unsafe {
            let out = *stdout.get();
            let _locked = file::Locked::new(out);
            if fputs(s, out) == EOF || fputc(b'\n' as c_int, out) == EOF {
                return EOF;
            }
        }
        1
    }

    /// `int fgetc(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn fgetc(f: *mut File) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        // SAFETY: live stream; read_ptr < read_end after a successful fill.
        unsafe {
            if s.read_ptr >= s.read_end && !file::fill(s) {
                return EOF;
            }
            let c = *s.read_ptr;
            s.read_ptr = s.read_ptr.add(1);
            c as c_int
        }
    }

    /// `int getc(FILE *f)`.
    alias fn getc(f: *mut File) -> c_int = fgetc;

    /// `int fgetc_unlocked(FILE *f)`.
    alias fn fgetc_unlocked(f: *mut File) -> c_int = fgetc;

    /// `int getc_unlocked(FILE *f)`.
    alias fn getc_unlocked(f: *mut File) -> c_int = fgetc;

    /// `int getchar(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn getchar() -> c_int {
        // SAFETY: stdin is live.
        unsafe { fgetc(*stdin.get()) }
    }

    /// `int getchar_unlocked(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn getchar_unlocked() -> c_int {
        // SAFETY: stdin is live.
        unsafe { fgetc(*stdin.get()) }
    }

    /// `int __uflow(FILE *f)`: glibc's slow path of an inlined `getc_unlocked`.
    alias fn __uflow(f: *mut File) -> c_int = fgetc;

    /// `int __underflow(FILE *f)`: refill and peek (glibc internal used by some inlines).
    ///
    /// # Safety
    /// `f` live.
    fn __underflow(f: *mut File) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        // SAFETY: live stream.
        unsafe { if file::fill(s) { *s.read_ptr as c_int } else { EOF } }
    }

    /// `int ungetc(int c, FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn ungetc(c: c_int, f: *mut File) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        if c == EOF || !file::unget(s, c as u8) { EOF } else { c as u8 as c_int }
    }

    /// `size_t fread(void *p, size_t size, size_t n, FILE *f)`.
    ///
    /// # Safety
    /// `p` valid for `size * n` writes; `f` live.
    fn fread(p: *mut c_void, size: usize, n: usize, f: *mut File) -> usize {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        let Some(total) = size.checked_mul(n) else { return 0 };
        if total == 0 {
            return 0;
        }
        // SAFETY: per the caller.
        let s = unsafe { stream(f) };
        let dst = p as *mut u8;
        let mut done = 0usize;
        while done < total {
            let avail = s.read_end as usize - s.read_ptr as usize;
            if avail > 0 {
                let k = avail.min(total - done);
                // SAFETY: k bytes available on both sides.
                unsafe {
                    crate::string::memcpy(dst.add(done) as *mut c_void, s.read_ptr as *const c_void, k);
                    s.read_ptr = s.read_ptr.add(k);
                }
                done += k;
                continue;
            }
            let cap = s.buf_end as usize - s.buf_base as usize;
            let want = total - done;
            if s.eof() {
                break; // sticky, as in `file::fill`
            }
            if cap > 1 && want >= cap && s.saved_ptr.is_null() && s.readable && !s.writing_pending() {
                // Large read: straight into the caller's buffer.
                // SAFETY: want bytes writable at dst + done.
                let r = unsafe { sys::read(s.fd, dst.add(done), want - want % cap) };
                if r <= 0 {
                    s.flags |= if r == 0 { EOF_SEEN } else { ERR_SEEN };
                    break;
                }
                done += r as usize;
                continue;
            }
            // SAFETY: live stream.
            if !unsafe { file::fill(s) } {
                break;
            }
        }
        done / size
    }

    /// `size_t fread_unlocked(void *p, size_t size, size_t n, FILE *f)`.
    alias fn fread_unlocked(p: *mut c_void, size: usize, n: usize, f: *mut File) -> usize = fread;

    /// `char *fgets(char *buf, int n, FILE *f)`: a line (with its newline) of at most n-1 bytes.
    ///
    /// # Safety
    /// `buf` valid for `n` writes; `f` live.
    fn fgets(buf: *mut c_char, n: c_int, f: *mut File) -> *mut c_char {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        if n <= 0 {
            return null_mut();
        }
        // SAFETY: per the caller.
        let s = unsafe { stream(f) };
        let limit = n as usize - 1;
        let had_error = s.error();
        let mut done = 0usize;
        while done < limit {
            // SAFETY: live stream.
            if s.read_ptr >= s.read_end && !unsafe { file::fill(s) } {
                break;
            }
            let avail = s.read_end as usize - s.read_ptr as usize;
            let k = avail.min(limit - done);
            // SAFETY: k bytes readable at read_ptr.
            let chunk = unsafe { core::slice::from_raw_parts(s.read_ptr, k) };
            let take = chunk.iter().position(|&c| c == b'\n').map_or(k, |i| i + 1);
            // SAFETY: take <= limit - done bytes free in buf.
            unsafe {
                crate::string::memcpy(buf.add(done) as *mut c_void, s.read_ptr as *const c_void, take);
                s.read_ptr = s.read_ptr.add(take);
            }
            done += take;
            if take < k || chunk.get(take - 1) == Some(&b'\n') {
                break;
            }
        }
        // Like glibc: nothing read, or a read error during this call, gives NULL.
        if done == 0 || (!had_error && s.error()) {
            return null_mut();
        }
        // SAFETY: done <= n - 1.
        unsafe { *buf.add(done) = 0 };
        buf
    }

    /// `ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f)`: a malloc'd (grown as
    /// needed) record up to and including `delim`.
    ///
    /// # Safety
    /// `*line` NULL or malloc'd with `*cap` bytes; `f` live.
    fn getdelim(line: *mut *mut c_char, cap: *mut usize, delim: c_int, f: *mut File) -> isize = -1; {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        if line.is_null() || cap.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: per the caller.
        let s = unsafe { stream(f) };
        // SAFETY: per the caller.
        let (mut buf, mut size) = unsafe { (*line as *mut u8, *cap) };
        if buf.is_null() {
            size = 0;
        }
        let mut done = 0usize;
        loop {
            // SAFETY: live stream.
            if s.read_ptr >= s.read_end && !unsafe { file::fill(s) } {
                break;
            }
            let avail = s.read_end as usize - s.read_ptr as usize;
            // SAFETY: avail bytes readable.
            let chunk = unsafe { core::slice::from_raw_parts(s.read_ptr, avail) };
            let (take, found) = match chunk.iter().position(|&c| c == delim as u8) {
                Some(i) => (i + 1, true),
                None => (avail, false),
            };
            if done + take + 1 > size {
                let new = (done + take + 1).max(size * 2).max(120);
                // SAFETY: buf is NULL or from malloc.
                let nb = unsafe { sys::realloc(buf as *mut c_void, new) } as *mut u8;
                if nb.is_null() {
                    return Err(Errno::ENOMEM);
                }
                buf = nb;
                size = new;
                // SAFETY: per the caller.
                unsafe {
                    *line = buf as *mut c_char;
                    *cap = size;
                }
            }
            // SAFETY: take bytes fit after done.
            unsafe {
                crate::string::memcpy(buf.add(done) as *mut c_void, s.read_ptr as *const c_void, take);
                s.read_ptr = s.read_ptr.add(take);
            }
            done += take;
            if found {
                break;
            }
        }
        if done == 0 {
            return Ok(-1);
        }
        // SAFETY: the buffer has done + 1 bytes.
        unsafe { *buf.add(done) = 0 };
        Ok(done as isize)
    }

    /// `ssize_t getline(char **line, size_t *cap, FILE *f)`.
    ///
    /// # Safety
    /// As `getdelim`.
    fn getline(line: *mut *mut c_char, cap: *mut usize, f: *mut File) -> isize {
        // SAFETY: same contract.
        unsafe { getdelim(line, cap, b'\n' as c_int, f) }
    }

    /// `ssize_t __getdelim(char **line, size_t *cap, int delim, FILE *f)`.
    alias fn __getdelim(line: *mut *mut c_char, cap: *mut usize, delim: c_int, f: *mut File) -> isize = getdelim;

    /// `int fseeko(FILE *f, off_t off, int whence)`.
    ///
    /// # Safety
    /// `f` live.
    fn fseeko(f: *mut File, off: i64, whence: c_int) -> c_int = -1; {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        if !(0..=2).contains(&whence) {
            return Err(Errno::EINVAL);
        }
        // SAFETY: per the caller.
        Ok(if file::seek(unsafe { stream(f) }, off, whence) { 0 } else { -1 })
    }

    /// `int fseek(FILE *f, long off, int whence)`.
    alias fn fseek(f: *mut File, off: i64, whence: c_int) -> c_int = fseeko;

    /// `int fseeko64(FILE *f, off64_t off, int whence)`.
    alias fn fseeko64(f: *mut File, off: i64, whence: c_int) -> c_int = fseeko;

    /// `off_t ftello(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn ftello(f: *mut File) -> i64 {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        file::tell(s)
    }

    /// `long ftell(FILE *f)`.
    alias fn ftell(f: *mut File) -> i64 = ftello;

    /// `off64_t ftello64(FILE *f)`.
    alias fn ftello64(f: *mut File) -> i64 = ftello;

    /// `void rewind(FILE *f)`: seek to 0 and clear the error flag.
    ///
    /// # Safety
    /// `f` live.
    fn rewind(f: *mut File) {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        file::seek(s, 0, 0);
        s.flags &= !ERR_SEEN;
    }

    /// `int fgetpos(FILE *f, fpos_t *pos)`: the offset goes in the first 8 bytes of fpos_t.
    ///
    /// # Safety
    /// `f` live; `pos` writable fpos_t.
    fn fgetpos(f: *mut File, pos: *mut i64) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        let p = file::tell(s);
        if p < 0 {
            return -1;
        }
        // SAFETY: per the caller (fpos_t is 16 bytes; the mbstate half stays zero).
        unsafe {
            *pos = p;
            *pos.add(1) = 0;
        }
        0
    }

    /// `int fgetpos64(FILE *f, fpos64_t *pos)`.
    alias fn fgetpos64(f: *mut File, pos: *mut i64) -> c_int = fgetpos;

    /// `int fsetpos(FILE *f, const fpos_t *pos)`.
    ///
    /// # Safety
    /// `f` live; `pos` from fgetpos.
    fn fsetpos(f: *mut File, pos: *const i64) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        // SAFETY: per the caller.
        unsafe { fseeko(f, *pos, 0) }
    }

    /// `int fsetpos64(FILE *f, const fpos64_t *pos)`.
    alias fn fsetpos64(f: *mut File, pos: *const i64) -> c_int = fsetpos;

    /// `int feof(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn feof(f: *mut File) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        s.eof() as c_int
    }

    /// `int feof_unlocked(FILE *f)`.
    alias fn feof_unlocked(f: *mut File) -> c_int = feof;

    /// `int ferror(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn ferror(f: *mut File) -> c_int {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        s.error() as c_int
    }

    /// `int ferror_unlocked(FILE *f)`.
    alias fn ferror_unlocked(f: *mut File) -> c_int = ferror;

    /// `void clearerr(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn clearerr(f: *mut File) {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        s.flags &= !(EOF_SEEN | ERR_SEEN);
    }

    /// `void clearerr_unlocked(FILE *f)`.
    alias fn clearerr_unlocked(f: *mut File) = clearerr;

    /// `int fileno(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn fileno(f: *mut File) -> c_int {
        // SAFETY: per the caller.
        unsafe { stream(f) }.fd
    }

    /// `int fileno_unlocked(FILE *f)`.
    alias fn fileno_unlocked(f: *mut File) -> c_int = fileno;

    /// `int setvbuf(FILE *f, char *buf, int mode, size_t size)`: before any I/O only.
    ///
    /// # Safety
    /// `f` live; `buf` NULL or valid for `size` bytes while the stream lives.
    fn setvbuf(f: *mut File, buf: *mut c_char, mode: c_int, size: usize) -> c_int = -1; {
        // SAFETY: `f` is live for the call, per the caller.
        let _locked = unsafe { file::Locked::new(f) };
        let m = match mode {
            0 => Buffering::Full,
            1 => Buffering::Line,
            2 => Buffering::None,
            _ => return Err(Errno::EINVAL),
        };
        // SAFETY: per the caller.
        if unsafe { file::set_buffer(stream(f), buf as *mut u8, m, size) } { Ok(0) } else { Err(Errno::EINVAL) }
    }

    /// `void setbuf(FILE *f, char *buf)`: BUFSIZ bytes, or unbuffered when NULL.
    ///
    /// # Safety
    /// As `setvbuf` with BUFSIZ.
    fn setbuf(f: *mut File, buf: *mut c_char) {
        // SAFETY: same contract.
        unsafe { setvbuf(f, buf, if buf.is_null() { 2 } else { 0 }, file::BUFSIZ) };
    }

    /// `void setbuffer(FILE *f, char *buf, size_t size)`.
    ///
    /// # Safety
    /// As `setvbuf`.
    fn setbuffer(f: *mut File, buf: *mut c_char, size: usize) {
        // SAFETY: same contract.
        unsafe { setvbuf(f, buf, if buf.is_null() { 2 } else { 0 }, size) };
    }

    /// `void setlinebuf(FILE *f)`.
    ///
    /// # Safety
    /// `f` live.
    fn setlinebuf(f: *mut File) {
        // SAFETY: same contract.
        unsafe { setvbuf(f, null_mut(), 1, 0) };
    }

    /// `void perror(const char *s)`: "s: message\n" (or just the message) on stderr.
    ///
    /// # Safety
    /// `s` NULL or NUL-terminated.
    fn perror(s: *const c_char) {
        let msg = crate::strerror::message(crate::errno::get());
        // SAFETY: stderr is live; s per the caller.
        unsafe {
            let err = *stderr.get();
            if !s.is_null() && *s != 0 {
                fputs(s, err);
                fwrite(b": ".as_ptr() as *const c_void, 1, 2, err);
            }
            fwrite(msg.as_ptr() as *const c_void, 1, msg.len(), err);
            fputc(b'\n' as c_int, err);
        }
    }

    /// `void flockfile(FILE *f)`: take the stream's lock, waiting while another thread holds it
    /// (recursive): every stream function takes it for its call (`file::Locked`), so a sequence
    /// of calls between `flockfile` and `funlockfile` is one step for the other threads.
    ///
    /// # Safety
    /// `f` live.
    fn flockfile(f: *mut File) {
        // SAFETY: per the caller; shared, as other threads may lock it at the same time.
        unsafe { &*f }.lock();
    }

    /// `void funlockfile(FILE *f)`: give back one `flockfile` of this thread.
    ///
    /// # Safety
    /// `f` live.
    fn funlockfile(f: *mut File) {
        // SAFETY: as in `flockfile`.
        unsafe { &*f }.unlock();
    }

    /// `int ftrylockfile(FILE *f)`: `flockfile` if the lock is free or this thread's (0), else
    /// nonzero without waiting.
    ///
    /// # Safety
    /// `f` live.
    fn ftrylockfile(f: *mut File) -> c_int {
        // SAFETY: as in `flockfile`.
        if unsafe { &*f }.try_lock() { 0 } else { 1 }
    }

    /// `size_t __fpending(FILE *f)`: bytes waiting in the output buffer.
    ///
    /// # Safety
    /// `f` live.
    fn __fpending(f: *mut File) -> usize {
        // SAFETY: `f` is live for the call, per the caller.
        let (_locked, s) = unsafe { locked(f) };
        s.write_ptr as usize - s.write_base as usize
    }
}

impl File {
    fn writing_pending(&self) -> bool {
        self.write_ptr != self.write_base
    }
}
