//! FILE streams and the C shim's printf family, end to end: real files in a temp dir, pipes for
//! buffering policy, and the variadic C entry points compared with glibc's.

use super::*;
use crate::testkit::{Rng, cstr, from_c};
use core::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;

unsafe extern "C" {
    fn bf_snprintf(buf: *mut c_char, n: usize, fmt: *const c_char, ...) -> c_int;
    fn bf_sprintf(buf: *mut c_char, fmt: *const c_char, ...) -> c_int;
    fn bf_fprintf(f: *mut File, fmt: *const c_char, ...) -> c_int;
    fn bf_asprintf(out: *mut *mut c_char, fmt: *const c_char, ...) -> c_int;
    fn bf_dprintf(fd: c_int, fmt: *const c_char, ...) -> c_int;
}

fn temp_path(name: &str) -> (PathBuf, Vec<u8>) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!("core-rt-stdio-{}-{k}-{name}", std::process::id()));
    let c = cstr(p.to_str().unwrap());
    (p, c)
}

fn open(path: &[u8], mode: &str) -> *mut File {
    let m = cstr(mode);
    // SAFETY: NUL-terminated strings.
    let f = unsafe { fopen(path.as_ptr() as *const c_char, m.as_ptr() as *const c_char) };
    assert!(!f.is_null(), "fopen {mode} failed");
    f
}

#[test]
fn variadic_shim_matches_glibc_snprintf() {
    let _g = crate::testkit::errno_lock();
    let mut a = [0u8; 256];
    let mut b = [0u8; 256];
    let s = c"str";
    // SAFETY: matching arguments, buffers of their size.
    unsafe {
        let fmt = c"%d %5.2f %s %lld %c %#x %-8.3e|%g|%p %hhd %zu %%".as_ptr();
        let ra = bf_snprintf(
            a.as_mut_ptr() as *mut c_char,
            a.len(),
            fmt,
            -42,
            3.25159,
            s.as_ptr(),
            -1i64 << 40,
            b'Z' as c_int,
            255,
            12345.678,
            0.0f64,
            0x1234usize as *const c_void,
            300,
            77usize,
        );
        let rb = libc::snprintf(
            b.as_mut_ptr() as *mut c_char,
            b.len(),
            fmt,
            -42,
            3.25159,
            s.as_ptr(),
            -1i64 << 40,
            b'Z' as c_int,
            255,
            12345.678,
            0.0f64,
            0x1234usize as *const c_void,
            300,
            77usize,
        );
        assert_eq!(ra, rb);
        assert_eq!(from_c(a.as_ptr() as *const c_char), from_c(b.as_ptr() as *const c_char));
        // Truncation: returns the full length, writes n - 1 bytes and a NUL.
        let r = bf_snprintf(a.as_mut_ptr() as *mut c_char, 5, c"%s-%d".as_ptr(), c"abcdef".as_ptr(), 12);
        assert_eq!(r, 9);
        assert_eq!(from_c(a.as_ptr() as *const c_char), b"abcd");
        assert_eq!(bf_snprintf(core::ptr::null_mut(), 0, c"%d".as_ptr(), 12345), 5);
        assert_eq!(bf_sprintf(a.as_mut_ptr() as *mut c_char, c"<%s>".as_ptr(), c"x".as_ptr()), 3);
        assert_eq!(from_c(a.as_ptr() as *const c_char), b"<x>");
        // Invalid wide character: -1 and EILSEQ.
        assert_eq!(bf_snprintf(a.as_mut_ptr() as *mut c_char, a.len(), c"%lc".as_ptr(), 0x263a), -1);
        assert_eq!(crate::errno::get(), libc::EILSEQ);
        let mut p: *mut c_char = core::ptr::null_mut();
        assert_eq!(bf_asprintf(&mut p, c"%s=%d".as_ptr(), c"key".as_ptr(), 99), 6);
        assert_eq!(from_c(p), b"key=99");
        sys::free(p as *mut c_void);
    }
}

#[test]
fn write_then_read_round_trip() {
    let _g = crate::testkit::errno_lock();
    let (path, c) = temp_path("rt");
    let f = open(&c, "w");
    let mut expect = Vec::new();
    let mut rng = Rng::new(31);
    // SAFETY: f is a live stream; buffers valid.
    unsafe {
        for i in 0..2000 {
            match rng.below(4) {
                0 => {
                    assert_eq!(fputc(b'a' as c_int + (i % 26), f), b'a' as c_int + (i % 26));
                    expect.push(b'a' + (i % 26) as u8);
                }
                1 => {
                    assert!(fputs(c"line\n".as_ptr(), f) >= 0);
                    expect.extend_from_slice(b"line\n");
                }
                2 => {
                    let n = rng.below(20000) as usize;
                    // No NUL bytes: the reader below uses fgets, which cannot report embedded NULs.
                    let data: Vec<u8> = (0..n).map(|_| (rng.next() as u8).max(1)).collect();
                    assert_eq!(fwrite(data.as_ptr() as *const c_void, 1, n, f), n);
                    expect.extend_from_slice(&data);
                }
                _ => {
                    let r = bf_fprintf(f, c"%d:%.3f;".as_ptr(), i, i as f64 / 7.0);
                    let s = format!("{i}:{:.3};", i as f64 / 7.0);
                    assert_eq!(r as usize, s.len());
                    expect.extend_from_slice(s.as_bytes());
                }
            }
        }
        assert_eq!(ftell(f), expect.len() as i64);
        assert_eq!(fclose(f), 0);
    }
    assert_eq!(std::fs::read(&path).unwrap(), expect);

    // Read it back in mixed ways.
    let f = open(&c, "r");
    let mut got = Vec::new();
    // SAFETY: live stream, buffers valid.
    unsafe {
        let mut line = [0u8; 100];
        loop {
            assert_eq!(ftell(f), got.len() as i64);
            match rng.below(4) {
                0 => {
                    let c = fgetc(f);
                    if c == EOF_C {
                        break;
                    }
                    if rng.below(3) == 0 {
                        assert_eq!(ungetc(c, f), c);
                        assert_eq!(fgetc(f), c);
                    }
                    got.push(c as u8);
                }
                1 => {
                    let p = fgets(line.as_mut_ptr() as *mut c_char, line.len() as c_int, f);
                    if p.is_null() {
                        break;
                    }
                    got.extend_from_slice(from_c(p));
                }
                _ => {
                    let mut buf = vec![0u8; rng.below(30000) as usize];
                    let n = fread(buf.as_mut_ptr() as *mut c_void, 1, buf.len(), f);
                    got.extend_from_slice(&buf[..n]);
                    if n < buf.len() {
                        break;
                    }
                }
            }
        }
        assert_eq!(feof(f), 1);
        assert_eq!(ferror(f), 0);
        // Seek around.
        assert_eq!(fseek(f, 10, 0), 0);
        assert_eq!(fgetc(f), expect[10] as c_int);
        assert_eq!(fseek(f, -3, 2), 0);
        assert_eq!(fgetc(f), expect[expect.len() - 3] as c_int);
        assert_eq!(fseek(f, -2, 1), 0);
        assert_eq!(ftell(f), expect.len() as i64 - 4);
        rewind(f);
        assert_eq!(fgetc(f), expect[0] as c_int);
        // Pushback beyond the buffer start.
        rewind(f);
        for k in 0..5 {
            assert_eq!(ungetc(b'0' as c_int + k, f), b'0' as c_int + k);
        }
        for k in (0..5).rev() {
            assert_eq!(fgetc(f), b'0' as c_int + k);
        }
        assert_eq!(fgetc(f), expect[0] as c_int);
        assert_eq!(fclose(f), 0);
    }
    assert_eq!(got, expect);
    std::fs::remove_file(path).unwrap();
}

const EOF_C: c_int = -1;

#[test]
fn update_and_append_modes() {
    let _g = crate::testkit::errno_lock();
    let (path, c) = temp_path("upd");
    std::fs::write(&path, b"hello world").unwrap();
    let f = open(&c, "r+");
    // SAFETY: live stream.
    unsafe {
        assert_eq!(fgetc(f), b'h' as c_int);
        assert_eq!(fseek(f, 0, 1), 0);
        assert_eq!(fputs(c"EL".as_ptr(), f), 1);
        assert_eq!(fseek(f, 0, 1), 0);
        assert_eq!(fgetc(f), b'l' as c_int);
        assert_eq!(fclose(f), 0);
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"hELlo world");
    let f = open(&c, "a");
    // SAFETY: live stream.
    unsafe {
        assert_eq!(fputs(c"!".as_ptr(), f), 1);
        assert_eq!(ftell(f), 12);
        assert_eq!(fclose(f), 0);
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"hELlo world!");
    let f = open(&c, "r");
    // SAFETY: live stream; getline allocates with malloc.
    unsafe {
        let mut line: *mut c_char = core::ptr::null_mut();
        let mut cap = 0usize;
        assert_eq!(getdelim(&mut line, &mut cap, b'o' as c_int, f), 5);
        assert_eq!(from_c(line), b"hELlo");
        assert_eq!(getline(&mut line, &mut cap, f), 7);
        assert_eq!(from_c(line), b" world!");
        assert_eq!(getline(&mut line, &mut cap, f), -1);
        sys::free(line as *mut c_void);
        fclose(f);
    }
    // Missing file: NULL and ENOENT.
    let (_, missing) = temp_path("missing");
    // SAFETY: NUL-terminated strings.
    unsafe {
        assert!(fopen(missing.as_ptr() as *const c_char, c"r".as_ptr()).is_null());
        assert_eq!(crate::errno::get(), libc::ENOENT);
        assert!(fopen(missing.as_ptr() as *const c_char, c"q".as_ptr()).is_null());
        assert_eq!(crate::errno::get(), libc::EINVAL);
    }
    std::fs::remove_file(path).unwrap();
}

/// Bytes currently readable from a non-blocking pipe.
fn drain(fd: c_int) -> Vec<u8> {
    let mut buf = [0u8; 4096];
    // SAFETY: valid buffer; fd is non-blocking.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) };
    if n <= 0 { Vec::new() } else { buf[..n as usize].to_vec() }
}

#[test]
fn buffering_policies_on_a_pipe() {
    let _g = crate::testkit::errno_lock();
    for (mode, name) in [(0, "full"), (1, "line"), (2, "none")] {
        let mut fds = [0; 2];
        // SAFETY: valid array; then the read end made non-blocking.
        unsafe {
            assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
            libc::fcntl(fds[0], libc::F_SETFL, libc::O_NONBLOCK);
        }
        // SAFETY: fds[1] is open for writing.
        let f = unsafe { fdopen(fds[1], c"w".as_ptr()) };
        // SAFETY: live stream, before any I/O.
        unsafe {
            assert_eq!(setvbuf(f, core::ptr::null_mut(), mode, 64), 0);
            fputs(c"abc".as_ptr(), f);
            let after_abc = drain(fds[0]);
            fputs(c"\nxy".as_ptr(), f);
            let after_nl = drain(fds[0]);
            match name {
                "full" => assert!(after_abc.is_empty() && after_nl.is_empty(), "{name}"),
                "line" => assert!(after_abc.is_empty() && after_nl == b"abc\n", "{name}"),
                _ => assert!(after_abc == b"abc" && after_nl == b"\nxy", "{name}"),
            }
            assert_eq!(fflush(f), 0);
            let rest = drain(fds[0]);
            let all: Vec<u8> = [after_abc, after_nl, rest].concat();
            assert_eq!(all, b"abc\nxy", "{name}");
            // Large writes bypass the buffer.
            let big = vec![b'z'; 1000];
            assert_eq!(fwrite(big.as_ptr() as *const c_void, 1, 1000, f), 1000);
            let mut got = drain(fds[0]);
            fflush(f);
            got.extend(drain(fds[0]));
            assert_eq!(got, big, "{name}");
            assert_eq!(fclose(f), 0);
            libc::close(fds[0]);
        }
    }
}

#[test]
fn dprintf_and_perror_write_to_descriptors() {
    let _g = crate::testkit::errno_lock();
    let (path, c) = temp_path("dp");
    // SAFETY: valid path; fd closed at the end.
    unsafe {
        let fd = libc::open(c.as_ptr() as *const c_char, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC, 0o644);
        assert!(fd >= 0);
        let long = "x".repeat(1000);
        let lc = cstr(&long);
        assert_eq!(bf_dprintf(fd, c"%s|%05d\n".as_ptr(), lc.as_ptr(), 42), 1007);
        libc::close(fd);
    }
    assert_eq!(std::fs::read(&path).unwrap(), format!("{}|00042\n", "x".repeat(1000)).into_bytes());
    std::fs::remove_file(path).unwrap();
}

#[test]
fn wide_character_stream_io_matches_glibc_in_the_c_locale() {
    unsafe extern "C" {
        #[link_name = "getwc"]
        fn glibc_getwc(f: *mut libc::FILE) -> u32;
        #[link_name = "putwc"]
        fn glibc_putwc(c: i32, f: *mut libc::FILE) -> u32;
    }
    use super::wide::{getwc, putwc, ungetwc};
    let _g = crate::testkit::errno_lock();
    let (p, c) = temp_path("wide");
    std::fs::write(&p, b"a\xc3\xa9").unwrap();
    // SAFETY: the streams are open files of this test, closed at the end.
    unsafe {
        let (ours, theirs) = (open(&c, "r+"), libc::fopen(c.as_ptr() as *const c_char, c"r+".as_ptr()));
        assert!(!theirs.is_null());
        // ASCII reads as itself; the first byte >= 0x80 is EILSEQ and WEOF in both.
        assert_eq!((getwc(ours), glibc_getwc(theirs)), (u32::from(b'a'), u32::from(b'a')));
        crate::errno::set(crate::Errno::EINVAL);
        *libc::__errno_location() = 0;
        assert_eq!((getwc(ours), glibc_getwc(theirs)), (u32::MAX, u32::MAX));
        assert_eq!((crate::errno::get(), *libc::__errno_location()), (libc::EILSEQ, libc::EILSEQ));
        // A character the C locale has no byte for cannot be written: EILSEQ at once here; glibc
        // accepts it into its wide buffer and fails when it converts the buffer (at the flush).
        assert_eq!(putwc(0xe9, ours), u32::MAX);
        assert_eq!(crate::errno::get(), libc::EILSEQ);
        assert_eq!(glibc_putwc(i32::from(b'z'), theirs), u32::from(b'z'));
        assert_eq!(putwc(i32::from(b'z'), ours), u32::from(b'z'));
        assert_eq!((ungetwc(u32::from(b'q'), ours), getwc(ours)), (u32::from(b'q'), u32::from(b'q')));
        assert_eq!(ungetwc(0xe9, ours), u32::MAX);
        assert_eq!(fclose(ours), 0);
        assert_eq!(libc::fclose(theirs), 0);
    }
    let _ = std::fs::remove_file(p);
}

#[test]
fn flockfile_excludes_other_threads_and_nests() {
    let (p, c) = temp_path("flockfile");
    let f = open(&c, "w") as usize;
    // A counter that only the holder of f's lock touches, read and written in two steps with a
    // yield between them: without the lock, the threads' steps interleave and lose counts.
    struct Counter(std::cell::UnsafeCell<u64>);
    // SAFETY: only accessed between flockfile and funlockfile of one stream.
    unsafe impl Sync for Counter {}
    let counter = std::sync::Arc::new(Counter(std::cell::UnsafeCell::new(0)));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let counter = counter.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    // SAFETY: f is open until every thread is joined; the counter is this
                    // thread's alone while it holds the lock.
                    unsafe {
                        flockfile(f as *mut File);
                        flockfile(f as *mut File); // nested
                        let v = *counter.0.get();
                        std::thread::yield_now();
                        *counter.0.get() = v + 1;
                        funlockfile(f as *mut File);
                        funlockfile(f as *mut File);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // SAFETY: every thread is joined.
    assert_eq!(unsafe { *counter.0.get() }, 800);
    // Held twice by this thread, the lock is another thread's to take only after both releases.
    // SAFETY: f is open.
    unsafe {
        flockfile(f as *mut File);
        assert_eq!(ftrylockfile(f as *mut File), 0);
        let other = || std::thread::spawn(move || ftrylockfile(f as *mut File)).join().unwrap();
        assert_ne!(other(), 0);
        funlockfile(f as *mut File);
        assert_ne!(other(), 0);
        funlockfile(f as *mut File);
        assert_eq!(other(), 0); // that thread ended holding it; a dead owner is not detected
        assert_eq!(fclose(f as *mut File), 0);
    }
    let _ = std::fs::remove_file(p);
}

#[test]
fn lines_written_by_several_threads_stay_whole() {
    let (p, c) = temp_path("threads");
    let f = open(&c, "w") as usize;
    let threads: Vec<_> = (0..4u8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..300 {
                    let line = cstr(&format!("thread {t} line {i:03} {}\n", "x".repeat(40 + 7 * usize::from(t))));
                    let fmt = cstr("%s");
                    // SAFETY: f is open until every thread is joined; NUL-terminated strings.
                    unsafe {
                        if i % 2 == 0 {
                            fputs(line.as_ptr() as *const c_char, f as *mut File);
                        } else {
                            bf_fprintf(f as *mut File, fmt.as_ptr() as *const c_char, line.as_ptr() as *const c_char);
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // SAFETY: every writer is joined.
    assert_eq!(unsafe { fclose(f as *mut File) }, 0);
    let text = std::fs::read_to_string(&p).unwrap();
    let mut seen = [0usize; 4];
    for line in text.lines() {
        let t: usize = line.strip_prefix("thread ").and_then(|r| r[..1].parse().ok()).expect(line);
        assert_eq!(line, format!("thread {t} line {:03} {}", seen[t], "x".repeat(40 + 7 * t)), "a torn line");
        seen[t] += 1;
    }
    assert_eq!(seen, [300; 4]);
    let _ = std::fs::remove_file(p);
}
