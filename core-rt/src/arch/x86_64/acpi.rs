//! ACPI: the other CPUs the MADT lists, and power-off: find the FADT with the `acpi` crate, read \_S5's SLP_TYPa from the DSDT's AML
//! bytes (the package right after the `_S5_` name), and write SLP_TYPa | SLP_EN to PM1a_CNT.

use acpi::fadt::Fadt;
use acpi::sdt::Signature;
use acpi::{AcpiHandler, AcpiTables, PhysicalMapping};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering};
use x86_64::instructions::port::Port;

/// Identity mapping: all physical memory below 4 GiB is mapped at the same address.
#[derive(Clone, Copy)]
struct Identity;

impl AcpiHandler for Identity {
    unsafe fn map_physical_region<T>(&self, phys: usize, size: usize) -> PhysicalMapping<Self, T> {
        let ptr = NonNull::new(phys as *mut T).expect("ACPI table at physical address 0");
        // SAFETY: identity-mapped memory; the mapping is exactly the requested range.
        unsafe { PhysicalMapping::new(phys, ptr, size, size, Identity) }
    }

    fn unmap_physical_region<T>(_region: &PhysicalMapping<Self, T>) {}
}

/// PM1a control port in the low 16 bits, SLP_TYPa in bits 16..19, bit 31 = valid.
static S5: AtomicU32 = AtomicU32::new(0);

/// What was found, for the boot log.
pub struct Info {
    pub pm1a_cnt: u16,
    pub slp_typ_a: u8,
}

/// The ACPI tables, at `rsdp` or found by scanning the BIOS area.
fn tables(rsdp: Option<u64>) -> Result<AcpiTables<Identity>, &'static str> {
    // SAFETY: the RSDP address comes from the loader, or the crate scans the BIOS areas, which
    // are identity-mapped; the crate validates signatures and checksums.
    unsafe {
        match rsdp {
            Some(a) => AcpiTables::from_rsdp(Identity, a as usize),
            None => AcpiTables::search_for_rsdp_bios(Identity),
        }
    }
    .map_err(|_| "no valid ACPI RSDP/RSDT found")
}

/// Local APIC ids of the application processors (every CPU but the boot one) that the MADT lists
/// and firmware did not disable; empty without ACPI tables or a MADT (then there is one CPU).
pub fn application_processors(rsdp: Option<u64>) -> alloc::vec::Vec<u32> {
    use acpi::platform::ProcessorState;
    let Some(cpus) = tables(rsdp).ok().and_then(|t| t.platform_info().ok()).and_then(|i| i.processor_info) else {
        return alloc::vec::Vec::new();
    };
    cpus.application_processors
        .iter()
        .filter(|p| p.state != ProcessorState::Disabled)
        .map(|p| p.local_apic_id)
        .collect()
}

/// Locate the tables (at `rsdp`, or by scanning the BIOS area) and remember how to power off.
pub fn init(rsdp: Option<u64>) -> Result<Info, &'static str> {
    let tables = tables(rsdp)?;
    // SAFETY: the FADT's layout is `Fadt`; the crate maps the length from the table header.
    let fadt = unsafe { tables.get_sdt::<Fadt>(Signature::FADT) }.map_err(|_| "invalid FADT")?.ok_or("no FADT")?;
    let pm1a = fadt.pm1a_control_block().map_err(|_| "FADT has no PM1a control block")?;
    let port = u16::try_from(pm1a.address).map_err(|_| "PM1a control block is not an I/O port")?;
    let dsdt = tables.dsdt.as_ref().ok_or("no DSDT")?;
    // SAFETY: the DSDT's AML stream is identity-mapped and `length` bytes long.
    let aml = unsafe { core::slice::from_raw_parts(dsdt.address as *const u8, dsdt.length as usize) };
    let slp = s5_slp_typ_a(aml).ok_or("DSDT has no \\_S5 package")?;
    S5.store((1 << 31) | ((slp as u32) << 16) | port as u32, Ordering::Relaxed);
    Ok(Info { pm1a_cnt: port, slp_typ_a: slp })
}

/// SLP_TYPa from `Name(_S5_, Package(){a, b, ...})` in raw AML.
pub fn s5_slp_typ_a(aml: &[u8]) -> Option<u8> {
    let at = aml.windows(4).position(|w| w == b"_S5_")?;
    let mut i = at + 4;
    if *aml.get(i)? != 0x12 {
        return None; // PackageOp
    }
    i += 1;
    let lead = *aml.get(i)?;
    i += 1 + (lead >> 6) as usize; // PkgLength: extra bytes in bits 6..7
    i += 1; // NumElements
    match *aml.get(i)? {
        0x0a => aml.get(i + 1).copied(), // BytePrefix
        0x00 => Some(0),                 // ZeroOp
        0x01 => Some(1),                 // OneOp
        _ => None,
    }
}

/// Enter S5 (soft off). Returns only when ACPI was not found or the write had no effect.
pub fn power_off() {
    let s = S5.load(Ordering::Relaxed);
    if s & (1 << 31) == 0 {
        return;
    }
    let mut port: Port<u16> = Port::new(s as u16);
    let slp_typ = ((s >> 16) & 0x7) as u16;
    // SAFETY: PM1a_CNT from the FADT; SLP_TYPa | SLP_EN requests S5 as ACPI specifies.
    unsafe { port.write((slp_typ << 10) | (1 << 13)) };
    for _ in 0..1_000_000 {
        core::hint::spin_loop();
    }
}
