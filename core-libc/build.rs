//! Compiles the C shim (core-libc/shim/*.c): the variadic libc functions stable Rust cannot define.
//! With the `export-libc` feature (the kernel build) the shim exports the C names (printf...);
//! otherwise it uses bf_-prefixed names, so host tests can compare it with glibc.

use std::path::Path;

fn main() {
    let shim = Path::new("shim");
    println!("cargo:rerun-if-changed=shim");
    println!("cargo:rerun-if-changed=../symbol-registry/include");
    let export = std::env::var_os("CARGO_FEATURE_EXPORT_LIBC").is_some();
    // The `registry` feature: BF_EXPORT emits its record (symbol-registry/include/bf_export.h).
    let registry = std::env::var_os("CARGO_FEATURE_REGISTRY").is_some();
    // The C pieces (shim/*.c): freestanding C11.
    let mut c = cc::Build::new();
    if which("clang-19") {
        c.compiler("clang-19");
    }
    c.flag("-ffreestanding").flag("-fno-builtin").flag("-std=c11").include(shim);
    // The whole archive is linked, not only the members something calls: every shim definition is
    // registered (BF_EXPORT), and dlsym or JIT code may look up one the program never calls. The
    // linker's section GC still drops what no one reaches in a program that never reads the registry.
    compile(c, shim, "c", "bfshim", export, registry);

    // The C++ pieces (shim/*.cc): no exceptions, no RTTI, like the LLVM they serve.
    let mut cxx = cc::Build::new();
    cxx.cpp(true).flag("-fno-exceptions").flag("-fno-rtti").flag("-std=c++17").cpp_link_stdlib(None);
    compile(cxx, shim, "cc", "bfshim_cxx", export, registry);
}

/// Build the shim's `*.ext` files with `build` (plus what both languages share: -O2, warnings, no
/// stack protector, the registry's header, the export and registry defines) into the static
/// library `lib`, linked whole.
fn compile(mut build: cc::Build, shim: &Path, ext: &str, lib: &str, export: bool, registry: bool) {
    build.flag("-fno-stack-protector").opt_level(2).warnings(true).include("../symbol-registry/include");
    if export {
        build.define("BF_EXPORT_LIBC", None);
    }
    if registry {
        build.define("BF_REGISTRY", None);
    }
    let mut files: Vec<_> = std::fs::read_dir(shim)
        .expect("core-libc/build.rs: cannot read core-libc/shim")
        .map(|e| e.expect("core-libc/build.rs: bad entry in core-libc/shim").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        build.file(f);
    }
    build.cargo_metadata(false).compile(lib);
    link_whole(lib);
}

/// Link the static library `name` (built in OUT_DIR) with all its members, at the final link.
fn link_whole(name: &str) {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rustc-link-search=native={out}");
    println!("cargo:rustc-link-lib=static:+whole-archive,-bundle={name}");
}

/// Is `prog` on PATH?
fn which(prog: &str) -> bool {
    std::env::var_os("PATH").map(|paths| std::env::split_paths(&paths).any(|d| d.join(prog).is_file())).unwrap_or(false)
}
