//! Reading the function symbols of an ELF64 file: the JIT's objects (`perfmap`, which places
//! them) and the running executable (`bareflow run --runtime-coverage`, which names its samples).

/// A defined function symbol (`STT_FUNC`) of an ELF file: its name, section index, value (in a
/// relocatable object the offset in its section, in an executable the address) and size.
pub struct FunctionSymbol {
    pub name: String,
    pub section: u16,
    pub value: u64,
    pub size: u64,
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

/// The defined function symbols of a little-endian ELF64 file's symbol tables, in table order;
/// None if it is not one or its tables do not fit in it.
pub fn function_symbols(b: &[u8]) -> Option<Vec<FunctionSymbol>> {
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
            out.push(FunctionSymbol { name, section: shndx, value: u64_at(b, s + 8)?, size: u64_at(b, s + 16)? });
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal ELF64 object: null section, .symtab, .strtab; symbols `f` (section 1, offset
    /// 0x10, size 0x20), `g` (section 1, offset 0x40, size 8), `h` (section 2), an object `d`.
    pub(crate) fn object() -> Vec<u8> {
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
    fn defined_functions_are_read_and_a_cut_table_is_refused() {
        let syms = function_symbols(&object()).unwrap();
        let named: Vec<(&str, u16, u64, u64)> =
            syms.iter().map(|s| (s.name.as_str(), s.section, s.value, s.size)).collect();
        assert_eq!(named, [("f", 1, 0x10, 0x20), ("g", 1, 0x40, 8), ("h", 2, 0, 4)], "not the object `d`");
        assert!(function_symbols(b"not an object").is_none());
        let cut = object();
        assert!(function_symbols(&cut[..cut.len() - 100]).is_none());
    }
}
