//! <link.h>/<dlfcn.h>: the program is one statically linked object, described to the unwinder
//! by dl_iterate_phdr and _dl_find_object (program headers rebuilt from linker.ld's symbols).
//! There is no dynamic loader: dlopen(NULL) returns a handle for the program itself (as in a
//! static glibc program), dlopen of a file fails, and dlsym finds nothing (a static program has
//! no dynamic symbol table), with dlerror saying why.

use crate::boot_info::Region;
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
            let (text, rodata, data, eh) = (crate::image::text(), crate::image::rodata(), crate::image::data(), crate::image::eh_frame_hdr());
            let (tdata, tls_memsz, tls_align) = crate::image::tls_template();
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

type PhdrCallback = unsafe extern "C" fn(*mut libc::dl_phdr_info, usize, *mut c_void) -> c_int;

crate::libc_fn! {
    /// `int dl_iterate_phdr(callback, data)`: one object, the kernel image.
    ///
    /// # Safety
    /// `cb` is callable with the documented signature.
    fn dl_iterate_phdr(cb: Option<PhdrCallback>, data: *mut c_void) -> c_int {
        let Some(cb) = cb else { return 0 };
        let ph = phdrs();
        let tls = crate::runtime::tls::block();
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
        let text = crate::image::text();
        let whole = crate::image::whole();
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
                eh_frame: crate::image::eh_frame_hdr().start as *mut c_void,
                reserved: [0; 7],
            })
        };
        0
    }

    /// `void *dlopen(const char *, int)`: NULL names the program itself and succeeds; files
    /// cannot be loaded (NULL, see dlerror).
    ///
    /// # Safety
    /// Always safe.
    fn dlopen(file: *const c_char, _mode: c_int) -> *mut c_void {
        if file.is_null() {
            return (&raw const SELF_HANDLE) as *mut c_void;
        }
        DLERROR_PENDING.store(true, core::sync::atomic::Ordering::Relaxed);
        core::ptr::null_mut()
    }

    /// `void *dlsym(void *, const char *)`: no dynamic symbol table; NULL, see dlerror.
    ///
    /// # Safety
    /// Always safe.
    fn dlsym(_h: *mut c_void, _name: *const c_char) -> *mut c_void {
        DLERROR_PENDING.store(true, core::sync::atomic::Ordering::Relaxed);
        core::ptr::null_mut()
    }

    /// `int dlclose(void *)`: nothing was opened.
    ///
    /// # Safety
    /// Always safe.
    fn dlclose(h: *mut c_void) -> c_int {
        if h as *const u8 == &raw const SELF_HANDLE {
            return 0;
        }
        DLERROR_PENDING.store(true, core::sync::atomic::Ordering::Relaxed);
        -1
    }

    /// `char *dlerror(void)`: the reason for the last dl* failure, once.
    ///
    /// # Safety
    /// Always safe.
    fn dlerror() -> *const c_char {
        if DLERROR_PENDING.swap(false, core::sync::atomic::Ordering::Relaxed) {
            c"core-rt: statically linked unikernel, no dynamic loader".as_ptr()
        } else {
            core::ptr::null()
        }
    }

    /// `int dladdr(const void *, Dl_info *)`: 0 (no symbol information available this way).
    ///
    /// # Safety
    /// Always safe.
    fn dladdr(_addr: *const c_void, _info: *mut c_void) -> c_int { 0 }
}
