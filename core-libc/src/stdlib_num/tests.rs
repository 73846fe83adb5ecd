//! strtol/strtod families, qsort and bsearch against glibc.

use super::*;
use crate::testkit::{Rng, clear_errno, cstr, errno_lock, glibc_errno};

unsafe extern "C" {
    fn bf_test_strtold_bits(s: *const c_char, out: *mut crate::stdio::printf::F80);
    fn bf_test_our_strtold_bits(s: *const c_char, end: *mut *mut c_char, out: *mut crate::stdio::printf::F80);
}

fn int_inputs(rng: &mut Rng) -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "0",
        "-0",
        "+0",
        "1",
        "-1",
        "  42xyz",
        "\t\n-17",
        "0x",
        "0x1f",
        "0X1F",
        "-0x10",
        "0xg",
        "010",
        "08",
        "0b101",
        "z",
        "Zz9",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-18446744073709551615",
        "99999999999999999999999",
        "2147483647",
        "2147483648",
        "-2147483649",
        "4294967296",
        "+-1",
        "- 1",
        "0x7fffffffffffffff",
        "0xffffffffffffffffff",
        "777777777777777777777777",
        "1_000",
        "123abc",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..300 {
        let len = rng.below(25) as usize;
        let alphabet = b"0123456789abcdefxXzZ +-\t";
        v.push((0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char).collect());
    }
    v
}

#[test]
fn strtol_family_matches_glibc() {
    let _g = errno_lock();
    let mut rng = Rng::new(41);
    for input in int_inputs(&mut rng) {
        let c = cstr(&input);
        let p = c.as_ptr() as *const c_char;
        for base in [0, 2, 8, 10, 16, 36, 1, 37, -1] {
            let (mut e1, mut e2): (*mut c_char, *mut c_char) = (core::ptr::null_mut(), core::ptr::null_mut());
            // SAFETY: NUL-terminated input, writable end pointers.
            unsafe {
                clear_errno();
                let a = strtol(p, &mut e1, base);
                let ea = crate::errno::get();
                let b = libc::strtol(p, &mut e2, base);
                assert_eq!((a, ea, e1), (b, glibc_errno(), e2), "strtol({input:?}, {base})");
                clear_errno();
                let a = strtoull(p, &mut e1, base);
                let ea = crate::errno::get();
                let b = libc::strtoull(p, &mut e2, base);
                assert_eq!((a, ea, e1), (b, glibc_errno(), e2), "strtoull({input:?}, {base})");
                clear_errno();
                let a = strtoul(p, &mut e1, base);
                let b = libc::strtoul(p, &mut e2, base);
                assert_eq!((a, e1), (b, e2), "strtoul({input:?}, {base})");
                if (2..=36).contains(&base) || base == 0 {
                    assert_eq!(atoi(p), libc::atoi(p), "atoi({input:?})");
                    assert_eq!(atoll(p), libc::atoll(p), "atoll({input:?})");
                }
            }
        }
    }
}

fn float_inputs(rng: &mut Rng) -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "0",
        "-0",
        "1",
        "  -1.5e3x",
        ".5",
        "5.",
        ".",
        "-.e5",
        "1e",
        "1e+",
        "1e-5",
        "1E400",
        "-1e400",
        "1e-400",
        "2.2250738585072011e-308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "1.7976931348623158e308",
        "inf",
        "-INF",
        "infinity",
        "Infinit",
        "nan",
        "-nan",
        "NaN(123)",
        "nan(0x1f)",
        "nan(abc)",
        "nan(",
        "nan()",
        "0x",
        "0x.",
        "0x.8",
        "0x1p-1074",
        "0x1p-1075",
        "0x1.8p-1075",
        "0x1.fffffffffffffp1023",
        "0x1.fffffffffffff8p1023",
        "0x1.00000000000008p0",
        "0x1.000000000000080000000001p0",
        "0X1P+3",
        "0x1p",
        "0xp3",
        "0x10000000000000000000p-80",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.000000000000000111022302462515654042363166809082031250001",
        "0.1",
        "123456789012345678901234567890",
        "3.4028235e38",
        "3.4028236e38",
        "1.4e-45",
        "7e-46",
        "1e-45",
        "000000000000000000000000000000001",
        "0.000000000000000000000000000000000000000000001e45",
        "1e-2147483650",
        "1e2147483650",
        "0e999999999",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..3000 {
        match rng.below(4) {
            0 => {
                let x = rng.any_f64();
                v.push(format!("{x:e}"));
                v.push(format!("{:.*e}", rng.below(25) as usize, x));
            }
            1 => {
                let digits: String = (0..1 + rng.below(40)).map(|_| (b'0' + rng.below(10) as u8) as char).collect();
                let exp = rng.below(700) as i64 - 350;
                v.push(format!("{}.{}e{exp}", &digits[..1], &digits[1..]));
            }
            2 => {
                let mant = rng.next();
                let exp = rng.below(2300) as i64 - 1150;
                v.push(format!("0x{mant:x}.{:x}p{exp}", rng.next() >> rng.below(64)));
            }
            _ => {
                let len = rng.below(12) as usize;
                let alphabet = b"0123456789.eE+-xXpPaFinN ";
                v.push((0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char).collect());
            }
        }
    }
    v
}

#[test]
fn strtod_and_strtof_match_glibc() {
    let _g = errno_lock();
    let mut rng = Rng::new(42);
    for input in float_inputs(&mut rng) {
        let c = cstr(&input);
        let p = c.as_ptr() as *const c_char;
        let (mut e1, mut e2): (*mut c_char, *mut c_char) = (core::ptr::null_mut(), core::ptr::null_mut());
        // SAFETY: NUL-terminated input, writable end pointers.
        unsafe {
            clear_errno();
            let a = strtod(p, &mut e1);
            let ea = crate::errno::get();
            let b = libc::strtod(p, &mut e2);
            assert_eq!((a.to_bits(), ea, e1), (b.to_bits(), glibc_errno(), e2), "strtod({input:?}): {a:e} vs {b:e}");
            clear_errno();
            let a = strtof(p, &mut e1);
            let ea = crate::errno::get();
            let b = libc::strtof(p, &mut e2);
            assert_eq!((a.to_bits(), ea, e1), (b.to_bits(), glibc_errno(), e2), "strtof({input:?}): {a:e} vs {b:e}");
            assert_eq!(atof(p).to_bits(), libc::atof(p).to_bits());
        }
    }
}

#[test]
fn strtold_matches_glibc() {
    let _g = errno_lock();
    let mut rng = Rng::new(43);
    let mut inputs = float_inputs(&mut rng);
    inputs.extend(
        [
            "1e4932",
            "1.18973149535723176502e4932",
            "1.18973149535723176509e4932",
            "3.6e-4951",
            "1.8e-4951",
            "1e-4951",
            "3.64519953188247460253e-4951",
            "0x1p-16445",
            "0x1p-16446",
            "0x1.8p-16446",
            "0x1.ffffffffffffffffp16383",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for _ in 0..500 {
        let digits: String = (0..1 + rng.below(60)).map(|_| (b'0' + rng.below(10) as u8) as char).collect();
        let exp = rng.below(9900) as i64 - 4950;
        inputs.push(format!("{}.{}e{exp}", &digits[..1], &digits[1..]));
    }
    for input in inputs {
        let c = cstr(&input);
        let p = c.as_ptr() as *const c_char;
        let mut mine = crate::stdio::printf::F80::default();
        let mut theirs = crate::stdio::printf::F80::default();
        let mut e1: *mut c_char = core::ptr::null_mut();
        let mut e2: *mut c_char = core::ptr::null_mut();
        // SAFETY: NUL-terminated input; helpers write the raw fields.
        unsafe {
            clear_errno();
            bf_test_our_strtold_bits(p, &mut e1, &mut mine);
            let ea = crate::errno::get();
            bf_test_strtold_bits(p, &mut theirs);
            let eb = glibc_errno();
            libc::strtod(p, &mut e2);
            assert_eq!((mine, e1), (theirs, e2), "strtold({input:?})");
            assert_eq!(ea, eb, "strtold({input:?}) errno");
        }
    }
}

unsafe extern "C" fn cmp_u32(a: *const c_void, b: *const c_void) -> c_int {
    // SAFETY: qsort passes element pointers.
    let (x, y) = unsafe { (*(a as *const u32), *(b as *const u32)) };
    x.cmp(&y) as c_int
}

/// 24-byte records sorted by their first field only.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rec {
    key: u64,
    tag: u64,
    pad: u64,
}

unsafe extern "C" fn cmp_rec(a: *const c_void, b: *const c_void, dir: *mut c_void) -> c_int {
    // SAFETY: qsort_r passes element pointers and our direction flag.
    let (x, y, d) = unsafe { (*(a as *const Rec), *(b as *const Rec), *(dir as *const i32)) };
    d * x.key.cmp(&y.key) as c_int
}

#[test]
fn qsort_sorts_like_slice_sort() {
    let _g = crate::testkit::errno_lock();
    let mut rng = Rng::new(44);
    for n in (0..40).chain([100, 1000, 5000]) {
        for spread in [2u64, 10, u32::MAX as u64] {
            let mut v: Vec<u32> = (0..n).map(|_| rng.below(spread) as u32).collect();
            let mut expect = v.clone();
            expect.sort();
            // SAFETY: n u32 elements.
            unsafe { qsort(v.as_mut_ptr() as *mut c_void, v.len(), 4, cmp_u32) };
            assert_eq!(v, expect);
            for &k in expect.iter().take(5) {
                // SAFETY: sorted array of n u32.
                let p = unsafe {
                    bsearch(&k as *const u32 as *const c_void, v.as_ptr() as *const c_void, v.len(), 4, cmp_u32)
                };
                // SAFETY: a found pointer points into v.
                assert_eq!(unsafe { *(p as *const u32) }, k);
            }
            let missing = u32::MAX;
            if !expect.contains(&missing) {
                // SAFETY: as above.
                let p = unsafe {
                    bsearch(&missing as *const u32 as *const c_void, v.as_ptr() as *const c_void, v.len(), 4, cmp_u32)
                };
                assert!(p.is_null());
            }
            let mut recs: Vec<Rec> = (0..n).map(|i| Rec { key: rng.below(spread), tag: i as u64, pad: 7 }).collect();
            let mut dir = -1i32;
            // SAFETY: n records of 24 bytes.
            unsafe {
                qsort_r(recs.as_mut_ptr() as *mut c_void, recs.len(), 24, cmp_rec, &mut dir as *mut i32 as *mut c_void)
            };
            assert!(recs.windows(2).all(|w| w[0].key >= w[1].key));
            let mut tags: Vec<u64> = recs.iter().map(|r| r.tag).collect();
            tags.sort();
            assert_eq!(tags, (0..n as u64).collect::<Vec<_>>());
        }
    }
    // Adversarial patterns: sorted, reversed, organ pipe.
    for pat in 0..3 {
        let n = 10000u32;
        let mut v: Vec<u32> = match pat {
            0 => (0..n).collect(),
            1 => (0..n).rev().collect(),
            _ => (0..n / 2).chain((0..n / 2).rev()).collect(),
        };
        let mut expect = v.clone();
        expect.sort();
        // SAFETY: n u32 elements.
        unsafe { qsort(v.as_mut_ptr() as *mut c_void, v.len(), 4, cmp_u32) };
        assert_eq!(v, expect);
    }
}

#[test]
fn abs_and_div() {
    let _g = crate::testkit::errno_lock();
    // SAFETY: pure functions.
    unsafe {
        assert_eq!(abs(-5), 5);
        assert_eq!(labs(i64::MIN + 1), i64::MAX);
        assert_eq!(div(-7, 2), DivT { quot: -3, rem: -1 });
        assert_eq!(ldiv(7, -2), LDivT { quot: -3, rem: 1 });
    }
}
