//! Block memory functions (`memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, `memchr`, ...).
//!
//! The copy and fill loops are inline assembly on purpose: written as Rust loops, LLVM's loop-idiom
//! pass turns them back into calls to `memcpy`/`memset`, i.e. into infinite recursion once these are
//! the exported C symbols. Small sizes load everything before storing anything (so they are also
//! overlap-safe for `memmove`); large forward copies and fills use ERMS `rep movsb` / `rep stosb`.

use core::arch::asm;
use core::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
use core::ffi::{c_int, c_void};

/// Copy `n` bytes forward; every size up to 64 loads all source bytes before the first store.
///
/// # Safety
/// `d` must be valid for `n` writes, `s` for `n` reads; for `n > 64` the ranges must not overlap
/// unless `d <= s` (a forward copy is then still correct).
#[inline(always)]
unsafe fn copy_forward(d: *mut u8, s: *const u8, n: usize) {
    // SAFETY: the caller guarantees both ranges; every access below stays inside [0, n).
    unsafe {
        asm!(
            "cmp rcx, 16",
            "ja 3f",
            "cmp rcx, 8",
            "jb 4f",
            // 8..=16: two possibly overlapping 8-byte words.
            "mov {t1}, [rsi]",
            "mov {t2}, [rsi + rcx - 8]",
            "mov [rdi], {t1}",
            "mov [rdi + rcx - 8], {t2}",
            "jmp 9f",
            "4:",
            "cmp rcx, 4",
            "jb 5f",
            "mov {t1:e}, [rsi]",
            "mov {t2:e}, [rsi + rcx - 4]",
            "mov [rdi], {t1:e}",
            "mov [rdi + rcx - 4], {t2:e}",
            "jmp 9f",
            "5:",
            "test rcx, rcx",
            "jz 9f",
            // 1..=3: first, middle and last byte.
            "movzx {t1:e}, byte ptr [rsi]",
            "movzx {t2:e}, byte ptr [rsi + rcx - 1]",
            "mov {t3}, rcx",
            "shr {t3}, 1",
            "movzx {t3:e}, byte ptr [rsi + {t3}]",
            "mov byte ptr [rdi], {t1:l}",
            "mov byte ptr [rdi + rcx - 1], {t2:l}",
            "mov {t1}, rcx",
            "shr {t1}, 1",
            "mov byte ptr [rdi + {t1}], {t3:l}",
            "jmp 9f",
            "3:",
            "cmp rcx, 32",
            "ja 6f",
            // 17..=32
            "movdqu xmm0, [rsi]",
            "movdqu xmm1, [rsi + rcx - 16]",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + rcx - 16], xmm1",
            "jmp 9f",
            "6:",
            "cmp rcx, 64",
            "ja 7f",
            // 33..=64
            "movdqu xmm0, [rsi]",
            "movdqu xmm1, [rsi + 16]",
            "movdqu xmm2, [rsi + rcx - 32]",
            "movdqu xmm3, [rsi + rcx - 16]",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + 16], xmm1",
            "movdqu [rdi + rcx - 32], xmm2",
            "movdqu [rdi + rcx - 16], xmm3",
            "jmp 9f",
            "7:",
            "cmp rcx, 2048",
            "ja 8f",
            // 65..=2048: 32-byte chunks, last 32 bytes preloaded (ERMS start-up costs more here).
            "movdqu xmm2, [rsi + rcx - 32]",
            "movdqu xmm3, [rsi + rcx - 16]",
            "lea {t3}, [rdi + rcx - 32]",
            "2:",
            "movdqu xmm0, [rsi]",
            "movdqu xmm1, [rsi + 16]",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + 16], xmm1",
            "add rsi, 32",
            "add rdi, 32",
            "cmp rdi, {t3}",
            "jb 2b",
            "movdqu [{t3}], xmm2",
            "movdqu [{t3} + 16], xmm3",
            "jmp 9f",
            "8:",
            "rep movsb",
            "9:",
            inout("rdi") d => _,
            inout("rsi") s => _,
            inout("rcx") n => _,
            t1 = out(reg) _,
            t2 = out(reg) _,
            t3 = out(reg) _,
            out("xmm0") _,
            out("xmm1") _,
            out("xmm2") _,
            out("xmm3") _,
            options(nostack)
        );
    }
}

/// Copy `n > 64` bytes with 32-byte chunks, front to back, for overlapping `d < s`.
///
/// # Safety
/// `d` valid for `n` writes, `s` for `n` reads, `n > 64`, `d < s`.
#[inline(always)]
unsafe fn copy_forward_overlapping(d: *mut u8, s: *const u8, n: usize) {
    // SAFETY: the tail (last 32 bytes) is loaded before any store; each chunk is loaded before it
    // is stored, and with d < s a store never clobbers source bytes not yet loaded.
    unsafe {
        asm!(
            "movdqu xmm2, [rsi + rcx - 32]",
            "movdqu xmm3, [rsi + rcx - 16]",
            "lea {end}, [rdi + rcx - 32]",
            "2:",
            "movdqu xmm0, [rsi]",
            "movdqu xmm1, [rsi + 16]",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + 16], xmm1",
            "add rsi, 32",
            "add rdi, 32",
            "cmp rdi, {end}",
            "jb 2b",
            "movdqu [{end}], xmm2",
            "movdqu [{end} + 16], xmm3",
            inout("rdi") d => _,
            inout("rsi") s => _,
            in("rcx") n,
            end = out(reg) _,
            out("xmm0") _,
            out("xmm1") _,
            out("xmm2") _,
            out("xmm3") _,
            options(nostack)
        );
    }
}

/// Copy `n > 64` bytes with 32-byte chunks, back to front, for overlapping `d > s`.
///
/// # Safety
/// `d` valid for `n` writes, `s` for `n` reads, `n > 64`, `d > s`.
#[inline(always)]
unsafe fn copy_backward(d: *mut u8, s: *const u8, n: usize) {
    // SAFETY: mirror image of `copy_forward_overlapping`: the head is loaded first and stored
    // last; chunks go from the end down, each loaded before stored.
    unsafe {
        asm!(
            "movdqu xmm2, [rsi]",
            "movdqu xmm3, [rsi + 16]",
            "mov {head}, rdi",
            "add rsi, rcx",
            "add rdi, rcx",
            "lea {stop}, [{head} + 32]",
            "2:",
            "movdqu xmm0, [rsi - 32]",
            "movdqu xmm1, [rsi - 16]",
            "movdqu [rdi - 32], xmm0",
            "movdqu [rdi - 16], xmm1",
            "sub rsi, 32",
            "sub rdi, 32",
            "cmp rdi, {stop}",
            "ja 2b",
            "movdqu [{head}], xmm2",
            "movdqu [{head} + 16], xmm3",
            inout("rdi") d => _,
            inout("rsi") s => _,
            in("rcx") n,
            head = out(reg) _,
            stop = out(reg) _,
            out("xmm0") _,
            out("xmm1") _,
            out("xmm2") _,
            out("xmm3") _,
            options(nostack)
        );
    }
}

/// Fill `n` bytes with `c`.
///
/// # Safety
/// `d` must be valid for `n` writes.
#[inline(always)]
unsafe fn fill(d: *mut u8, c: u8, n: usize) {
    let word = (c as u64).wrapping_mul(0x0101_0101_0101_0101);
    // SAFETY: every store stays inside [d, d + n).
    unsafe {
        asm!(
            "cmp rcx, 16",
            "ja 3f",
            "cmp rcx, 8",
            "jb 4f",
            "mov [rdi], rax",
            "mov [rdi + rcx - 8], rax",
            "jmp 9f",
            "4:",
            "cmp rcx, 4",
            "jb 5f",
            "mov [rdi], eax",
            "mov [rdi + rcx - 4], eax",
            "jmp 9f",
            "5:",
            "test rcx, rcx",
            "jz 9f",
            "mov byte ptr [rdi], al",
            "mov byte ptr [rdi + rcx - 1], al",
            "mov {t}, rcx",
            "shr {t}, 1",
            "mov byte ptr [rdi + {t}], al",
            "jmp 9f",
            "3:",
            "movq xmm0, rax",
            "punpcklqdq xmm0, xmm0",
            "cmp rcx, 32",
            "ja 6f",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + rcx - 16], xmm0",
            "jmp 9f",
            "6:",
            "cmp rcx, 64",
            "ja 7f",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + 16], xmm0",
            "movdqu [rdi + rcx - 32], xmm0",
            "movdqu [rdi + rcx - 16], xmm0",
            "jmp 9f",
            "7:",
            "cmp rcx, 2048",
            "ja 8f",
            // 65..=2048: 32-byte stores, then the last 32 bytes (overlapping).
            "lea {t}, [rdi + rcx - 32]",
            "2:",
            "movdqu [rdi], xmm0",
            "movdqu [rdi + 16], xmm0",
            "add rdi, 32",
            "cmp rdi, {t}",
            "jb 2b",
            "movdqu [{t}], xmm0",
            "movdqu [{t} + 16], xmm0",
            "jmp 9f",
            "8:",
            "rep stosb",
            "9:",
            inout("rdi") d => _,
            inout("rcx") n => _,
            in("rax") word,
            t = out(reg) _,
            out("xmm0") _,
            options(nostack)
        );
    }
}

/// Index of the first differing byte of two 16-byte blocks, if any.
///
/// # Safety
/// `a` and `b` must be valid for 16 reads.
#[inline(always)]
unsafe fn first_diff16(a: *const u8, b: *const u8) -> Option<usize> {
    // SAFETY: caller guarantees 16 readable bytes at each pointer; loadu has no alignment need.
    let eq = unsafe {
        let x = _mm_loadu_si128(a as *const __m128i);
        let y = _mm_loadu_si128(b as *const __m128i);
        _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) as u32
    };
    if eq == 0xffff { None } else { Some((!eq).trailing_zeros() as usize) }
}

/// memcmp's result for `n < 16`: compare big-endian words (overlapping loads), so the first
/// differing byte decides, as it must.
///
/// # Safety
/// `a` and `b` must be valid for `n` reads.
#[inline(always)]
unsafe fn cmp_small(a: *const u8, b: *const u8, n: usize) -> c_int {
    // SAFETY: every load below stays inside [0, n).
    unsafe {
        let (x, y) = if n >= 8 {
            let (x0, y0) = ((a as *const u64).read_unaligned().to_be(), (b as *const u64).read_unaligned().to_be());
            if x0 != y0 {
                return if x0 < y0 { -1 } else { 1 };
            }
            (
                (a.add(n - 8) as *const u64).read_unaligned().to_be(),
                (b.add(n - 8) as *const u64).read_unaligned().to_be(),
            )
        } else if n >= 4 {
            let hi = |p: *const u8| (p as *const u32).read_unaligned().to_be() as u64;
            let lo = |p: *const u8| (p.add(n - 4) as *const u32).read_unaligned().to_be() as u64;
            ((hi(a) << 32) | lo(a), (hi(b) << 32) | lo(b))
        } else if n > 0 {
            let w = |p: *const u8| ((*p as u64) << 16) | ((*p.add(n / 2) as u64) << 8) | *p.add(n - 1) as u64;
            (w(a), w(b))
        } else {
            (0, 0)
        };
        (x > y) as c_int - (x < y) as c_int
    }
}

/// Index of the first differing byte in `[0, n)`, or `n`.
///
/// # Safety
/// `a` and `b` must be valid for `n` reads.
#[inline(always)]
unsafe fn mismatch(a: *const u8, b: *const u8, n: usize) -> usize {
    let mut i = 0;
    while i + 16 <= n {
        // SAFETY: i + 16 <= n.
        if let Some(k) = unsafe { first_diff16(a.add(i), b.add(i)) } {
            return i + k;
        }
        i += 16;
    }
    if n >= 16 {
        // Overlapping last block.
        // SAFETY: n >= 16, so [n - 16, n) is in range.
        if let Some(k) = unsafe { first_diff16(a.add(n - 16), b.add(n - 16)) } {
            return n - 16 + k;
        }
        return n;
    }
    while i < n {
        // SAFETY: i < n.
        if unsafe { *a.add(i) != *b.add(i) } {
            return i;
        }
        i += 1;
    }
    n
}

crate::libc_fn! {
    /// `void *memcpy(void *dst, const void *src, size_t n)`.
    ///
    /// # Safety
    /// `dst` valid for `n` writes, `src` for `n` reads, ranges not overlapping.
    fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
        // SAFETY: the caller's contract is copy_forward's.
        unsafe { copy_forward(dst as *mut u8, src as *const u8, n) };
        dst
    }

    /// `void *mempcpy(void *dst, const void *src, size_t n)`: `memcpy` returning `dst + n`.
    ///
    /// # Safety
    /// As `memcpy`.
    fn mempcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
        // SAFETY: the caller's contract is copy_forward's; dst + n is one past the range.
        unsafe {
            copy_forward(dst as *mut u8, src as *const u8, n);
            (dst as *mut u8).add(n) as *mut c_void
        }
    }

    /// `void *memmove(void *dst, const void *src, size_t n)`: overlapping ranges allowed.
    ///
    /// # Safety
    /// `dst` valid for `n` writes, `src` for `n` reads.
    fn memmove(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
        let (d, s) = (dst as *mut u8, src as *const u8);
        // SAFETY: sizes up to 64 load before storing; larger ones pick the direction that never
        // overwrites unread source bytes.
        unsafe {
            if n <= 64 || (d as usize).wrapping_sub(s as usize) >= n && (s as usize).wrapping_sub(d as usize) >= n {
                copy_forward(d, s, n);
            } else if (d as usize) < (s as usize) {
                copy_forward_overlapping(d, s, n);
            } else if !core::ptr::eq(d, s) {
                copy_backward(d, s, n);
            }
        }
        dst
    }

    /// `void bcopy(const void *src, void *dst, size_t n)`: `memmove` with swapped arguments.
    ///
    /// # Safety
    /// As `memmove`.
    fn bcopy(src: *const c_void, dst: *mut c_void, n: usize) {
        // SAFETY: same contract as memmove.
        unsafe { memmove(dst, src, n) };
    }

    /// `void *memset(void *dst, int c, size_t n)`.
    ///
    /// # Safety
    /// `dst` valid for `n` writes.
    fn memset(dst: *mut c_void, c: c_int, n: usize) -> *mut c_void {
        // SAFETY: caller guarantees the range.
        unsafe { fill(dst as *mut u8, c as u8, n) };
        dst
    }

    /// `void bzero(void *dst, size_t n)`.
    ///
    /// # Safety
    /// `dst` valid for `n` writes.
    fn bzero(dst: *mut c_void, n: usize) {
        // SAFETY: caller guarantees the range.
        unsafe { fill(dst as *mut u8, 0, n) };
    }

    /// `void explicit_bzero(void *dst, size_t n)`: a fill the compiler cannot elide (it is asm).
    ///
    /// # Safety
    /// `dst` valid for `n` writes.
    fn explicit_bzero(dst: *mut c_void, n: usize) {
        // SAFETY: caller guarantees the range.
        unsafe { fill(dst as *mut u8, 0, n) };
    }

    /// `int memcmp(const void *a, const void *b, size_t n)`: the sign of the first differing
    /// byte pair (as unsigned char); only the sign is specified (and only the sign matches glibc).
    ///
    /// # Safety
    /// Both pointers valid for `n` reads.
    fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
        let (a, b) = (a as *const u8, b as *const u8);
        if n < 16 {
            // SAFETY: caller guarantees the ranges.
            return unsafe { cmp_small(a, b, n) };
        }
        // SAFETY: caller guarantees the ranges; i < n when read.
        unsafe {
            let i = mismatch(a, b, n);
            if i == n { 0 } else { *a.add(i) as c_int - *b.add(i) as c_int }
        }
    }

    /// `int bcmp(const void *a, const void *b, size_t n)`: zero iff equal.
    ///
    /// # Safety
    /// Both pointers valid for `n` reads.
    fn bcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
        // SAFETY: same contract as memcmp.
        unsafe { memcmp(a, b, n) }
    }

    /// `void *memchr(const void *s, int c, size_t n)`.
    ///
    /// # Safety
    /// `s` valid for `n` reads (or up to the first `c`).
    fn memchr(s: *const c_void, c: c_int, n: usize) -> *mut c_void {
        let p = s as *const u8;
        // SAFETY: find_byte reads only inside [p, p + n) plus aligned blocks containing it.
        unsafe { match find_byte(p, c as u8, n) {
            Some(i) => p.add(i) as *mut c_void,
            None => core::ptr::null_mut(),
        } }
    }

    /// `void *rawmemchr(const void *s, int c)`: like memchr with no length (c must occur).
    ///
    /// # Safety
    /// `c` must occur in the object at `s`.
    fn rawmemchr(s: *const c_void, c: c_int) -> *mut c_void {
        let p = s as *const u8;
        // SAFETY: the caller guarantees c occurs; aligned blocks never cross a page.
        unsafe { match find_byte(p, c as u8, usize::MAX - p as usize) {
            Some(i) => p.add(i) as *mut c_void,
            None => core::ptr::null_mut(),
        } }
    }

    /// `void *memrchr(const void *s, int c, size_t n)`: last occurrence.
    ///
    /// # Safety
    /// `s` valid for `n` reads.
    fn memrchr(s: *const c_void, c: c_int, n: usize) -> *mut c_void {
        let p = s as *const u8;
        let mut i = n;
        while i > 0 {
            i -= 1;
            // SAFETY: i < n.
            if unsafe { *p.add(i) } == c as u8 {
                // SAFETY: i < n.
                return unsafe { p.add(i) } as *mut c_void;
            }
        }
        core::ptr::null_mut()
    }

    /// `void *memccpy(void *dst, const void *src, int c, size_t n)`: copy up to and including
    /// the first `c`; returns the byte after it in `dst`, or NULL when `c` was not found.
    ///
    /// # Safety
    /// `dst` valid for `n` writes, `src` for `n` reads, no overlap.
    fn memccpy(dst: *mut c_void, src: *const c_void, c: c_int, n: usize) -> *mut c_void {
        // SAFETY: caller guarantees the ranges; k + 1 <= n.
        unsafe {
            match find_byte(src as *const u8, c as u8, n) {
                Some(k) => {
                    copy_forward(dst as *mut u8, src as *const u8, k + 1);
                    (dst as *mut u8).add(k + 1) as *mut c_void
                }
                None => {
                    copy_forward(dst as *mut u8, src as *const u8, n);
                    core::ptr::null_mut()
                }
            }
        }
    }

    /// `void *memmem(const void *hay, size_t hn, const void *needle, size_t nn)`.
    ///
    /// # Safety
    /// `hay` valid for `hn` reads, `needle` for `nn` reads.
    fn memmem(hay: *const c_void, hn: usize, needle: *const c_void, nn: usize) -> *mut c_void {
        if nn == 0 {
            return hay as *mut c_void;
        }
        if nn > hn {
            return core::ptr::null_mut();
        }
        // SAFETY: caller guarantees the ranges.
        let (h, n) = unsafe {
            (core::slice::from_raw_parts(hay as *const u8, hn),
             core::slice::from_raw_parts(needle as *const u8, nn))
        };
        match super::search::find(h, n) {
            // SAFETY: i + nn <= hn.
            Some(i) => unsafe { (hay as *const u8).add(i) as *mut c_void },
            None => core::ptr::null_mut(),
        }
    }
}

/// Load one aligned 16-byte block through asm, so that reading bytes of the block that lie
/// outside the object (but never outside its page) is not a Rust-level out-of-bounds access.
///
/// # Safety
/// `p` must be 16-byte aligned and its page mapped (true when any byte of the block is valid).
#[inline(always)]
pub(super) unsafe fn load_aligned16(p: *const u8) -> __m128i {
    let v: __m128i;
    // SAFETY: aligned 16-byte load of a mapped page, per the caller.
    unsafe {
        asm!("movdqa {v}, [{p}]", p = in(reg) p, v = out(xmm_reg) v, options(nostack, readonly, preserves_flags, pure))
    };
    v
}

/// Bit mask of the bytes equal to `c` in the aligned block at `p`.
///
/// # Safety
/// As [`load_aligned16`].
#[inline(always)]
pub(super) unsafe fn match_mask(p: *const u8, c: u8) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(load_aligned16(p), _mm_set1_epi8(c as i8))) as u32 }
}

/// Index of the first `c` in `[p, p + n)`, reading whole aligned 16-byte blocks.
///
/// # Safety
/// `p` valid for `n` reads or up to the first occurrence of `c`.
#[inline(always)]
unsafe fn find_byte(p: *const u8, c: u8, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let misalign = p as usize & 15;
    let mut block = (p as usize - misalign) as *const u8;
    // SAFETY: blocks are aligned and contain at least one byte of the range being searched.
    let mut mask = unsafe { match_mask(block, c) } >> misalign;
    let mut base = 0usize; // index (relative to p) of the first byte represented by mask bit 0
    loop {
        if mask != 0 {
            let i = base + mask.trailing_zeros() as usize;
            return if i < n { Some(i) } else { None };
        }
        base = base.wrapping_add(if base == 0 { 16 - misalign } else { 16 });
        if base >= n {
            return None;
        }
        // SAFETY: base < n, so the next block holds a byte of the range.
        block = unsafe { block.add(16) };
        // SAFETY: as above.
        mask = unsafe { match_mask(block, c) };
    }
}
