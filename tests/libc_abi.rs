//! The libc-ABI surface of the linked kernel (build/bareflow.elf, `make image`) against
//! docs/libc-abi.md: nothing undefined, nothing from glibc, every C-named symbol core-rt exports
//! listed in the table, and listed as `stub` exactly when it is one (stubs record their names in
//! the image's .bf_stubs section).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use support::{kernel, root};

fn nm(args: &[&str]) -> String {
    let o = Command::new("nm").args(args).arg(kernel()).output().expect("run nm");
    assert!(o.status.success(), "nm failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Symbol → input object, from lld's link map (columns: VMA LMA Size Align Out In Symbol).
fn map_symbols() -> BTreeMap<String, String> {
    let map = std::fs::read_to_string(root().join("build/bareflow.map")).expect("build/bareflow.map (make image)");
    let mut lines = map.lines();
    let header = lines.next().expect("map header");
    let col_in = header.find("In ").expect("map header has an 'In' column");
    let col_sym = header.find("Symbol").expect("map header has a 'Symbol' column");
    let mut current_input = String::new();
    let mut out = BTreeMap::new();
    for l in lines {
        if l.len() > col_sym && l[..col_sym].trim_end().len() < col_in && !l[col_sym..].starts_with(' ') {
            out.insert(l[col_sym..].trim().to_string(), current_input.clone());
        } else if l.len() > col_in && !l[col_in..].starts_with(' ') {
            current_input = l[col_in..].trim().to_string();
        }
    }
    out
}

/// C-named global symbols that core-rt (its Rust objects or its C shim) defines in the image.
/// `core_rt_*` and `bf_*` are core-rt's internal bridges between the C shim and Rust.
fn core_rt_exports() -> BTreeSet<String> {
    let globals: BTreeSet<String> =
        nm(&["-g", "--defined-only"]).lines().filter_map(|l| l.split_whitespace().nth(2).map(str::to_string)).collect();
    map_symbols()
        .into_iter()
        .filter(|(sym, input)| {
            (input.contains("libcore_rt-") || input.contains("libcore_rt_shim"))
                && globals.contains(sym)
                && !sym.starts_with("_ZN")
                && !sym.starts_with("_R")
                && !sym.starts_with("core_rt_")
                && !sym.starts_with("bf_")
        })
        .map(|(s, _)| s)
        .collect()
}

/// docs/libc-abi.md rows: name → "real" | "stub".
fn documented() -> BTreeMap<String, String> {
    let doc = std::fs::read_to_string(root().join("docs/libc-abi.md")).expect("docs/libc-abi.md");
    doc.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() >= 5 && matches!(cells[3], "real" | "stub"))
                .then(|| (cells[1].trim_matches('`').to_string(), cells[3].to_string()))
        })
        .collect()
}

fn linked_stubs() -> BTreeSet<String> {
    let tmp = support::temp_path("stubs");
    let st = Command::new("objcopy")
        .args(["-O", "binary", "--only-section=.bf_stubs"])
        .arg(kernel())
        .arg(&tmp)
        .status()
        .expect("run objcopy");
    assert!(st.success());
    let bytes = std::fs::read(&tmp).unwrap_or_default();
    let _ = std::fs::remove_file(&tmp);
    bytes.split(|&b| b == 0).filter(|s| !s.is_empty()).map(|s| String::from_utf8_lossy(s).into_owned()).collect()
}

#[test]
fn nothing_is_undefined() {
    let undefined: Vec<String> = nm(&["-u"]).lines().map(str::to_string).collect();
    assert!(undefined.is_empty(), "the kernel has undefined symbols:\n{}", undefined.join("\n"));
}

#[test]
fn nothing_comes_from_glibc() {
    let all = nm(&[]);
    for glibc_only in [
        "__libc_start_main",
        "__libc_csu_init",
        "_IO_stdin_used",
        "__libc_setup_tls",
        "_dl_relocate_static_pie",
        "__libc_multiple_threads",
        "_IO_2_1_stdout_",
    ] {
        assert!(!all.lines().any(|l| l.ends_with(&format!(" {glibc_only}"))), "glibc symbol {glibc_only} is linked in");
    }
}

#[test]
fn every_export_is_documented_with_its_status() {
    let exports = core_rt_exports();
    assert!(exports.len() > 50, "suspiciously few libc exports found ({}): is the map parsed right?", exports.len());
    for must in ["malloc", "write", "clock_gettime", "__tls_get_addr", "dl_iterate_phdr", "pthread_key_create"] {
        assert!(exports.contains(must), "{must} should be a core-rt export");
    }
    let docs = documented();
    let stubs = linked_stubs();
    let mut problems = Vec::new();
    for e in &exports {
        let actual = if stubs.contains(e) { "stub" } else { "real" };
        match docs.get(e) {
            None => problems.push(format!("{e}: exported ({actual}) but not listed in docs/libc-abi.md")),
            Some(d) if d != actual => problems.push(format!("{e}: listed as {d}, but it is {actual}")),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "docs/libc-abi.md is out of date:\n{}", problems.join("\n"));
}
