//! The printf engine against glibc's `snprintf`: a matrix of flags, widths, precisions and length
//! modifiers over edge and random values, for every conversion.

use super::printf::{Arg, ArgSource, F80, Kind, Sink, format};
use crate::testkit::{Rng, cstr};
use core::ffi::{c_char, c_void};

struct VecArgs(Vec<Arg>, usize);

impl ArgSource for VecArgs {
    fn fetch(&mut self, _kind: Kind) -> Arg {
        let a = self.0[self.1];
        self.1 += 1;
        a
    }
}

struct VecSink(Vec<u8>);

impl Sink for VecSink {
    fn write(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
}

pub(crate) fn mine(fmt: &str, args: Vec<Arg>) -> Vec<u8> {
    let f = cstr(fmt);
    let mut sink = VecSink(Vec::new());
    // SAFETY: the format is NUL-terminated and the arguments match it.
    let n = unsafe { format(&mut sink, f.as_ptr() as *const c_char, &mut VecArgs(args, 0)) }.expect("format failed");
    assert_eq!(n, sink.0.len());
    sink.0
}

macro_rules! glibc {
    ($fmt:expr, $($a:expr),*) => {{
        let f = cstr($fmt);
        let mut buf = vec![0u8; 20000];
        // SAFETY: buffer of its length, matching argument.
        let n = unsafe { libc::snprintf(buf.as_mut_ptr() as *mut c_char, buf.len(), f.as_ptr() as *const c_char, $($a),*) };
        assert!(n >= 0 && (n as usize) < buf.len(), "glibc snprintf failed on {}", $fmt);
        buf.truncate(n as usize);
        buf
    }};
}

fn show(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

/// Every combination of flags, a few widths and precisions, for conversion `conv` with length `len`.
fn specs(len: &str, conv: char) -> Vec<String> {
    let flags = ["", "-", "+", " ", "#", "0", "-0", "+0", "#0", "- #", "+ ", "#-+0"];
    let widths = ["", "1", "6", "13", "30"];
    let precs = ["", ".", ".0", ".1", ".2", ".5", ".17", ".40"];
    let mut v = Vec::new();
    for f in flags {
        for w in widths {
            for p in precs {
                v.push(format!("[%{f}{w}{p}{len}{conv}]"));
            }
        }
    }
    v
}

#[test]
fn integers_match_glibc() {
    let mut rng = Rng::new(21);
    let mut vals: Vec<i64> = vec![
        0,
        1,
        -1,
        7,
        8,
        9,
        10,
        255,
        256,
        -255,
        i32::MAX as i64,
        i32::MIN as i64,
        i64::MAX,
        i64::MIN,
        u32::MAX as i64,
        65535,
        32768,
        -32768,
        127,
        -128,
    ];
    for _ in 0..12 {
        vals.push((rng.next() as i64) >> rng.below(64));
    }
    for conv in ['d', 'i', 'u', 'o', 'x', 'X'] {
        for len in ["hh", "h", "", "l", "ll", "j", "z", "t"] {
            for spec in specs(len, conv) {
                for &v in &vals {
                    let expect = match len {
                        "" | "hh" | "h" => glibc!(&spec, v as i32),
                        _ => glibc!(&spec, v),
                    };
                    let arg = match len {
                        "" | "hh" | "h" => Arg::Int(v as i32),
                        _ => Arg::Long(v),
                    };
                    assert_eq!(show(&mine(&spec, vec![arg])), show(&expect), "{spec} with {v}");
                }
            }
        }
    }
}

#[test]
fn strings_chars_pointers_match_glibc() {
    let strs = [cstr(""), cstr("a"), cstr("hello"), cstr("a longer string, 30 characters")];
    for spec in specs("", 's') {
        for s in &strs {
            let p = s.as_ptr() as *const c_char;
            assert_eq!(show(&mine(&spec, vec![Arg::Ptr(p as *mut c_void)])), show(&glibc!(&spec, p)), "{spec}");
        }
        let null = core::ptr::null::<c_char>();
        assert_eq!(show(&mine(&spec, vec![Arg::Ptr(null as *mut c_void)])), show(&glibc!(&spec, null)), "{spec} NULL");
    }
    for spec in specs("", 'c') {
        for c in [b'a' as i32, 0x41, 0xe9, 0x141] {
            assert_eq!(show(&mine(&spec, vec![Arg::Int(c)])), show(&glibc!(&spec, c)), "{spec} {c}");
        }
    }
    for spec in specs("", 'p') {
        for p in [0usize, 1, 0xdead_beef, usize::MAX] {
            let p = p as *mut c_void;
            assert_eq!(show(&mine(&spec, vec![Arg::Ptr(p)])), show(&glibc!(&spec, p)), "{spec} {p:?}");
        }
    }
    let ws: Vec<i32> = "wide".chars().map(|c| c as i32).chain([0]).collect();
    for spec in ["%ls", "%10ls", "%-10.2ls|", "%.0ls", "%S"] {
        let p = ws.as_ptr();
        assert_eq!(show(&mine(spec, vec![Arg::Ptr(p as *mut c_void)])), show(&glibc!(spec, p)), "{spec}");
    }
    for spec in ["%lc", "%5lc", "%-3lc|", "%C"] {
        assert_eq!(show(&mine(spec, vec![Arg::Int(b'z' as i32)])), show(&glibc!(spec, b'z' as i32)), "{spec}");
    }
}

fn float_values(rng: &mut Rng) -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1.5,
        2.5,
        0.125,
        0.05,
        0.25,
        9.5,
        99.5,
        999.5,
        0.95,
        9.995,
        1e22,
        1e23,
        1e-5,
        1e-4,
        123456.0,
        1234567.0,
        1e100,
        1e308,
        1.7976931348623157e308,
        5e-324,
        2.2250738585072014e-308,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        0.1,
        1.0 / 3.0,
        2.0f64.powi(60),
        2.0f64.powi(-60),
        4503599627370496.5,
        0.000123456789,
        9.999999e-5,
        99999.95,
        1.9999999999999998,
        0.9999999999999999,
    ];
    for _ in 0..25 {
        v.push(rng.any_f64());
    }
    for _ in 0..10 {
        // Values with few digits, to exercise ties.
        v.push((rng.below(100000) as f64) / 2f64.powi(rng.below(12) as i32));
    }
    v
}

#[test]
fn doubles_match_glibc() {
    let mut rng = Rng::new(22);
    let vals = float_values(&mut rng);
    for conv in ['f', 'F', 'e', 'E', 'g', 'G', 'a', 'A'] {
        for spec in specs("", conv) {
            for &v in &vals {
                assert_eq!(show(&mine(&spec, vec![Arg::Double(v)])), show(&glibc!(&spec, v)), "{spec} with {v:e}");
            }
        }
    }
}

#[test]
fn random_doubles_at_many_precisions_match_glibc() {
    let mut rng = Rng::new(23);
    for i in 0..40000 {
        let v = if i % 3 == 0 {
            rng.any_f64()
        } else {
            // Moderate magnitudes with rounding at interesting positions.
            (rng.next() as i64 as f64) * 10f64.powi(rng.below(40) as i32 - 30)
        };
        let conv = ['f', 'e', 'g', 'a'][rng.below(4) as usize];
        let prec = rng.below(if conv == 'f' { 30 } else { 25 });
        let spec = format!("%.{prec}{conv}");
        assert_eq!(show(&mine(&spec, vec![Arg::Double(v)])), show(&glibc!(&spec, v)), "{spec} with {v:e}");
    }
    // Long exact expansions.
    for spec in ["%.1100f", "%.800e", "%.1000g", "%#.30g", "%.60a"] {
        for v in [5e-324, 1.7976931348623157e308, 0.1, 2.2250738585072014e-308, 1.0 / 3.0] {
            assert_eq!(show(&mine(spec, vec![Arg::Double(v)])), show(&glibc!(spec, v)), "{spec} with {v:e}");
        }
    }
}

/// Split a long double (as glibc sees it) into its raw fields. Rust has no f80: the value is
/// produced by glibc's own strtold from text.
fn parse_f80(text: &str) -> F80 {
    unsafe extern "C" {
        fn strtold(s: *const c_char, end: *mut *mut c_char) -> F80Ret;
    }
    // An x87 long double is returned in st(0); read it through a C helper instead.
    let _ = strtold;
    let t = cstr(text);
    let mut out = F80::default();
    // SAFETY: test helper compiled from shim/test_helpers.c.
    unsafe { bf_test_strtold_bits(t.as_ptr() as *const c_char, &mut out) };
    out
}

#[repr(C)]
struct F80Ret([u8; 16]);

unsafe extern "C" {
    fn bf_test_strtold_bits(s: *const c_char, out: *mut F80);
    fn bf_test_snprintf_ld(buf: *mut c_char, n: usize, fmt: *const c_char, v: *const F80) -> i32;
}

#[test]
fn long_doubles_match_glibc() {
    let texts = [
        "0",
        "-0",
        "1",
        "0.1",
        "1e4000",
        "-1e-4000",
        "1.18973149535723176502e+4932",
        "3.6451995318824746025e-4951",
        "2.5",
        "0.3333333333333333333333",
        "inf",
        "-inf",
        "nan",
        "123456789012345678901234567890",
        "0x1.fffffffffffffffep+0",
        "0x1p-16445",
        "0xf.8p0",
        "0xf.fp0",
        "0x1.ffp0",
    ];
    for t in texts {
        let v = parse_f80(t);
        for spec in
            ["%Lf", "%.3Le", "%Lg", "%.25Lg", "%La", "%.0La", "%.2La", "%30.10Le", "%.0Lf", "%#.0Le", "%.4000Lf"]
        {
            let f = cstr(spec);
            let mut buf = vec![0u8; 30000];
            // SAFETY: test helper: glibc snprintf with a long double rebuilt from the bits.
            let n = unsafe {
                bf_test_snprintf_ld(buf.as_mut_ptr() as *mut c_char, buf.len(), f.as_ptr() as *const c_char, &v)
            };
            buf.truncate(n as usize);
            assert_eq!(show(&mine(spec, vec![Arg::LongDouble(v)])), show(&buf), "{spec} with {t}");
        }
    }
}

/// Several threads formatting long doubles at once each get every digit (the digit buffer is the
/// call's own; a shared one made the threads that found it busy print double-precision digits).
#[test]
fn long_doubles_formatted_by_several_threads_keep_every_digit() {
    let v = parse_f80("-1.18973149535723176502e+4932");
    let want = mine("%.40Lf", vec![Arg::LongDouble(v)]);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let want = want.clone();
            std::thread::spawn(move || (0..200).filter(|_| mine("%.40Lf", vec![Arg::LongDouble(v)]) != want).count())
        })
        .collect();
    let wrong: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(wrong, 0, "{wrong} of 800 conversions differ from one thread's");
}

#[test]
fn misc_formats_match_glibc() {
    // Literal text, %%, positional arguments, * width/precision, %n, unknown conversions.
    assert_eq!(show(&mine("abc %% def", vec![])), show(&glibc!("abc %% def", 0)));
    assert_eq!(
        show(&mine("%2$s %1$d", vec![Arg::Int(5), Arg::Ptr(c"x".as_ptr() as *mut c_void)])),
        show(&glibc!("%2$s %1$d", 5, c"x".as_ptr()))
    );
    assert_eq!(
        show(&mine(
            "%*d|%-*d|%.*f",
            vec![Arg::Int(5), Arg::Int(42), Arg::Int(-5), Arg::Int(42), Arg::Int(2), Arg::Double(3.25159)]
        )),
        show(&glibc!("%*d|%-*d|%.*f", 5, 42, -5, 42, 2, 3.25159))
    );
    assert_eq!(show(&mine("%.*d", vec![Arg::Int(-1), Arg::Int(0)])), show(&glibc!("%.*d", -1, 0)));
    assert_eq!(
        show(&mine("%1$*2$.*3$f|", vec![Arg::Double(2.5), Arg::Int(10), Arg::Int(3)])),
        show(&glibc!("%1$*2$.*3$f|", 2.5, 10, 3))
    );
    let mut n: i32 = 0;
    let mut hn: i16 = 0;
    assert_eq!(
        show(&mine(
            "hello%n world%hn",
            vec![Arg::Ptr(&mut n as *mut i32 as *mut c_void), Arg::Ptr(&mut hn as *mut i16 as *mut c_void)]
        )),
        "hello world"
    );
    assert_eq!((n, hn), (5, 11));
    for spec in ["%y", "%5y|", "%-3.2y", "%lly", "%w"] {
        assert_eq!(show(&mine(spec, vec![Arg::Int(1)])), show(&glibc!(spec, 1)), "{spec}");
    }
}
