//! <link.h>/<dlfcn.h>: the program is one statically linked object, described to the unwinder
//! by dl_iterate_phdr and _dl_find_object (program headers rebuilt from linker.ld's symbols).
//! There is no dynamic loader: dlopen(NULL) returns a handle for the program itself (as in a
//! static glibc program) and dlopen of a file fails. dlsym looks names up in the program's own
//! symbols: first the symbol registry (`symbol_registry`: every export, registered where it is
//! defined — the libc, runtime.h, the JIT API, the GDB JIT hooks LLVM's ORC JIT looks up), then
//! the text symbols of the image's symbol map (`core_rt::symmap`, `/boot/kernel.sym.gz` from
//! `make image`). dlerror says why a call failed.

use crate::kernel::image::Region;
use core::ffi::{c_char, c_int, c_void};

struct Phdrs([libc::Elf64_Phdr; 5]);
// SAFETY: immutable after construction.
unsafe impl Sync for Phdrs {}
// SAFETY: plain data.
unsafe impl Send for Phdrs {}

static PHDRS: spin::Once<Phdrs> = spin::Once::new();

fn phdr(p_type: u32, flags: u32, r: Region, memsz: u64, align: u64) -> libc::Elf64_Phdr {
    libc::Elf64_Phdr {
        p_type,
        p_flags: flags,
        p_offset: 0,
        p_vaddr: r.start,
        p_paddr: r.start,
        p_filesz: r.len(),
        p_memsz: memsz,
        p_align: align,
    }
}

fn phdrs() -> &'static [libc::Elf64_Phdr; 5] {
    &PHDRS
        .call_once(|| {
            let (text, rodata, data, eh) = (
                crate::kernel::image::text(),
                crate::kernel::image::rodata(),
                crate::kernel::image::data(),
                crate::kernel::image::eh_frame_hdr(),
            );
            let (tdata, tls_memsz, tls_align) = crate::kernel::image::tls_template();
            Phdrs([
                phdr(libc::PT_LOAD, libc::PF_R | libc::PF_X, text, text.len(), 4096),
                phdr(libc::PT_LOAD, libc::PF_R, rodata, rodata.len(), 4096),
                phdr(libc::PT_LOAD, libc::PF_R | libc::PF_W, data, data.len(), 4096),
                phdr(libc::PT_GNU_EH_FRAME, libc::PF_R, eh, eh.len(), 4),
                phdr(libc::PT_TLS, libc::PF_R, tdata, tls_memsz, tls_align),
            ])
        })
        .0
}

/// glibc's `struct dl_find_object` on x86-64.
#[repr(C)]
pub struct DlFindObject {
    flags: u64,
    map_start: *mut c_void,
    map_end: *mut c_void,
    link_map: *mut c_void,
    eh_frame: *mut c_void,
    reserved: [u64; 7],
}

/// The handle dlopen(NULL) returns.
static SELF_HANDLE: u8 = 0;

static DLERROR_PENDING: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// The message dlerror returned last (kept alive for the caller).
static KEEP: spin::Mutex<Option<alloc::ffi::CString>> = spin::Mutex::new(None);

/// The message of the pending dl* error (NUL-terminated), when it names more than the default.
static DLERROR_MSG: spin::Mutex<Option<alloc::ffi::CString>> = spin::Mutex::new(None);

/// `RTLD_DEFAULT` and `RTLD_NEXT` (glibc's values): with one object, both mean the program.
const RTLD_DEFAULT: usize = 0;
const RTLD_NEXT: usize = usize::MAX;

fn fail(msg: alloc::string::String) {
    *DLERROR_MSG.lock() = alloc::ffi::CString::new(msg).ok();
    DLERROR_PENDING.store(true, core::sync::atomic::Ordering::Relaxed);
}

/// The address of text symbol `name` in a symbol map (lines "ADDR NAME", see
/// `core_rt::symmap`); the first listing wins.
pub fn find_in_map(map: &[u8], name: &str) -> Option<u64> {
    crate::kernel::image::symbol_map_entries(map).find(|(_, n)| *n == name.as_bytes()).map(|(a, _)| a)
}

/// `name` in the program's symbols: the symbol registry, then the symbol map (only addresses
/// inside the image's code are believed: a stale map must not hand out garbage).
fn lookup(name: &str) -> Option<usize> {
    if let Some(a) = symbol_registry::lookup(name) {
        return Some(a);
    }
    let map = crate::kernel::image::boot_map()?;
    let text = crate::kernel::image::text();
    find_in_map(map, name).filter(|a| *a >= text.start && *a < text.end).map(|a| a as usize)
}

/// glibc's `Dl_info`.
#[repr(C)]
pub struct DlInfo {
    dli_fname: *const c_char,
    dli_fbase: *mut c_void,
    dli_sname: *const c_char,
    dli_saddr: *mut c_void,
}

/// The symbol map's names dladdr handed out, by address, NUL-terminated: C callers keep the
/// pointers, so they live for the run (one per symbol asked about).
static DLADDR_NAMES: spin::Mutex<alloc::collections::BTreeMap<u64, alloc::ffi::CString>> =
    spin::Mutex::new(alloc::collections::BTreeMap::new());

/// The nearest text symbol at or below `addr` in a symbol map (lines "ADDR NAME"): its address
/// and name.
pub fn nearest_in_map(map: &[u8], addr: u64) -> Option<(u64, &[u8])> {
    crate::kernel::image::symbol_map_entries(map).filter(|(a, _)| *a <= addr).max_by_key(|(a, _)| *a)
}

/// The nearest symbol at or below `addr` in the image (the registry's exact C names first, the
/// symbol map's text symbols when one is closer): its name as a C string and its address.
fn nearest_symbol(addr: u64) -> Option<(*const c_char, u64)> {
    let registered =
        symbol_registry::records().map(|(n, a)| (n, a as u64)).filter(|(_, a)| *a <= addr).max_by_key(|(_, a)| *a);
    let text = crate::kernel::image::text();
    let mapped = if addr >= text.start && addr < text.end {
        crate::kernel::image::boot_map().and_then(|m| nearest_in_map(m, addr))
    } else {
        None
    };
    match mapped {
        Some((a, name)) if registered.is_none_or(|(_, ra)| ra < a) => {
            let mut names = DLADDR_NAMES.lock();
            let kept = names.entry(a).or_insert_with(|| alloc::ffi::CString::new(name).unwrap_or_default());
            Some((kept.as_ptr(), a))
        }
        _ => registered.map(|(n, a)| (n.as_ptr(), a)),
    }
}

type PhdrCallback = unsafe extern "C" fn(*mut libc::dl_phdr_info, usize, *mut c_void) -> c_int;

crate::libc_fn! {
    /// `int dl_iterate_phdr(callback, data)`: one object, the kernel image.
    ///
    /// # Safety
    /// `cb` is callable with the documented signature.
    fn dl_iterate_phdr(cb: Option<PhdrCallback>, data: *mut c_void) -> c_int {
        let Some(cb) = cb else { return 0 };
        let ph = phdrs();
        let tls = crate::kernel::image::tls_block();
        let mut info = libc::dl_phdr_info {
            dlpi_addr: 0,
            dlpi_name: c"".as_ptr(),
            dlpi_phdr: ph.as_ptr(),
            dlpi_phnum: ph.len() as u16,
            dlpi_adds: 1,
            dlpi_subs: 0,
            dlpi_tls_modid: 1,
            dlpi_tls_data: tls.map_or(core::ptr::null_mut(), |b| b.start as *mut c_void),
        };
        // SAFETY: the caller's callback, with a valid info for the duration of the call.
        unsafe { cb(&mut info, core::mem::size_of::<libc::dl_phdr_info>(), data) }
    }

    /// `int _dl_find_object(void *pc, struct dl_find_object *)`: 0 and the image's bounds and
    /// .eh_frame_hdr when `pc` is in the image's code, -1 otherwise (e.g. JIT code, which
    /// registers its frames with __register_frame instead).
    ///
    /// # Safety
    /// `out` writable.
    fn _dl_find_object(pc: *mut c_void, out: *mut DlFindObject) -> c_int {
        let text = crate::kernel::image::text();
        let whole = crate::kernel::image::whole();
        let pc = pc as u64;
        if pc < text.start || pc >= text.end {
            return -1;
        }
        // SAFETY: caller's contract.
        unsafe {
            out.write(DlFindObject {
                flags: 0,
                map_start: whole.start as *mut c_void,
                map_end: whole.end as *mut c_void,
                link_map: core::ptr::null_mut(),
                eh_frame: crate::kernel::image::eh_frame_hdr().start as *mut c_void,
                reserved: [0; 7],
            })
        };
        0
    }

    /// `void *dlopen(const char *, int)`: NULL names the program itself and succeeds; files
    /// cannot be loaded (NULL, see dlerror).
    ///
    /// # Safety
    /// `file` is NULL or a NUL-terminated string.
    fn dlopen(file: *const c_char, _mode: c_int) -> *mut c_void {
        if file.is_null() {
            return (&raw const SELF_HANDLE) as *mut c_void;
        }
        // SAFETY: caller's contract: a NUL-terminated string.
        let file = unsafe { core::ffi::CStr::from_ptr(file) }.to_string_lossy();
        fail(alloc::format!("core-rt: dlopen '{file}': statically linked unikernel, no dynamic loader"));
        core::ptr::null_mut()
    }

    /// `void *dlsym(void *, const char *)`: the program's symbol (registry, then kernel.sym).
    /// The symbol registry first, then /boot/kernel.sym; NULL, see dlerror, when it is not there.
    ///
    /// # Safety
    /// `name` is NULL or a NUL-terminated string.
    fn dlsym(h: *mut c_void, name: *const c_char) -> *mut c_void {
        let h = h as usize;
        if h != RTLD_DEFAULT && h != RTLD_NEXT && h != (&raw const SELF_HANDLE) as usize {
            fail(alloc::format!("core-rt: dlsym: invalid handle {h:#x} (only dlopen(NULL) exists)"));
            return core::ptr::null_mut();
        }
        if name.is_null() {
            fail("core-rt: dlsym: NULL symbol name".into());
            return core::ptr::null_mut();
        }
        // SAFETY: caller's contract: a NUL-terminated string.
        let name = unsafe { core::ffi::CStr::from_ptr(name) };
        let Ok(name) = name.to_str() else {
            fail("core-rt: dlsym: symbol name is not UTF-8".into());
            return core::ptr::null_mut();
        };
        match lookup(name) {
            Some(a) => a as *mut c_void,
            None => {
                fail(alloc::format!("core-rt: dlsym: symbol '{name}' not found in the program's symbols or /boot/kernel.sym"));
                core::ptr::null_mut()
            }
        }
    }

    /// `int dlclose(void *)`: nothing was opened.
    ///
    /// # Safety
    /// Always safe.
    fn dlclose(h: *mut c_void) -> c_int {
        if h as *const u8 == &raw const SELF_HANDLE {
            return 0;
        }
        fail(alloc::format!("core-rt: dlclose: invalid handle {:#x}", h as usize));
        -1
    }

    /// `char *dlerror(void)`: the reason for the last dl* failure, once.
    ///
    /// # Safety
    /// Always safe.
    fn dlerror() -> *const c_char {
        if DLERROR_PENDING.swap(false, core::sync::atomic::Ordering::Relaxed) {
            // The message stays valid until the next failing dl* call (as POSIX allows).
            match DLERROR_MSG.lock().take() {
                Some(m) => {
                    let p = m.as_ptr();
                    *KEEP.lock() = Some(m);
                    p
                }
                None => c"core-rt: statically linked unikernel, no dynamic loader".as_ptr(),
            }
        } else {
            core::ptr::null()
        }
    }

    /// `int dladdr(const void *, Dl_info *)`: the image and the nearest symbol below; 0 elsewhere.
    /// For an address in the image: the object (name "", base the image's start) and the nearest
    /// symbol at or below it (the registry's C names, or the symbol map's text symbols,
    /// demangled, when one is closer); 0 for any other address (JIT code, heap data), as glibc
    /// says for an address in no object.
    ///
    /// # Safety
    /// `info` writable.
    fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int {
        let a = addr as u64;
        let whole = crate::kernel::image::whole();
        if a < whole.start || a >= whole.end {
            return 0;
        }
        let (sname, saddr) = nearest_symbol(a).unwrap_or((core::ptr::null(), 0));
        // SAFETY: caller's contract.
        unsafe {
            info.write(DlInfo {
                dli_fname: c"".as_ptr(),
                dli_fbase: whole.start as *mut c_void,
                dli_sname: sname,
                dli_saddr: saddr as *mut c_void,
            })
        };
        1
    }
}

#[cfg(test)]
mod tests {
    use super::find_in_map;
    use core::ffi::c_int;

    crate::libc_fn! {
        /// A test-only export: defining it with `libc_fn!` is all it takes for dlsym to find it.
        ///
        /// # Safety
        /// Always safe.
        fn core_libc_test_export() -> c_int {
            42
        }
    }

    #[test]
    fn dlsym_finds_an_export_registered_at_its_definition() {
        // SAFETY: a NUL-terminated name and the default handle.
        let a = unsafe { super::dlsym(core::ptr::null_mut(), c"core_libc_test_export".as_ptr()) };
        assert_eq!(a as usize, core_libc_test_export as *const () as usize);
        // SAFETY: as above.
        let malloc = unsafe { super::dlsym(core::ptr::null_mut(), c"malloc".as_ptr()) };
        assert_eq!(malloc as usize, crate::malloc::malloc as *const () as usize, "every libc_fn! is registered");
        unsafe extern "C" {
            // The C shim's snprintf under its host-build name (shim/bf.h).
            fn bf_snprintf(buf: *mut core::ffi::c_char, n: usize, fmt: *const core::ffi::c_char, ...) -> c_int;
        }
        // SAFETY: as above.
        let snprintf = unsafe { super::dlsym(core::ptr::null_mut(), c"snprintf".as_ptr()) };
        assert_eq!(snprintf as usize, bf_snprintf as *const () as usize, "BF_EXPORT registers the C shim");
    }

    #[test]
    fn nearest_in_map_is_at_or_below() {
        let map = b"1000 main\n1010 f\n1020 g(int)\n";
        assert_eq!(super::nearest_in_map(map, 0x1015), Some((0x1010, &b"f"[..])));
        assert_eq!(super::nearest_in_map(map, 0x1020), Some((0x1020, &b"g(int)"[..])));
        assert_eq!(super::nearest_in_map(map, 0xfff), None);
    }

    #[test]
    fn finds_exact_names_only() {
        let map = b"1000 main\n1010 llvm_orc_registerJITLoaderGDBWrapper\n1020 llvm_orc_registerJITLoaderGDBWrapperX\n1030 a b(int)\n";
        assert_eq!(find_in_map(map, "llvm_orc_registerJITLoaderGDBWrapper"), Some(0x1010));
        assert_eq!(find_in_map(map, "main"), Some(0x1000));
        assert_eq!(find_in_map(map, "a b(int)"), Some(0x1030));
        assert_eq!(find_in_map(map, "llvm_orc"), None);
        assert_eq!(find_in_map(map, ""), None);
        assert_eq!(find_in_map(b"", "main"), None);
        assert_eq!(find_in_map(b"zz main\n", "main"), None, "a malformed address is not an address");
    }
}
