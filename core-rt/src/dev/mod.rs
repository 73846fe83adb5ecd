//! PC devices core-rt drives directly: the 16550 UART (COM1), the VGA text screen, the PS/2
//! keyboard and the primary ATA disk (the state disk).

pub mod ata;
pub mod keyboard;
pub mod serial;
pub mod vga;
