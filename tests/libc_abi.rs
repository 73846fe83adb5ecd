//! The C-visible surface of the linked kernel (build/bareflow.elf, `make image`): nothing
//! undefined, nothing from glibc, and the symbol registry (the `bf_exports` section every export
//! writes a record into at its definition, see symbol-registry/) checked against docs/libc-abi.md
//! both ways: every registered export listed, every listed symbol registered, listed as `stub`
//! exactly when it is one (stubs also record their names in the .bf_stubs section). C-named
//! symbols that core-rt or core-libc define without registering them are reported too, and so
//! is any symbol of the C++ runtime archives the registry lacks.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use support::{kernel, root};

fn nm(args: &[&str]) -> String {
    let o = Command::new("nm").args(args).arg(kernel()).output().expect("run nm");
    assert!(o.status.success(), "nm failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The raw bytes of section `name` of the ELF file `elf` (empty when it has none).
fn section(elf: &Path, name: &str) -> Vec<u8> {
    // Tests run in parallel and read the same sections: one temporary file per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = support::temp_path(&format!("section-{call}"));
    let st = Command::new("objcopy")
        .args(["-O", "binary", &format!("--only-section={name}")])
        .arg(elf)
        .arg(&tmp)
        .status()
        .expect("run objcopy");
    assert!(st.success(), "objcopy --only-section={name} {} failed", elf.display());
    let bytes = std::fs::read(&tmp).unwrap_or_default();
    let _ = std::fs::remove_file(&tmp);
    bytes
}

/// The symbol registry of the ELF file `elf`: name → address, read from its `bf_exports` section
/// (records of `symbol_registry::Export`: address, name length, name + NUL, padded to 8 bytes).
/// The names are in the records themselves, so no relocation is needed to read them (in a PIE
/// file the addresses read 0: they are filled in at load time).
fn registry(elf: &Path) -> BTreeMap<String, u64> {
    let bytes = section(elf, "bf_exports");
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    let mut out = BTreeMap::new();
    let mut at = 0;
    while at + 16 <= bytes.len() {
        let (addr, len) = (word(at), word(at + 8) as usize);
        let name = &bytes[at + 16..at + 16 + len];
        assert_eq!(bytes[at + 16 + len], 0, "{}: registry record at +{at:#x} is not NUL-terminated", elf.display());
        if !name.is_empty() {
            let name = String::from_utf8(name.to_vec()).expect("registered names are UTF-8");
            assert!(out.insert(name.clone(), addr).is_none(), "{name} is registered twice");
        }
        at += symbol_registry::record_size(len);
    }
    assert_eq!(at, bytes.len(), "{}: the bf_exports section does not end on a record", elf.display());
    out
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

/// C-named global symbols that core-rt or core-libc (its Rust objects or its C shim) define in
/// the image. `core_rt_*` and `bf_*` are internal bridges (C shim ↔ Rust, boot code ↔ core-rt).
fn runtime_defined() -> BTreeSet<String> {
    let globals: BTreeSet<String> =
        nm(&["-g", "--defined-only"]).lines().filter_map(|l| l.split_whitespace().nth(2).map(str::to_string)).collect();
    map_symbols()
        .into_iter()
        .filter(|(sym, input)| {
            ["libcore_rt-", "libcore_libc-", "libbfshim"].iter().any(|lib| input.contains(lib))
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

/// The names `stub!` recorded in the image's .bf_stubs section.
fn linked_stubs() -> BTreeSet<String> {
    section(&kernel(), ".bf_stubs")
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The global symbols gcc's static C++ runtime archives define (`c++ -print-file-name`):
/// libstdc++.a (libsupc++ included) and libgcc_eh.a. core-libc/build.rs registers every one that
/// is an identifier, so that programs reach the C++ runtime on bare metal (docs/libc-abi.md, "The
/// C++ runtime").
fn cxx_runtime_globals() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for archive in ["libstdc++.a", "libgcc_eh.a"] {
        let o = Command::new("c++").arg(format!("-print-file-name={archive}")).output().expect("run c++");
        let path = String::from_utf8(o.stdout).unwrap().trim().to_string();
        assert!(Path::new(&path).is_absolute(), "gcc has no {archive}");
        let o = Command::new("nm").args(["-g", "--defined-only", "-P", &path]).output().expect("run nm");
        assert!(o.status.success(), "nm {path} failed");
        let list = String::from_utf8_lossy(&o.stdout).into_owned();
        out.extend(
            list.lines()
                .filter(|l| l.split_whitespace().count() == 4)
                .map(|l| l.split(' ').next().unwrap().to_string()),
        );
    }
    assert!(out.len() > 5000, "suspiciously few symbols in the C++ runtime archives ({})", out.len());
    out
}

/// Weak references the C++ runtime leaves undefined on purpose: libitm's transactional-memory
/// entry points, which libstdc++'s transaction-safe exception classes call only inside a
/// transaction (never, without libitm); the linker makes them null, as in any program without libitm.
fn allowed_weak_undefined(line: &str) -> bool {
    let mut cols = line.split_whitespace();
    cols.next() == Some("w") && cols.next().is_some_and(|n| n.starts_with("_ITM_") || n.starts_with("_ZGTt"))
}

#[test]
fn nothing_is_undefined() {
    let undefined: Vec<String> =
        nm(&["-u"]).lines().filter(|l| !allowed_weak_undefined(l)).map(str::to_string).collect();
    assert!(undefined.is_empty(), "the kernel has undefined symbols:\n{}", undefined.join("\n"));
}

#[test]
fn the_whole_cxx_runtime_is_registered() {
    let exports = registry(&kernel());
    let ident = |n: &str| {
        n.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
            && n.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
    };
    let missing: Vec<String> =
        cxx_runtime_globals().into_iter().filter(|n| ident(n) && !exports.contains_key(n)).collect();
    assert!(
        missing.is_empty(),
        "C++ runtime symbols not registered ({}): {:?}",
        missing.len(),
        &missing[..missing.len().min(20)]
    );
    // What a C++ program needs first: throwing and catching, RTTI, the personality, the unwinder
    // (JIT code calls _Unwind_Resume; ORC registers JIT objects' .eh_frame with __register_frame).
    for must in [
        "__cxa_throw",
        "__cxa_begin_catch",
        "__gxx_personality_v0",
        "_ZTVN10__cxxabiv120__si_class_type_infoE",
        "_Unwind_Resume",
        "__register_frame",
        "__deregister_frame",
        "_Znwm",
    ] {
        assert!(exports.get(must).is_some_and(|&a| a != 0), "{must} is not registered with an address");
    }
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
fn the_registry_and_the_doc_agree_both_ways() {
    let exports = registry(&kernel());
    assert!(exports.len() > 500, "suspiciously few registered exports ({}): is bf_exports read right?", exports.len());
    for must in ["malloc", "write", "clock_gettime", "__tls_get_addr", "dl_iterate_phdr", "printf", "vga_init"] {
        assert!(exports.contains_key(must), "{must} should be registered");
    }
    let docs = documented();
    let stubs = linked_stubs();
    // The C++ runtime is documented as a whole ("The C++ runtime"), not row by row.
    let cxx = cxx_runtime_globals();
    let mut problems = Vec::new();
    for (e, addr) in &exports {
        let actual = if stubs.contains(e) { "stub" } else { "real" };
        if *addr == 0 {
            problems.push(format!("{e}: registered with address 0"));
        }
        match docs.get(e) {
            None if cxx.contains(e) => {}
            None => problems.push(format!("{e}: registered ({actual}) but not listed in docs/libc-abi.md")),
            Some(d) if d != actual => problems.push(format!("{e}: listed as {d}, but it is {actual}")),
            Some(_) => {}
        }
    }
    for (d, status) in &docs {
        if !exports.contains_key(d) {
            problems.push(format!("{d}: listed as {status} in docs/libc-abi.md, but not registered in the image"));
        }
    }
    let doc_stubs: BTreeSet<&String> = docs.iter().filter(|(_, s)| *s == "stub").map(|(n, _)| n).collect();
    let linked: BTreeSet<&String> = stubs.iter().collect();
    for s in doc_stubs.symmetric_difference(&linked) {
        problems.push(format!("{s}: a stub in {} only", if linked.contains(s) { ".bf_stubs" } else { "the doc" }));
    }
    assert!(problems.is_empty(), "docs/libc-abi.md and the symbol registry disagree:\n{}", problems.join("\n"));
}

#[test]
fn every_c_named_runtime_symbol_is_registered() {
    let exports = registry(&kernel());
    let defined = runtime_defined();
    assert!(defined.len() > 500, "suspiciously few core-rt/core-libc symbols in the map ({})", defined.len());
    let unregistered: Vec<&String> = defined.iter().filter(|s| !exports.contains_key(*s)).collect();
    assert!(
        unregistered.is_empty(),
        "defined with a C name by core-rt/core-libc but not registered (define them with libc_fn!/stub!/export_c!, \
         or register!/BF_EXPORT them):\n{unregistered:?}"
    );
}

symbol_registry::export_c! {
    /// A test-only export of this test program: defined with the registry's macro and nothing else.
    ///
    /// # Safety
    /// Always safe.
    fn libc_abi_test_export() -> i32 {
        7
    }
}

/// Adding an export at its definition is all it takes for the ABI check to see it: the reader
/// used on the kernel above finds this program's test-only export in this program's own file, and
/// the program itself finds it at run time (as dlsym and the JIT's resolver do).
#[test]
fn the_registry_reader_sees_an_export_added_with_the_macro() {
    let me = std::env::current_exe().expect("the test program's path");
    let names = registry(&me);
    assert!(names.contains_key("libc_abi_test_export"), "not in {}'s bf_exports: {names:?}", me.display());
    assert_eq!(symbol_registry::lookup("libc_abi_test_export"), Some(libc_abi_test_export as *const () as usize));
}
