//! NUL-scanning functions (`strlen`, `strnlen`, `strchr`, `strrchr`, `strchrnul`), 16 bytes at a
//! time with SSE2 on aligned blocks (an aligned block never crosses a page, so reading past the
//! terminator is harmless; the loads are asm, see [`super::mem::load_aligned16`]).

use super::mem::{load_aligned16, match_mask};
use core::arch::x86_64::{
    _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
};
use core::ffi::{c_char, c_int};

/// Length of the NUL-terminated string at `s`.
///
/// # Safety
/// `s` must be NUL-terminated.
#[inline]
pub(crate) unsafe fn len(s: *const u8) -> usize {
    let misalign = s as usize & 15;
    let mut block = (s as usize - misalign) as *const u8;
    // SAFETY: the aligned block holds s[0]; later blocks hold bytes up to the terminator.
    let mut mask = unsafe { match_mask(block, 0) } >> misalign;
    if mask != 0 {
        return mask.trailing_zeros() as usize;
    }
    // Up to the next 64-byte boundary one block at a time, then 64 bytes per iteration (an
    // aligned 64-byte group never crosses a page either).
    loop {
        // SAFETY: no NUL seen yet, so the next block still holds string bytes.
        block = unsafe { block.add(16) };
        if block as usize & 63 == 0 {
            break;
        }
        // SAFETY: as above.
        mask = unsafe { match_mask(block, 0) };
        if mask != 0 {
            return block as usize + mask.trailing_zeros() as usize - s as usize;
        }
    }
    loop {
        // SAFETY: the 64-byte group starts with a byte not yet known to follow the NUL, and
        // the whole group is in that byte's page.
        let any = unsafe {
            let m = _mm_min_epu8(
                _mm_min_epu8(load_aligned16(block), load_aligned16(block.add(16))),
                _mm_min_epu8(load_aligned16(block.add(32)), load_aligned16(block.add(48))),
            );
            _mm_movemask_epi8(_mm_cmpeq_epi8(m, _mm_setzero_si128()))
        };
        if any != 0 {
            for k in 0..4 {
                // SAFETY: as above.
                let m = unsafe { match_mask(block.add(16 * k), 0) };
                if m != 0 {
                    return block as usize + 16 * k + m.trailing_zeros() as usize - s as usize;
                }
            }
        }
        // SAFETY: no NUL in this group, the next one holds string bytes.
        block = unsafe { block.add(64) };
    }
}

/// First `c` or NUL in `s`: (index, found c). With `c == 0` finds the terminator.
///
/// # Safety
/// `s` must be NUL-terminated.
#[inline]
unsafe fn chr_or_nul(s: *const u8, c: u8) -> (usize, bool) {
    let misalign = s as usize & 15;
    let mut block = (s as usize - misalign) as *const u8;
    // SAFETY: see `len`: every block read holds at least one byte not past the terminator.
    let vc = unsafe { _mm_set1_epi8(c as i8) };
    let mut first = true;
    loop {
        // SAFETY: as above; SSE2 is baseline on x86-64.
        let (mz, mc) = unsafe {
            let v = load_aligned16(block);
            let z = _mm_cmpeq_epi8(v, _mm_setzero_si128());
            let m = _mm_cmpeq_epi8(v, vc);
            (_mm_movemask_epi8(z) as u32, _mm_movemask_epi8(_mm_or_si128(z, m)) as u32)
        };
        let (mz, mc) = if first { (mz >> misalign << misalign, mc >> misalign << misalign) } else { (mz, mc) };
        first = false;
        if mc != 0 {
            let bit = mc.trailing_zeros();
            let idx = block as usize + bit as usize - s as usize;
            let is_nul = mz & (1 << bit) != 0;
            return (idx, !is_nul || c == 0);
        }
        // SAFETY: no NUL yet, the next block holds string bytes.
        block = unsafe { block.add(16) };
    }
}

crate::libc_fn! {
    /// `size_t strlen(const char *s)`.
    ///
    /// # Safety
    /// `s` must be NUL-terminated.
    fn strlen(s: *const c_char) -> usize {
        // SAFETY: per the caller.
        unsafe { len(s as *const u8) }
    }

    /// `size_t strnlen(const char *s, size_t max)`.
    ///
    /// # Safety
    /// `s` valid up to `max` bytes or its terminator.
    fn strnlen(s: *const c_char, max: usize) -> usize {
        // SAFETY: memchr reads within [s, s + max) (aligned blocks aside).
        let p = unsafe { super::mem::memchr(s as *const _, 0, max) };
        if p.is_null() { max } else { p as usize - s as usize }
    }

    /// `char *strchr(const char *s, int c)`; `c == 0` finds the terminator.
    ///
    /// # Safety
    /// `s` must be NUL-terminated.
    fn strchr(s: *const c_char, c: c_int) -> *mut c_char {
        // SAFETY: per the caller.
        let (i, found) = unsafe { chr_or_nul(s as *const u8, c as u8) };
        // SAFETY: i is within the string.
        if found { unsafe { s.add(i) as *mut c_char } } else { core::ptr::null_mut() }
    }

    /// `char *index(const char *s, int c)`: old name of `strchr`.
    alias fn index(s: *const c_char, c: c_int) -> *mut c_char = strchr;

    /// `char *strchrnul(const char *s, int c)`: like strchr, but the terminator when not found.
    ///
    /// # Safety
    /// `s` must be NUL-terminated.
    fn strchrnul(s: *const c_char, c: c_int) -> *mut c_char {
        // SAFETY: per the caller; i is within the string.
        unsafe { s.add(chr_or_nul(s as *const u8, c as u8).0) as *mut c_char }
    }

    /// `char *strrchr(const char *s, int c)`: last occurrence (`c == 0`: the terminator).
    ///
    /// # Safety
    /// `s` must be NUL-terminated.
    fn strrchr(s: *const c_char, c: c_int) -> *mut c_char {
        // SAFETY: per the caller.
        let n = unsafe { len(s as *const u8) };
        // SAFETY: the n + 1 bytes including the terminator are readable.
        unsafe { super::mem::memrchr(s as *const _, c, n + 1) as *mut c_char }
    }

    /// `char *rindex(const char *s, int c)`: old name of `strrchr`.
    alias fn rindex(s: *const c_char, c: c_int) -> *mut c_char = strrchr;
}
