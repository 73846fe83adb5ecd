//! The kernel entry: `boot/` jumps to [`core_rt_boot`] in long mode with the temporary identity
//! map. We read the loader's hand-off into a [`BootInfo`] and start the runtime.

mod multiboot2;
mod pvh;

/// `boot/`'s protocol numbers (see `bareflow_boot::PROTOCOL_*`).
const PROTOCOL_MULTIBOOT2: u32 = 1;
const PROTOCOL_PVH: u32 = 2;

/// The one entry from `boot/`: `protocol` says which loader, `info` is its hand-off structure.
///
/// # Safety
/// Called once by the boot code, in long mode, with `info` pointing to the loader's structure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn core_rt_boot(protocol: u32, info: u64) -> ! {
    let entry_tsc = super::cpu::tsc::read();
    crate::console::init_early();
    let boot = match protocol {
        // SAFETY: the boot code passes the loader's pointer unchanged.
        PROTOCOL_MULTIBOOT2 => unsafe { multiboot2::parse(info, entry_tsc) },
        // SAFETY: as above.
        PROTOCOL_PVH => unsafe { pvh::parse(info, entry_tsc) },
        _ => Err("unknown boot protocol"),
    };
    match boot {
        Ok(boot) => crate::runtime::start(boot),
        Err(e) => {
            crate::console::write_str("core-rt: bad boot information: ");
            crate::console::write_str(e);
            crate::console::write_str("\n");
            super::machine::exit(crate::runtime::EXIT_FAULT)
        }
    }
}

/// Read a `T` at physical address `addr`.
///
/// # Safety
/// `addr` must be identity-mapped and hold a valid `T`.
unsafe fn read_at<T: Copy>(addr: u64) -> T {
    // SAFETY: caller's contract; unaligned read because loader structures are only 4/8-aligned.
    unsafe { core::ptr::read_unaligned(addr as *const T) }
}
