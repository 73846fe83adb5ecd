//! `BAREFLOW_PERF_MAP=1`: name the JIT's code for Linux `perf`. Every piece of code the tier
//! manager makes a function run (a compile, an OSR variant, an object linked from the snapshot
//! cache) appends one `START SIZE NAME` line (hex, hex, symbol) per function symbol of its object
//! to `/tmp/perf-PID.map`, the file `perf report` reads for code outside any ELF file. Names are
//! the JIT's symbols (`matmul.bf.O3.bg0.7`: function, tier, compile), so a profile shows which
//! tier ran. Sizes and the other symbols' places come from the object's ELF symbol table: symbols
//! in the section of the one linked are placed at the same distance from it (a section is loaded
//! whole), others are left out.

use std::io::Write;

/// Whether the environment asks for the map (read once per run by the tier manager).
pub fn wanted() -> bool {
    std::env::var_os("BAREFLOW_PERF_MAP").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Append the lines of `object`'s function symbols, `symbol` being linked at `address`. A write
/// that fails is reported once per call on stderr; the run goes on.
pub fn note(symbol: &str, address: u64, object: &[u8]) {
    let lines = lines(symbol, address, object);
    let path = format!("/tmp/perf-{}.map", std::process::id());
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(lines.as_bytes()));
    if let Err(e) = written {
        eprintln!("[tier] BAREFLOW_PERF_MAP: {path}: {e}");
    }
}

/// The map lines for `object` with `symbol` at `address`; just `symbol` (size 1) when the object
/// has no symbol table that names it.
fn lines(symbol: &str, address: u64, object: &[u8]) -> String {
    let syms = functions(object).unwrap_or_default();
    let Some(anchor) = syms.iter().find(|s| s.name == symbol) else {
        return format!("{address:x} 1 {symbol}\n");
    };
    syms.iter()
        .filter(|s| s.section == anchor.section)
        .map(|s| {
            format!("{:x} {:x} {}\n", address.wrapping_add(s.value).wrapping_sub(anchor.value), s.size.max(1), s.name)
        })
        .collect()
}

/// A function symbol of a relocatable object: its name, section index, offset in that section
/// and size.
struct Sym {
    name: String,
    section: u16,
    value: u64,
    size: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The function symbols (`STT_FUNC`, defined) of a little-endian ELF64 object; None if it is not
/// one or its tables do not fit in it.
fn functions(b: &[u8]) -> Option<Vec<Sym>> {
    if b.get(0..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let (shoff, shentsize, shnum) = (u64_at(b, 0x28)? as usize, u16_at(b, 0x3a)? as usize, u16_at(b, 0x3c)? as usize);
    let section = |k: usize| shoff.checked_add(k.checked_mul(shentsize)?);
    let mut out = Vec::new();
    for k in 0..shnum {
        let h = section(k)?;
        if u32_at(b, h + 4)? != 2 {
            continue; // not SHT_SYMTAB
        }
        let (off, size, entsize) =
            (u64_at(b, h + 0x18)? as usize, u64_at(b, h + 0x20)? as usize, u64_at(b, h + 0x38)? as usize);
        let strtab = section(u32_at(b, h + 0x28)? as usize)?;
        let (str_off, str_size) = (u64_at(b, strtab + 0x18)? as usize, u64_at(b, strtab + 0x20)? as usize);
        let names = b.get(str_off..str_off.checked_add(str_size)?)?;
        for s in (0..size / entsize.max(1)).map(|i| off + i * entsize) {
            let (info, shndx) = (*b.get(s + 4)?, u16_at(b, s + 6)?);
            if info & 0xf != 2 || shndx == 0 {
                continue; // not a defined function
            }
            let name = names.get(u32_at(b, s)? as usize..)?;
            let name = String::from_utf8_lossy(&name[..name.iter().position(|&c| c == 0)?]).into_owned();
            out.push(Sym { name, section: shndx, value: u64_at(b, s + 8)?, size: u64_at(b, s + 16)? });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 object: null section, .symtab, .strtab; symbols `f` (section 1, offset
    /// 0x10, size 0x20), `g` (section 1, offset 0x40, size 8), `h` (section 2), an object `d`.
    fn object() -> Vec<u8> {
        let strtab = b"\0f\0g\0h\0d\0".to_vec();
        let sym = |name: u32, info: u8, shndx: u16, value: u64, size: u64| {
            let mut s = Vec::new();
            s.extend(name.to_le_bytes());
            s.extend([info, 0]);
            s.extend(shndx.to_le_bytes());
            s.extend(value.to_le_bytes());
            s.extend(size.to_le_bytes());
            s
        };
        let mut symtab = vec![0u8; 24];
        symtab.extend(sym(1, 0x12, 1, 0x10, 0x20));
        symtab.extend(sym(3, 0x12, 1, 0x40, 8));
        symtab.extend(sym(5, 0x12, 2, 0, 4));
        symtab.extend(sym(7, 0x11, 1, 0, 4));
        let mut b = vec![0u8; 64];
        b[0..6].copy_from_slice(b"\x7fELF\x02\x01");
        let (sym_off, str_off) = (64, 64 + symtab.len());
        let shoff = str_off + strtab.len();
        b[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
        b[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        b[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
        b.extend(&symtab);
        b.extend(&strtab);
        let header = |kind: u32, off: usize, size: usize, link: u32, entsize: u64| {
            let mut h = vec![0u8; 64];
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[0x18..0x20].copy_from_slice(&(off as u64).to_le_bytes());
            h[0x20..0x28].copy_from_slice(&(size as u64).to_le_bytes());
            h[0x28..0x2c].copy_from_slice(&link.to_le_bytes());
            h[0x38..0x40].copy_from_slice(&entsize.to_le_bytes());
            h
        };
        b.extend(vec![0u8; 64]);
        b.extend(header(2, sym_off, symtab.len(), 2, 24));
        b.extend(header(3, str_off, strtab.len(), 0, 0));
        b
    }

    #[test]
    fn functions_of_the_linked_symbols_section_are_placed_from_it() {
        assert_eq!(lines("f", 0x1000, &object()), "1000 20 f\n1030 8 g\n");
        assert_eq!(lines("h", 0x2000, &object()), "2000 4 h\n");
        // Not in the object, or not an object at all: the symbol alone.
        assert_eq!(lines("zz", 0x3000, &object()), "3000 1 zz\n");
        assert_eq!(lines("f", 0x3000, b"not an object"), "3000 1 f\n");
        // Cut short (into the section headers): nothing read past the end.
        let cut = object();
        assert_eq!(lines("f", 0x3000, &cut[..cut.len() - 100]), "3000 1 f\n");
    }
}
