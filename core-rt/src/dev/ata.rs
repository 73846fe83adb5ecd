//! The primary ATA (IDE) disk in PIO mode, LBA48: the raw state disk QEMU attaches with
//! `-drive file=...,format=raw,if=ide`. Sector reads and writes, and FLUSH CACHE so that a write
//! that returned is on the host's file. Polled: one outstanding command, no interrupts. A command
//! moves up to 256 sectors, each with one `rep insw`/`rep outsw` (an emulator handles a string
//! instruction in one go; word-by-word `in`/`out` costs one exit per word).

use x86_64::instructions::port::Port;

pub const SECTOR: usize = 512;
const BASE: u16 = 0x1f0;
const CONTROL: u16 = 0x3f6;

const STATUS_ERR: u8 = 0x01;
const STATUS_DRQ: u8 = 0x08;
const STATUS_DF: u8 = 0x20;
const STATUS_BSY: u8 = 0x80;

const CMD_READ_EXT: u8 = 0x24;
const CMD_WRITE_EXT: u8 = 0x34;
const CMD_FLUSH_EXT: u8 = 0xea;
const CMD_IDENTIFY: u8 = 0xec;

/// Why a disk command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    NoDisk,
    DeviceError(u8),
    Timeout,
    OutOfRange,
}

struct Disk {
    sectors: u64,
}

static DISK: spin::Mutex<Option<Disk>> = spin::Mutex::new(None);

fn port(off: u16) -> Port<u8> {
    Port::new(BASE + off)
}

fn status() -> u8 {
    // SAFETY: reading the primary ATA status register has no side effect beyond clearing a pending IRQ.
    unsafe { port(7).read() }
}

/// Wait until not busy; then until DRQ (data ready) when `drq`. Errors abort the wait.
fn wait(drq: bool) -> Result<(), Error> {
    for _ in 0..50_000_000u64 {
        let s = status();
        if s == 0xff || s == 0 && drq {
            return Err(Error::NoDisk);
        }
        if s & STATUS_BSY == 0 {
            if s & (STATUS_ERR | STATUS_DF) != 0 {
                // SAFETY: the error register of the primary channel.
                return Err(Error::DeviceError(unsafe { port(1).read() }));
            }
            if !drq || s & STATUS_DRQ != 0 {
                return Ok(());
            }
        }
        core::hint::spin_loop();
    }
    Err(Error::Timeout)
}

fn command(cmd: u8, lba: u64, count: u16) {
    // SAFETY: the primary channel's task-file registers; LBA48 writes the high bytes first.
    unsafe {
        port(6).write(0x40); // master, LBA
        port(2).write((count >> 8) as u8);
        port(3).write((lba >> 24) as u8);
        port(4).write((lba >> 32) as u8);
        port(5).write((lba >> 40) as u8);
        port(2).write(count as u8);
        port(3).write(lba as u8);
        port(4).write((lba >> 8) as u8);
        port(5).write((lba >> 16) as u8);
        port(7).write(cmd);
    }
}

/// Probe the primary master with IDENTIFY; remember its size. Returns the size in sectors.
pub fn init() -> Result<u64, Error> {
    let mut control: Port<u8> = Port::new(CONTROL);
    // SAFETY: nIEN in the device control register: we poll, no IRQ 14.
    unsafe { control.write(0x02) };
    if status() == 0xff {
        return Err(Error::NoDisk);
    }
    // SAFETY: select master, then IDENTIFY DEVICE.
    unsafe {
        port(6).write(0xa0);
        port(7).write(CMD_IDENTIFY);
    }
    if status() == 0 {
        return Err(Error::NoDisk);
    }
    wait(true)?;
    let mut id = [0u16; 256];
    let mut data: Port<u16> = Port::new(BASE);
    for w in id.iter_mut() {
        // SAFETY: the 256 IDENTIFY words are ready (DRQ).
        *w = unsafe { data.read() };
    }
    if id[83] & (1 << 10) == 0 {
        return Err(Error::DeviceError(0)); // no LBA48
    }
    let sectors = (0..4).fold(0u64, |acc, i| acc | (id[100 + i] as u64) << (16 * i));
    *DISK.lock() = Some(Disk { sectors });
    Ok(sectors)
}

/// Size in sectors, when a disk was found.
pub fn sectors() -> Option<u64> {
    DISK.lock().as_ref().map(|d| d.sectors)
}

fn check(lba: u64, n: usize) -> Result<(), Error> {
    let total = sectors().ok_or(Error::NoDisk)?;
    if lba.checked_add(n as u64).is_none_or(|end| end > total) {
        return Err(Error::OutOfRange);
    }
    Ok(())
}

/// Sectors per READ/WRITE SECTORS EXT command (the PIO protocol interrupts after each sector
/// anyway; larger commands only save task-file writes).
const PER_COMMAND: usize = 256;

/// Read `buf.len() / 512` sectors from `lba`.
pub fn read(lba: u64, buf: &mut [u8]) -> Result<(), Error> {
    let n = buf.len() / SECTOR;
    check(lba, n)?;
    let _guard = DISK.lock();
    for (c, run) in buf[..n * SECTOR].chunks_mut(PER_COMMAND * SECTOR).enumerate() {
        command(CMD_READ_EXT, lba + (c * PER_COMMAND) as u64, (run.len() / SECTOR) as u16);
        for sector in run.chunks_exact_mut(SECTOR) {
            wait(true)?;
            // SAFETY: DRQ is set: 256 data words are ready; `sector` holds 512 bytes; DF is clear
            // (the ABI's default), so `rep insw` fills it upwards.
            unsafe {
                core::arch::asm!("rep insw", in("dx") BASE, inout("rdi") sector.as_mut_ptr() => _, inout("rcx") SECTOR / 2 => _, options(nostack, preserves_flags));
            }
        }
    }
    Ok(())
}

/// Write `buf.len() / 512` sectors at `lba` (not yet durable: see [`flush`]).
pub fn write(lba: u64, buf: &[u8]) -> Result<(), Error> {
    let n = buf.len() / SECTOR;
    check(lba, n)?;
    let _guard = DISK.lock();
    for (c, run) in buf[..n * SECTOR].chunks(PER_COMMAND * SECTOR).enumerate() {
        command(CMD_WRITE_EXT, lba + (c * PER_COMMAND) as u64, (run.len() / SECTOR) as u16);
        for sector in run.chunks_exact(SECTOR) {
            wait(true)?;
            // SAFETY: DRQ is set: the device takes 256 data words; `sector` holds 512 bytes; DF
            // is clear, so `rep outsw` reads it upwards.
            unsafe {
                core::arch::asm!("rep outsw", in("dx") BASE, inout("rsi") sector.as_ptr() => _, inout("rcx") SECTOR / 2 => _, options(nostack, preserves_flags, readonly));
            }
        }
        wait(false)?;
    }
    Ok(())
}

/// FLUSH CACHE EXT: everything written so far reaches the medium (QEMU: the host file).
pub fn flush() -> Result<(), Error> {
    sectors().ok_or(Error::NoDisk)?;
    let _guard = DISK.lock();
    // SAFETY: select master, issue FLUSH CACHE EXT.
    unsafe {
        port(6).write(0x40);
        port(7).write(CMD_FLUSH_EXT);
    }
    wait(false)
}
