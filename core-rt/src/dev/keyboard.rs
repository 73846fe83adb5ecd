//! The PS/2 keyboard: IRQ 1 reads scan codes (set 1, as the i8042 translates them) from port 0x60,
//! tracks Shift/Ctrl/Caps Lock, and queues the resulting bytes in a ring buffer that `stdin` and
//! `keyboard_getchar` read.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use x86_64::instructions::port::Port;

const RING: usize = 256;

struct Ring {
    buf: [u8; RING],
}

static RING_BUF: spin::Mutex<Ring> = spin::Mutex::new(Ring { buf: [0; RING] });
static HEAD: AtomicUsize = AtomicUsize::new(0); // next write (IRQ side)
static TAIL: AtomicUsize = AtomicUsize::new(0); // next read
static SHIFT: AtomicBool = AtomicBool::new(false);
static CTRL: AtomicBool = AtomicBool::new(false);
static CAPS: AtomicBool = AtomicBool::new(false);
static EXTENDED: AtomicBool = AtomicBool::new(false);

const PLAIN: &[u8; 58] = b"\x00\x1b1234567890-=\x08\tqwertyuiop[]\n\x00asdfghjkl;'`\x00\\zxcvbnm,./\x00*\x00 ";
const SHIFTED: &[u8; 58] = b"\x00\x1b!@#$%^&*()_+\x08\tQWERTYUIOP{}\n\x00ASDFGHJKL:\"~\x00|ZXCVBNM<>?\x00*\x00 ";

/// The byte a make code produces with the current modifiers, if any.
pub fn translate(code: u8, shift: bool, ctrl: bool, caps: bool) -> Option<u8> {
    let plain = *PLAIN.get(code as usize)?;
    if plain == 0 {
        return None;
    }
    let letter = plain.is_ascii_lowercase();
    let b = if shift ^ (caps && letter) { SHIFTED[code as usize] } else { plain };
    Some(if ctrl && b.is_ascii_alphabetic() { b.to_ascii_lowercase() - b'a' + 1 } else { b })
}

fn push(b: u8) {
    let head = HEAD.load(Ordering::Relaxed);
    if head.wrapping_sub(TAIL.load(Ordering::Acquire)) >= RING {
        return; // full: drop the key, as a real keyboard buffer does
    }
    if let Some(mut r) = RING_BUF.try_lock() {
        r.buf[head % RING] = b;
        HEAD.store(head.wrapping_add(1), Ordering::Release);
    }
}

/// IRQ 1: read and decode one scan code.
pub fn handle_irq() {
    let mut data: Port<u8> = Port::new(0x60);
    // SAFETY: reading the i8042 data port acknowledges the byte that raised IRQ 1.
    let code = unsafe { data.read() };
    if code == 0xe0 {
        EXTENDED.store(true, Ordering::Relaxed);
        return;
    }
    if EXTENDED.swap(false, Ordering::Relaxed) {
        return; // arrows, keypad Enter...: not mapped
    }
    let release = code & 0x80 != 0;
    match code & 0x7f {
        0x2a | 0x36 => SHIFT.store(!release, Ordering::Relaxed),
        0x1d => CTRL.store(!release, Ordering::Relaxed),
        0x3a if !release => {
            CAPS.fetch_xor(true, Ordering::Relaxed);
        }
        c if !release => {
            if let Some(b) =
                translate(c, SHIFT.load(Ordering::Relaxed), CTRL.load(Ordering::Relaxed), CAPS.load(Ordering::Relaxed))
            {
                push(b);
            }
        }
        _ => {}
    }
}

/// Take the oldest queued byte.
pub fn pop() -> Option<u8> {
    let tail = TAIL.load(Ordering::Relaxed);
    if tail == HEAD.load(Ordering::Acquire) {
        return None;
    }
    let b = RING_BUF.lock().buf[tail % RING];
    TAIL.store(tail.wrapping_add(1), Ordering::Release);
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn scan_codes_to_bytes() {
        assert_eq!(translate(0x1e, false, false, false), Some(b'a'));
        assert_eq!(translate(0x1e, true, false, false), Some(b'A'));
        assert_eq!(translate(0x1e, false, false, true), Some(b'A'));
        assert_eq!(translate(0x1e, true, false, true), Some(b'a'));
        assert_eq!(translate(0x02, true, false, true), Some(b'!'));
        assert_eq!(translate(0x1c, false, false, false), Some(b'\n'));
        assert_eq!(translate(0x39, false, false, false), Some(b' '));
        assert_eq!(translate(0x2e, false, true, false), Some(3)); // Ctrl-C
        assert_eq!(translate(0x3b, false, false, false), None); // F1
    }
}
