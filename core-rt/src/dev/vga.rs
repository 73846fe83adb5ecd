//! The VGA text screen (80 × 25 at 0xB8000, light grey on black): a mirror of the serial console
//! with scrolling, backspace, tabs and the hardware cursor. UTF-8 sequences show as one '?'.

use x86_64::instructions::port::Port;

const COLS: usize = 80;
const ROWS: usize = 25;
const ATTR: u16 = 0x07 << 8;
const BUFFER: usize = 0xb8000;

struct Screen {
    row: usize,
    col: usize,
}

static SCREEN: spin::Mutex<Screen> = spin::Mutex::new(Screen { row: 0, col: 0 });

fn cell(row: usize, col: usize) -> *mut u16 {
    (BUFFER + 2 * (row * COLS + col)) as *mut u16
}

fn put(row: usize, col: usize, ch: u8) {
    // SAFETY: the text buffer is identity-mapped MMIO of ROWS × COLS u16 cells; row/col are in range.
    unsafe { cell(row, col).write_volatile(ATTR | ch as u16) };
}

impl Screen {
    fn newline(&mut self) {
        self.col = 0;
        if self.row + 1 < ROWS {
            self.row += 1;
            return;
        }
        for r in 1..ROWS {
            for c in 0..COLS {
                // SAFETY: both cells are inside the text buffer.
                unsafe { cell(r - 1, c).write_volatile(cell(r, c).read_volatile()) };
            }
        }
        for c in 0..COLS {
            put(ROWS - 1, c, b' ');
        }
    }

    fn byte(&mut self, b: u8) {
        match b {
            b'\n' => self.newline(),
            b'\r' => self.col = 0,
            0x08 => self.col = self.col.saturating_sub(1),
            b'\t' => {
                let next = (self.col / 8 + 1) * 8;
                while self.col < next.min(COLS) {
                    self.byte(b' ');
                }
            }
            0x80..=0xbf => {} // UTF-8 continuation byte: the lead byte already printed '?'
            _ => {
                if self.col == COLS {
                    self.newline();
                }
                put(self.row, self.col, if !(0x20..0xc0).contains(&b) { b'?' } else { b });
                self.col += 1;
            }
        }
    }

    fn cursor(&self) {
        let pos = (self.row * COLS + self.col.min(COLS - 1)) as u16;
        let mut index: Port<u8> = Port::new(0x3d4);
        let mut data: Port<u8> = Port::new(0x3d5);
        // SAFETY: CRT controller cursor-location registers 0x0e/0x0f on the VGA's fixed ports.
        unsafe {
            index.write(0x0f);
            data.write(pos as u8);
            index.write(0x0e);
            data.write((pos >> 8) as u8);
        }
    }
}

/// Clear the screen and home the cursor.
pub fn init() {
    let mut s = SCREEN.lock();
    for r in 0..ROWS {
        for c in 0..COLS {
            put(r, c, b' ');
        }
    }
    s.row = 0;
    s.col = 0;
    s.cursor();
}

/// Write bytes to the screen (skipped if another writer holds it, e.g. an interrupted write
/// during a fault report: the serial copy is complete).
pub fn write_bytes(bytes: &[u8]) {
    if let Some(mut s) = SCREEN.try_lock() {
        for &b in bytes {
            s.byte(b);
        }
        s.cursor();
    }
}

/// The screen's text, row by row (for tests and for `screendump` comparisons).
pub fn text_row(row: usize, out: &mut [u8; COLS]) {
    for (c, o) in out.iter_mut().enumerate() {
        // SAFETY: inside the text buffer.
        *o = unsafe { cell(row.min(ROWS - 1), c).read_volatile() } as u8;
    }
}
