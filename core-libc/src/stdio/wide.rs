//! The wide-character stream functions libstdc++'s `wchar_t` stdio buffers call, in the C locale
//! (core-libc's only one): a wide character is one byte of the stream, ASCII; a byte or a wide
//! character >= 0x80 has no counterpart and fails with EILSEQ, as in glibc's C locale.

use super::file::{EOF, File};
use super::io::{fgetc, fputc, ungetc};
use crate::Errno;
use crate::wchar::{WEOF, WInt};
use core::ffi::c_int;

crate::libc_fn! {
    /// `wint_t getwc(FILE *f)`: the next byte as a wide character; WEOF at the end of the stream.
    ///
    /// # Safety
    /// `f` live.
    fn getwc(f: *mut File) -> WInt = WEOF; {
        // SAFETY: per the caller.
        match unsafe { fgetc(f) } {
            EOF => Ok(WEOF),
            c if c < 0x80 => Ok(c as WInt),
            _ => Err(Errno::EILSEQ),
        }
    }

    /// `wint_t putwc(wchar_t c, FILE *f)`: `c` written as its byte.
    ///
    /// # Safety
    /// `f` live.
    fn putwc(c: i32, f: *mut File) -> WInt = WEOF; {
        if !(0..0x80).contains(&c) {
            return Err(Errno::EILSEQ);
        }
        // SAFETY: per the caller.
        if unsafe { fputc(c as c_int, f) } == EOF { Ok(WEOF) } else { Ok(c as WInt) }
    }

    /// `wint_t ungetwc(wint_t c, FILE *f)`: `c` pushed back as its byte (WEOF for WEOF or a
    /// character the C locale has no byte for).
    ///
    /// # Safety
    /// `f` live.
    fn ungetwc(c: WInt, f: *mut File) -> WInt {
        // SAFETY: per the caller.
        if c < 0x80 && unsafe { ungetc(c as c_int, f) } != EOF { c } else { WEOF }
    }
}
