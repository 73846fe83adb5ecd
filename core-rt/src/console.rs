//! The console: COM1 (16550 UART, 115200 8N1). Output translates "\n" to "\r\n" as a terminal's
//! ONLCR does; `stdout`/`stderr` (fd 1, 2) and every core-rt message go here.

use core::fmt;
use uart_16550::backend::PioBackend;
use uart_16550::{Config, Uart16550};

static COM1: spin::Mutex<Option<Uart16550<PioBackend>>> = spin::Mutex::new(None);

/// Bring up COM1 (idempotent). Called first thing at boot.
pub fn init_early() {
    let mut com = COM1.lock();
    if com.is_none() {
        // SAFETY: 0x3f8 is COM1 on every PC; core-rt is its only user.
        if let Ok(mut uart) = unsafe { Uart16550::new_port(0x3f8) } {
            if uart.init(Config::default()).is_ok() {
                *com = Some(uart);
            }
        }
    }
    drop(com);
    crate::libc::errno::set_stub_reporter(report_stub);
}

fn report_stub(name: &str) {
    write_str("core-rt: stub ");
    write_str(name);
    write_str(" called (not supported on bare metal)\n");
}

fn put(uart: &mut Uart16550<PioBackend>, bytes: &[u8]) {
    for chunk in bytes.split_inclusive(|&b| b == b'\n') {
        match chunk.split_last() {
            Some((b'\n', head)) => {
                uart.send_bytes_exact(head);
                uart.send_bytes_exact(b"\r\n");
            }
            _ => uart.send_bytes_exact(chunk),
        }
    }
}

/// Write raw bytes to the console. Never blocks on the lock: a fault handler that interrupted a
/// console write still gets its report out (it may interleave with the interrupted line).
pub fn write_bytes(bytes: &[u8]) {
    if let Some(mut com) = COM1.try_lock() {
        if let Some(uart) = com.as_mut() {
            put(uart, bytes);
        }
        return;
    }
    // SAFETY: the lock holder was interrupted by us and does not run until we return; a second
    // handle on the same port only interleaves bytes.
    if let Ok(mut uart) = unsafe { Uart16550::new_port(0x3f8) } {
        put(&mut uart, bytes);
    }
}

/// Write a string to the console.
pub fn write_str(s: &str) {
    write_bytes(s.as_bytes());
}

/// Wait until the UART has sent everything (before the machine is switched off).
pub fn flush() {
    if let Some(mut com) = COM1.try_lock() {
        if let Some(uart) = com.as_mut() {
            while !uart.lsr().contains(uart_16550::spec::registers::LSR::TRANSMITTER_EMPTY) {
                core::hint::spin_loop();
            }
        }
    }
}

/// Read one byte from the console if one is waiting.
pub fn try_read_byte() -> Option<u8> {
    COM1.lock().as_mut().and_then(|u| u.try_receive_byte().ok())
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
