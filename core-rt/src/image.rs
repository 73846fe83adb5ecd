//! The kernel image's own layout, from the symbols linker.ld defines. Host test builds have no
//! such symbols; they see a fixed fake layout instead.

use crate::boot_info::Region;

#[cfg(not(any(test, feature = "host-test")))]
mod symbols {
    unsafe extern "C" {
        pub static __image_start: u8;
        pub static __text_start: u8;
        pub static __text_end: u8;
        pub static __rodata_start: u8;
        pub static __rodata_end: u8;
        pub static __data_start: u8;
        pub static __image_end: u8;
        pub static __init_array_start: u8;
        pub static __init_array_end: u8;
        pub static __tdata_start: u8;
        pub static __tdata_end: u8;
        pub static __tbss_end: u8;
        pub static __tls_align: u8;
        pub static __eh_frame_hdr_start: u8;
        pub static __eh_frame_hdr_end: u8;
        pub static boot_stack_guard: u8;
        pub static boot_stack_bottom: u8;
        pub static boot_stack_top: u8;
        pub static ap_trampoline: u8;
        pub static ap_trampoline_end: u8;
    }
}

#[cfg(not(any(test, feature = "host-test")))]
macro_rules! addr {
    ($s:ident) => {
        // Only the address of the linker-defined symbol is taken (safe), never its contents.
        (&raw const symbols::$s as u64)
    };
}

#[cfg(any(test, feature = "host-test"))]
macro_rules! addr {
    ($s:ident) => {
        test_layout::$s
    };
}

/// The whole loaded image (boot code to the end of the stack).
pub fn whole() -> Region {
    Region { start: addr!(__image_start), end: addr!(__image_end) }
}

/// Executable code: the boot code and .text.
pub fn text() -> Region {
    Region { start: addr!(__image_start), end: addr!(__rodata_start) }
}

/// Read-only data (.rodata, .eh_frame...).
pub fn rodata() -> Region {
    Region { start: addr!(__rodata_start), end: addr!(__data_start) }
}

/// Writable data up to the end of the image.
pub fn data() -> Region {
    Region { start: addr!(__data_start), end: addr!(__image_end) }
}

/// The application processors' start-up code (boot/src/ap_trampoline.S), to be copied below 1 MiB.
pub fn ap_startup_code() -> Region {
    Region { start: addr!(ap_trampoline), end: addr!(ap_trampoline_end) }
}

/// Just the compiled code, for symbolization sanity checks.
pub fn code() -> Region {
    Region { start: addr!(__text_start), end: addr!(__text_end) }
}

/// The main stack and its guard page.
pub fn stack() -> Region {
    Region { start: addr!(boot_stack_bottom), end: addr!(boot_stack_top) }
}

/// The unmapped page below the main stack.
pub fn stack_guard() -> Region {
    Region { start: addr!(boot_stack_guard), end: addr!(boot_stack_bottom) }
}

/// `.init_array` as a slice of function pointers' addresses.
pub fn init_array() -> Region {
    Region { start: addr!(__init_array_start), end: addr!(__init_array_end) }
}

/// The TLS initialisation image (.tdata).
pub fn tdata() -> Region {
    Region { start: addr!(__tdata_start), end: addr!(__tdata_end) }
}

/// The TLS template: `.tdata` start, total size (.tdata + .tbss) and alignment (PT_TLS).
pub fn tls_template() -> (Region, u64, u64) {
    let start = addr!(__tdata_start);
    (tdata(), addr!(__tbss_end) - start, addr!(__tls_align).max(1))
}

/// `.eh_frame_hdr`, for the unwinder (PT_GNU_EH_FRAME).
pub fn eh_frame_hdr() -> Region {
    Region { start: addr!(__eh_frame_hdr_start), end: addr!(__eh_frame_hdr_end) }
}

#[cfg(any(test, feature = "host-test"))]
#[allow(non_upper_case_globals)]
mod test_layout {
    pub const __image_start: u64 = 0x20_0000;
    pub const ap_trampoline: u64 = 0x20_0800;
    pub const ap_trampoline_end: u64 = 0x20_0900;
    pub const __text_start: u64 = 0x20_1000;
    pub const __text_end: u64 = 0x30_0000;
    pub const __rodata_start: u64 = 0x30_0000;
    pub const __rodata_end: u64 = 0x38_0000;
    pub const __data_start: u64 = 0x38_0000;
    pub const __image_end: u64 = 0xc0_0000;
    pub const __init_array_start: u64 = 0x38_0000;
    pub const __init_array_end: u64 = 0x38_0000;
    pub const __tdata_start: u64 = 0x39_0000;
    pub const __tdata_end: u64 = 0x39_0000;
    pub const __tbss_end: u64 = 0x39_0000;
    pub const __tls_align: u64 = 16;
    pub const __eh_frame_hdr_start: u64 = 0x37_0000;
    pub const __eh_frame_hdr_end: u64 = 0x37_0000;
    pub const boot_stack_guard: u64 = 0x40_0000;
    pub const boot_stack_bottom: u64 = 0x40_1000;
    pub const boot_stack_top: u64 = 0xc0_1000;
}
