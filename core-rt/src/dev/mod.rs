//! PC devices core-rt drives directly: the 16550 UART (COM1), the VGA text screen and the PS/2
//! keyboard.

pub mod keyboard;
pub mod serial;
pub mod vga;
