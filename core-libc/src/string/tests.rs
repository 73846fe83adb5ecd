//! The string functions against glibc's: random sizes, alignments, overlaps and page edges.

use super::*;
use crate::testkit::{Rng, cstr};
use core::ffi::c_void;

unsafe extern "C" {
    #[link_name = "strsep"]
    fn glibc_strsep(sp: *mut *mut c_char, delim: *const c_char) -> *mut c_char;
}

fn sign(x: c_int) -> c_int {
    x.signum()
}

/// A buffer whose last byte is the last byte of a mapped page followed by an unmapped one.
struct PageEnd {
    base: *mut u8,
}

impl PageEnd {
    fn new() -> PageEnd {
        // SAFETY: anonymous mapping of two pages; the second is made inaccessible.
        unsafe {
            let p = libc::mmap(
                core::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            assert_eq!(libc::mprotect((p as *mut u8).add(4096) as *mut c_void, 4096, libc::PROT_NONE), 0);
            PageEnd { base: p as *mut u8 }
        }
    }
    /// Place `bytes` so that they end exactly at the page boundary.
    fn place(&self, bytes: &[u8]) -> *mut u8 {
        // SAFETY: bytes.len() <= 4096, the destination is inside the first page.
        unsafe {
            let p = self.base.add(4096 - bytes.len());
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            p
        }
    }
}

impl Drop for PageEnd {
    fn drop(&mut self) {
        // SAFETY: unmaps what new() mapped.
        unsafe { libc::munmap(self.base as *mut c_void, 8192) };
    }
}

#[test]
fn memcpy_memmove_memset_match_reference_at_all_sizes_and_offsets() {
    let mut rng = Rng::new(1);
    for n in (0..300).chain([511, 512, 513, 4095, 4096, 10000]) {
        for _ in 0..6 {
            let so = rng.below(16) as usize;
            let d_o = rng.below(16) as usize;
            let src: Vec<u8> = (0..n + 32).map(|_| rng.next() as u8).collect();
            let mut dst = vec![0xAAu8; n + 32];
            let mut expect = dst.clone();
            expect[d_o..d_o + n].copy_from_slice(&src[so..so + n]);
            // SAFETY: both buffers have n + 32 >= offset + n bytes.
            let r =
                unsafe { memcpy(dst.as_mut_ptr().add(d_o) as *mut c_void, src.as_ptr().add(so) as *const c_void, n) };
            assert_eq!(r as usize, dst.as_ptr() as usize + d_o);
            assert_eq!(dst, expect, "memcpy n={n}");

            // memmove inside one buffer, both directions.
            let mut buf: Vec<u8> = (0..2 * n + 32).map(|_| rng.next() as u8).collect();
            let a = rng.below(n as u64 + 16) as usize;
            let b = rng.below(n as u64 + 16) as usize;
            let mut expect = buf.clone();
            expect.copy_within(a..a + n, b);
            // SAFETY: a + n and b + n are both <= 2n + 32.
            unsafe { memmove(buf.as_mut_ptr().add(b) as *mut c_void, buf.as_ptr().add(a) as *const c_void, n) };
            assert_eq!(buf, expect, "memmove n={n} from {a} to {b}");

            let c = rng.next() as u8;
            let mut dst = vec![0x55u8; n + 32];
            let mut expect = dst.clone();
            expect[d_o..d_o + n].fill(c);
            // SAFETY: d_o + n <= n + 32.
            unsafe { memset(dst.as_mut_ptr().add(d_o) as *mut c_void, c as c_int | 0x700, n) };
            assert_eq!(dst, expect, "memset n={n}");
        }
    }
}

#[test]
fn memcmp_and_bcmp_agree_with_glibc() {
    let mut rng = Rng::new(2);
    for _ in 0..20000 {
        let n = rng.below(100) as usize;
        let a: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let mut b = a.clone();
        if n > 0 && rng.below(4) != 0 {
            let i = rng.below(n as u64) as usize;
            b[i] = rng.next() as u8;
        }
        // SAFETY: both have n bytes.
        let (m, g, e) = unsafe {
            (
                memcmp(a.as_ptr() as *const c_void, b.as_ptr() as *const c_void, n),
                libc::memcmp(a.as_ptr() as *const c_void, b.as_ptr() as *const c_void, n),
                bcmp(a.as_ptr() as *const c_void, b.as_ptr() as *const c_void, n),
            )
        };
        assert_eq!(sign(m), sign(g));
        assert_eq!(e == 0, g == 0);
    }
}

#[test]
fn strlen_and_strchr_are_exact_up_to_a_page_end() {
    let page = PageEnd::new();
    let mut rng = Rng::new(3);
    for len in 0..80usize {
        let mut s: Vec<u8> = (0..len).map(|_| 1 + rng.below(255) as u8).collect();
        s.push(0);
        let p = page.place(&s) as *const c_char;
        // SAFETY: p is a NUL-terminated string ending at the page edge.
        unsafe {
            assert_eq!(strlen(p), len);
            assert_eq!(strnlen(p, len + 1), len);
            assert_eq!(strnlen(p, len / 2), len / 2);
            for c in [0, 1, 65, 200, s[len / 2] as c_int] {
                assert_eq!(strchr(p, c), libc::strchr(p, c), "strchr len={len} c={c}");
                assert_eq!(strrchr(p, c), libc::strrchr(p, c), "strrchr len={len} c={c}");
                assert_eq!(memchr(p as *const c_void, c, len), libc::memchr(p as *const c_void, c, len));
                assert_eq!(memrchr(p as *const c_void, c, len), libc::memrchr(p as *const c_void, c, len));
                let cn = strchrnul(p, c);
                let expect = libc::strchr(p, c);
                assert_eq!(cn, if expect.is_null() { p.add(len) as *mut c_char } else { expect });
            }
        }
    }
}

#[test]
fn comparisons_agree_with_glibc() {
    let mut rng = Rng::new(4);
    for _ in 0..20000 {
        let n = rng.below(12) as usize;
        let alpha = [b'a', b'B', b'b', b'A', 0xE9, b'z'];
        let mk = |rng: &mut Rng| -> Vec<u8> {
            let mut v: Vec<u8> = (0..n).map(|_| alpha[rng.below(6) as usize]).collect();
            if rng.below(3) == 0 && n > 0 {
                v.truncate(rng.below(n as u64) as usize);
            }
            v.push(0);
            v
        };
        let a = mk(&mut rng);
        let b = mk(&mut rng);
        let k = rng.below(14) as usize;
        let (pa, pb) = (a.as_ptr() as *const c_char, b.as_ptr() as *const c_char);
        // SAFETY: NUL-terminated strings.
        unsafe {
            assert_eq!(sign(strcmp(pa, pb)), sign(libc::strcmp(pa, pb)));
            assert_eq!(sign(strncmp(pa, pb, k)), sign(libc::strncmp(pa, pb, k)));
            assert_eq!(sign(strcasecmp(pa, pb)), sign(libc::strcasecmp(pa, pb)));
            assert_eq!(sign(strncasecmp(pa, pb, k)), sign(libc::strncasecmp(pa, pb, k)));
            assert_eq!(strspn(pa, pb), libc::strspn(pa, pb));
            assert_eq!(strcspn(pa, pb), libc::strcspn(pa, pb));
            assert_eq!(strpbrk(pa, pb), libc::strpbrk(pa, pb));
            assert_eq!(strstr(pa, pb), libc::strstr(pa, pb));
            assert_eq!(strcasestr(pa, pb), libc::strcasestr(pa, pb));
        }
    }
}

#[test]
fn copies_agree_with_glibc() {
    let mut rng = Rng::new(5);
    for _ in 0..5000 {
        let len = rng.below(20) as usize;
        let s: Vec<u8> = (0..len).map(|_| b'a' + rng.below(26) as u8).chain([0]).collect();
        let n = rng.below(25) as usize;
        let prefix_len = rng.below(5) as usize;
        let start: Vec<u8> = (0..prefix_len).map(|_| b'X').chain([0]).collect();
        let mut mine = vec![0x7fu8; 64];
        let mut theirs = vec![0x7fu8; 64];
        let ps = s.as_ptr() as *const c_char;
        // SAFETY: 64-byte destinations hold every result (<= 5 + 20 + 1 bytes, or n <= 25).
        unsafe {
            let (m, t) = (mine.as_mut_ptr() as *mut c_char, theirs.as_mut_ptr() as *mut c_char);
            assert_eq!(strcpy(m, ps).offset_from(m), libc::strcpy(t, ps).offset_from(t));
            assert_eq!(mine, theirs);
            assert_eq!(stpcpy(m, ps).offset_from(m), len as isize);
            assert_eq!(strncpy(m, ps, n).offset_from(m), libc::strncpy(t, ps, n).offset_from(t));
            assert_eq!(mine, theirs);
            assert_eq!(stpncpy(m, ps, n).offset_from(m), len.min(n) as isize);
            libc::strcpy(m, start.as_ptr() as *const c_char);
            libc::strcpy(t, start.as_ptr() as *const c_char);
            strcat(m, ps);
            libc::strcat(t, ps);
            assert_eq!(mine, theirs);
            strncat(m, ps, n);
            libc::strncat(t, ps, n);
            assert_eq!(mine, theirs);
            let d = strndup(ps, n);
            assert_eq!(crate::testkit::from_c(d), &s[..len.min(n)]);
            sys::free(d as *mut c_void);
            let d = strdup(ps);
            assert_eq!(crate::testkit::from_c(d), &s[..len]);
            sys::free(d as *mut c_void);
            let c = b'a' + rng.below(26) as u8;
            let mr = memccpy(m as *mut c_void, ps as *const c_void, c as c_int, len);
            let tr = libc::memccpy(t as *mut c_void, ps as *const c_void, c as c_int, len);
            assert_eq!(mr.is_null(), tr.is_null());
            if !mr.is_null() {
                assert_eq!(mr as usize - m as usize, tr as usize - t as usize);
            }
            assert_eq!(mine, theirs);
        }
    }
}

#[test]
fn tokenizers_agree_with_glibc() {
    let cases = ["a,b,,c", ",,", "", "abc", ",a,", "a b\tc  d"];
    for case in cases {
        for delim in [",", " \t", ",b"] {
            let mut mine = cstr(case);
            let mut theirs = cstr(case);
            let d = cstr(delim);
            let (mut ms, mut ts) = (core::ptr::null_mut(), core::ptr::null_mut());
            // SAFETY: writable NUL-terminated strings.
            unsafe {
                let mut m = strtok_r(mine.as_mut_ptr() as *mut c_char, d.as_ptr() as *const c_char, &mut ms);
                let mut t = libc::strtok_r(theirs.as_mut_ptr() as *mut c_char, d.as_ptr() as *const c_char, &mut ts);
                loop {
                    assert_eq!(m.is_null(), t.is_null(), "{case:?} {delim:?}");
                    if m.is_null() {
                        break;
                    }
                    assert_eq!(m as usize - mine.as_ptr() as usize, t as usize - theirs.as_ptr() as usize);
                    m = strtok_r(core::ptr::null_mut(), d.as_ptr() as *const c_char, &mut ms);
                    t = libc::strtok_r(core::ptr::null_mut(), d.as_ptr() as *const c_char, &mut ts);
                }
                assert_eq!(mine, theirs);
                let mut mine = cstr(case);
                let mut theirs = cstr(case);
                let mut mp = mine.as_mut_ptr() as *mut c_char;
                let mut tp = theirs.as_mut_ptr() as *mut c_char;
                loop {
                    let m = strsep(&mut mp, d.as_ptr() as *const c_char);
                    let t = glibc_strsep(&mut tp, d.as_ptr() as *const c_char);
                    assert_eq!(m.is_null(), t.is_null());
                    if m.is_null() {
                        break;
                    }
                    assert_eq!(m as usize - mine.as_ptr() as usize, t as usize - theirs.as_ptr() as usize);
                }
                assert_eq!(mine, theirs);
            }
        }
    }
}

#[test]
fn memmem_agrees_with_glibc() {
    let mut rng = Rng::new(6);
    for _ in 0..20000 {
        let h: Vec<u8> = (0..rng.below(60)).map(|_| b'a' + rng.below(2) as u8).collect();
        let n: Vec<u8> = (0..rng.below(6)).map(|_| b'a' + rng.below(2) as u8).collect();
        // SAFETY: slices with their lengths.
        unsafe {
            let m = memmem(h.as_ptr() as *const c_void, h.len(), n.as_ptr() as *const c_void, n.len());
            let t = libc::memmem(h.as_ptr() as *const c_void, h.len(), n.as_ptr() as *const c_void, n.len());
            assert_eq!(m, t, "{h:?} {n:?}");
        }
    }
}

/// Throughput of the hot functions next to glibc's (run with
/// `cargo test -p core-rt --release -- --ignored --nocapture mem_throughput`).
#[test]
#[ignore]
fn mem_throughput() {
    use std::time::Instant;
    let big = 1 << 20;
    let src: Vec<u8> = (0..big + 64).map(|i| (i % 251) as u8 + 1).collect();
    let mut dst = vec![0u8; big + 64];
    let mut s = src.clone();
    s[big] = 0;
    for size in [16usize, 64, 256, 4096, 65536, 1 << 20] {
        let iters = (256 << 20) / size.max(64);
        let time = |f: &mut dyn FnMut()| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            let secs = t.elapsed().as_secs_f64();
            (size * iters) as f64 / secs / 1e9
        };
        let (d, p) = (dst.as_mut_ptr() as *mut c_void, src.as_ptr() as *const c_void);
        // SAFETY: all ranges are inside the buffers (size <= 1 MiB, buffers 1 MiB + 64).
        unsafe {
            let ours = time(&mut || {
                core::hint::black_box(memcpy(d, p, core::hint::black_box(size)));
            });
            let theirs = time(&mut || {
                core::hint::black_box(libc::memcpy(d, p, core::hint::black_box(size)));
            });
            let set_ours = time(&mut || {
                core::hint::black_box(memset(d, 7, core::hint::black_box(size)));
            });
            let set_theirs = time(&mut || {
                core::hint::black_box(libc::memset(d, 7, core::hint::black_box(size)));
            });
            let cmp_ours = time(&mut || {
                core::hint::black_box(memcmp(d, p, core::hint::black_box(size)));
            });
            libc::memcpy(d, p, size);
            let cmp_ours_eq = time(&mut || {
                core::hint::black_box(memcmp(d, p, core::hint::black_box(size)));
            });
            let cmp_theirs_eq = time(&mut || {
                core::hint::black_box(libc::memcmp(d, p, core::hint::black_box(size)));
            });
            let sp = s.as_mut_ptr();
            let old = *sp.add(size);
            *sp.add(size) = 0;
            let len_ours = time(&mut || {
                core::hint::black_box(strlen(core::hint::black_box(sp as *const c_char)));
            });
            let len_theirs = time(&mut || {
                core::hint::black_box(libc::strlen(core::hint::black_box(sp as *const c_char)));
            });
            *sp.add(size) = old;
            let _ = cmp_ours;
            println!(
                "{size:>8} B  memcpy {ours:6.2}/{theirs:6.2}  memset {set_ours:6.2}/{set_theirs:6.2}  memcmp(eq) {cmp_ours_eq:6.2}/{cmp_theirs_eq:6.2}  strlen {len_ours:6.2}/{len_theirs:6.2}  GB/s (core-rt/glibc)"
            );
        }
    }
}
