//! Compiles the C shim (core-rt/shim/*.c): the variadic libc functions stable Rust cannot define.
//! With the `export-libc` feature (the kernel build) the shim exports the C names (printf...);
//! otherwise it uses bf_-prefixed names, so host tests can compare it with glibc.

use std::path::Path;

fn main() {
    let shim = Path::new("shim");
    println!("cargo:rerun-if-changed=shim");
    let export = std::env::var_os("CARGO_FEATURE_EXPORT_LIBC").is_some();
    let mut build = cc::Build::new();
    if which("clang-19") {
        build.compiler("clang-19");
    }
    build
        .flag("-ffreestanding")
        .flag("-fno-builtin")
        .flag("-fno-stack-protector")
        .flag("-std=c11")
        .opt_level(2)
        .warnings(true)
        .include(shim);
    if export {
        build.define("BF_EXPORT_LIBC", None);
    }
    let mut files: Vec<_> = std::fs::read_dir(shim)
        .expect("core-rt/build.rs: cannot read core-rt/shim")
        .map(|e| e.expect("core-rt/build.rs: bad entry in core-rt/shim").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        build.file(f);
    }
    build.compile("bfshim");

    // The C++ pieces (shim/*.cc): no exceptions, no RTTI, like the LLVM they serve.
    let mut cxx = cc::Build::new();
    cxx.cpp(true)
        .flag("-fno-exceptions")
        .flag("-fno-rtti")
        .flag("-fno-stack-protector")
        .flag("-std=c++17")
        .opt_level(2)
        .warnings(true);
    if export {
        cxx.define("BF_EXPORT_LIBC", None);
    }
    let mut cc_files: Vec<_> = std::fs::read_dir(shim)
        .expect("core-rt/build.rs: cannot read core-rt/shim")
        .map(|e| e.expect("core-rt/build.rs: bad entry in core-rt/shim").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cc"))
        .collect();
    cc_files.sort();
    for f in &cc_files {
        println!("cargo:rerun-if-changed={}", f.display());
        cxx.file(f);
    }
    cxx.cpp_link_stdlib(None).compile("bfshim_cxx");
}

/// Is `prog` on PATH?
fn which(prog: &str) -> bool {
    std::env::var_os("PATH").map(|paths| std::env::split_paths(&paths).any(|d| d.join(prog).is_file())).unwrap_or(false)
}
