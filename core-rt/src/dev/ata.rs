//! The primary ATA (IDE) disk in PIO mode, LBA48: the raw state disk QEMU attaches with
//! `-drive file=...,format=raw,if=ide`. Sector reads and writes, and FLUSH CACHE so that a write
//! that returned is on the host's file. Polled: one outstanding command, no interrupts. A command
//! moves up to 256 sectors in data blocks of up to 16 sectors (READ/WRITE MULTIPLE, when the
//! disk has it), each block with one `rep insw`/`rep outsw` (an emulator handles a string
//! instruction in one go; word-by-word `in`/`out` costs one exit per word). QEMU's IDE fetches
//! each data block from the host file with its own asynchronous read, so one sector per block
//! made a warm boot's 128 KB snapshot read 22 ms under TCG.

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
const CMD_READ_MULTIPLE_EXT: u8 = 0x29;
const CMD_WRITE_MULTIPLE_EXT: u8 = 0x39;
const CMD_SET_MULTIPLE: u8 = 0xc6;
/// Sectors per data block we ask for with SET MULTIPLE MODE (at most what IDENTIFY allows).
const MULTIPLE: u16 = 16;
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
    /// Sectors per data block: > 1 when READ/WRITE MULTIPLE are set up.
    block: u16,
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
    *DISK.lock() = Some(Disk { sectors, block: set_multiple(id[47] & 0xff) });
    Ok(sectors)
}

/// SET MULTIPLE MODE to the largest power of two up to [`MULTIPLE`] and the disk's maximum
/// (IDENTIFY word 47); returns the sectors per data block (1: plain READ/WRITE SECTORS).
fn set_multiple(max: u16) -> u16 {
    let mut block = MULTIPLE;
    while block > max {
        block /= 2;
    }
    if block <= 1 {
        return 1;
    }
    // SAFETY: the primary channel's task-file registers; the sector count is the block size.
    unsafe {
        port(6).write(0xa0);
        port(2).write(block as u8);
        port(7).write(CMD_SET_MULTIPLE);
    }
    if wait(false).is_ok() { block } else { 1 }
}

/// Size in sectors, when a disk was found.
pub fn sectors() -> Option<u64> {
    DISK.lock().as_ref().map(|d| d.sectors)
}

/// Check `n` sectors at `lba` against the (locked) disk; the command for them (`multiple` when
/// READ/WRITE MULTIPLE are set up, else `single`) and its sectors per data block.
fn transfer(disk: &Option<Disk>, lba: u64, n: usize, multiple: u8, single: u8) -> Result<(u8, usize), Error> {
    let d = disk.as_ref().ok_or(Error::NoDisk)?;
    if lba.checked_add(n as u64).is_none_or(|end| end > d.sectors) {
        return Err(Error::OutOfRange);
    }
    Ok(if d.block > 1 { (multiple, d.block as usize) } else { (single, 1) })
}

/// Sectors per command (the PIO protocol waits for DRQ before each data block anyway; larger
/// commands only save task-file writes).
const PER_COMMAND: usize = 256;

/// Read `buf.len() / 512` sectors from `lba`.
pub fn read(lba: u64, buf: &mut [u8]) -> Result<(), Error> {
    let n = buf.len() / SECTOR;
    let disk = DISK.lock();
    let (cmd, block) = transfer(&disk, lba, n, CMD_READ_MULTIPLE_EXT, CMD_READ_EXT)?;
    for (c, run) in buf[..n * SECTOR].chunks_mut(PER_COMMAND * SECTOR).enumerate() {
        command(cmd, lba + (c * PER_COMMAND) as u64, (run.len() / SECTOR) as u16);
        for data in run.chunks_mut(block * SECTOR) {
            wait(true)?;
            // SAFETY: DRQ is set: the block's data words (the last block of a command may be
            // short) are ready; `data` holds them; DF is clear (the ABI's default), so
            // `rep insw` fills it upwards.
            unsafe {
                core::arch::asm!("rep insw", in("dx") BASE, inout("rdi") data.as_mut_ptr() => _, inout("rcx") data.len() / 2 => _, options(nostack, preserves_flags));
            }
        }
    }
    Ok(())
}

/// Write `buf.len() / 512` sectors at `lba` (not yet durable: see [`flush`]).
pub fn write(lba: u64, buf: &[u8]) -> Result<(), Error> {
    let n = buf.len() / SECTOR;
    let disk = DISK.lock();
    let (cmd, block) = transfer(&disk, lba, n, CMD_WRITE_MULTIPLE_EXT, CMD_WRITE_EXT)?;
    for (c, run) in buf[..n * SECTOR].chunks(PER_COMMAND * SECTOR).enumerate() {
        command(cmd, lba + (c * PER_COMMAND) as u64, (run.len() / SECTOR) as u16);
        for data in run.chunks(block * SECTOR) {
            wait(true)?;
            // SAFETY: DRQ is set: the device takes the block's data words; `data` holds them;
            // DF is clear, so `rep outsw` reads it upwards.
            unsafe {
                core::arch::asm!("rep outsw", in("dx") BASE, inout("rsi") data.as_ptr() => _, inout("rcx") data.len() / 2 => _, options(nostack, preserves_flags, readonly));
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
