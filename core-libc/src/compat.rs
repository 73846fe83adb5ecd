//! Libraries Debian's static LLVM was built against but that a unikernel does not carry:
//! zlib and zstd (debug-section compression, which the JIT never asks for) and libffi (LLVM's
//! own IR interpreter, linked through inkwell but never used: irvm is the interpreter). crc32 is
//! real; the rest are named stubs returning each library's error value.

#![allow(non_snake_case)] // C names: ZSTD_isError, compressBound...

use core::ffi::{c_int, c_uint, c_ulong, c_void};

crate::libc_fn! {
    /// `uLong crc32(uLong crc, const Bytef *buf, uInt len)` (zlib): real; buf NULL returns 0.
    ///
    /// # Safety
    /// `buf` valid for `len` bytes (or NULL).
    fn crc32(crc: c_ulong, buf: *const u8, len: c_uint) -> c_ulong {
        if buf.is_null() {
            return 0;
        }
        // SAFETY: caller's contract.
        let data = unsafe { core::slice::from_raw_parts(buf, len as usize) };
        let mut h = crc32fast::Hasher::new_with_initial(crc as u32);
        h.update(data);
        h.finalize() as c_ulong
    }
}

/// zlib's Z_MEM_ERROR, returned by the compression stubs.
const Z_MEM_ERROR: c_int = -4;

crate::stub! {
    /// `int compress2(...)` (zlib): no compressor on bare metal; Z_MEM_ERROR.
    fn compress2(dst: *mut u8, dlen: *mut c_ulong, src: *const u8, slen: c_ulong, level: c_int) -> c_int = Z_MEM_ERROR;
    /// `uLong compressBound(uLong)` (zlib): 0, nothing can be compressed.
    fn compressBound(len: c_ulong) -> c_ulong = 0;
    /// `int uncompress(...)` (zlib): Z_MEM_ERROR.
    fn uncompress(dst: *mut u8, dlen: *mut c_ulong, src: *const u8, slen: c_ulong) -> c_int = Z_MEM_ERROR;
    /// `ZSTD_CCtx *ZSTD_createCCtx(void)`: NULL.
    fn ZSTD_createCCtx() -> *mut c_void = core::ptr::null_mut();
    /// `size_t ZSTD_freeCCtx(ZSTD_CCtx *)`: 0.
    fn ZSTD_freeCCtx(c: *mut c_void) -> usize = 0;
    /// `size_t ZSTD_CCtx_setParameter(...)`: an error code (-1 as size_t).
    fn ZSTD_CCtx_setParameter(c: *mut c_void, p: c_int, v: c_int) -> usize = usize::MAX;
    /// `size_t ZSTD_compress2(...)`: an error code.
    fn ZSTD_compress2(c: *mut c_void, d: *mut c_void, dc: usize, s: *const c_void, sc: usize) -> usize = usize::MAX;
    /// `size_t ZSTD_compressBound(size_t)`: 0.
    fn ZSTD_compressBound(n: usize) -> usize = 0;
    /// `size_t ZSTD_decompress(...)`: an error code.
    fn ZSTD_decompress(d: *mut c_void, dc: usize, s: *const c_void, sc: usize) -> usize = usize::MAX;
    /// `unsigned ZSTD_isError(size_t)`: every result is an error (1).
    fn ZSTD_isError(code: usize) -> c_uint = 1;
    /// `const char *ZSTD_getErrorName(size_t)`.
    fn ZSTD_getErrorName(code: usize) -> *const u8 = c"zstd is not available on bare metal".as_ptr().cast();
    /// `ffi_status ffi_prep_cif(...)` (libffi): FFI_BAD_ABI (2).
    fn ffi_prep_cif(cif: *mut c_void, abi: c_int, n: c_uint, r: *mut c_void, a: *mut c_void) -> c_int = 2;
    /// `void ffi_call(...)` (libffi): never reached (ffi_prep_cif fails first); returns nothing.
    fn ffi_call(cif: *mut c_void, f: *mut c_void, r: *mut c_void, a: *mut c_void) -> () = ();
}

/// libffi's `ffi_type` (size, alignment, type code, elements).
#[repr(C)]
pub struct FfiType {
    size: usize,
    alignment: u16,
    kind: u16,
    elements: *mut *mut FfiType,
}
// SAFETY: immutable descriptors.
unsafe impl Sync for FfiType {}

macro_rules! ffi_types {
    ($($name:ident = $size:expr, $kind:expr;)*) => {$(
        /// libffi type descriptor (data, for LLVM's unused interpreter).
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        #[allow(non_upper_case_globals)]
        pub static $name: FfiType = FfiType { size: $size, alignment: $size as u16, kind: $kind, elements: core::ptr::null_mut() };
        symbol_registry::register!(static $name);
    )*};
}

ffi_types! {
    ffi_type_void = 1, 0;
    ffi_type_float = 4, 2;
    ffi_type_double = 8, 3;
    ffi_type_sint8 = 1, 6;
    ffi_type_sint16 = 2, 8;
    ffi_type_sint32 = 4, 10;
    ffi_type_sint64 = 8, 12;
    ffi_type_pointer = 8, 14;
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_matches_zlib_check_value() {
        // SAFETY: valid buffer.
        let c = unsafe { super::crc32(0, b"123456789".as_ptr(), 9) };
        assert_eq!(c, 0xCBF4_3926);
    }
}
