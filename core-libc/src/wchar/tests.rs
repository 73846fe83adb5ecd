//! Wide characters against glibc's C locale.

use super::*;
use crate::testkit::{Rng, clear_errno, errno_lock, glibc_errno};

mod g {
    use core::ffi::{c_char, c_int, c_void};
    unsafe extern "C" {
        pub fn mbsnrtowcs(d: *mut i32, s: *mut *const c_char, nms: usize, len: usize, ps: *mut c_void) -> usize;
        pub fn wcsnrtombs(d: *mut c_char, s: *mut *const i32, nwc: usize, len: usize, ps: *mut c_void) -> usize;
        pub fn btowc(c: c_int) -> u32;
        pub fn wctob(c: u32) -> c_int;
        pub fn wctype(n: *const c_char) -> usize;
        pub fn iswctype(c: u32, t: usize) -> c_int;
        pub fn iswalpha(c: u32) -> c_int;
        pub fn iswpunct(c: u32) -> c_int;
        pub fn iswspace(c: u32) -> c_int;
        pub fn iswxdigit(c: u32) -> c_int;
        pub fn towupper(c: u32) -> u32;
        pub fn towlower(c: u32) -> u32;
        pub fn wcscmp(a: *const i32, b: *const i32) -> c_int;
        pub fn wcsstr(a: *const i32, b: *const i32) -> *mut i32;
        pub fn wcsspn(a: *const i32, b: *const i32) -> usize;
        pub fn wcscspn(a: *const i32, b: *const i32) -> usize;
        pub fn wcsrchr(a: *const i32, c: i32) -> *mut i32;
        pub fn __ctype_get_mb_cur_max() -> usize;
    }
}

#[test]
fn classes_and_case_match_glibc() {
    let classes = [
        c"alnum", c"alpha", c"blank", c"cntrl", c"digit", c"graph", c"lower", c"print", c"punct", c"space", c"upper",
        c"xdigit", c"bogus",
    ];
    for c in (0..0x300u32).chain([0x2028, 0x3b1, 0xffff, 0x10ffff, WEOF]) {
        // SAFETY: pure functions.
        unsafe {
            assert_eq!(iswalpha(c) != 0, g::iswalpha(c) != 0, "iswalpha({c:#x})");
            assert_eq!(iswpunct(c) != 0, g::iswpunct(c) != 0);
            assert_eq!(iswspace(c) != 0, g::iswspace(c) != 0);
            assert_eq!(iswxdigit(c) != 0, g::iswxdigit(c) != 0);
            assert_eq!(towupper(c), g::towupper(c));
            assert_eq!(towlower(c), g::towlower(c));
            assert_eq!(btowc(c as c_int), g::btowc(c as c_int));
            assert_eq!(wctob(c), g::wctob(c));
            for name in classes {
                let (mine, theirs) = (wctype(name.as_ptr()), g::wctype(name.as_ptr()));
                assert_eq!(mine == 0, theirs == 0);
                if mine != 0 {
                    assert_eq!(iswctype(c, mine) != 0, g::iswctype(c, theirs) != 0, "{name:?} {c:#x}");
                }
            }
        }
    }
}

#[test]
fn conversions_match_glibc() {
    let _g = errno_lock();
    let mut rng = Rng::new(71);
    for _ in 0..3000 {
        let n = rng.below(12) as usize;
        let bytes: Vec<u8> = (0..n)
            .map(|_| if rng.below(8) == 0 { 0x80 + rng.below(0x80) as u8 } else { 1 + rng.below(0x7f) as u8 })
            .chain([0])
            .collect();
        let nms = rng.below(14) as usize;
        let len = rng.below(14) as usize;
        let (mut a, mut b) = ([0x55i32; 16], [0x55i32; 16]);
        let (mut pa, mut pb) = (bytes.as_ptr() as *const c_char, bytes.as_ptr() as *const c_char);
        // SAFETY: buffers of 16 >= len entries; NUL-terminated source.
        unsafe {
            clear_errno();
            let ra = mbsnrtowcs(a.as_mut_ptr(), &mut pa, nms, len, null_mut());
            let ea = crate::errno::get();
            let rb = g::mbsnrtowcs(b.as_mut_ptr(), &mut pb, nms, len, null_mut());
            assert_eq!((ra, ea, pa, a), (rb, glibc_errno(), pb, b), "mbsnrtowcs({bytes:?}, {nms}, {len})");
            let (mut pa, mut pb) = (bytes.as_ptr() as *const c_char, bytes.as_ptr() as *const c_char);
            assert_eq!(
                mbsnrtowcs(null_mut(), &mut pa, nms, 0, null_mut()),
                g::mbsnrtowcs(null_mut(), &mut pb, nms, 0, null_mut())
            );
        }
        let wide: Vec<i32> = (0..n)
            .map(|_| if rng.below(8) == 0 { 0x80 + rng.below(0x1000) as i32 } else { 1 + rng.below(0x7f) as i32 })
            .chain([0])
            .collect();
        let (mut a, mut b) = ([0x55u8; 16], [0x55u8; 16]);
        let (mut pa, mut pb) = (wide.as_ptr(), wide.as_ptr());
        // SAFETY: as above.
        unsafe {
            clear_errno();
            let ra = wcsnrtombs(a.as_mut_ptr() as *mut c_char, &mut pa, nms, len, null_mut());
            let ea = crate::errno::get();
            let rb = g::wcsnrtombs(b.as_mut_ptr() as *mut c_char, &mut pb, nms, len, null_mut());
            assert_eq!((ra, ea, pa, a), (rb, glibc_errno(), pb, b), "wcsnrtombs({wide:?}, {nms}, {len})");
        }
    }
    let mut wc = 7;
    let mut buf = [0 as c_char; 4];
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(mbrtowc(&mut wc, c"\xe9".as_ptr(), 1, null_mut()), usize::MAX);
        assert_eq!(mbrtowc(&mut wc, c"".as_ptr(), 1, null_mut()), 0);
        assert_eq!(mbrtowc(&mut wc, c"a".as_ptr(), 0, null_mut()), usize::MAX - 1);
        assert_eq!(mbrtowc(&mut wc, c"a".as_ptr(), 1, null_mut()), 1);
        assert_eq!(wc, b'a' as i32);
        assert_eq!(wcrtomb(buf.as_mut_ptr(), 0xe9, null_mut()), usize::MAX);
        assert_eq!(wcrtomb(buf.as_mut_ptr(), 0x7f, null_mut()), 1);
        assert_eq!(__ctype_get_mb_cur_max(), g::__ctype_get_mb_cur_max());
    }
}

#[test]
fn wide_strings_match_glibc() {
    let mut rng = Rng::new(72);
    for _ in 0..3000 {
        let mk = |rng: &mut Rng| -> Vec<i32> {
            (0..rng.below(8)).map(|_| [b'a' as i32, b'b' as i32, 0x3b1, -5][rng.below(4) as usize]).chain([0]).collect()
        };
        let (a, b) = (mk(&mut rng), mk(&mut rng));
        // SAFETY: 0-terminated wide strings.
        unsafe {
            assert_eq!(wcscmp(a.as_ptr(), b.as_ptr()).signum(), g::wcscmp(a.as_ptr(), b.as_ptr()).signum());
            assert_eq!(wcsstr(a.as_ptr(), b.as_ptr()), g::wcsstr(a.as_ptr(), b.as_ptr()));
            assert_eq!(wcsspn(a.as_ptr(), b.as_ptr()), g::wcsspn(a.as_ptr(), b.as_ptr()));
            assert_eq!(wcscspn(a.as_ptr(), b.as_ptr()), g::wcscspn(a.as_ptr(), b.as_ptr()));
            assert_eq!(wcsrchr(a.as_ptr(), b[0]), g::wcsrchr(a.as_ptr(), b[0]));
            assert_eq!(wcslen(a.as_ptr()), a.len() - 1);
            let d = wcsdup(a.as_ptr());
            assert_eq!(wcscmp(d, a.as_ptr()), 0);
            crate::stdio::sys::free(d as *mut c_void);
        }
    }
}
