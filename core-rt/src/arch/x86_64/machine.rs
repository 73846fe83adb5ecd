//! Leaving the machine and machine-level registers: QEMU's isa-debug-exit device (exit code c
//! makes QEMU exit with status (c << 1) | 1), ACPI S5 power-off, the FS base (thread pointer)
//! and the CMOS real-time clock.

use x86_64::instructions::port::Port;

/// I/O port of QEMU's `-device isa-debug-exit,iobase=0xf4,iosize=0x04`.
const DEBUG_EXIT_PORT: u16 = 0xf4;

/// Leave with `code`: through isa-debug-exit when QEMU has it, otherwise ACPI power-off,
/// otherwise halt forever with interrupts off.
pub fn exit(code: i32) -> ! {
    crate::console::flush();
    let mut port: Port<u32> = Port::new(DEBUG_EXIT_PORT);
    // SAFETY: writing the debug-exit port ends QEMU; on a machine without it the write is ignored.
    unsafe { port.write(code as u32 & 0x7f) };
    if code != 0 {
        crate::console::write_str("core-rt: no isa-debug-exit device; exit code lost, powering off\n");
    }
    super::acpi::power_off();
    crate::console::write_str("core-rt: power-off failed; halting\n");
    loop {
        x86_64::instructions::interrupts::disable();
        x86_64::instructions::hlt();
    }
}

/// Set the FS base (the thread pointer of the x86-64 TLS ABI).
///
/// # Safety
/// `tp` must point to a valid thread control block whose first word is `tp` itself.
pub unsafe fn set_thread_pointer(tp: u64) {
    use x86_64::registers::model_specific::FsBase;
    FsBase::write(x86_64::VirtAddr::new(tp));
}

/// Read one CMOS register.
fn cmos(reg: u8) -> u8 {
    let mut index: Port<u8> = Port::new(0x70);
    let mut data: Port<u8> = Port::new(0x71);
    // SAFETY: CMOS index/data ports; bit 7 of the index keeps NMIs disabled during the access.
    unsafe {
        index.write(0x80 | reg);
        data.read()
    }
}

/// Wall-clock time from the CMOS RTC as seconds since the Unix epoch (UTC).
pub fn rtc_unix_seconds() -> i64 {
    // Wait out an update in progress, then read until two reads agree.
    let read = || {
        while cmos(0x0a) & 0x80 != 0 {
            core::hint::spin_loop();
        }
        [cmos(0x00), cmos(0x02), cmos(0x04), cmos(0x07), cmos(0x08), cmos(0x09), cmos(0x32)]
    };
    let mut a = read();
    loop {
        let b = read();
        if a == b {
            break;
        }
        a = b;
    }
    let status_b = cmos(0x0b);
    let bcd = |v: u8| if status_b & 0x04 == 0 { (v & 0x0f) + (v >> 4) * 10 } else { v };
    let sec = bcd(a[0]) as i64;
    let min = bcd(a[1]) as i64;
    let hour_raw = a[2];
    let mut hour = bcd(hour_raw & 0x7f) as i64;
    if status_b & 0x02 == 0 && hour_raw & 0x80 != 0 {
        hour = (hour + 12) % 24;
    }
    let day = bcd(a[3]) as i64;
    let month = bcd(a[4]) as i64;
    let century = if a[6] != 0 { bcd(a[6]) as i64 } else { 20 };
    let year = century * 100 + bcd(a[5]) as i64;
    crate::time::days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec
}
