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
    let syms = crate::elf::function_symbols(object).unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_of_the_linked_symbols_section_are_placed_from_it() {
        let object = crate::elf::tests::object;
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
