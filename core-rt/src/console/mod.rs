//! The console: output goes to COM1 and is mirrored on the VGA text screen; input comes from the
//! PS/2 keyboard or COM1, whichever has a byte first. `stdout`/`stderr` (fd 1, 2), `stdin` (fd 0),
//! every core-rt message and the runtime.h functions go through here.

use crate::dev::{keyboard, serial, vga};
use core::fmt;

/// Bring up the console devices (idempotent). Called first thing at boot.
pub fn init_early() {
    serial::init();
    vga::init();
}

/// Write raw bytes to every console device.
pub fn write_bytes(bytes: &[u8]) {
    serial::write_bytes(bytes);
    vga::write_bytes(bytes);
}

/// Write a string to the console.
pub fn write_str(s: &str) {
    write_bytes(s.as_bytes());
}

/// Wait until output has left the machine (before switching it off).
pub fn flush() {
    serial::flush();
}

/// A byte of input if one is waiting (keyboard first, then serial). Carriage returns become "\n".
pub fn try_read_byte() -> Option<u8> {
    let b = keyboard::pop().or_else(serial::try_read_byte)?;
    Some(if b == b'\r' { b'\n' } else { b })
}

/// Wait for a byte of input: halt between interrupts (the keyboard's wakes us; the serial line is
/// polled on each timer tick).
pub fn read_byte() -> u8 {
    loop {
        if let Some(b) = try_read_byte() {
            return b;
        }
        crate::arch::cpu::halt();
    }
}

/// `core::fmt` sink for the console.
pub struct Console;

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Print to the console, like `print!`.
#[macro_export]
macro_rules! kprint {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = write!($crate::console::Console, $($arg)*);
    }};
}

/// Print a line to the console, like `println!`.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = writeln!($crate::console::Console, $($arg)*);
    }};
}
