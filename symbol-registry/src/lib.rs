//! The symbol registry: every C-visible symbol the runtime exports (the libc, runtime.h, the JIT
//! API, the GDB JIT hooks) is registered once, where it is defined, by a record in the link
//! section `bf_exports`; the linker gathers the records of the whole program into one table,
//! bracketed by the `__start_bf_exports`/`__stop_bf_exports` symbols it defines. dlsym, the JIT's
//! symbol resolver and the libc-ABI test (tests/libc_abi.rs) read that table.
//!
//! - Rust definitions: [`export_c!`] defines `extern "C"` functions under their C names and
//!   registers them; [`register!`] registers a function or static defined another way (the
//!   libc's `libc_fn!` builds on it).
//! - C definitions: `BF_EXPORT(name)` from `include/bf_export.h` emits the same record.
//!
//! A record is a retained section (`#[used]`, `__attribute__((retain))`): it keeps its symbol in
//! the link. The macros therefore emit records only with the `records` feature (core-libc's
//! `registry`), on in the kernel and host builds; a program that never looks names up (the
//! appliance) leaves it off and keeps only the exports it calls (about 210 KiB of .text instead of 409).
#![no_std]

use core::ffi::CStr;

/// One registered symbol, as laid down in the `bf_exports` section: its address, the length of its
/// C name, and the name itself, NUL-terminated, padded to the next 8 bytes. The name sits in the
/// record (not behind a pointer) so that a tool reads the table straight from an ELF file, with no
/// relocation to apply (tests/libc_abi.rs). `N` is the name's length + 1. The layout is shared
/// with `BF_EXPORT` in `include/bf_export.h`.
#[repr(C, align(8))]
pub struct Export<const N: usize> {
    addr: *const (),
    len: usize,
    name: [u8; N],
}

// SAFETY: a record is immutable; its address is only handed out, never dereferenced here.
unsafe impl<const N: usize> Sync for Export<N> {}

impl<const N: usize> Export<N> {
    /// A record for `name` (`N` = `name.len() + 1`) at `addr`, for the macros' statics.
    pub const fn new(name: &str, addr: *const ()) -> Export<N> {
        assert!(name.len() + 1 == N, "symbol-registry: N is the name's length + 1");
        let mut bytes = [0u8; N];
        let mut i = 0;
        while i < name.len() {
            bytes[i] = name.as_bytes()[i];
            i += 1;
        }
        Export { addr, len: name.len(), name: bytes }
    }
}

/// The size of the record of a name of `len` bytes: two words, the name and its NUL, padded to 8.
pub const fn record_size(len: usize) -> usize {
    (16 + len + 1).next_multiple_of(8)
}

unsafe extern "C" {
    /// Defined by the linker: the first byte of the `bf_exports` section and the end of it.
    static __start_bf_exports: u8;
    static __stop_bf_exports: u8;
}

// The registry's own record: an empty name (skipped by `entries`), so that the section exists in
// every program that reads it, even one with no export.
#[used]
#[unsafe(link_section = "bf_exports")]
static SENTINEL: Export<1> = Export::new("", core::ptr::null());

/// Every registered symbol of the program: (C name, address), in link order.
pub fn entries() -> impl Iterator<Item = (&'static str, usize)> {
    records().filter_map(|(name, addr)| Some((name.to_str().ok()?, addr)))
}

/// Every record (the sentinel excepted): its name as a C string (it lives in the record, for
/// the program's lifetime: what `dladdr` hands to C) and its address.
pub fn records() -> impl Iterator<Item = (&'static CStr, usize)> {
    let start = &raw const __start_bf_exports as usize;
    let stop = &raw const __stop_bf_exports as usize;
    let mut at = start;
    core::iter::from_fn(move || {
        while at < stop {
            // SAFETY: the linker packs the `bf_exports` records (8-byte aligned, each a multiple of
            // 8 bytes: no gap) between the two symbols; `at` is the start of one (the first, then
            // the previous one's start + its size), whose two leading words are address and length,
            // followed by the name's bytes and a NUL. The section is never written.
            let (addr, name) = unsafe {
                let addr = *(at as *const usize);
                let len = *((at + 8) as *const usize);
                let name = core::slice::from_raw_parts((at + 16) as *const u8, len + 1);
                at += record_size(len);
                (addr, name)
            };
            if let Ok(name) = CStr::from_bytes_with_nul(name)
                && !name.is_empty()
            {
                return Some((name, addr));
            }
        }
        None
    })
}

/// The address registered for `name`.
pub fn lookup(name: &str) -> Option<usize> {
    entries().find(|(n, _)| *n == name).map(|(_, a)| a)
}

/// Register `fn NAME` or `static NAME` (a function or a static with a C name) under `NAME`:
/// `register!(fn malloc);`, `register!(static environ);`. `register!(fn path as "name")` registers
/// an item under another name.
#[cfg(any(test, feature = "records"))]
#[macro_export]
macro_rules! register {
    (fn $name:ident) => {
        $crate::register!(fn $name as stringify!($name));
    };
    (static $name:ident) => {
        $crate::register!(static $name as stringify!($name));
    };
    (fn $item:path as $cname:expr) => {
        const _: () = {
            #[used]
            #[unsafe(link_section = "bf_exports")]
            static EXPORT: $crate::Export<{ $cname.len() + 1 }> = $crate::Export::new($cname, $item as *const ());
        };
    };
    (static $item:path as $cname:expr) => {
        const _: () = {
            #[used]
            #[unsafe(link_section = "bf_exports")]
            static EXPORT: $crate::Export<{ $cname.len() + 1 }> =
                $crate::Export::new($cname, &raw const $item as *const ());
        };
    };
}

/// Without the `records` feature: registers nothing (see the crate doc).
#[cfg(not(any(test, feature = "records")))]
#[macro_export]
macro_rules! register {
    (fn $item:path $(as $cname:expr)?) => {};
    (static $item:path $(as $cname:expr)?) => {};
}

/// Define `unsafe extern "C"` functions under their C names (`#[no_mangle]`) and register each:
///
/// ```ignore
/// symbol_registry::export_c! {
///     /// `int jit_tier(void)`: ...
///     ///
///     /// # Safety
///     /// Always safe.
///     fn jit_tier() -> c_int { 0 }
/// }
/// ```
#[macro_export]
macro_rules! export_c {
    () => {};
    (
        $(#[$m:meta])*
        fn $name:ident($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        $(#[$m])*
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name($($arg: $ty),*) $(-> $ret)? $body
        $crate::register!(fn $name);
        $crate::export_c! { $($rest)* }
    };
}

#[cfg(test)]
mod tests {
    use core::ffi::c_int;

    crate::export_c! {
        /// A test-only export: being defined with the macro is all it takes to be in the table.
        ///
        /// # Safety
        /// Always safe.
        fn symbol_registry_test_export(x: c_int) -> c_int {
            x + 1
        }
    }

    static TEST_DATA: u32 = 7;
    crate::register!(static TEST_DATA as "symbol_registry_test_data");

    #[test]
    fn a_registered_function_is_in_the_table() {
        let a = super::lookup("symbol_registry_test_export").expect("registered at its definition");
        assert_eq!(a, symbol_registry_test_export as *const () as usize);
        assert_eq!(super::lookup("symbol_registry_test_data"), Some(&raw const TEST_DATA as usize));
        assert_eq!(super::lookup(""), None, "the sentinel is not an entry");
        assert_eq!(super::lookup("symbol_registry_test_expor"), None);
    }
}
