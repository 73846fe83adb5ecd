//! Test helpers shared by the libc-ABI tests: a small deterministic PRNG and C-string helpers.

/// xorshift64* generator: deterministic, good enough to drive randomized comparisons with glibc.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, n)`; `n > 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A random double with a random exponent, sign and mantissa (all finite values reachable).
    pub fn any_f64(&mut self) -> f64 {
        loop {
            let v = f64::from_bits(self.next());
            if v.is_finite() {
                return v;
            }
        }
    }
}

/// NUL-terminated copy of `s`.
pub fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

/// The bytes of a NUL-terminated C string (without the NUL).
///
/// # Safety
/// `p` must point to a NUL-terminated string.
pub unsafe fn from_c<'a>(p: *const core::ffi::c_char) -> &'a [u8] {
    // SAFETY: per the caller.
    unsafe { core::ffi::CStr::from_ptr(p).to_bytes() }
}

/// Serializes tests that read core-rt's errno (one global cell in core-rt) after a call.
pub fn errno_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reset both errno cells (core-rt's and glibc's).
pub fn clear_errno() {
    // SAFETY: both locations are valid ints (core-rt's global cell, glibc's thread-local).
    unsafe {
        *crate::errno::__errno_location() = 0;
        *libc::__errno_location() = 0;
    }
}

/// glibc's errno.
pub fn glibc_errno() -> i32 {
    // SAFETY: glibc's thread-local errno.
    unsafe { *libc::__errno_location() }
}
