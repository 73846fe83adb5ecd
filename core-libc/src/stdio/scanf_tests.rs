//! The scanf family (through the C shim's variadic entry points) against glibc's sscanf.

use crate::testkit::cstr;
use core::ffi::{c_char, c_int, c_void};

unsafe extern "C" {
    fn bf_sscanf(s: *const c_char, fmt: *const c_char, ...) -> c_int;
    fn bf_fscanf(f: *mut super::File, fmt: *const c_char, ...) -> c_int;
}

/// Every destination a test format may use, zero-initialized with a recognizable pattern.
#[derive(Debug, Clone)]
struct Dest {
    i: [i32; 3],
    l: i64,
    h: i16,
    c: i8,
    d: f64,
    f: f32,
    s: [u8; 16],
    n: i32,
}

impl PartialEq for Dest {
    fn eq(&self, o: &Dest) -> bool {
        // Floats by bits, so NaNs compare.
        (self.i, self.l, self.h, self.c, self.d.to_bits(), self.f.to_bits(), self.s, self.n)
            == (o.i, o.l, o.h, o.c, o.d.to_bits(), o.f.to_bits(), o.s, o.n)
    }
}

fn fresh() -> Dest {
    Dest { i: [-7; 3], l: -7, h: -7, c: -7, d: -7.0, f: -7.0, s: [b'z'; 16], n: -7 }
}

/// Run `fmt` (whose conversions are given by `kinds`, one char each: i l h c d f s n) on `input`
/// with both implementations.
fn both(input: &str, fmt: &str, kinds: &str) -> ((c_int, Dest), (c_int, Dest)) {
    let inp = cstr(input);
    let f = cstr(fmt);
    let run = |ours: bool| -> (c_int, Dest) {
        let mut d = fresh();
        let mut ptrs: Vec<*mut c_void> = Vec::new();
        let mut ii = 0;
        for k in kinds.chars() {
            ptrs.push(match k {
                'i' => {
                    ii += 1;
                    &mut d.i[ii - 1] as *mut i32 as *mut c_void
                }
                'l' => &mut d.l as *mut i64 as *mut c_void,
                'h' => &mut d.h as *mut i16 as *mut c_void,
                'c' => &mut d.c as *mut i8 as *mut c_void,
                'd' => &mut d.d as *mut f64 as *mut c_void,
                'f' => &mut d.f as *mut f32 as *mut c_void,
                's' => d.s.as_mut_ptr() as *mut c_void,
                _ => &mut d.n as *mut i32 as *mut c_void,
            });
        }
        while ptrs.len() < 4 {
            ptrs.push(core::ptr::null_mut());
        }
        let (s, fp) = (inp.as_ptr() as *const c_char, f.as_ptr() as *const c_char);
        // SAFETY: destinations match the format (by construction of `kinds`).
        let r = unsafe {
            if ours {
                bf_sscanf(s, fp, ptrs[0], ptrs[1], ptrs[2], ptrs[3])
            } else {
                libc::sscanf(s, fp, ptrs[0], ptrs[1], ptrs[2], ptrs[3])
            }
        };
        (r, d)
    };
    (run(true), run(false))
}

#[test]
fn sscanf_matches_glibc() {
    let _g = crate::testkit::errno_lock();
    let cases: &[(&str, &str, &str)] = &[
        ("1e", "%lf", "d"),
        ("1e+", "%lf%n", "dn"),
        ("-", "%d", "i"),
        ("0x", "%x", "i"),
        ("0xg", "%i%n", "in"),
        ("", "%d", "i"),
        ("  ", "%d", "i"),
        ("", "%n", "n"),
        ("", "abc", ""),
        ("x", "%d", "i"),
        ("12 34", "%d%%%d", "ii"),
        ("12%34", "%d %% %d", "ii"),
        ("abc", "%2c%n", "sn"),
        ("ab", "%5c", "s"),
        ("nan(12)x", "%lf%n", "dn"),
        ("infinity", "%lf%n", "dn"),
        ("infx", "%lf%n", "dn"),
        ("inf", "%lf", "d"),
        ("-in", "%lf", "d"),
        ("0x1p", "%lf%n", "dn"),
        ("0x.", "%lf%n", "dn"),
        (".", "%lf", "d"),
        ("4294967297", "%d", "i"),
        ("99999999999999999999", "%ld", "l"),
        ("-1", "%u", "i"),
        ("+5", "%x", "i"),
        (" a]b", "%[]a]%n", "sn"),
        ("abc", "%[^c]%n", "sn"),
        ("a-c", "%[a-]%n", "sn"),
        ("12345", "%3d%d", "ii"),
        ("0777", "%i", "i"),
        ("08", "%i%n", "in"),
        ("  hello world", "%s%n", "sn"),
        ("3.25 -17 word", "%f %hd %5s", "fhs"),
        ("a=1,b=2", "a=%d,b=%d", "ii"),
        ("1 2 3", "%*d %d %d", "ii"),
        ("70000", "%hd", "h"),
        ("300", "%hhd", "c"),
        ("1.5e-3", "%le", "d"),
        ("0x1.8p3", "%la", "d"),
        ("  -0", "%lg", "d"),
        ("42", "%2$d %1$n", "ni"),
        ("7 8", "%2$d %1$d", "ii"),
        ("abc", "%*s%n", "n"),
        ("x", "%c", "c"),
        ("xyz", "%*c%c", "c"),
        ("1.0e999", "%lf", "d"),
        ("12abc", "%d%s", "is"),
        ("\n\t 5", " %d", "i"),
        ("5", "%d%d", "ii"),
        ("0x1A", "%p", "l"),
    ];
    for &(input, fmt, kinds) in cases {
        let (ours, theirs) = both(input, fmt, kinds);
        assert_eq!(ours, theirs, "sscanf({input:?}, {fmt:?})");
    }
}

#[test]
fn sscanf_random_numbers_match_glibc() {
    let _g = crate::testkit::errno_lock();
    let mut rng = crate::testkit::Rng::new(51);
    for _ in 0..3000 {
        let len = rng.below(14) as usize;
        let alphabet = b"0123456789+-.eExXpabcfinIN \t";
        let input: String = (0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char).collect();
        for (fmt, kinds) in [
            ("%lf%n", "dn"),
            ("%i%n", "in"),
            ("%x%n", "in"),
            ("%3lf%n", "dn"),
            ("%2i%d%n", "iin"),
            ("%f%n", "fn"),
            ("%5s%n", "sn"),
            ("%[0-9a-f]%n", "sn"),
        ] {
            let (ours, theirs) = both(&input, fmt, kinds);
            if kinds.starts_with('d') || kinds.starts_with('f') {
                // Compare float bits (NaN-safe).
                assert_eq!(
                    (ours.0, ours.1.d.to_bits(), ours.1.f.to_bits(), ours.1.n),
                    (theirs.0, theirs.1.d.to_bits(), theirs.1.f.to_bits(), theirs.1.n),
                    "sscanf({input:?}, {fmt:?})"
                );
            } else {
                assert_eq!(ours, theirs, "sscanf({input:?}, {fmt:?})");
            }
        }
    }
}

#[test]
fn sscanf_allocating_and_fscanf() {
    let _g = crate::testkit::errno_lock();
    let mut p: *mut c_char = core::ptr::null_mut();
    let mut n = 0;
    // SAFETY: %ms stores a malloc'd string pointer.
    unsafe {
        assert_eq!(bf_sscanf(c"  allocated rest".as_ptr(), c"%ms%n".as_ptr(), &mut p, &mut n), 1);
        assert_eq!(crate::testkit::from_c(p), b"allocated");
        assert_eq!(n, 11);
        super::sys::free(p as *mut c_void);
    }
    let path = std::env::temp_dir().join(format!("core-rt-scanf-{}", std::process::id()));
    std::fs::write(&path, b"10 20.5 word\nnext").unwrap();
    let c = cstr(path.to_str().unwrap());
    // SAFETY: live stream; destinations match the format.
    unsafe {
        let f = super::fopen(c.as_ptr() as *const c_char, c"r".as_ptr());
        let (mut a, mut d, mut s) = (0i32, 0f64, [0u8; 16]);
        assert_eq!(bf_fscanf(f, c"%d %lf %15s".as_ptr(), &mut a, &mut d, s.as_mut_ptr()), 3);
        assert_eq!((a, d), (10, 20.5));
        assert_eq!(crate::testkit::from_c(s.as_ptr() as *const c_char), b"word");
        // The lookahead byte (the newline) went back to the stream.
        assert_eq!(super::fgetc(f), b'\n' as c_int);
        assert_eq!(bf_fscanf(f, c"%d".as_ptr(), &mut a), 0);
        assert_eq!(super::fgetc(f), b'n' as c_int);
        super::fclose(f);
    }
    std::fs::remove_file(path).unwrap();
}
