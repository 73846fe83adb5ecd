//! COM1 (16550 UART, 115200 8N1). Output translates "\n" to "\r\n" as a terminal's ONLCR does.

use uart_16550::backend::PioBackend;
use uart_16550::{Config, Uart16550};

static COM1: spin::Mutex<Option<Uart16550<PioBackend>>> = spin::Mutex::new(None);

/// Bring up COM1 (idempotent). Called first thing at boot.
pub fn init() {
    let mut com = COM1.lock();
    if com.is_none() {
        // SAFETY: 0x3f8 is COM1 on every PC; core-rt is its only user.
        if let Ok(mut uart) = unsafe { Uart16550::new_port(0x3f8) }
            && uart.init(Config::default()).is_ok()
        {
            *com = Some(uart);
        }
    }
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

/// Write raw bytes to COM1. Never blocks on the lock: a fault handler that interrupted a write
/// still gets its report out (it may interleave with the interrupted line).
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

/// Wait until the UART has sent everything (before the machine is switched off).
pub fn flush() {
    if let Some(mut com) = COM1.try_lock()
        && let Some(uart) = com.as_mut()
    {
        while !uart.lsr().contains(uart_16550::spec::registers::LSR::TRANSMITTER_EMPTY) {
            core::hint::spin_loop();
        }
    }
}

/// Read one byte from COM1 if one is waiting.
pub fn try_read_byte() -> Option<u8> {
    COM1.try_lock()?.as_mut().and_then(|u| u.try_receive_byte().ok())
}
