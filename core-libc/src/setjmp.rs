//! <setjmp.h>: `setjmp`/`longjmp` and their aliases (`_setjmp`, `__sigsetjmp`, `sigsetjmp`,
//! `_longjmp`, `siglongjmp`, `__longjmp_chk`) are assembly in `shim/setjmp.c` — a function that
//! returns twice cannot be written in Rust. This module holds their tests.

#[cfg(test)]
mod tests {
    use core::ffi::c_int;

    unsafe extern "C" {
        /// shim/test_helpers.c: setjmp, then longjmp(val) from `depth` calls deeper; returns
        /// setjmp's second result * 1000 + (times the code after setjmp ran) * 100 + 42.
        fn bf_test_setjmp(val: c_int, depth: c_int, sig: c_int) -> c_int;
    }

    fn jump(val: c_int, depth: c_int, sig: c_int) -> c_int {
        // SAFETY: the helper's setjmp and longjmp stay inside C frames it owns.
        unsafe { bf_test_setjmp(val, depth, sig) }
    }

    #[test]
    fn longjmp_returns_its_value_from_setjmp_through_deeper_frames() {
        for sig in [0, 1] {
            assert_eq!(jump(7, 0, sig), 7242, "longjmp from the next frame (sig {sig})");
            assert_eq!(jump(-3, 20, sig), -3000 + 242, "longjmp through 20 frames (sig {sig})");
            assert_eq!(jump(0, 3, sig), 1242, "longjmp(env, 0) makes setjmp return 1 (sig {sig})");
        }
    }
}
