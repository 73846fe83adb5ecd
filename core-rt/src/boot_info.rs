//! What the loader told us, in one loader-independent shape: the command line, usable RAM,
//! the regions to keep (loader structures, modules), the boot modules and the ACPI RSDP.

use crate::util::Fixed;

/// A physical address range `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: u64,
    pub end: u64,
}

impl Region {
    /// Length in bytes.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// True for an empty range.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// A boot module as the loader placed it: its bytes and its name (the module's command line).
#[derive(Clone, Copy, Debug)]
pub struct Module {
    pub region: Region,
    pub name: &'static [u8],
}

/// Everything core-rt needs from the loader.
pub struct BootInfo {
    /// "multiboot2" or "pvh".
    pub loader: &'static str,
    /// The kernel command line (without the kernel's own path).
    pub cmdline: &'static [u8],
    /// RAM the loader reports as usable.
    pub usable: Fixed<Region, 128>,
    /// Loader structures that must not be reused (boot info, strings, module list).
    pub keep: Fixed<Region, 16>,
    pub modules: Fixed<Module, 32>,
    /// Physical address of the ACPI RSDP, when the loader passed it.
    pub rsdp: Option<u64>,
    /// Time-stamp counter when the kernel was entered.
    pub entry_tsc: u64,
}

impl BootInfo {
    /// An empty description for `loader`.
    pub const fn new(loader: &'static str, entry_tsc: u64) -> Self {
        Self {
            loader,
            cmdline: b"",
            usable: Fixed::new(),
            keep: Fixed::new(),
            modules: Fixed::new(),
            rsdp: None,
            entry_tsc,
        }
    }
}

/// Read a NUL-terminated string at physical address `addr` (identity-mapped).
///
/// # Safety
/// `addr` must point to a NUL-terminated string that stays mapped and unchanged for the run.
pub unsafe fn cstr_at(addr: u64) -> &'static [u8] {
    if addr == 0 {
        return b"";
    }
    let p = addr as *const u8;
    let mut n = 0;
    // SAFETY: the caller guarantees a NUL-terminated string at `p`.
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    // SAFETY: the `n` bytes before the NUL are readable and immutable (caller's contract).
    unsafe { core::slice::from_raw_parts(p, n) }
}
